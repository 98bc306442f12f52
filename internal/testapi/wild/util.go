package wild

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"
)

// ---------------------------------------------------------------- routing

type params map[string]string

type handlerFunc func(w http.ResponseWriter, r *http.Request, p params)

type route struct {
	method  string
	pattern string
	segs    []string
	h       handlerFunc
}

// router is a tiny path-template router. Unlike net/http's ServeMux it lets
// each variant answer unknown paths and wrong methods the way its original
// stack would.
type router struct {
	routes []route
	// trailingSlash: treat "/x/" as "/x" (Express default, non-strict routing).
	trailingSlash bool
	notFound      http.HandlerFunc
	badMethod     func(w http.ResponseWriter, r *http.Request, allow []string)
}

func (rt *router) handle(method, pattern string, h handlerFunc) {
	rt.routes = append(rt.routes, route{method: method, pattern: pattern, segs: split(pattern), h: h})
}

func split(p string) []string {
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

func match(segs, parts []string) (params, bool) {
	if len(segs) != len(parts) {
		return nil, false
	}
	var p params
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if parts[i] == "" {
				return nil, false
			}
			if p == nil {
				p = params{}
			}
			p[s[1:len(s)-1]] = parts[i]
			continue
		}
		if s != parts[i] {
			return nil, false
		}
	}
	return p, true
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	if rt.trailingSlash && len(path) > 1 {
		path = strings.TrimRight(path, "/")
		if path == "" {
			path = "/"
		}
	}
	parts := split(path)
	var allow []string
	for _, ro := range rt.routes {
		p, ok := match(ro.segs, parts)
		if !ok {
			continue
		}
		if ro.method == r.Method || (ro.method == "GET" && r.Method == "HEAD") {
			if p == nil {
				p = params{}
			}
			ro.h(w, r, p)
			return
		}
		allow = append(allow, ro.method)
	}
	if len(allow) > 0 && rt.badMethod != nil {
		rt.badMethod(w, r, allow)
		return
	}
	if rt.notFound != nil {
		rt.notFound(w, r)
		return
	}
	http.NotFound(w, r)
}

func (rt *router) operations() []Operation {
	var out []Operation
	seen := map[string]bool{}
	for _, ro := range rt.routes {
		k := ro.method + " " + ro.pattern
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, Operation{Method: ro.method, Path: ro.pattern})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// ---------------------------------------------------------------- responses

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(v)
	w.Write(b)
}

// writePyJSON answers like Flask's jsonify: pretty printed, no charset.
func writePyJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Server", "Werkzeug/3.0.1 Python/3.11.6")
	w.WriteHeader(status)
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Write(append(b, '\n'))
}

func writeHTML(w http.ResponseWriter, status int, s string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, s)
}

func writeText(w http.ResponseWriter, status int, ctype, s string) {
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	io.WriteString(w, s)
}

// expressNotFound is what Express's finalhandler sends for an unknown route.
func expressNotFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Powered-By", "Express")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	writeHTML(w, 404, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot "+
		r.Method+" "+htmlEscape(r.URL.Path)+"</pre>\n</body>\n</html>\n")
}

// flaskNotFound is werkzeug's NotFound page.
func flaskNotFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "Werkzeug/3.0.1 Python/3.11.6")
	writeHTML(w, 404, "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n")
}

func flaskBadMethod(w http.ResponseWriter, r *http.Request, allow []string) {
	w.Header().Set("Server", "Werkzeug/3.0.1 Python/3.11.6")
	w.Header().Set("Allow", strings.Join(append(allow, "OPTIONS"), ", "))
	writeHTML(w, 405, "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n")
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&#34;", "'", "&#39;")
	return r.Replace(s)
}

// readJSON decodes a JSON object body; it reports false on anything else.
func readJSON(r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}

func bearer(r *http.Request, header string) string {
	v := strings.TrimSpace(getHeader(r, header))
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return v
}

// ---------------------------------------------------------------- tokens

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func randSecret() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

var b64 = base64.RawURLEncoding

// signJWT builds an HS256 JWT by hand.
func signJWT(secret []byte, claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	in := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(in))
	return in + "." + b64.EncodeToString(m.Sum(nil))
}

// unsignedJWT builds an alg "none" token (used only by tests and HAR traffic).
func unsignedJWT(claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	return b64.EncodeToString(h) + "." + b64.EncodeToString(c) + "."
}

var errToken = errors.New("invalid token")

