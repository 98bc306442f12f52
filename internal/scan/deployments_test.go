package scan_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/transport"
)

// deploymentScan is one scan of a deployment: its options and server.
func deploymentOptions(t *testing.T, d *testapi.Deployment, known []surface.Endpoint, discovery bool) scan.Options {
	t.Helper()
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + strings.TrimSuffix(d.Base, "/"))
	var ids []transport.Identity
	for _, who := range []struct{ name, token string }{{"alice", testapi.AliceToken}, {"bob", testapi.BobToken}} {
		if d.TokenHeader == "" {
			break
		}
		ids = append(ids, transport.Identity{Name: who.name, Role: "user", Header: http.Header{d.TokenHeader: {d.TokenValue(who.token)}}})
	}
	checks := all.New(all.Options{})
	o := scan.Options{
		Client: transport.Config{
			Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 5000,
			MaxBody: 8 << 20, UserAgent: "leakhound/test",
		},
		Identities: ids,
		Endpoints:  known,
		Checks:     checks.Active,
		Passive:    checks.Passive,
		Tool:       finding.Tool{Name: "leakhound", Version: "test"},
	}
	if discovery {
		o.Discovery = &discover.Options{FindSpec: true, Probe: true}
	}
	return o
}

var templateVar = regexp.MustCompile(`\{[^{}/]+\}`)

// mapped reports whether the inventory holds operation op ("GET /a/{id}"):
// the same template (placeholder names aside), or a concrete path of it.
func mapped(eps []surface.Endpoint, op string) bool {
	method, path, _ := strings.Cut(op, " ")
	want := templateVar.ReplaceAllString(path, "{}")
	for _, ep := range eps {
		if ep.Method != method {
			continue
		}
		p, _, _ := strings.Cut(ep.Path, "?")
		if templateVar.ReplaceAllString(p, "{}") == want || (!ep.IsTemplate() && surface.MatchTemplate(path, p)) {
			return true
		}
	}
	return false
}

func groundTruth(d *testapi.Deployment) []surface.Endpoint {
	var out []surface.Endpoint
	for _, op := range d.Operations {
		m, p, _ := strings.Cut(op, " ")
		ep := surface.Endpoint{Method: m, Path: p, Source: surface.SourceSpec}
		for _, name := range surface.PathParams(p) {
			ep.Params = append(ep.Params, surface.Param{Name: name, In: "path", Required: true, Values: []string{"1001"}, Synthetic: true})
		}
		out = append(out, ep)
	}
	return out
}

func checksFired(rep *finding.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		if !slices.Contains(out, f.Check) {
			out = append(out, f.Check)
		}
	}
	slices.Sort(out)
	return out
}

