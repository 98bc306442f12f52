package bfla_test

import (
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bfla"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestBFLA(t *testing.T) {
	cases := []struct {
		name string
		ids  []transport.Identity
		conf finding.Confidence
	}{
		{"with an admin reference", []transport.Identity{scantest.Admin(), scantest.Alice(), scantest.Bob()}, finding.ConfidenceHigh},
		{"users only", []transport.Identity{scantest.Alice(), scantest.Bob()}, finding.ConfidenceHigh},
		{"one user", []transport.Identity{scantest.Alice()}, finding.ConfidenceMedium},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, api := scantest.Scan(t, testapi.Vulnerable, []check.Check{bfla.New(nil)}, c.ids, scantest.Options{})
			scantest.NoWrites(t, api)
			f, ok := scantest.Paths(scantest.ByCheck(rep, "bfla"))["/api/admin/users"]
			if !ok {
				t.Fatal("no bfla finding on /api/admin/users")
			}
			for _, in := range f.Instances {
				if in.Identity == "admin" {
					t.Error("the admin identity is reported")
				}
			}
			if f.Confidence < c.conf || f.Severity < finding.High {
				t.Errorf("confidence %s severity %s", f.Confidence, f.Severity)
			}
		})
	}
	t.Run("fixed", func(t *testing.T) {
		rep, _ := scantest.Scan(t, testapi.Fixed, []check.Check{bfla.New(nil)}, []transport.Identity{scantest.Admin(), scantest.Alice(), scantest.Bob()}, scantest.Options{})
		if fs := scantest.ByCheck(rep, "bfla"); len(fs) > 0 {
			t.Errorf("fixed variant: %d findings, first %s as %s", len(fs), fs[0].Path, fs[0].Identity)
		}
	})
}

func TestIsAdminFunction(t *testing.T) {
	for p, want := range map[string]bool{
		"/api/admin/users": true, "/internal/metrics": true, "/api/v1/export": true, "/api/administration": true,
		"/api/users/1": false, "/api/doctors": false, "/api/badminton": false,
	} {
		if got := bfla.IsAdminFunction(surface.Endpoint{Method: "GET", Path: p}); got != want {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
	if !bfla.IsAdminFunction(surface.Endpoint{Method: "GET", Path: "/api/reports", Tags: []string{"admin"}}) {
		t.Error("admin tag ignored")
	}
}
