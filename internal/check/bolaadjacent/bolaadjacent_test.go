package bolaadjacent_test

import (
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bolaadjacent"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestAdjacentIDs(t *testing.T) {
	shapes := []string{"/api/users/{user_id}", "/api/records?patient_id={patient_id}", "/api/profiles/{profile_id}", "/api/users/{user_id}/orders/{order_id}"}
	t.Run("vulnerable, a single identity", func(t *testing.T) {
		rep, api := scantest.Scan(t, testapi.Vulnerable, []check.Check{bolaadjacent.New(nil)}, []transport.Identity{scantest.Alice()}, scantest.Options{})
		scantest.NoWrites(t, api)
		got := map[string]finding.Finding{}
		for _, f := range scantest.ByCheck(rep, "bola-adjacent-id") {
			got[f.Path] = f
		}
		for _, s := range shapes {
			f, ok := got[s]
			if !ok {
				t.Errorf("no finding on %s", s)
				continue
			}
			if f.Identity != "alice" || f.Evidence.Details["own_id"] == f.Evidence.Details["requested_id"] {
				t.Errorf("%s: identity %s, ids %v", s, f.Identity, f.Evidence.Details)
			}
		}
		// Alice's own second order (5002) is not someone else's.
		for _, f := range got {
			for _, in := range f.Instances {
				if in.URL != "" && contains(in.URL, "/orders/5002") {
					t.Errorf("own order reported as a neighbour: %s", in.URL)
				}
			}
		}
		if f := got["/api/users/{user_id}"]; f.Severity != finding.Critical {
			t.Errorf("users neighbour: severity %s, want critical", f.Severity)
		}
	})
	t.Run("fixed", func(t *testing.T) {
		rep, api := scantest.Scan(t, testapi.Fixed, []check.Check{bolaadjacent.New(nil)}, []transport.Identity{scantest.Alice(), scantest.Bob()}, scantest.Options{})
		scantest.NoWrites(t, api)
		if fs := scantest.ByCheck(rep, "bola-adjacent-id"); len(fs) > 0 {
			t.Errorf("fixed variant: %d findings, first %s", len(fs), fs[0].Path)
		}
		probed := false
		for _, r := range api.Requests() {
			if r.Path == "/api/users/1002" || r.Path == "/api/profiles/u_1002" {
				probed = true
			}
		}
		if !probed {
			t.Error("no neighbour id was requested")
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
