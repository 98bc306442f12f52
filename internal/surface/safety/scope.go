package safety

import (
	"fmt"
	"net/http"
	"path"
	"strings"
)

// Rule is one --include or --exclude path glob, optionally limited to a
// method: "DELETE /api/*", "/admin/**". In the path, * matches within one
// segment (path.Match syntax: *, ?, [a-z]) and a ** segment matches any
// number of segments, none included. The query string is never matched.
type Rule struct {
	// Method is upper-case, empty for every method.
	Method string
	// Pattern is the path glob, starting with "/".
	Pattern string
}

// String gives the rule as it is written.
func (r Rule) String() string {
	if r.Method == "" {
		return r.Pattern
	}
	return r.Method + " " + r.Pattern
}

// ParseRule reads "[METHOD ]/path/glob". It fails on a pattern that does
// not start with "/", a malformed glob or a method that is not a token.
func ParseRule(s string) (Rule, error) {
	s = strings.TrimSpace(s)
	var r Rule
	if m, p, ok := strings.Cut(s, " "); ok {
		r.Method, s = strings.ToUpper(strings.TrimSpace(m)), strings.TrimSpace(p)
		for _, c := range r.Method {
			if c < 'A' || c > 'Z' {
				return Rule{}, fmt.Errorf("rule %q: %q is not an HTTP method", s, m)
			}
		}
	}
	if !strings.HasPrefix(s, "/") {
		return Rule{}, fmt.Errorf("rule %q: the path must start with /", s)
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return Rule{}, fmt.Errorf("rule %q: bad glob segment %q", s, seg)
		}
	}
	r.Pattern = s
	return r, nil
}

// Match reports whether the rule covers a request (or an operation's path
// template: a * segment matches a {placeholder}).
func (r Rule) Match(method, p string) bool {
	method = strings.ToUpper(method)
	if method == "" {
		method = http.MethodGet
	}
	if r.Method != "" && r.Method != method && !(r.Method == http.MethodGet && method == http.MethodHead) {
		return false
	}
	p, _, _ = strings.Cut(p, "?")
	return matchSegments(split(r.Pattern), split(p))
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func matchSegments(pat, segs []string) bool {
	for i, ps := range pat {
		if ps == "**" {
			for j := i; j <= len(segs); j++ {
				if matchSegments(pat[i+1:], segs[j:]) {
					return true
				}
			}
			return false
		}
		if i >= len(segs) {
			return false
		}
		if ok, _ := path.Match(ps, segs[i]); !ok {
			return false
		}
	}
	return len(pat) == len(segs)
}

// Scope is the user's --include and --exclude rules. An empty scope lets
// every path through; with includes, only what one of them covers; an
// exclude always wins.
type Scope struct {
	Include []Rule
	Exclude []Rule
}

// Allows reports whether the scope lets a request through, and why not.
func (s Scope) Allows(method, p string) (bool, string) {
	for _, r := range s.Exclude {
		if r.Match(method, p) {
			return false, fmt.Sprintf("excluded by --exclude '%s'", r)
		}
	}
	if len(s.Include) == 0 {
		return true, ""
	}
	for _, r := range s.Include {
		if r.Match(method, p) {
			return true, ""
		}
	}
	return false, "outside every --include"
}
