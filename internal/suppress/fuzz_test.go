package suppress

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

// FuzzRule validates hostile suppression rules and matches them against a
// finding: errors, never a panic.
func FuzzRule(f *testing.F) {
	f.Add("cors", "GET", "/admin/**", "", "accepted", "2030-01-01", "/admin/users/{id}")
	f.Add("", "", "/a/*/b?", "abcd", "r", "", "/a/x/bc")
	f.Add("x", "post", "[", "", "", "not-a-date", "/")
	f.Add("x", "", "**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**", "", "r", "", "/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/b")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, check, method, path, fp, reason, expires, fpath string) {
		r := Rule{Check: check, Method: method, Path: path, Fingerprint: fp, Reason: reason, Expires: expires}
		fd := finding.Finding{Check: check, Method: method, Path: fpath, Fingerprint: fp}
		if err := r.Validate(); err != nil {
			return
		}
		_ = r.Matches(&fd)
		_ = Apply([]finding.Finding{fd}, []Rule{r}, now)
		_ = r.Expired(now)
		_ = r.String()
	})
}
