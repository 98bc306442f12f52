package undocumentedendpoint_test

import (
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/undocumentedendpoint"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

func opts() scantest.Options {
	return scantest.Options{
		Checks: []check.Check{undocumentedendpoint.New()},
		// Full discovery: the spec, then probing (the shadow route is only
		// found by the wordlist; the soft-404 catch-all must not add ghosts).
		Modify: func(o *scan.Options) { o.Discovery = &discover.Options{FindSpec: true, Probe: true} },
	}
}

func TestUndocumentedEndpoint(t *testing.T) {
	rep, _ := scantest.Run(t, testapi.Vulnerable, opts())
	fs := scantest.Find(rep, "undocumented-endpoint")
	if len(fs) != 1 {
		t.Fatalf("want one finding (the shadow export), got %d: %+v", len(fs), fs)
	}
	if f := fs[0]; f.Path != "/api/v1/export" || f.Severity != finding.High || f.Evidence.Details["source"] != "probe" {
		t.Errorf("finding %s %v from %s", f.Path, f.Severity, f.Evidence.Details["source"])
	}
	if rep.RequestsByCheck["discovery"] == 0 || rep.RequestsByCheck["discovery"] > discover.DefaultMaxRequests {
		t.Errorf("discovery requests = %d, want 1..%d", rep.RequestsByCheck["discovery"], discover.DefaultMaxRequests)
	}

	rep, _ = scantest.Run(t, testapi.Fixed, opts())
	if fs := scantest.Find(rep, "undocumented-endpoint"); len(fs) != 0 {
		t.Fatalf("fixed API: want no finding, got %+v", fs)
	}
}

func TestSilentWithoutSpec(t *testing.T) {
	o := opts()
	o.Modify = func(o *scan.Options) { o.Discovery = &discover.Options{Probe: true} }
	rep, _ := scantest.Run(t, testapi.Vulnerable, o)
	if fs := scantest.Find(rep, "undocumented-endpoint"); len(fs) != 0 {
		t.Fatalf("no spec, nothing to compare with: want no finding, got %+v", fs)
	}
}