// parseJWT verifies an HS256 token. With acceptNone it also takes tokens whose
// header says alg "none" without checking any signature (the planted flaw of
// the graphql variant).
func parseJWT(secret []byte, tok string, acceptNone bool) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errToken
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, errToken
	}
	var hdr struct{ Alg string }
	if json.Unmarshal(hb, &hdr) != nil {
		return nil, errToken
	}
	switch {
	case strings.EqualFold(hdr.Alg, "none") && acceptNone:
	case hdr.Alg == "HS256":
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(parts[0] + "." + parts[1]))
		sig, err := b64.DecodeString(parts[2])
		if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
			return nil, errToken
		}
	default:
		return nil, errToken
	}
	cb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errToken
	}
	var claims map[string]any
	if json.Unmarshal(cb, &claims) != nil {
		return nil, errToken
	}
	if exp, ok := claims["exp"].(float64); ok && time.Now().Unix() > int64(exp) {
		return nil, errToken
	}
	return claims, nil
}

func claimString(c map[string]any, k string) string {
	switch v := c[k].(type) {
	case string:
		return v
	case float64:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return ""
}

func stdClaims(sub, name string, extra map[string]any) map[string]any {
	now := time.Now().Unix()
	c := map[string]any{"sub": sub, "name": name, "iat": now, "exp": now + 8*3600}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

// ---------------------------------------------------------------- HAR

// harRecorder drives a handler in-process and records the exchanges as HAR 1.2.
type harRecorder struct {
	h       http.Handler
	origin  string
	entries []any
	start   time.Time
}

func newHAR(h http.Handler, origin string) *harRecorder {
	return &harRecorder{h: h, origin: origin, start: time.Now().UTC().Add(-10 * time.Minute)}
}

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (hr *harRecorder) do(method, target string, headers [][2]string, body string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, hr.origin+target, rd)
	reqHeaders := []nv{{"Host", req.Host}, {"Accept", "application/json, text/plain, */*"}, {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"}}
	req.Header.Set("Accept", "application/json, text/plain, */*")
	for _, h := range headers {
		req.Header[h[0]] = []string{h[1]} // keep exact case
		reqHeaders = append(reqHeaders, nv{h[0], h[1]})
	}
	rec := httptest.NewRecorder()
	hr.h.ServeHTTP(rec, req)

	var qs []nv
	for k, vs := range req.URL.Query() {
		for _, v := range vs {
			qs = append(qs, nv{k, v})
		}
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].Name < qs[j].Name })
	if qs == nil {
		qs = []nv{}
	}
	request := map[string]any{
		"method": method, "url": req.URL.String(), "httpVersion": "HTTP/1.1",
		"cookies": []any{}, "headers": reqHeaders, "queryString": qs,
		"headersSize": -1, "bodySize": len(body),
	}
	if body != "" {
		ct := "application/json"
		for _, h := range headers {
			if strings.EqualFold(h[0], "Content-Type") {
				ct = h[1]
			}
		}
		request["postData"] = map[string]any{"mimeType": ct, "text": body}
	}
	var respHeaders []nv
	for k, vs := range rec.Header() {
		for _, v := range vs {
			respHeaders = append(respHeaders, nv{k, v})
		}
	}
	sort.Slice(respHeaders, func(i, j int) bool { return respHeaders[i].Name < respHeaders[j].Name })
	if respHeaders == nil {
		respHeaders = []nv{}
	}
	rb := rec.Body.String()
	mime := rec.Header().Get("Content-Type")
	response := map[string]any{
		"status": rec.Code, "statusText": http.StatusText(rec.Code), "httpVersion": "HTTP/1.1",
		"cookies": []any{}, "headers": respHeaders, "redirectURL": rec.Header().Get("Location"),
		"headersSize": -1, "bodySize": len(rb),
		"content": map[string]any{"size": len(rb), "mimeType": mime, "text": rb},
	}
	started := hr.start.Add(time.Duration(len(hr.entries)) * 1700 * time.Millisecond)
	hr.entries = append(hr.entries, map[string]any{
		"startedDateTime": started.Format("2006-01-02T15:04:05.000Z"),
		"time":            42,
		"request":         request,
		"response":        response,
		"cache":           map[string]any{},
		"timings":         map[string]any{"send": 1, "wait": 40, "receive": 1},
	})
	return rec
}

func (hr *harRecorder) bytes() []byte {
	doc := map[string]any{"log": map[string]any{
		"version": "1.2",
		"creator": map[string]any{"name": "WebInspector", "version": "537.36"},
		"pages":   []any{},
		"entries": hr.entries,
	}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
	return buf.Bytes()
}

// ---------------------------------------------------------------- misc

func mask(s string) string {
	if len(s) <= 4 {
		return "****"
	}
	return "****" + s[len(s)-4:]
}

// jsonField returns a top-level string field of a JSON object ("" if absent).
func jsonField(body, key string) string {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}

// getHeader looks a request header up case-insensitively, so that requests
// built in-process with non-canonical header keys still authenticate.
func getHeader(r *http.Request, name string) string {
	if v := r.Header.Get(name); v != "" {
		return v
	}
	for k, vs := range r.Header {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}
