// Package surface models the API surface a scan covers: endpoints with their
// path templates and parameters, wherever they came from.
package surface

import (
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
	// Values are known good values (examples, enums, harvested ids), the
	// first one being the default.
	Values []string `json:"values,omitempty"`
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
}

// Key identifies an endpoint by method and template.
func (e Endpoint) Key() string { return strings.ToUpper(e.Method) + " " + e.Path }

var templateVar = regexp.MustCompile(`\{[^{}/]+\}`)

// IsTemplate reports whether the path has {placeholders}.
func (e Endpoint) IsTemplate() bool { return templateVar.MatchString(e.Path) }

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
