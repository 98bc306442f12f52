// Package suppress applies the suppressions of .leakhound.yaml: accepted
// findings stay in the report, marked suppressed with a reason, and no longer
// count in the score, the summary or the exit code.
package suppress

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

// DateLayout is the layout of an expiry date.
const DateLayout = "2006-01-02"

// Rule suppresses the findings it matches. Every field that is set must
// match; at least one of Check, Path and Fingerprint must be set.
type Rule struct {
	// Check is a check id, such as security-headers.
	Check string `yaml:"check" json:"check,omitempty"`
	// Method restricts the rule to one HTTP method.
	Method string `yaml:"method" json:"method,omitempty"`
	// Path is a pattern matched against the endpoint path template:
	// * matches within one segment, ** across segments, ? one character.
	Path string `yaml:"path" json:"path,omitempty"`
	// Fingerprint is a finding fingerprint from a report.
	Fingerprint string `yaml:"fingerprint" json:"fingerprint,omitempty"`
	// Reason says why the finding is accepted. It is required.
	Reason string `yaml:"reason" json:"reason"`
	// Expires is an optional YYYY-MM-DD date after which the rule stops
	// applying, so accepted risks come back for review.
	Expires string `yaml:"expires" json:"expires,omitempty"`

	pathRE  *regexp.Regexp
	expires time.Time
}

// Validate checks a rule and prepares it for matching.
func (r *Rule) Validate() error {
	if r.Check == "" && r.Path == "" && r.Fingerprint == "" {
		return fmt.Errorf("suppression %s: set check, path or fingerprint", r)
	}
	if strings.TrimSpace(r.Reason) == "" {
		return fmt.Errorf("suppression %s: a reason is required", r)
	}
	if r.Path != "" {
		re, err := compilePattern(r.Path)
		if err != nil {
			return fmt.Errorf("suppression %s: %w", r, err)
		}
		r.pathRE = re
	}
	if r.Expires != "" {
		t, err := time.Parse(DateLayout, r.Expires)
		if err != nil {
			return fmt.Errorf("suppression %s: expires %q: want YYYY-MM-DD", r, r.Expires)
		}
		r.expires = t
	}
	return nil
}

// String describes the rule by its selectors, such as
// "check=security-headers path=/internal/**".
func (r *Rule) String() string {
	var parts []string
	for _, kv := range [][2]string{{"check", r.Check}, {"method", r.Method}, {"path", r.Path}, {"fingerprint", r.Fingerprint}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if len(parts) == 0 {
		return "(empty)"
	}
	return strings.Join(parts, " ")
}

// Expired reports whether the rule has expired at now: it applies through
// its expiry day (UTC) and stops the day after.
func (r *Rule) Expired(now time.Time) bool {
	return !r.expires.IsZero() && !now.UTC().Before(r.expires.AddDate(0, 0, 1))
}

// Matches reports whether the rule selects f (expiry aside).
func (r *Rule) Matches(f *finding.Finding) bool {
	if r.Check != "" && !strings.EqualFold(r.Check, f.Check) {
		return false
	}
	if r.Method != "" && !strings.EqualFold(r.Method, f.Method) {
		return false
	}
	if r.Fingerprint != "" && !strings.EqualFold(r.Fingerprint, f.Fingerprint) {
		return false
	}
	if r.Path != "" {
		re := r.pathRE
		if re == nil {
			var err error
			if re, err = compilePattern(r.Path); err != nil {
				return false
			}
		}
		p, _, _ := strings.Cut(f.Path, "?")
		if !re.MatchString(p) {
			return false
		}
	}
	return true
}

// compilePattern turns a path pattern into an anchored regular expression.
func compilePattern(p string) (*regexp.Regexp, error) {
	if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "*") {
		return nil, fmt.Errorf("path pattern %q must start with / or *", p)
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*' && i+1 < len(p) && p[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// Result says what Apply did.
type Result struct {
	// Suppressed counts the findings a rule suppressed.
	Suppressed int
	// Warnings are expired rules that matched findings (which count again)
	// and other things the user should review.
	Warnings []string
}

// Apply marks the findings that an unexpired rule matches as suppressed (the
// first matching rule wins) and warns about expired rules that still match.
// Findings already suppressed keep their suppression. The rules must have
// been validated.
func Apply(fs []finding.Finding, rules []Rule, now time.Time) Result {
	var res Result
	expiredHits := make([]int, len(rules))
	for i := range fs {
		f := &fs[i]
		if f.Suppressed != nil {
			continue
		}
		for j := range rules {
			r := &rules[j]
			if !r.Matches(f) {
				continue
			}
			if r.Expired(now) {
				expiredHits[j]++
				continue
			}
			f.Suppressed = &finding.Suppression{Reason: r.Reason, Expires: r.Expires, Rule: r.String()}
			res.Suppressed++
			break
		}
	}
	for j, n := range expiredHits {
		if n > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("suppression %s expired on %s: %d finding(s) count again (reason was: %s)",
				rules[j].String(), rules[j].Expires, n, rules[j].Reason))
		}
	}
	return res
}

// ValidateAll validates every rule.
func ValidateAll(rules []Rule) error {
	for i := range rules {
		if err := rules[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}
