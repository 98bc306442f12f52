package undocumentedfields_test

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/undocumentedfields"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

func opts() scantest.Options {
	return scantest.Options{
		Checks: []check.Check{undocumentedfields.New()},
		Modify: func(o *scan.Options) { o.Discovery = &discover.Options{FindSpec: true} },
	}
}

func TestUndocumentedResponseFields(t *testing.T) {
	rep, _ := scantest.Run(t, testapi.Vulnerable, opts())
	fs := scantest.Find(rep, "undocumented-response-fields")
	if len(fs) != 1 {
		t.Fatalf("want one finding on /api/v1/profile, got %+v", fs)
	}
	f := fs[0]
	if f.Path != "/api/v1/profile" || f.Severity != finding.High {
		t.Errorf("finding on %s severity %v, want /api/v1/profile high", f.Path, f.Severity)
	}
	for _, want := range []string{"$.password_hash", "$.ssn", "$.role", "$.email"} {
		if !strings.Contains(f.Evidence.Details["fields"], want) {
			t.Errorf("fields %q lack %s", f.Evidence.Details["fields"], want)
		}
	}
	// The raw SSN never reaches the report.
	for _, v := range f.Evidence.Values {
		if strings.Contains(v.Masked, "412-67-3385") {
			t.Errorf("unmasked value %+v", v)
		}
	}
	if strings.Contains(f.Evidence.Excerpt, "412-67") {
		t.Errorf("excerpt leaks a value: %s", f.Evidence.Excerpt)
	}

	rep, _ = scantest.Run(t, testapi.Fixed, opts())
	if fs := scantest.Find(rep, "undocumented-response-fields"); len(fs) != 0 {
		t.Fatalf("fixed API: want no finding, got %+v", fs)
	}
}
