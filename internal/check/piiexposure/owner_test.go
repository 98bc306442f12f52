package piiexposure_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// TestOwnerOnlyDataIsNoExposure: data an endpoint serves only to those
// entitled to it (the owner's own IBAN, an administrator's user list) is no
// exposure; the same data also served to someone else still is.
func TestOwnerOnlyDataIsNoExposure(t *testing.T) {
	auth := func(name, role string) transport.Identity {
		return transport.Identity{Name: name, Role: role, Header: http.Header{"Authorization": {"Bearer t-" + name}}}
	}
	env := &idEnv{ids: []transport.Identity{transport.Anonymous(), auth("alice", "user"), auth("bob", "user"), auth("carol", "admin")}}
	account := `{"account_id":2,"owner_id":2,"iban":"FR1420041010050500013M02606","balance":3120.5}`
	users := `{"users":[{"user_id":1,"username":"carol","email":"carol.okafor@ledger-bank.com"},
 {"user_id":2,"username":"alice","email":"alice.martin@fastmail.com"},
 {"user_id":3,"username":"bob","email":"bob.nguyen@posteo.de"}]}`
	ex := func(who, url string, status int, body string) *transport.Exchange {
		h := http.Header{"Content-Type": {"application/json"}}
		return &transport.Exchange{Check: "bola", Method: "GET", URL: url, Identity: who, Status: status, Header: h, Body: []byte(body)}
	}
	refused := `{"error":"not found"}`
	for _, tc := range []struct {
		name string
		seq  []*transport.Exchange
		want []finding.Severity
	}{
		{"owner's IBAN refused to others", []*transport.Exchange{
			ex("alice", "http://127.0.0.1/api/accounts/2", 200, account),
			ex("bob", "http://127.0.0.1/api/accounts/2", 404, refused),
			ex("anonymous", "http://127.0.0.1/api/accounts/2", 401, `{"error":"login"}`),
		}, nil},
		{"owner's IBAN also served to another user", []*transport.Exchange{
			ex("alice", "http://127.0.0.1/api/accounts/2", 200, account),
			ex("bob", "http://127.0.0.1/api/accounts/2", 200, account),
		}, []finding.Severity{finding.High, finding.High}},
		{"IBAN nobody else asked for", []*transport.Exchange{
			ex("alice", "http://127.0.0.1/api/accounts/2", 200, account),
		}, []finding.Severity{finding.High}},
		{"IBAN refused to anonymous callers only", []*transport.Exchange{
			ex("alice", "http://127.0.0.1/api/accounts/2", 200, account),
			ex("anonymous", "http://127.0.0.1/api/accounts/2", 401, `{"error":"login"}`),
		}, []finding.Severity{finding.High}},
		{"admin's user list refused to users", []*transport.Exchange{
			ex("carol", "http://127.0.0.1/api/admin/users", 200, users),
			ex("alice", "http://127.0.0.1/api/admin/users", 403, `{"error":"forbidden"}`),
			ex("anonymous", "http://127.0.0.1/api/admin/users", 401, `{"error":"login"}`),
		}, nil},
		{"admin's user list also served to a user", []*transport.Exchange{
			ex("carol", "http://127.0.0.1/api/admin/users", 200, users),
			ex("alice", "http://127.0.0.1/api/admin/users", 200, users),
		}, []finding.Severity{finding.Medium, finding.Low}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := piiexposure.New()
			var got []finding.Finding
			for _, e := range tc.seq {
				got = append(got, c.Inspect(e, env)...)
			}
			got = append(got, c.Finish(context.Background(), env)...)
			if len(got) != len(tc.want) {
				t.Fatalf("%d findings, want %d: %v", len(got), len(tc.want), got)
			}
			for i, f := range got {
				if f.Severity != tc.want[i] {
					t.Errorf("finding %d as %s: severity %s, want %s", i, f.Identity, f.Severity, tc.want[i])
				}
			}
		})
	}
}
