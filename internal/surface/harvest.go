package surface

import (
	"encoding/json"
	"net/url"
	"regexp"
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
	if len(s) < 2 || len(s) > 512 || strings.ContainsAny(s, " \t\r\n<>\"\\") || IsFileSystemPath(s) {
		return "", false
	}
	if strings.ContainsAny(s, "{}") {
		return templatedLink(s, base)
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

// linkVar is one {name} placeholder of a templated link; expansion operators
// ({?a,b}, {+x}) are not taken.
var linkVar = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_.-]{0,63}\}`)

// templatedLink accepts links that are URI templates with simple
// placeholders, such as /api/register/check-email?email={email} or
// /users/{id}/orders: they document an endpoint and its parameters.
func templatedLink(s string, base *url.URL) (string, bool) {
	if strings.ContainsAny(linkVar.ReplaceAllString(s, ""), "{}") {
		return "", false
	}
	// Check the origin on the link with its placeholders made plain.
	plain := linkVar.ReplaceAllStringFunc(s, func(m string) string { return "x" + m[1:len(m)-1] })
	if _, ok := sameOriginPath(plain, base); !ok {
		return "", false
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		rest := s[strings.Index(s, "://")+3:]
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return "", false
		}
		s = rest[i:]
	}
	return s, true
}

// EndpointFromLink makes a GET endpoint of a harvested link. A templated
// link keeps its path placeholders, and its query placeholders
// (?email={email}) become required query parameters without a value.
func EndpointFromLink(link string) Endpoint {
	ep := Endpoint{Method: "GET", Path: link, Source: SourceHarvest}
	if !strings.Contains(link, "{") {
		return ep
	}
	path, query, _ := strings.Cut(link, "?")
	ep.Path = path
	for _, m := range linkVar.FindAllString(path, -1) {
		ep.Params = append(ep.Params, Param{Name: m[1 : len(m)-1], In: "path", Required: true})
	}
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			continue
		}
		p := Param{Name: k, In: "query"}
		if linkVar.MatchString(v) && len(linkVar.FindString(v)) == len(v) {
			p.Required = true
		} else if v != "" {
			p.Values = []string{v}
		}
		ep.Params = append(ep.Params, p)
	}
	return ep
}
