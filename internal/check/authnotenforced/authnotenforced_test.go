package authnotenforced_test

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/authnotenforced"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

func opts() scantest.Options {
	return scantest.Options{
		Checks: []check.Check{authnotenforced.New()},
		Modify: func(o *scan.Options) { o.Discovery = &discover.Options{FindSpec: true} },
	}
}

func TestAuthNotEnforced(t *testing.T) {
	rep, api := scantest.Run(t, testapi.Vulnerable, opts())
	fs := scantest.Find(rep, "auth-not-enforced")
	if len(fs) != 1 {
		t.Fatalf("want one finding, got %+v", fs)
	}
	f := fs[0]
	if f.Path != "/api/v1/orders/{order_id}" || f.Severity != finding.High || f.Identity != "anonymous" {
		t.Errorf("finding %s %v as %s", f.Path, f.Severity, f.Identity)
	}
	// The order id came from alice's /api/v1/orders/mine, not a made-up 1.
	if !strings.Contains(f.URL, "/api/v1/orders/500") || strings.Contains(f.Reproduce, "Authorization") {
		t.Errorf("url %s, reproduce %s", f.URL, f.Reproduce)
	}
	anonymousOrder := false
	for _, r := range api.Requests() {
		if strings.HasPrefix(r.Path, "/api/v1/orders/500") && r.Header.Get("Authorization") == "" {
			anonymousOrder = true
		}
	}
	if !anonymousOrder {
		t.Error("no anonymous request for a harvested order id")
	}

	rep, _ = scantest.Run(t, testapi.Fixed, opts())
	if fs := scantest.Find(rep, "auth-not-enforced"); len(fs) != 0 {
		t.Fatalf("fixed API: want no finding, got %+v", fs)
	}
}
