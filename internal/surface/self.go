package surface

import (
	"net/http"
	"net/url"
	"strings"
)

// selfWords name endpoints that describe the caller.
var selfWords = []string{"me", "mine", "my", "self", "account", "accounts", "profile", "whoami", "current", "session", "userinfo"}

// IsSelfPath reports whether a path names the caller (/me, /account,
// /users/self, /orders/mine…): its answer describes whoever asks. The
// who-am-I step reads these first, and the authorization learner takes
// their answers as each identity's own.
func IsSelfPath(p string) bool {
	u, err := url.Parse(p)
	if err != nil {
		return false
	}
	for _, s := range strings.Split(strings.ToLower(u.Path), "/") {
		for _, w := range selfWords {
			if s == w || strings.HasPrefix(s, w+"-") || strings.HasPrefix(s, w+"_") {
				return true
			}
		}
	}
	return false
}

// ConcreteGETs returns the request paths of the concrete GET endpoints of
// eps (templates filled with their known values), each once, in order.
func ConcreteGETs(eps []Endpoint) []string {
	seen := map[string]bool{}
	var out []string
	for _, ep := range eps {
		if ep.Method != http.MethodGet {
			continue
		}
		if p, ok := ep.Concrete(); ok && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
