package authz

import (
	"net/url"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/surface/shape"
)

// IDRef is one object id inside a concrete URL: a path segment or a query
// parameter value.
type IDRef struct {
	// In is "path", "query" or "body".
	In string
	// Index is the path segment index (In == "path").
	Index int
	// Name is the query parameter, the placeholder name for a segment, or
	// the body member's key.
	Name string
	// Pointer addresses a JSON body member (In == "body").
	Pointer string
	Value   string
}

// idParam reports whether a query parameter name is an object reference.
func idParam(name string) bool {
	n := strings.ToLower(name)
	return n == "id" || n == "uid" || n == "key" || strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "id") || strings.HasSuffix(n, "_key") || strings.HasSuffix(n, "_uuid")
}

// IDs returns the ids in a concrete path (with optional query).
func IDs(rawPath string) []IDRef {
	u, err := url.Parse(rawPath)
	if err != nil {
		return nil
	}
	var out []IDRef
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		v, err := url.PathUnescape(s)
		if err != nil || !shape.IsID(v) {
			continue
		}
		out = append(out, IDRef{In: "path", Index: i, Name: placeholder(segs, i), Value: v})
	}
	q := u.Query()
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := q.Get(k)
		if idParam(k) && shape.IsID(v) {
			out = append(out, IDRef{In: "query", Name: k, Value: v})
		}
	}
	return out
}

// placeholder names a path id after the collection before it: users → user_id.
func placeholder(segs []string, i int) string {
	if i == 0 || segs[i-1] == "" || shape.IsID(segs[i-1]) {
		return "id"
	}
	p := strings.ToLower(segs[i-1])
	switch {
	case strings.HasSuffix(p, "ies"):
		p = strings.TrimSuffix(p, "ies") + "y"
	case strings.HasSuffix(p, "sses"):
		p = strings.TrimSuffix(p, "es")
	case strings.HasSuffix(p, "s"):
		p = strings.TrimSuffix(p, "s")
	}
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, p) + "_id"
}

// Template replaces the ids of a concrete path with placeholders:
// /api/users/1001/orders/5001 → /api/users/{user_id}/orders/{order_id}.
func Template(rawPath string) string {
	u, err := url.Parse(rawPath)
	if err != nil {
		return rawPath
	}
	segs := strings.Split(u.EscapedPath(), "/")
	for _, r := range IDs(rawPath) {
		if r.In == "path" {
			segs[r.Index] = "{" + r.Name + "}"
		}
	}
	out := strings.Join(segs, "/")
	q := u.Query()
	if len(q) == 0 {
		return out
	}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		v := q.Get(k)
		if idParam(k) && shape.IsID(v) {
			v = "{" + k + "}"
		}
		parts = append(parts, url.QueryEscape(k)+"="+v)
	}
	return out + "?" + strings.Join(parts, "&")
}

// Replace returns rawPath with the id r set to value.
func Replace(rawPath string, r IDRef, value string) string {
	u, err := url.Parse(rawPath)
	if err != nil {
		return rawPath
	}
	if r.In == "query" {
		q := u.Query()
		q.Set(r.Name, value)
		u.RawQuery = q.Encode()
		return u.RequestURI()
	}
	segs := strings.Split(u.EscapedPath(), "/")
	if r.Index >= len(segs) {
		return rawPath
	}
	segs[r.Index] = url.PathEscape(value)
	p := strings.Join(segs, "/")
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}
