package userenum_test

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/userenum"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestUserEnumeration(t *testing.T) {
	ids := []transport.Identity{scantest.Alice()}
	rep, api := scantest.Scan(t, testapi.Vulnerable, []check.Check{userenum.New(nil)}, ids, scantest.Options{})
	scantest.NoWrites(t, api)
	fs := scantest.ByCheck(rep, "user-enumeration")
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1", len(fs))
	}
	f := fs[0]
	if f.Severity != finding.Medium || f.CWE[0] != "CWE-204" {
		t.Errorf("severity %s cwe %v", f.Severity, f.CWE)
	}
	email := testapi.NewData().People[0].Email
	if strings.Contains(f.Evidence.Excerpt, `"alice"`) {
		t.Errorf("raw username in the excerpt: %s", f.Evidence.Excerpt)
	}
	for _, s := range []string{f.URL, f.Reproduce, f.Evidence.Excerpt, f.Evidence.Request, f.Evidence.Details["reproduce_existing"]} {
		if strings.Contains(s, email) || strings.Contains(s, strings.ReplaceAll(email, "@", "%40")) {
			t.Errorf("raw email in %q", s)
		}
	}
	rep, _ = scantest.Scan(t, testapi.Fixed, []check.Check{userenum.New(nil)}, ids, scantest.Options{})
	if fs := scantest.ByCheck(rep, "user-enumeration"); len(fs) > 0 {
		t.Errorf("fixed variant: %d findings", len(fs))
	}
}
