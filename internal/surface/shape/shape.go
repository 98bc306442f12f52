// Package shape is the one place that decides what a path segment or a
// reference value looks like: an object id or a word. Every package that
// templates paths (findings, surface mapping, authorization checks) asks
// IsID; TestIDTable is its specification. It imports nothing of the
// project, so that every package may use it.
package shape

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	uuidSeg  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	digitSeg = regexp.MustCompile(`^[0-9]{1,20}$`)
	// hexSeg is a hex key of 12 or more characters (a MongoDB ObjectId, a
	// truncated hash); it must hold a digit, so that words such as
	// "deadbeefcafe" stay words.
	hexSeg     = regexp.MustCompile(`^[0-9a-fA-F]{12,64}$`)
	ulidSeg    = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)
	dateSeg    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	versionSeg = regexp.MustCompile(`^[vV]\d{1,3}(\.\d{1,3}){0,2}$`)
	// prefixedSeg is a prefix then a number: u_1001, INV-0003, ord-2024-0042,
	// c01, 2024-01-15_0007. Group 1 is the prefix (with its separator),
	// group 2 the number.
	prefixedSeg = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]{0,11}(?:[_-]\d{2,8})?[_-]|[A-Za-z]{1,4}|\d{4}-\d{2}-\d{2}[_-]?)(\d{2,18})$`)
	datePrefix  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)
)

// IsID reports whether a path segment (or a reference value) is an
// object id rather than a word of the API: a number (1001), a UUID, a ULID,
// a hex key of 12+ characters with a digit (abcdef123456), a date
// (2024-01-15) or a prefixed number (u_1001, INV-0003, c01). API versions
// (v1, v10, v2.1) are words. Values longer than 64 bytes are not ids.
func IsID(seg string) bool {
	if seg == "" || len(seg) > 64 || versionSeg.MatchString(seg) {
		return false
	}
	switch {
	case digitSeg.MatchString(seg), uuidSeg.MatchString(seg), ulidSeg.MatchString(seg),
		dateSeg.MatchString(seg), prefixedSeg.MatchString(seg):
		return true
	case hexSeg.MatchString(seg):
		return strings.ContainsAny(seg, "0123456789")
	}
	return false
}

// Of turns a concrete request path into the template a finding is keyed
// by: id segments (IsID) become {id}, {id2}, … and query values
// become {name}. A path that already is a template is returned unchanged,
// and so must be a documented path: a literal segment of a specification
// (/api/c01/status) is never re-templated, which is the caller's duty (see
// finding.Finding.Templated). So /patients/u_1001/rx?page=2 and
// /patients/u_1002/rx?page=3 have one shape, and no personal data from a
// query string ends up in it.
func Of(p string) string {
	if strings.Contains(p, "{") {
		return p
	}
	path, query, hasQuery := strings.Cut(p, "?")
	segs := strings.Split(path, "/")
	n := 0
	for i, s := range segs {
		raw, err := url.PathUnescape(s)
		if err != nil {
			raw = s
		}
		if !IsID(raw) {
			continue
		}
		n++
		segs[i] = "{id}"
		if n > 1 {
			segs[i] = "{id" + strconv.Itoa(n) + "}"
		}
	}
	out := strings.Join(segs, "/")
	if !hasQuery {
		return out
	}
	var pairs []string
	for _, kv := range strings.Split(query, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if k == "" {
			continue
		}
		pairs = append(pairs, k+"={"+k+"}")
	}
	if len(pairs) == 0 {
		return out
	}
	return out + "?" + strings.Join(pairs, "&")
}

// Format is the format class of an id, so that ids of one kind can be
// matched: "num:4" (four digits), "pfx:u_:4" (u_ then four digits),
// "pfx:date:4", "uuid", "hex", "ulid", "date", else "other".
func Format(id string) string {
	switch {
	case digitSeg.MatchString(id):
		return "num:" + strconv.Itoa(len(id))
	case dateSeg.MatchString(id):
		return "date"
	case prefixedSeg.MatchString(id):
		m := prefixedSeg.FindStringSubmatch(id)
		prefix := m[1]
		if datePrefix.MatchString(prefix) {
			prefix = "date"
		}
		return "pfx:" + prefix + ":" + strconv.Itoa(len(m[2]))
	case uuidSeg.MatchString(id):
		return "uuid"
	case ulidSeg.MatchString(id):
		return "ulid"
	case hexSeg.MatchString(id):
		return "hex"
	}
	return "other"
}

// Neighbours returns the predictable ids next to id (+1, -1, +2, -2),
// keeping its prefix and zero padding: 41 → 42 40 43 39, INV-0003 →
// INV-0004 INV-0002 INV-0005 INV-0001, u_1001 → u_1002 u_1000 …
// Unpredictable ids (UUIDs, hex keys, words) have none; negative numbers
// are never made.
func Neighbours(id string) []string {
	prefix, num := "", id
	if !digitSeg.MatchString(id) {
		if dateSeg.MatchString(id) {
			return nil
		}
		m := prefixedSeg.FindStringSubmatch(id)
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

// Neighbors returns the neighbours (Neighbours) of the given ids that are
// not among them, numbers first by value, then others in byte order.
func Neighbors(ids []string) []string {
	known := map[string]bool{}
	for _, v := range ids {
		known[v] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range ids {
		for _, n := range Neighbours(v) {
			if !known[n] && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return LessID(out[i], out[j]) })
	return out
}

// LessID orders object ids: numbers by value, before other ids in byte
// order (2 < 10 < "a1" < "b").
func LessID(a, b string) bool {
	na, errA := strconv.ParseInt(a, 10, 64)
	nb, errB := strconv.ParseInt(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return na < nb
	case errA == nil:
		return true
	case errB == nil:
		return false
	}
	return a < b
}
