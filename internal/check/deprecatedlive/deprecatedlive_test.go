package deprecatedlive_test

import (
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/deprecatedlive"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

func opts() scantest.Options {
	return scantest.Options{
		Checks: []check.Check{deprecatedlive.New()},
		Modify: func(o *scan.Options) { o.Discovery = &discover.Options{FindSpec: true} },
	}
}

func TestDeprecatedOperationLive(t *testing.T) {
	rep, _ := scantest.Run(t, testapi.Vulnerable, opts())
	fs := scantest.Find(rep, "deprecated-operation-live")
	if len(fs) != 1 || fs[0].Path != "/api/v1/legacy/patients" || fs[0].Identity != "alice" {
		t.Fatalf("want one finding on /api/v1/legacy/patients as alice, got %+v", fs)
	}
	rep, _ = scantest.Run(t, testapi.Fixed, opts())
	if fs := scantest.Find(rep, "deprecated-operation-live"); len(fs) != 0 {
		t.Fatalf("fixed API: want no finding, got %+v", fs)
	}
}
