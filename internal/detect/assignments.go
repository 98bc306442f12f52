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

// assignmentKeywords are the words secretAssignment's names must hold, as
// the automaton finds them (ASCII case folded).
var assignmentKeywords = newAutomaton([]string{
	"secret", "passwd", "password", "pwd", "token", "credential",
	"apikey", "api_key", "api-key", "privatekey", "private_key", "private-key",
	"signingkey", "signing_key", "signing-key", "accesskey", "access_key", "access-key",
})

// Bounds of the text around a keyword that secretAssignment reads: the
// rest of the name before it, then the rest of the name, the separator and
// a value of up to 512 bytes after it.
const (
	assignmentBefore = 256
	assignmentAfter  = 1024
)

// assignments returns the submatch indexes of secretAssignment in b, like
// FindAllSubmatchIndex(b, n). The regular expression, whose names may
// start with any run of name bytes, reads a few MB a second; it runs only
// on the windows around the keywords the automaton found, so a large body
// costs one table lookup a byte. A name longer than assignmentBefore bytes
// before its keyword is matched from the window's start.
func assignments(b []byte, n int) [][]int {
	hits := assignmentKeywords.find(b, 0, nil)
	var out [][]int
	isName := func(c byte) bool {
		c = lower(c)
		return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
	}
	next := 0 // where the next window may start: past the last one
	for i := 0; i < len(hits) && (n < 0 || len(out) < n); {
		start := hits[i].start
		for start > 0 && hits[i].start-start < assignmentBefore && isName(b[start-1]) {
			start--
		}
		start = max(start, next)
		end := min(len(b), hits[i].end+assignmentAfter)
		// Keywords inside the window join it.
		for i++; i < len(hits) && hits[i].start < end; i++ {
			end = min(len(b), hits[i].end+assignmentAfter)
		}
		for _, m := range secretAssignment.FindAllSubmatchIndex(b[start:end], -1) {
			for j := range m {
				if m[j] >= 0 {
					m[j] += start
				}
			}
			out = append(out, m)
			if n >= 0 && len(out) >= n {
				break
			}
		}
		next = end
	}
	return out
}

// maskAssignments masks the values of secret-like names that are not
// masked yet.
func maskAssignments(b []byte) []byte {
	ms := assignments(b, -1)
	if len(ms) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, sub := range ms {
		if sub[6] < 0 {
			continue
		}
		v := string(b[sub[6]:sub[7]])
		switch strings.ToLower(v) {
		case "true", "false", "null", "none", "bearer", "basic":
			continue
		}
		if strings.ContainsAny(v, "…*") || isAllDigits(v) {
			continue // already masked, or a number (a count, a flag)
		}
		out = append(out, b[last:sub[6]]...)
		out = append(out, finding.Mask("secret", v)...)
		last = sub[7]
	}
	return append(out, b[last:]...)
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
