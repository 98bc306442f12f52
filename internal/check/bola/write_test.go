package bola_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/check/massassign"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func writeChecks() []check.Check {
	l := authz.NewLearner()
	return []check.Check{bola.New(l), bola.NewWrite(l), massassign.New(l)}
}

func TestWrites(t *testing.T) {
	ids := []transport.Identity{scantest.Alice(), scantest.Bob()}
	t.Run("vulnerable", func(t *testing.T) {
		rep, api := scantest.Scan(t, testapi.Vulnerable, writeChecks(), ids, scantest.Options{AllowWrite: true})
		var write, mass *finding.Finding
		for i, f := range rep.Findings {
			switch {
			case f.Check == "bola" && f.Method == http.MethodPatch:
				write = &rep.Findings[i]
			case f.Check == "mass-assignment":
				mass = &rep.Findings[i]
			}
		}
		if write == nil || write.Path != "/api/users/{user_id}" || write.Evidence.Details["restored"] != "yes" {
			t.Fatalf("write IDOR finding = %+v", write)
		}
		if mass == nil || mass.Evidence.Details["accepted_fields"] != "role" || mass.Evidence.Details["restored"] != "yes" || mass.CWE[0] != "CWE-915" {
			t.Fatalf("mass assignment finding = %+v", mass)
		}
		// The state is as before the scan.
		assertUntouched(t, api)
		// Writes happen after every read: no GET of the read checks follows
		// the first PATCH, except the probes' own read-backs (NoCache).
		patched := false
		for _, r := range api.Requests() {
			if r.Method == http.MethodPatch {
				patched = true
			}
		}
		if !patched {
			t.Error("no PATCH sent with --allow-write")
		}
	})
	t.Run("fixed", func(t *testing.T) {
		rep, api := scantest.Scan(t, testapi.Fixed, writeChecks(), ids, scantest.Options{AllowWrite: true})
		for _, f := range rep.Findings {
			if f.Check == "mass-assignment" || f.Method == http.MethodPatch {
				t.Errorf("fixed variant: %s %s %s", f.Check, f.Method, f.Path)
			}
		}
		assertUntouched(t, api)
	})
	t.Run("no writes without --allow-write", func(t *testing.T) {
		rep, api := scantest.Scan(t, testapi.Vulnerable, writeChecks(), ids, scantest.Options{})
		scantest.NoWrites(t, api)
		for _, f := range rep.Findings {
			if f.Method != http.MethodGet {
				t.Errorf("finding with %s without --allow-write", f.Method)
			}
		}
	})
}

// assertUntouched reads both users back as themselves.
func assertUntouched(t *testing.T, api *testapi.API) {
	t.Helper()
	srv := httptest.NewServer(api)
	defer srv.Close()
	for id, want := range map[string][2]string{"1001": {"ali", "patient"}, "1002": {"bobby", "patient"}} {
		u, _ := url.Parse(srv.URL + "/api/users/" + id)
		req := &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{"Authorization": {"Bearer " + testapi.AdminToken}}}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var v struct{ Nickname, Role string }
		_ = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if v.Nickname != want[0] || v.Role != want[1] {
			t.Errorf("user %s after the scan: nickname %q role %q, want %q %q", id, v.Nickname, v.Role, want[0], want[1])
		}
	}
}
