package bola_test

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestBOLA(t *testing.T) {
	shapes := []string{
		"/api/users/{user_id}",                   // path id, sequential numbers
		"/api/records?patient_id={patient_id}",   // query id
		"/api/profiles/{profile_id}",             // u_1001
		"/api/users/{user_id}/orders/{order_id}", // nested
		"/api/users/{user_id}/orders",
	}
	t.Run("vulnerable", func(t *testing.T) {
		rep, api := scantest.Scan(t, testapi.Vulnerable, []check.Check{bola.New(nil)}, []transport.Identity{scantest.Alice(), scantest.Bob()}, scantest.Options{})
		scantest.NoWrites(t, api)
		got := scantest.Paths(scantest.ByCheck(rep, "bola"))
		for _, s := range shapes {
			f, ok := got[s]
			if !ok {
				t.Errorf("no bola finding on %s; got %v", s, keys(got))
				continue
			}
			if f.Confidence != finding.ConfidenceHigh {
				t.Errorf("%s: confidence %s, want high", s, f.Confidence)
			}
			// Both directions are tested.
			dirs := map[string]bool{}
			for _, in := range f.Instances {
				dirs[in.Identity] = true
			}
			if !dirs["alice"] || !dirs["bob"] {
				t.Errorf("%s: instances %v, want both directions", s, f.Instances)
			}
			if f.Evidence.Details["ownership_markers"] == "" {
				t.Errorf("%s: no ownership markers in evidence", s)
			}
			for _, who := range []string{"alice", "bob"} {
				if c := f.Evidence.Details["reproduce_as_"+who]; !strings.Contains(c, "$"+strings.ToUpper(who)+"_AUTHORIZATION") {
					t.Errorf("%s: reproduction as %s = %q, want a token placeholder", s, who, c)
				}
			}
		}
		users := got["/api/users/{user_id}"]
		if users.Severity != finding.Critical {
			t.Errorf("users: severity %s, want critical (SSN, card, hash leaked)", users.Severity)
		}
		assertMasked(t, rep)
	})
	t.Run("fixed", func(t *testing.T) {
		rep, api := scantest.Scan(t, testapi.Fixed, []check.Check{bola.New(nil)}, []transport.Identity{scantest.Alice(), scantest.Bob(), scantest.Admin()}, scantest.Options{})
		scantest.NoWrites(t, api)
		if fs := scantest.ByCheck(rep, "bola"); len(fs) > 0 {
			t.Errorf("fixed variant: %d bola findings, first %s %s", len(fs), fs[0].Path, fs[0].Title)
		}
		// The fixed API was really exercised: bob asked for alice's objects.
		asked := false
		for _, r := range api.Requests() {
			if r.Path == "/api/users/1001" && strings.Contains(r.Header.Get("Authorization"), testapi.BobToken) {
				asked = true
			}
		}
		if !asked {
			t.Error("bob never requested alice's user object")
		}
	})
	t.Run("one identity finds nothing cross-user", func(t *testing.T) {
		rep, _ := scantest.Scan(t, testapi.Vulnerable, []check.Check{bola.New(nil)}, []transport.Identity{scantest.Alice()}, scantest.Options{})
		if fs := scantest.ByCheck(rep, "bola"); len(fs) > 0 {
			t.Errorf("bola with one identity: %d findings", len(fs))
		}
	})
}

// assertMasked checks that no raw personal value of the test data appears
// in any finding.
func assertMasked(t *testing.T, rep *finding.Report) {
	t.Helper()
	raw := []string{testapi.AliceToken, testapi.BobToken}
	for _, p := range testapi.NewData().People {
		raw = append(raw, p.Email, p.SSN, p.Card, p.PasswordHash, p.Phone, p.Address)
	}
	for _, f := range rep.Findings {
		blob := f.Title + f.Reproduce + f.URL + f.Evidence.Excerpt + f.Evidence.Request
		for _, v := range f.Evidence.Values {
			blob += v.Masked
		}
		for _, v := range f.Evidence.Details {
			blob += v
		}
		for _, r := range raw {
			if strings.Contains(blob, r) {
				t.Errorf("%s %s: raw value %.6s… in the finding", f.Check, f.Path, r)
			}
		}
	}
}

func keys(m map[string]finding.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
