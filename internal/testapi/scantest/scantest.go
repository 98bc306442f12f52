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
	srv := httptest.NewServer(api)
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
