package detect

import (
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// secretAssignment finds values assigned to secret-like names in any text:
// SECRET_KEY=changeme, "JWT_SECRET_KEY": "jwt-secret", password: hunter2,
// ?token=abc, app.config['SECRET_KEY'] = 'dev'. Detection reports such values only when they look like real
// secrets (entropy, no placeholder words), but masking must not depend on
// that: a weak secret such as "changeme" is the worst one to print.
var secretAssignment = regexp.MustCompile(`(?i)([a-z0-9_.\-]*(?:secret|passw(?:or)?d|passwd|pwd|token|api[_-]?key|private[_-]?key|credential|signing[_-]?key|access[_-]?key)[a-z0-9_.\-]*)(["']?\]?[ \t]*[:=][ \t]*["']?)([^"'\s,;}&<>\\]{1,512})`)

// maskAssignments masks the values of secret-like names that are not
// masked yet.
func maskAssignments(b []byte) []byte {
	if !secretAssignment.Match(b) {
		return b
	}
	return secretAssignment.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := secretAssignment.FindSubmatchIndex(m)
		if sub == nil || sub[6] < 0 {
			return m
		}
		v := string(m[sub[6]:sub[7]])
		switch strings.ToLower(v) {
		case "true", "false", "null", "none", "bearer", "basic":
			return m
		}
		if strings.ContainsAny(v, "…*") || isAllDigits(v) {
			return m // already masked, or a number (a count, a flag)
		}
		out := append([]byte(nil), m[:sub[6]]...)
		out = append(out, finding.Mask("secret", v)...)
		return append(out, m[sub[7]:]...)
	})
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
