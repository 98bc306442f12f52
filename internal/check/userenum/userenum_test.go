package userenum_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/userenum"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
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

func TestLoginEnumeration(t *testing.T) {
	login := surface.Endpoint{Method: http.MethodPost, Path: "/api/login", Source: surface.SourceSpec,
		Body: &surface.Body{ContentType: "application/json", Example: []byte(`{"email":"user@example.com","password":"secret"}`)}}
	addLogin := func(o *scan.Options) { o.Endpoints = append(o.Endpoints, login) }
	ids := []transport.Identity{scantest.Alice()}
	for _, c := range []struct {
		name  string
		v     testapi.Variant
		write bool
		want  int
	}{
		{"vulnerable with --allow-write", testapi.Vulnerable, true, 1},
		{"vulnerable without --allow-write", testapi.Vulnerable, false, 0},
		{"fixed", testapi.Fixed, true, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, api := scantest.Scan(t, c.v, []check.Check{userenum.New(nil)}, ids, scantest.Options{AllowWrite: c.write, Modify: addLogin})
			if !c.write {
				scantest.NoWrites(t, api)
			}
			var got []finding.Finding
			for _, f := range scantest.ByCheck(rep, "user-enumeration") {
				if f.Method == http.MethodPost {
					got = append(got, f)
				}
			}
			if len(got) != c.want {
				t.Fatalf("%d POST findings, want %d", len(got), c.want)
			}
			if c.want == 0 {
				return
			}
			f := got[0]
			email := testapi.NewData().People[0].Email
			if strings.Contains(f.Reproduce+f.Evidence.Excerpt+f.URL, email) {
				t.Errorf("raw email in the finding: %s", f.Reproduce)
			}
			if !strings.Contains(f.Reproduce, "leakhound-not-the-password") {
				t.Errorf("reproduction = %s", f.Reproduce)
			}
			wrong := 0
			for _, r := range api.Requests() {
				if r.Method == http.MethodPost {
					wrong++
				}
			}
			if wrong != 3 {
				t.Errorf("%d login attempts, want 3 (one existing, two absent)", wrong)
			}
		})
	}
}
