package authz

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// IDRef is one object id inside a concrete URL: a path segment or a query
// parameter value.
type IDRef struct {
	// In is "path" or "query".
	In string
	// Index is the path segment index (In == "path").
	Index int
	// Name is the query parameter, or the placeholder name for a segment.
	Name  string
	Value string
}

var (
	uuidRe     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	numericRe  = regexp.MustCompile(`^\d{1,20}$`)
	suffixedRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]{0,11}(?:[_-]\d{2,8})?[_-]|[A-Za-z]{1,4}|\d{4}-\d{2}-\d{2}[_-]?)(\d{2,18})$`)
	hexRe      = regexp.MustCompile(`^[0-9a-fA-F]{16,64}$`)
	versionRe  = regexp.MustCompile(`^[vV]\d{1,2}$`)
	datePrefix = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)
)

// LooksLikeID reports whether a path segment or query value is an object id:
// a number, a prefixed or date-based number (u_1001, INV-0042), a UUID or a
// long hex key.
func LooksLikeID(s string) bool {
	if s == "" || len(s) > 64 || versionRe.MatchString(s) {
		return false
	}
	return numericRe.MatchString(s) || suffixedRe.MatchString(s) || uuidRe.MatchString(s) || hexRe.MatchString(s)
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
		if err != nil || !LooksLikeID(v) {
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
		if idParam(k) && LooksLikeID(v) {
			out = append(out, IDRef{In: "query", Name: k, Value: v})
		}
	}
	return out
}

// placeholder names a path id after the collection before it: users → user_id.
func placeholder(segs []string, i int) string {
	if i == 0 || segs[i-1] == "" || LooksLikeID(segs[i-1]) {
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
		if idParam(k) && LooksLikeID(v) {
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

// Shape is the format class of an id: "num:4" (four digits), "pfx:u_:4"
// (u_ then four digits), "uuid", "hex", so ids of the same kind match.
func Shape(id string) string {
	switch {
	case numericRe.MatchString(id):
		return "num:" + strconv.Itoa(len(id))
	case suffixedRe.MatchString(id):
		m := suffixedRe.FindStringSubmatch(id)
		prefix := m[1]
		if datePrefix.MatchString(prefix) {
			prefix = "date"
		}
		return "pfx:" + prefix + ":" + strconv.Itoa(len(m[2]))
	case uuidRe.MatchString(id):
		return "uuid"
	case hexRe.MatchString(id):
		return "hex"
	}
	return "other"
}

// Neighbours returns the predictable ids next to id (±1, ±2), keeping its
// prefix and zero padding; unpredictable ids (UUIDs, hex keys) have none.
func Neighbours(id string) []string {
	prefix, num := "", id
	if !numericRe.MatchString(id) {
		m := suffixedRe.FindStringSubmatch(id)
		if m == nil {
			return nil
		}
		prefix, num = m[1], m[2]
	}
	n, err := strconv.ParseUint(num, 10, 63)
	if err != nil {
		return nil
	}
	width := len(num)
	padded := len(num) > 1 && num[0] == '0'
	var out []string
	for _, d := range []int64{1, -1, 2, -2} {
		m := int64(n) + d
		if m < 0 {
			continue
		}
		s := strconv.FormatInt(m, 10)
		if padded && len(s) < width {
			s = strings.Repeat("0", width-len(s)) + s
		}
		out = append(out, prefix+s)
	}
	return out
}