// TestDeploymentsWithoutSpec scans each deployment style without a spec:
// discovery must map at least 90 % of its operations within its budget,
// the planted weaknesses must be found, an empty target is incomplete, and
// no destructive path or file-system path is ever requested.
func TestDeploymentsWithoutSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("full scans")
	}
	for _, d := range testapi.Deployments() {
		t.Run(d.Name, func(t *testing.T) {
			inv, err := scan.Map(context.Background(), deploymentOptions(t, d, nil, true))
			if err != nil {
				t.Fatal(err)
			}
			var hit, miss []string
			for _, op := range d.Operations {
				if mapped(inv.Endpoints, op) {
					hit = append(hit, op)
				} else {
					miss = append(miss, op)
				}
			}
			var got []string
			for _, ep := range inv.Endpoints {
				got = append(got, ep.Key()+"("+string(ep.Source)+")")
			}
			t.Logf("%s: mapped %d/%d operations, %d discovery requests; missing %v; inventory %v", d.Name, len(hit), len(d.Operations), inv.DiscoveryRequests, miss, got)
			if len(d.Operations) > 0 && len(hit)*10 < len(d.Operations)*9 {
				t.Errorf("mapped %d of %d operations (want ≥ 90 %%); missing %v", len(hit), len(d.Operations), miss)
			}
			if inv.DiscoveryRequests > discover.DefaultMaxRequests {
				t.Errorf("discovery sent %d requests, budget %d", inv.DiscoveryRequests, discover.DefaultMaxRequests)
			}
			d2 := fresh(d.Name)
			rep, err := scan.Run(context.Background(), deploymentOptions(t, d2, nil, true))
			if err != nil {
				t.Fatal(err)
			}
			fired := checksFired(rep)
			t.Logf("%s: grade %s, checks fired %v, incomplete %v", d.Name, rep.Grade, fired, rep.Incomplete)
			for _, w := range d.Weaknesses {
				if !slices.Contains(fired, w) {
					t.Errorf("planted weakness %s not found (fired: %v)", w, fired)
				}
			}
			if len(d.Operations) == 0 && rep.Grade != finding.GradeIncomplete {
				t.Errorf("empty target graded %s, want %s", rep.Grade, finding.GradeIncomplete)
			}
			if len(d.Operations) > 0 && rep.Grade == finding.GradeIncomplete {
				t.Errorf("scan marked incomplete: %v", rep.Incomplete)
			}
			for _, r := range d2.Requests() {
				if strings.Contains(r.Path, "delete") || strings.Contains(r.Path, "/usr/") || strings.Contains(r.Path, "/var/log") || strings.Contains(r.Path, "/home/") {
					t.Errorf("requested %s %s", r.Method, r.Path)
				}
				if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
					t.Errorf("write request in read-only mode: %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

// TestDeploymentsControl scans each deployment with its operations given,
// without discovery: the planted weaknesses must fire then, so a miss in
// TestDeploymentsWithoutSpec is discovery's.
func TestDeploymentsControl(t *testing.T) {
	if testing.Short() {
		t.Skip("full scans")
	}
	for _, d := range testapi.Deployments() {
		if len(d.Operations) == 0 {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			rep, err := scan.Run(context.Background(), deploymentOptions(t, d, groundTruth(d), false))
			if err != nil {
				t.Fatal(err)
			}
			fired := checksFired(rep)
			for _, w := range d.Weaknesses {
				if !slices.Contains(fired, w) {
					t.Errorf("planted weakness %s not found with the operations known (fired: %v)", w, fired)
				}
			}
		})
	}
}

func fresh(name string) *testapi.Deployment {
	for _, d := range testapi.Deployments() {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// TestWhoAmIBehindGateway: a gateway answers 403 {"message":"Missing
// Authentication Token"} to every path it does not route, the target
// included. That answer is the soft-404, not "needs a login": identities
// are not declared dead on it, while a token the routes really refuse is.
func TestWhoAmIBehindGateway(t *testing.T) {
	cases := []struct {
		name     string
		words    []string
		token    string
		dead     bool
		verified int
	}{
		{name: "only the soft-404 known", words: []string{"nothing"}, token: testapi.AliceToken, dead: false, verified: 0},
		{name: "a route refuses a wrong token", words: []string{"profile"}, token: "expired-token-0000", dead: true, verified: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := testapi.GatewayAPI()
			o := deploymentOptions(t, d, nil, true)
			o.Discovery.Wordlist = c.words
			o.Identities[0].Header.Set(d.TokenHeader, c.token)
			rep, err := scan.Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			errs := strings.Join(rep.Errors, "\n")
			if got := strings.Contains(errs, "identity alice is not authenticated"); got != c.dead {
				t.Errorf("alice declared dead = %v, want %v; errors:\n%s", got, c.dead, errs)
			}
			if strings.Contains(errs, "identity bob is not authenticated") {
				t.Errorf("bob declared dead on the gateway's soft-404:\n%s", errs)
			}
			if rep.Coverage.IdentitiesVerified != c.verified {
				t.Errorf("identities verified = %d, want %d", rep.Coverage.IdentitiesVerified, c.verified)
			}
		})
	}
}
