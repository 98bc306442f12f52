package surface

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// HarvestLinks returns same-origin paths found as string values in a JSON
// body (hypermedia links, "next" URLs, index documents), relative to base.
// Paths are returned sorted and without duplicates.
func HarvestLinks(body []byte, base *url.URL) []string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil
	}
	seen := map[string]bool{}
	var walk func(any, int)
	walk = func(v any, depth int) {
		if depth > 64 {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for _, c := range t {
				walk(c, depth+1)
			}
		case []any:
			for _, c := range t {
				walk(c, depth+1)
			}
		case string:
			if p, ok := sameOriginPath(t, base); ok {
				seen[p] = true
			}
		}
	}
	walk(v, 0)
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func sameOriginPath(s string, base *url.URL) (string, bool) {
	if len(s) < 2 || len(s) > 512 || strings.ContainsAny(s, " \t\r\n<>\"{}") {
		return "", false
	}
	if !strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return "", false
	}
	if strings.HasPrefix(s, "//") {
		return "", false
	}
	u, err := base.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return "", false
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, true
}
