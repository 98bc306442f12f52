package scan_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestWhoAmI(t *testing.T) {
	const otherAliceToken = "demo-alice-second-device-4Fq"
	cases := []struct {
		name    string
		ids     []transport.Identity
		setup   func(*testapi.API)
		want    string // in the report's errors
		dropped string
	}{
		{
			name:    "dead token",
			ids:     []transport.Identity{scantest.Alice(), scantest.Bob(), scantest.Bearer("ghost", "user", "expired-token-0000")},
			want:    "identity ghost is not authenticated",
			dropped: "ghost",
		},
		{
			name: "failed login",
			ids: []transport.Identity{scantest.Alice(), scantest.Bob(), {Name: "carl", Login: &login.Flow{
				Path: "/api/login", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"username":"carl","password":"x"}`), TokenJSON: "token",
			}}},
			want:    "identity carl is not authenticated",
			dropped: "carl",
		},
		{
			name:    "same credentials twice",
			ids:     []transport.Identity{scantest.Alice(), scantest.Bearer("alice2", "user", testapi.AliceToken), scantest.Bob()},
			want:    "identities alice and alice2 are the same account",
			dropped: "alice2",
		},
		{
			name: "two tokens of one account",
			ids:  []transport.Identity{scantest.Alice(), scantest.Bearer("alice-phone", "user", otherAliceToken), scantest.Bob()},
			setup: func(a *testapi.API) {
				p := a.Data.People[0]
				p.Token = otherAliceToken
				a.Data.People = append(a.Data.People, p)
			},
			want:    "identities alice and alice-phone are the same account",
			dropped: "alice-phone",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, _ := scantest.Scan(t, testapi.Vulnerable, []check.Check{bola.New(nil)}, c.ids, scantest.Options{Setup: c.setup})
			if !strings.Contains(strings.Join(rep.Errors, "\n"), c.want) {
				t.Errorf("errors = %q, want %q", rep.Errors, c.want)
			}
			fs := scantest.ByCheck(rep, "bola")
			if len(fs) == 0 {
				t.Error("the healthy identities found nothing")
			}
			for _, f := range fs {
				for _, in := range append(f.Instances, finding.Instance{Identity: f.Identity}) {
					if in.Identity == c.dropped {
						t.Errorf("dropped identity %s used in %s", c.dropped, f.Path)
					}
				}
				if strings.Contains(f.Evidence.Details["owner"], c.dropped) {
					t.Errorf("dropped identity %s is an owner in %s", c.dropped, f.Path)
				}
			}
		})
	}
	t.Run("healthy identities", func(t *testing.T) {
		rep, _ := scantest.Scan(t, testapi.Fixed, nil, []transport.Identity{scantest.Alice(), scantest.Bob()}, scantest.Options{})
		if len(rep.Errors) > 0 {
			t.Errorf("errors = %q", rep.Errors)
		}
	})
}
