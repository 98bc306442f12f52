// Package login holds the login flows of identities: a request with
// credentials (typically from environment variables) whose answer carries a
// token, picked from a JSON path, a header or a cookie, and sent back on
// every request of the identity. The transport client runs a flow before an
// identity's first request and again when its session expires.
package login

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/transport"
)

// Flow is one login flow.
type Flow struct {
	// Method and Path of the login request (POST /api/login).
	Method string
	Path   string
	Header http.Header
	Body   []byte

	// Where the token is in the answer: exactly one of them.
	TokenJSON   string // dotted path: access_token, data.token, tokens[0].value
	TokenHeader string // X-Auth-Token
	TokenCookie string // session

	// How the token is sent: header SendHeader with SendFormat, in which
	// {token} stands for the token. Defaults: Authorization: Bearer {token},
	// or Cookie: NAME={token} for a cookie token.
	SendHeader string
	SendFormat string
}

var (
	_ transport.Authenticator = (*Flow)(nil)
	_ transport.Issuer        = (*Flow)(nil)
)

// Operation returns the login request's method (POST when unset) and path.
func (f *Flow) Operation() (method, path string) {
	method = strings.ToUpper(f.Method)
	if method == "" {
		method = http.MethodPost
	}
	return method, f.Path
}

// Validate checks a flow is complete.
func (f *Flow) Validate() error {
	if f.Path == "" {
		return errors.New("login needs a path")
	}
	n := 0
	for _, s := range []string{f.TokenJSON, f.TokenHeader, f.TokenCookie} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return errors.New("login needs exactly one token source: json, header or cookie")
	}
	if f.SendFormat != "" && !strings.Contains(f.SendFormat, "{token}") {
		return errors.New("login send format must contain {token}")
	}
	if strings.ContainsAny(f.SendHeader, " :\r\n") {
		return fmt.Errorf("login send header %q is not a header name", f.SendHeader)
	}
	return nil
}

// HeaderNames lists the header the flow sets.
func (f *Flow) HeaderNames() []string {
	h, _ := f.send()
	return []string{h}
}

func (f *Flow) send() (header, format string) {
	header, format = f.SendHeader, f.SendFormat
	if header == "" {
		header = "Authorization"
		if f.TokenCookie != "" {
			header = "Cookie"
		}
	}
	if format == "" {
		format = "Bearer {token}"
		if strings.EqualFold(header, "Cookie") {
			name := f.TokenCookie
			if name == "" {
				name = "session"
			}
			format = name + "={token}"
		}
	}
	return header, format
}

// Login runs the flow and returns the headers to send. Errors never contain
// the credentials or the token.
func (f *Flow) Login(ctx context.Context, send func(context.Context, transport.Request) (*transport.Response, error)) (http.Header, error) {
	method := f.Method
	if method == "" {
		method = http.MethodPost
	}
	resp, err := send(ctx, transport.Request{Method: strings.ToUpper(method), Path: f.Path, Header: f.Header.Clone(), Body: f.Body})
	if err != nil {
		return nil, err
	}
	if resp.Status < 200 || resp.Status > 399 {
		return nil, fmt.Errorf("%s %s answered %d", strings.ToUpper(method), f.Path, resp.Status)
	}
	token, err := f.Token(resp)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(token, "\r\n") {
		return nil, errors.New("the token has a line break")
	}
	return f.Send(token), nil
}

// Send returns the headers that carry token the way the flow sends its
// own: its send header with its format ("Authorization: Bearer {token}",
// "Cookie: session={token}"). The header name is kept as configured (see
// transport.Identity).
func (f *Flow) Send(token string) http.Header {
	name, format := f.send()
	return http.Header{name: {strings.ReplaceAll(format, "{token}", token)}}
}

// Token returns the token the flow reads from a login answer: at its JSON
// path, in its header or in its cookie. Errors never contain the token.
func (f *Flow) Token(resp *transport.Response) (string, error) {
	switch {
	case f.TokenHeader != "":
		if v := strings.TrimSpace(resp.Header.Get(f.TokenHeader)); v != "" {
			return v, nil
		}
		return "", fmt.Errorf("the login answer has no %s header", f.TokenHeader)
	case f.TokenCookie != "":
		for _, c := range (&http.Response{Header: resp.Header}).Cookies() {
			if c.Name == f.TokenCookie && c.Value != "" {
				return c.Value, nil
			}
		}
		return "", fmt.Errorf("the login answer sets no %s cookie", f.TokenCookie)
	default:
		v, err := JSONPath(resp.Body, f.TokenJSON)
		if err != nil {
			return "", fmt.Errorf("token at %q: %w", f.TokenJSON, err)
		}
		return v, nil
	}
}

// JSONPath returns the string or number at a dotted path such as
// "data.tokens[0].access" (a leading "$." is allowed).
func JSONPath(body []byte, path string) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", errors.New("the answer is not JSON")
	}
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			continue
		}
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			m, ok := v.(map[string]any)
			if !ok {
				return "", errors.New("no such field")
			}
			if v, ok = m[name]; !ok {
				return "", errors.New("no such field")
			}
		}
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			if !ok {
				return "", errors.New("bad index")
			}
			i, err := strconv.Atoi(idx)
			a, isArr := v.([]any)
			if err != nil || !isArr || i < 0 || i >= len(a) {
				return "", errors.New("no such element")
			}
			v = a[i]
			rest = strings.TrimPrefix(after, "[")
		}
	}
	switch t := v.(type) {
	case string:
		if t == "" {
			return "", errors.New("empty token")
		}
		return t, nil
	case json.Number:
		return t.String(), nil
	}
	return "", errors.New("not a string")
}

// SentToken returns the token inside the headers the flow produced (the
// value of its send header, without the format around {token}), or "".
func (f *Flow) SentToken(h http.Header) string {
	name, format := f.send()
	var v string
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			v = vs[0]
		}
	}
	before, after, _ := strings.Cut(format, "{token}")
	if v == "" || !strings.HasPrefix(v, before) || !strings.HasSuffix(v, after) || len(v) < len(before)+len(after) {
		return ""
	}
	return v[len(before) : len(v)-len(after)]
}

// AccountKind says what a login or account field holds, from its name:
// "email" (email, user_email, mail), "username" (username, user, login,
// user_name, account, handle) or "" for any other field.
func AccountKind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "email") || n == "mail":
		return "email"
	case n == "username" || n == "user" || n == "login" || n == "user_name" || n == "account" || n == "handle":
		return "username"
	}
	return ""
}

// PasswordField reports whether a login field holds a password, from its
// name: password, passwd, pass, user_password, pwd.
func PasswordField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "pass") || n == "pwd"
}
