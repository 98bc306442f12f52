// Package postman reads Postman collections (format v2.1, and v2.0 which
// has the same shape for what is read here) into endpoints.
package postman

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/surface"
)

// MaxSize bounds a collection file.
const MaxSize = 64 << 20

type keyValue struct {
	Key      string `json:"key"`
	Value    any    `json:"value"`
	Disabled bool   `json:"disabled"`
}

func (kv keyValue) text() string { return surface.Scalar(kv.Value) }

type auth struct {
	Type   string     `json:"type"`
	Bearer []keyValue `json:"bearer"`
	APIKey []keyValue `json:"apikey"`
	Basic  []keyValue `json:"basic"`
}

type rawURL struct {
	Raw      string
	Path     []string
	Query    []keyValue
	Variable []keyValue
}

func (u *rawURL) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		u.Raw = s
		return nil
	}
	var o struct {
		Raw      string     `json:"raw"`
		Path     any        `json:"path"`
		Query    []keyValue `json:"query"`
		Variable []keyValue `json:"variable"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	u.Raw, u.Query, u.Variable = o.Raw, o.Query, o.Variable
	switch p := o.Path.(type) {
	case string:
		u.Path = strings.Split(strings.Trim(p, "/"), "/")
	case []any:
		for _, s := range p {
			switch t := s.(type) {
			case string:
				u.Path = append(u.Path, t)
			case map[string]any:
				u.Path = append(u.Path, surface.Scalar(t["value"]))
			}
		}
	}
	return nil
}

type request struct {
	Method string     `json:"method"`
	URL    *rawURL    `json:"url"`
	Header []keyValue `json:"header"`
	Auth   *auth      `json:"auth"`
	Body   *struct {
		Mode string `json:"mode"`
		Raw  string `json:"raw"`
	} `json:"body"`
}

type item struct {
	Name    string          `json:"name"`
	Item    []item          `json:"item"`
	Request json.RawMessage `json:"request"`
	Auth    *auth           `json:"auth"`
}

type collection struct {
	Info *struct {
		Schema string `json:"schema"`
	} `json:"info"`
	Item     []item     `json:"item"`
	Auth     *auth      `json:"auth"`
	Variable []keyValue `json:"variable"`
}

// LoadFile reads a collection file.
func LoadFile(path string) (*surface.Recorded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read Postman collection %q: %w", path, err)
	}
	defer f.Close()
	rec, err := Read(io.LimitReader(f, MaxSize))
	if err != nil {
		return nil, fmt.Errorf("load Postman collection %q: %w", path, err)
	}
	return rec, nil
}

var (
	pmVar   = regexp.MustCompile(`\{\{([^{}]+)\}\}`)
	colonID = regexp.MustCompile(`^:([A-Za-z_][A-Za-z0-9_]*)$`)
)

// Read parses a collection. Only the path and query of each request are
// kept: the host is usually a {{baseUrl}} variable and the scan target
// decides where requests go.
func Read(r io.Reader) (*surface.Recorded, error) {
	var c collection
	if err := json.NewDecoder(r).Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: not a Postman collection: %v", surface.ErrMalformed, err)
	}
	if c.Info == nil || (c.Item == nil && !strings.Contains(c.Info.Schema, "collection")) {
		return nil, fmt.Errorf("%w: not a Postman collection: no info or items", surface.ErrMalformed)
	}
	vars := map[string]string{}
	for _, v := range c.Variable {
		vars[v.Key] = v.text()
	}
	rec := &surface.Recorded{}
	creds := surface.NewCredentialSet("postman")
	var walk func(items []item, inherited *auth, depth int) error
	walk = func(items []item, inherited *auth, depth int) error {
		if depth > 64 {
			return fmt.Errorf("%w: folders nested too deep", surface.ErrMalformed)
		}
		for _, it := range items {
			a := inherited
			if it.Auth != nil {
				a = it.Auth
			}
			if len(it.Item) > 0 {
				if err := walk(it.Item, a, depth+1); err != nil {
					return err
				}
			}
			if len(it.Request) == 0 {
				continue
			}
			var req request
			if err := json.Unmarshal(it.Request, &req); err != nil {
				// A request may be a bare URL string.
				var s string
				if json.Unmarshal(it.Request, &s) != nil {
					rec.Skipped++
					continue
				}
				req = request{Method: http.MethodGet, URL: &rawURL{Raw: s}}
			}
			if req.Auth != nil {
				a = req.Auth
			}
			ep, ok := endpoint(req, vars)
			if !ok {
				rec.Skipped++
				continue
			}
			h := http.Header{}
			for _, kv := range req.Header {
				if !kv.Disabled {
					h[kv.Key] = append(h[kv.Key], expand(kv.text(), vars)) // names as written

				}
			}
			addAuth(h, a, vars)
			creds.Add(h)
			rec.Endpoints = surface.Merge(rec.Endpoints, ep, 10)
		}
		return nil
	}
	if err := walk(c.Item, c.Auth, 0); err != nil {
		return nil, err
	}
	rec.Credentials = creds.List()
	return rec, nil
}

func expand(s string, vars map[string]string) string {
	return pmVar.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vars[m[2:len(m)-2]]; ok {
			return v
		}
		return m
	})
}

func endpoint(req request, vars map[string]string) (surface.Endpoint, bool) {
	if req.URL == nil {
		return surface.Endpoint{}, false
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	segs := req.URL.Path
	var rawQuery string
	if req.URL.Raw != "" {
		// The raw URL has the path of {{baseUrl}} too; the path array has not.
		raw := expand(req.URL.Raw, vars)
		// Drop scheme and host, whatever they are ({{baseUrl}} included).
		if i := strings.Index(raw, "://"); i >= 0 {
			raw = raw[i+3:]
		}
		if i := strings.IndexByte(raw, '/'); i >= 0 {
			raw = raw[i:]
		} else {
			raw = "/"
		}
		raw, rawQuery, _ = strings.Cut(raw, "?")
		segs = strings.Split(strings.Trim(raw, "/"), "/")
	}
	pathVars := map[string]string{}
	for _, v := range req.URL.Variable {
		pathVars[v.Key] = expand(v.text(), vars)
	}
	ep := surface.Endpoint{Method: method, Source: surface.SourcePostman}
	var out []string
	for _, seg := range segs {
		seg = expand(seg, vars)
		if m := colonID.FindStringSubmatch(seg); m != nil {
			out = append(out, "{"+m[1]+"}")
			p := surface.Param{Name: m[1], In: "path", Required: true}
			if v := pathVars[m[1]]; v != "" {
				p.Values = []string{v}
			} else {
				p.Values, p.Synthetic = []string{surface.Synthesize(m[1], nil)}, true
			}
			ep.Params = append(ep.Params, p)
			continue
		}
		if m := pmVar.FindStringSubmatch(seg); m != nil && m[0] == seg {
			// An unresolved {{variable}}: a placeholder without value.
			name := strings.Trim(m[1], " ")
			out = append(out, "{"+name+"}")
			ep.Params = append(ep.Params, surface.Param{Name: name, In: "path", Required: true, Values: []string{surface.Synthesize(name, nil)}, Synthetic: true})
			continue
		}
		out = append(out, seg)
	}
	path := "/" + strings.Join(out, "/")
	if !strings.Contains(path, "{") {
		tmpl, params := surface.Templatize(path)
		path, ep.Params = tmpl, append(ep.Params, params...)
	}
	if strings.ContainsAny(path, " \t\r\n") {
		return surface.Endpoint{}, false
	}
	ep.Path = path
	query := req.URL.Query
	if len(query) == 0 && rawQuery != "" {
		if q, err := url.ParseQuery(rawQuery); err == nil {
			for k := range q {
				query = append(query, keyValue{Key: k, Value: q.Get(k)})
			}
		}
	}
	for _, kv := range query {
		if kv.Disabled || kv.Key == "" {
			continue
		}
		ep.Params = append(ep.Params, surface.Param{Name: kv.Key, In: "query", Values: []string{expand(kv.text(), vars)}})
	}
	if req.Body != nil && req.Body.Mode == "raw" && json.Valid([]byte(req.Body.Raw)) {
		ep.Body = &surface.Body{ContentType: "application/json", Example: []byte(expand(req.Body.Raw, vars))}
	}
	return ep, true
}

func addAuth(h http.Header, a *auth, vars map[string]string) {
	if a == nil {
		return
	}
	get := func(kvs []keyValue, key string) string {
		for _, kv := range kvs {
			if kv.Key == key {
				return expand(kv.text(), vars)
			}
		}
		return ""
	}
	switch a.Type {
	case "bearer":
		if t := get(a.Bearer, "token"); t != "" {
			h.Set("Authorization", "Bearer "+t)
		}
	case "apikey":
		if get(a.APIKey, "in") != "query" {
			if k, v := get(a.APIKey, "key"), get(a.APIKey, "value"); k != "" && v != "" {
				h.Set(k, v)
			}
		}
	case "basic":
		u, p := get(a.Basic, "username"), get(a.Basic, "password")
		if u != "" {
			r := &http.Request{Header: http.Header{}}
			r.SetBasicAuth(u, p)
			h.Set("Authorization", r.Header.Get("Authorization"))
		}
	}
}
