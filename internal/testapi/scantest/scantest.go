// Package scantest runs real scans against the hermetic test API, for the
// tests of checks that need the whole engine (baseline, harvesting, the
// who-am-I step) rather than a single request.
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

// Bearer returns an identity sending a bearer token.
func Bearer(name, role, token string) transport.Identity {
	return transport.Identity{Name: name, Role: role, Header: http.Header{"Authorization": {"Bearer " + token}}}
}

// Alice, Bob and Admin are the demo API's identities.
func Alice() transport.Identity { return Bearer("alice", "user", testapi.AliceToken) }

// Bob is the second patient.
func Bob() transport.Identity { return Bearer("bob", "user", testapi.BobToken) }

// Admin is the administrator.
func Admin() transport.Identity { return Bearer("admin", "admin", testapi.AdminToken) }

// Options tune a scan.
type Options struct {
	AllowWrite bool
	// Setup changes the API before it serves (extra people, tokens).
	Setup func(*testapi.API)
}

// Scan serves the test API of variant on loopback and scans it with checks
// as ids. It returns the report and the API with its recorded requests.
func Scan(t *testing.T, v testapi.Variant, checks []check.Check, ids []transport.Identity, o Options) (*finding.Report, *testapi.API) {
	t.Helper()
	api := testapi.New(v)
	if o.Setup != nil {
		o.Setup(api)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep, err := scan.Run(ctx, scan.Options{
		Client:     transport.Config{Target: u, Concurrency: 4, MaxRequests: 5000, AllowWrite: o.AllowWrite},
		Identities: ids,
		Checks:     checks,
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return rep, api
}

// ByCheck returns the findings of one check.
func ByCheck(rep *finding.Report, id string) []finding.Finding {
	var out []finding.Finding
	for _, f := range rep.Findings {
		if f.Check == id {
			out = append(out, f)
		}
	}
	return out
}

// Paths returns the path templates of findings.
func Paths(fs []finding.Finding) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range fs {
		out[f.Path] = f
	}
	return out
}

// NoWrites fails the test when the API received a write method.
func NoWrites(t *testing.T, api *testapi.API) {
	t.Helper()
	for _, r := range api.Requests() {
		switch r.Method {
		case "GET", "HEAD", "OPTIONS":
		default:
			t.Errorf("write request sent without --allow-write: %s %s", r.Method, r.Path)
		}
	}
}

// HighOrWorse returns the findings at high or critical severity.
func HighOrWorse(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Severity >= finding.High {
			out = append(out, f)
		}
	}
	return out
}
