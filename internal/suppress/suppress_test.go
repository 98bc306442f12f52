package suppress

import (
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

func TestMatches(t *testing.T) {
	t.Parallel()
	f := &finding.Finding{Check: "security-headers", Method: "GET", Path: "/internal/v1/users/{id}", Fingerprint: "abcd1234"}
	for _, tt := range []struct {
		rule Rule
		want bool
	}{
		{Rule{Check: "security-headers"}, true},
		{Rule{Check: "bola"}, false},
		{Rule{Path: "/internal/**"}, true},
		{Rule{Path: "/internal/*"}, false},
		{Rule{Path: "/internal/*/users/*"}, true},
		{Rule{Path: "**/{id}"}, true},
		{Rule{Path: "/internal/v?/users/{id}"}, true},
		{Rule{Check: "security-headers", Path: "/public/**"}, false},
		{Rule{Check: "security-headers", Method: "post"}, false},
		{Rule{Check: "security-headers", Method: "get"}, true},
		{Rule{Fingerprint: "ABCD1234"}, true},
		{Rule{Fingerprint: "ffff"}, false},
	} {
		tt.rule.Reason = "r"
		if err := tt.rule.Validate(); err != nil {
			t.Fatalf("%s: %v", tt.rule.String(), err)
		}
		if got := tt.rule.Matches(f); got != tt.want {
			t.Errorf("%s matches = %v, want %v", tt.rule.String(), got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rule Rule
		err  string
	}{
		{Rule{Reason: "x"}, "set check, path or fingerprint"},
		{Rule{Check: "a"}, "reason is required"},
		{Rule{Check: "a", Reason: "x", Expires: "next week"}, "want YYYY-MM-DD"},
		{Rule{Path: "internal/*", Reason: "x"}, "must start with /"},
		{Rule{Check: "a", Reason: "x", Expires: "2030-01-31"}, ""},
	} {
		err := tt.rule.Validate()
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: err %v, want %q", tt.rule.String(), err, tt.err)
		}
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	fs := []finding.Finding{
		{Check: "security-headers", Path: "/a", Fingerprint: "1"},
		{Check: "security-headers", Path: "/b", Fingerprint: "2"},
		{Check: "server-banner", Path: "/", Fingerprint: "3"},
		{Check: "bola", Path: "/users/{id}", Fingerprint: "4"},
	}
	rules := []Rule{
		{Check: "security-headers", Path: "/a", Reason: "behind the proxy", Expires: "2026-06-15"}, // last valid day
		{Check: "server-banner", Reason: "old", Expires: "2026-06-14"},                             // expired
		{Fingerprint: "2", Reason: "accepted"},
	}
	if err := ValidateAll(rules); err != nil {
		t.Fatal(err)
	}
	res := Apply(fs, rules, now)
	if res.Suppressed != 2 {
		t.Errorf("suppressed %d, want 2", res.Suppressed)
	}
	if fs[0].Suppressed == nil || fs[0].Suppressed.Reason != "behind the proxy" || fs[0].Suppressed.Rule != "check=security-headers path=/a" {
		t.Errorf("finding 1: %+v", fs[0].Suppressed)
	}
	if fs[1].Suppressed == nil || fs[1].Suppressed.Reason != "accepted" {
		t.Errorf("finding 2: %+v", fs[1].Suppressed)
	}
	if fs[2].Suppressed != nil || fs[3].Suppressed != nil {
		t.Errorf("expired or unmatched rules suppressed: %+v %+v", fs[2].Suppressed, fs[3].Suppressed)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "expired on 2026-06-14") {
		t.Errorf("warnings %q", res.Warnings)
	}
	if got := finding.Summarize(fs).Total; got != 2 {
		t.Errorf("summary counts %d, want 2", got)
	}
}
