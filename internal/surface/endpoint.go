// Package surface models the API surface a scan covers: endpoints with their
// path templates, parameters, request bodies, response schemas and security
// requirements, wherever they came from (a spec, recorded traffic, probing or
// links harvested from responses).
package surface

import (
	"github.com/leakhound/leakhound/internal/detect"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Source says where an endpoint was learnt.
type Source string

// Sources of endpoints.
const (
	SourceTarget  Source = "target"
	SourceSpec    Source = "spec"
	SourceHAR     Source = "har"
	SourcePostman Source = "postman"
	SourceProbe   Source = "probe"
	SourceHarvest Source = "harvest"
)

// Param is one parameter of an endpoint.
type Param struct {
	Name     string `json:"name"`
	In       string `json:"in"` // path, query, header, cookie
	Required bool   `json:"required,omitempty"`
	Type     string `json:"type,omitempty"`
	Format   string `json:"format,omitempty"`
	// Values are known good values (examples, enums, recorded or harvested
	// values), the first one being the default.
	Values []string `json:"values,omitempty"`
	// Synthetic is true when Values holds only a value made up from the
	// parameter's type; a harvested value replaces it.
	Synthetic bool `json:"synthetic,omitempty"`
	// Neighbors are ids next to harvested numeric ids (id±1, id±2): objects
	// the identity that saw the original id probably does not own. They
	// never fill the template by default; authorization checks try them.
	Neighbors []string `json:"neighbors,omitempty"`
	// Schema is the parameter's schema, when a spec gave one.
	Schema *Schema `json:"-"`
}

// Body is the request body an operation accepts.
type Body struct {
	ContentType string `json:"content_type"`
	Required    bool   `json:"required,omitempty"`
	// Example is a JSON example (from the spec, or synthesized from the
	// schema with harmless values).
	Example []byte  `json:"example,omitempty"`
	Schema  *Schema `json:"-"`
}

// Response is one documented response of an operation.
type Response struct {
	// Status is "200", "2XX" or "default".
	Status      string  `json:"status"`
	ContentType string  `json:"content_type,omitempty"`
	Schema      *Schema `json:"-"`
	// Examples are documented example bodies, as JSON.
	Examples [][]byte `json:"-"`
}

// Endpoint is one operation of the API.
type Endpoint struct {
	Method string `json:"method"`
	// Path is the path template, such as /users/{user_id}.
	Path   string  `json:"path"`
	Params []Param `json:"params,omitempty"`
	Source Source  `json:"source"`
	// AuthRequired is nil when unknown.
	AuthRequired *bool    `json:"auth_required,omitempty"`
	Deprecated   bool     `json:"deprecated,omitempty"`
	OperationID  string   `json:"operation_id,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Summary      string   `json:"summary,omitempty"`
	// Security lists the alternative security requirements of a documented
	// operation, each naming the schemes it needs; an empty alternative
	// means anonymous access is allowed.
	Security  [][]string `json:"security,omitempty"`
	Body      *Body      `json:"request_body,omitempty"`
	Responses []Response `json:"responses,omitempty"`
	// Base is the path prefix the API description placed the operation
	// under (its server URL's path: "/api/v1"; "" for the root). The
	// description speaks only for paths under its bases.
	Base string `json:"base,omitempty"`
	// Status is the status the endpoint answered during discovery, 0 when
	// it was not requested.
	Status int `json:"status,omitempty"`
}

// Key identifies an endpoint by method and template.
func (e Endpoint) Key() string { return strings.ToUpper(e.Method) + " " + e.Path }

var (
	templateVar = regexp.MustCompile(`\{[^{}/]+\}`)
	wholeVar    = regexp.MustCompile(`^\{[^{}/]+\}$`)
)

// IsTemplate reports whether the path has {placeholders}.
func (e Endpoint) IsTemplate() bool { return templateVar.MatchString(e.Path) }

// Documented reports whether the endpoint comes from an API description.
func (e Endpoint) Documented() bool { return e.Source == SourceSpec }

// Param returns the parameter called name in location in, if any.
func (e Endpoint) Param(in, name string) (Param, bool) {
	for _, p := range e.Params {
		if p.In == in && p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Concrete fills the template with the first known value of each parameter
// (and of required query parameters) and reports whether every placeholder
// had a value.
func (e Endpoint) Concrete() (string, bool) {
	return e.With(nil)
}

// With fills the template using override values first, then known values.
func (e Endpoint) With(override map[string]string) (string, bool) {
	ok := true
	path := templateVar.ReplaceAllStringFunc(e.Path, func(m string) string {
		name := m[1 : len(m)-1]
		if v, found := override[name]; found {
			return url.PathEscape(v)
		}
		if p, found := e.Param("path", name); found && len(p.Values) > 0 {
			return url.PathEscape(p.Values[0])
		}
		ok = false
		return m
	})
	q := url.Values{}
	for _, p := range e.Params {
		if p.In != "query" {
			continue
		}
		if v, found := override[p.Name]; found {
			q.Set(p.Name, v)
		} else if len(p.Values) > 0 {
			q.Set(p.Name, p.Values[0])
		} else if p.Required {
			ok = false
		}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path, ok
}

// Header returns the header and cookie parameters that have a known value,
// ready to send with the request (nil when there are none). Credentials are
// left out (Authorization, API keys, session cookies): they come from the
// identity a request is sent as, never from a spec example, so that the
// anonymous identity stays anonymous.
func (e Endpoint) Header() http.Header {
	var h http.Header
	var cookies []string
	for _, p := range e.Params {
		if len(p.Values) == 0 || strings.ContainsAny(p.Values[0], "\r\n;") || IsCredentialHeader(p.Name) ||
			(p.In == "cookie" && (detect.CategoryOf(detect.KeyType(p.Name)) == detect.Secret || strings.Contains(strings.ToLower(p.Name), "sess"))) {
			continue
		}
		switch p.In {
		case "header":
			if h == nil {
				h = http.Header{}
			}
			h.Set(p.Name, p.Values[0])
		case "cookie":
			cookies = append(cookies, p.Name+"="+p.Values[0])
		}
	}
	if len(cookies) > 0 {
		if h == nil {
			h = http.Header{}
		}
		h.Set("Cookie", strings.Join(cookies, "; "))
	}
	return h
}

// Matches reports whether the concrete path (without query) fits the
// endpoint's template: /users/7 matches /users/{id}.
func (e Endpoint) Matches(path string) bool {
	return MatchTemplate(e.Path, path)
}

// MatchTemplate reports whether a concrete path fits a path template. A
// placeholder matches exactly one non-empty segment; a trailing slash is
// ignored on both sides.
func MatchTemplate(template, path string) bool {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if i := strings.IndexByte(template, '?'); i >= 0 {
		template = template[:i]
	}
	ts := strings.Split(strings.Trim(template, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, t := range ts {
		if wholeVar.MatchString(t) {
			if ps[i] == "" {
				return false
			}
			continue
		}
		if strings.Contains(t, "{") {
			// A segment mixing text and placeholders (file.{ext}).
			if m, err := regexp.MatchString(mixedPattern(t), ps[i]); err != nil || !m {
				return false
			}
			continue
		}
		pu, err := url.PathUnescape(ps[i])
		if err != nil {
			pu = ps[i]
		}
		if t != ps[i] && t != pu {
			return false
		}
	}
	return true
}

func mixedPattern(seg string) string {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range templateVar.FindAllStringIndex(seg, -1) {
		b.WriteString(regexp.QuoteMeta(seg[last:loc[0]]))
		b.WriteString(`[^/]+`)
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(seg[last:]))
	b.WriteString("$")
	return b.String()
}

// PathParams returns the names of the placeholders of a template, in order.
func PathParams(template string) []string {
	ms := templateVar.FindAllString(template, -1)
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m[1:len(m)-1])
	}
	return out
}

// BoolPtr returns a pointer to b, for AuthRequired.
func BoolPtr(b bool) *bool { return &b }
