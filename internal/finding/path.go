package finding

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	uuidSegment   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	prefixedID    = regexp.MustCompile(`^[A-Za-z]{1,6}[_-]?\d{2,}$`)
	hexID         = regexp.MustCompile(`^[0-9a-fA-F]{12,}$`)
	dateID        = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	digitsSegment = regexp.MustCompile(`^\d+$`)
)

// TemplatePath turns a concrete path into the template a finding is keyed
// by: id-like segments (numbers, UUIDs, u_1001, long hex, dates) become
// {id}, {id2}, … and query values become {name}. A path that already is a
// template is returned as it is. So /patients/u_1001/rx?page=2 and
// /patients/u_1002/rx?page=3 are one weakness, and no personal data from a
// query string ends up in the path of a finding.
func TemplatePath(p string) string {
	if strings.Contains(p, "{") {
		return p
	}
	path, query, hasQuery := strings.Cut(p, "?")
	segs := strings.Split(path, "/")
	n := 0
	for i, s := range segs {
		if s == "" {
			continue
		}
		if digitsSegment.MatchString(s) || uuidSegment.MatchString(s) || prefixedID.MatchString(s) ||
			(hexID.MatchString(s) && strings.ContainsAny(s, "0123456789")) || dateID.MatchString(s) {
			n++
			name := "{id}"
			if n > 1 {
				name = "{id" + strconv.Itoa(n) + "}"
			}
			segs[i] = name
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
