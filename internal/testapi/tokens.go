package testapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/jwt"
)

// The token API is a second small API for the ways tokens reach a scanner:
// a login flow, a literal-case custom header (an API Gateway stand-in), an
// environment dump, a cookie session next to an unused JWT, a token the
// app only echoes and a token it issues. Its variants differ only in the
// app's own weaknesses; the identities a test brings are the same.
const (
	// TokensLoginUser and TokensLoginPassword log in at POST /auth/login.
	TokensLoginUser     = "carol"
	TokensLoginPassword = "carol-pass-81"
	// TokensEnvKey signs the tokens sent in the JWT_TOKEN header. It is in
	// no weak-key list: only the vulnerable variant's environment dump
	// (GET /api/debug/env) gives it away.
	TokensEnvKey = "northwind-jwt-2024-Qx7-Lr"
	// TokensSession is the session cookie value that authenticates frank.
	TokensSession = "sid=frank-6f0c2a9d"
)

// tokensLoginKey signs login tokens: a weak, guessable secret in the
// vulnerable variant, a long random one in the fixed.
func tokensLoginKey(v Variant) string {
	if v == Vulnerable {
		return "secret123"
	}
	return "Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m"
}

// TokensToken signs claims with key (HS256), for identities of tests.
func TokensToken(key string, claims map[string]any) string {
	t, err := jwt.SignHS256(key, nil, claims)
	if err != nil {
		panic(err) // claims of tests are always encodable
	}
	return t
}

// Tokens returns the token API of variant v.
func Tokens(v Variant) http.Handler {
	mux := http.NewServeMux()
	links := []string{"/api/me", "/api/account", "/api/echo", "/api/token", "/api/debug/env"}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"name": "Northwind Tokens API", "links": links})
	})
	mux.HandleFunc("POST /auth/login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Username, Password string }
		if json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in) != nil || in.Username != TokensLoginUser || in.Password != TokensLoginPassword {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "bad credentials"})
			return
		}
		now := time.Now().Unix()
		writeJSON(w, http.StatusOK, map[string]any{"access_token": TokensToken(tokensLoginKey(v), map[string]any{"sub": "carol", "iat": now, "exp": now + 900})})
	})
	// /api/me takes a login token (Authorization: Bearer) or, as a Lambda
	// handler reading event["headers"]["JWT_TOKEN"] would, a token under
	// the literal header name JWT_TOKEN only.
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		if t, err := jwt.Parse(bearer(r)); err == nil && t.Alg() == "HS256" && t.Verify(tokensLoginKey(v)) {
			writeJSON(w, http.StatusOK, map[string]any{"user": t.Claims["sub"]})
			return
		}
		if t, err := jwt.Parse(LiteralHeader(r, "JWT_TOKEN")); err == nil && t.Alg() == "HS256" && t.Verify(TokensEnvKey) {
			writeJSON(w, http.StatusOK, map[string]any{"user": t.Claims["sub"]})
			return
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "missing or invalid token"})
	})
	// /api/account authenticates by session cookie only and never reads
	// Authorization: any JWT sent next to the cookie is unused.
	mux.HandleFunc("GET /api/account", func(w http.ResponseWriter, r *http.Request) {
		name, value, _ := strings.Cut(TokensSession, "=")
		if c, err := r.Cookie(name); err == nil && c.Value == value {
			writeJSON(w, http.StatusOK, map[string]any{"account": "frank", "plan": "basic"})
			return
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
	})
	// /api/echo returns the caller's own bearer token: the app did not
	// issue it.
	mux.HandleFunc("GET /api/echo", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"received_token": bearer(r)})
	})
	// /api/token issues a guest token without being sent one: unsigned in
	// the vulnerable variant.
	mux.HandleFunc("GET /api/token", func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().Unix()
		claims := map[string]any{"sub": "guest", "iat": now, "exp": now + 900}
		tok := TokensToken(tokensLoginKey(Fixed), claims)
		if v == Vulnerable {
			parsed, _ := jwt.Parse(tok)
			tok = parsed.NoneVariant()
		}
		writeJSON(w, http.StatusOK, map[string]any{"guest_token": tok})
	})
	mux.HandleFunc("GET /api/debug/env", func(w http.ResponseWriter, r *http.Request) {
		if v == Fixed {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"env": map[string]string{
			"FLASK_ENV": "production", "PATH": "/usr/local/bin:/usr/bin", "JWT_SECRET": TokensEnvKey, "AWS_REGION": "eu-west-1",
		}})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	})
	return mux
}

type literalKey struct{}

// LiteralHeader returns the value of the header sent under exactly this
// name (case included), as API Gateway hands headers to a Lambda handler.
// Only requests served by ServeLiteral know the names as sent; for others
// it returns "".
func LiteralHeader(r *http.Request, name string) string {
	raw, _ := r.Context().Value(literalKey{}).(map[string]string)
	return raw[name]
}

// ServeLiteral serves h on a loopback port over HTTP/1.1, one request per
// connection, keeping the header names exactly as the client sent them
// (net/http's server canonicalises them) for LiteralHeader.
func ServeLiteral(ctx context.Context, h http.Handler) (baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var wg sync.WaitGroup
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
				serveLiteral(conn, h)
			}()
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ln.Close()
			wg.Wait()
		})
	}
	go func() {
		<-ctx.Done()
		stop()
	}()
	return "http://" + ln.Addr().String(), stop, nil
}

func serveLiteral(conn net.Conn, h http.Handler) {
	br := bufio.NewReader(conn)
	var head bytes.Buffer
	raw := map[string]string{}
	for first := true; ; first = false {
		line, err := br.ReadString('\n')
		if err != nil || head.Len() > 64<<10 {
			return
		}
		head.WriteString(line)
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && !first {
			raw[k] = strings.TrimSpace(v)
		}
	}
	req, err := http.ReadRequest(bufio.NewReader(io.MultiReader(&head, br)))
	if err != nil {
		return
	}
	req = req.WithContext(context.WithValue(req.Context(), literalKey{}, raw))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	res.Header.Set("Connection", "close")
	fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\n", res.StatusCode, http.StatusText(res.StatusCode))
	res.Header.Set("Content-Length", fmt.Sprint(rec.Body.Len()))
	_ = res.Header.Write(conn)
	_, _ = io.WriteString(conn, "\r\n")
	_, _ = conn.Write(rec.Body.Bytes())
}
