// Package live holds what the spec-versus-runtime checks share: fetching an
// endpoint as an identity (through the scan's cache, so the baseline's
// answers cost nothing) and telling whether an answer carries data.
package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Get fetches the concrete form of a GET endpoint as id. ok is false when
// the endpoint is not a GET or a placeholder has no value.
func Get(ctx context.Context, env check.Env, ep surface.Endpoint, id transport.Identity) (resp *transport.Response, ok bool, err error) {
	if ep.Method != http.MethodGet {
		return nil, false, nil
	}
	p, complete := ep.Concrete()
	if !complete {
		return nil, false, nil
	}
	resp, err = env.Do(ctx, transport.Request{Path: p, Header: ep.Header()}, id)
	return resp, err == nil, err
}

// OK reports a 2xx answer.
func OK(resp *transport.Response) bool {
	return resp != nil && resp.Status >= 200 && resp.Status < 300
}

// JSON decodes a JSON answer; ok is false for anything else.
func JSON(resp *transport.Response) (v any, ok bool) {
	if resp == nil || len(resp.Body) == 0 || resp.Truncated {
		return nil, false
	}
	ct := resp.ContentType()
	if ct != "" && !strings.Contains(ct, "json") {
		return nil, false
	}
	if err := json.Unmarshal(resp.Body, &v); err != nil {
		return nil, false
	}
	return v, true
}

// HasData reports whether a 2xx answer carries data: a non-empty JSON object
// or array, or a non-HTML body. Empty envelopes ({}, [], null, {"data":
// []}) and HTML pages (login forms, SPA shells) do not count.
func HasData(resp *transport.Response) bool {
	if !OK(resp) || len(strings.TrimSpace(string(resp.Body))) == 0 {
		return false
	}
	if v, ok := JSON(resp); ok {
		return nonEmpty(v, 0)
	}
	ct := resp.ContentType()
	return !strings.Contains(ct, "html") && !strings.Contains(ct, "json")
}

func nonEmpty(v any, depth int) bool {
	if depth > 8 {
		return true
	}
	switch t := v.(type) {
	case nil:
		return false
	case []any:
		for _, e := range t {
			if nonEmpty(e, depth+1) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range t {
			if nonEmpty(e, depth+1) {
				return true
			}
		}
		return false
	case string:
		return t != ""
	case bool:
		return false
	}
	return true
}

// Shape describes an answer without its values: "200 application/json,
// object with id, item, total" — safe to put in a report.
func Shape(resp *transport.Response) string {
	if resp == nil {
		return ""
	}
	s := fmt.Sprintf("%d %s, %d bytes", resp.Status, resp.ContentType(), len(resp.Body))
	v, ok := JSON(resp)
	if !ok {
		return s
	}
	switch t := v.(type) {
	case map[string]any:
		return s + ", object with " + keys(t)
	case []any:
		s += fmt.Sprintf(", array of %d", len(t))
		if len(t) > 0 {
			if m, ok := t[0].(map[string]any); ok {
				s += " objects with " + keys(m)
			}
		}
	}
	return s
}

func keys(m map[string]any) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	if len(ks) > 12 {
		ks = append(ks[:12], "…")
	}
	return strings.Join(ks, ", ")
}

// HasSpec reports whether the surface holds endpoints from an API
// description.
func HasSpec(eps []surface.Endpoint) bool {
	for _, ep := range eps {
		if ep.Documented() {
			return true
		}
	}
	return false
}

// Lookup returns the value at a JSON path made by Schema.UndocumentedFields
// ($.a[].b): the first match, descending into the first element of arrays.
func Lookup(v any, path string) (any, bool) {
	path = strings.TrimPrefix(path, "$")
	for path != "" {
		switch {
		case strings.HasPrefix(path, "[]"):
			a, ok := v.([]any)
			if !ok || len(a) == 0 {
				return nil, false
			}
			v, path = a[0], path[2:]
		case strings.HasPrefix(path, "."):
			path = path[1:]
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			v, ok = m[path[:end]]
			if !ok {
				return nil, false
			}
			path = path[end:]
		default:
			return nil, false
		}
	}
	return v, true
}
