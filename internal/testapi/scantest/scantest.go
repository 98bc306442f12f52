// Package scantest runs real scans against the hermetic test API, for the
// tests of checks: a vulnerable variant that must fire and a fixed variant
// that must stay silent.
package scantest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/transport"
)

// Options select what a test scan runs.
type Options struct {
	Checks     []check.Check
	Passive    []check.Passive
	AllowWrite bool
	// Identities default to alice and bob of the test API.
	Identities []transport.Identity
	// Modify, when set, changes the scan options before the run.
	Modify func(*scan.Options)
	// Setup, when set, changes the test API before it serves (extra
	// people, second tokens).
	Setup func(*testapi.API)
	// Wrap, when set, puts a handler in front of the API (token expiry).
	Wrap func(http.Handler) http.Handler
}

// Identities returns the test API's users as scan identities.
func Identities(names ...string) []transport.Identity {
	tokens := map[string]string{"alice": testapi.AliceToken, "bob": testapi.BobToken, "admin": testapi.AdminToken}
	var out []transport.Identity
	for _, n := range names {
		id := transport.Identity{Name: n, Header: http.Header{}}
		id.Header.Set("Authorization", "Bearer "+tokens[n])
		if n == "admin" {
			id.Role = "admin"
		}
		out = append(out, id)
	}
	return out
}

// Run scans a fresh test API of the given variant and returns the report
// and the API (for assertions on the requests it received).
func Run(t testing.TB, v testapi.Variant, o Options) (*finding.Report, *testapi.API) {
	t.Helper()
	api := testapi.New(v)
	if o.Setup != nil {
		o.Setup(api)
	}
	var h http.Handler = api
	if o.Wrap != nil {
		h = o.Wrap(api)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	ids := o.Identities
	if ids == nil {
		ids = Identities("alice", "bob")
	}
	opts := scan.Options{
		Client: transport.Config{
			Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 5000,
			MaxBody: 8 << 20, AllowWrite: o.AllowWrite, UserAgent: "leakhound/test",
		},
		Identities: ids,
		Checks:     o.Checks,
		Passive:    o.Passive,
		Tool:       finding.Tool{Name: "leakhound", Version: "test"},
	}
	if o.Modify != nil {
		o.Modify(&opts)
	}
	rep, err := scan.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("scan of the %s test API: %v", v, err)
	}
	return rep, api
}

// Find returns the findings of check id.
func Find(rep *finding.Report, id string) []finding.Finding {
	var out []finding.Finding
	for _, f := range rep.Findings {
		if f.Check == id {
			out = append(out, f)
		}
	}
	return out
}

// Scan runs checks as ids against a fresh test API of variant v; o may add
// AllowWrite, Setup or Modify.
func Scan(t testing.TB, v testapi.Variant, checks []check.Check, ids []transport.Identity, o Options) (*finding.Report, *testapi.API) {
	t.Helper()
	o.Checks, o.Identities = checks, ids
	return Run(t, v, o)
}

// Bearer returns an identity sending a bearer token.
func Bearer(name, role, token string) transport.Identity {
	return transport.Identity{Name: name, Role: role, Header: http.Header{"Authorization": {"Bearer " + token}}}
}

// Alice is the first patient of the test API.
func Alice() transport.Identity { return Bearer("alice", "user", testapi.AliceToken) }

// Bob is the second patient.
func Bob() transport.Identity { return Bearer("bob", "user", testapi.BobToken) }

// Admin is the administrator.
func Admin() transport.Identity { return Bearer("admin", "admin", testapi.AdminToken) }

// ByCheck returns the findings of one check.
func ByCheck(rep *finding.Report, id string) []finding.Finding { return Find(rep, id) }

// Paths indexes findings by path template.
func Paths(fs []finding.Finding) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range fs {
		out[f.Path] = f
	}
	return out
}

// NoWrites fails the test when the API received a write method.
func NoWrites(t testing.TB, api *testapi.API) {
	t.Helper()
	for _, r := range api.Requests() {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			t.Errorf("write request sent without --allow-write: %s %s", r.Method, r.Path)
		}
	}
}
