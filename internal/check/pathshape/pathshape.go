// Package pathshape groups concrete request paths by their shape, so that
// /api/appointments/5001 and /api/appointments/5002 count as one endpoint
// when no spec supplied the template.
package pathshape

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// id matches path segments that are identifiers: numbers, UUIDs, long hex,
// and prefixed ids such as u_1001 or inv-42.
var id = regexp.MustCompile(`^(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,64}|[A-Za-z]{1,10}[-_]?\d{1,12})$`)

var version = regexp.MustCompile(`^[vV]\d{1,2}$`)

// IsID reports whether a path segment looks like an identifier (API
// versions such as v2 do not).
func IsID(seg string) bool { return id.MatchString(seg) && !version.MatchString(seg) }

// Of returns the shape of a path: identifier segments become {id} and query
// values are dropped ("/api/invoice?id=9001" → "/api/invoice?id="). Paths
// that already are templates keep their placeholders.
func Of(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if IsID(s) {
			segs[i] = "{id}"
		}
	}
	out := strings.Join(segs, "/")
	if u.RawQuery != "" {
		keys := make([]string, 0)
		for k := range u.Query() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out += "?" + strings.Join(keys, "=&") + "="
	}
	return out
}
