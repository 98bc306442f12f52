package scan_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/testapi/wild"
	"github.com/leakhound/leakhound/internal/transport"
)

// The wild test APIs were written without reading leakhound, each in the
// deployment style of another stack, with its own ground truth. These tests
// point the scanner at each one's base as a user would, WITHOUT the spec or
// recording it may ship: discovery alone must map at least 90 % of its
// operations within its budget, and the planted weaknesses a read-only scan
// can prove must be found. When they disagree the scanner is fixed, never
// the target.

// discoveryVariants are the wild variants built around a deployment style
// discovery must see through.
var discoveryVariants = []string{"apiprefix", "swaggerui", "gateway", "spa", "redoc", "graphql"}

// unreachable are operations no read-only scan can see: every read of
// them answers exactly as the soft-404 does.
var unreachable = map[string]string{
	"gateway POST /prod/login": "GET and OPTIONS answer the gateway's uniform 403 Missing Authentication Token",
}

// wildOptions are the options of a scan of tg without its spec or HAR.
func wildOptions(t *testing.T, tg *wild.Target) scan.Options {
	t.Helper()
	srv := httptest.NewServer(tg.Handler)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + tg.Base)
	var ids []transport.Identity
	for _, id := range tg.Identities {
		role := "user"
		if strings.Contains(strings.ToLower(id.Name), "admin") {
			role = "admin"
		}
		ids = append(ids, transport.Identity{Name: id.Name, Role: role, Header: http.Header{id.Header: {id.Value}}})
	}
	set := all.New(all.Options{})
	return scan.Options{
		Client: transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 5000,
			MaxBody: 8 << 20, UserAgent: "leakhound/test"},
		Identities: ids,
		Checks:     set.Active,
		Passive:    set.Passive,
		Discovery:  &discover.Options{FindSpec: true, Probe: true},
		Tool:       finding.Tool{Name: "leakhound", Version: "test"},
	}
}

// weaknessFamilies group the CWEs ground truths written by others use for
// one weakness.
var weaknessFamilies = [][]string{
	{"CWE-639", "CWE-862", "CWE-284", "CWE-285", "CWE-566"},
	{"CWE-306", "CWE-287", "CWE-862"},
	{"CWE-359", "CWE-200", "CWE-213"},
	{"CWE-209", "CWE-200", "CWE-215", "CWE-489", "CWE-497"},
	{"CWE-798", "CWE-347", "CWE-321", "CWE-1391", "CWE-522"},
	{"CWE-598"},
}

func cweMatches(want string, got []string) bool {
	if slices.Contains(got, want) {
		return true
	}
	for _, fam := range weaknessFamilies {
		if slices.Contains(fam, want) && slices.ContainsFunc(got, func(g string) bool { return slices.Contains(fam, g) }) {
			return true
		}
	}
	return false
}

func shapeOf(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return templateVar.ReplaceAllString(strings.TrimSuffix(p, "/"), "{}")
}

// exposureCWEs name data a response should not carry: a ground truth's
// "response" weakness is found by any of them on its operation.
var exposureCWEs = []string{"CWE-200", "CWE-213", "CWE-215", "CWE-359", "CWE-522", "CWE-798", "CWE-538"}

func foundWeakness(rep *finding.Report, w wild.Weakness) bool {
	for _, f := range rep.Findings {
		if !(w.Path == "*" || (strings.EqualFold(f.Method, w.Method) && shapeOf(f.Path) == shapeOf(w.Path))) {
			continue
		}
		if cweMatches(w.CWE, f.CWE) {
			return true
		}
		if w.Location == "response" && slices.Contains(exposureCWEs, w.CWE) && slices.ContainsFunc(f.CWE, func(c string) bool { return slices.Contains(exposureCWEs, c) }) {
			return true
		}
	}
	return false
}

// controlReport scans tg with its operations given (and the description it
// ships), discovery off: what the checks find when the surface is fully
// known. A weakness missed there is the checks' to find, not discovery's.
func controlReport(t *testing.T, name string) *finding.Report {
	t.Helper()
	tg, err := wild.New(name, wild.Vulnerable)
	if err != nil {
		t.Fatal(err)
	}
	o := wildOptions(t, tg)
	o.Discovery = nil
	if len(tg.Spec) > 0 {
		if doc, err := openapi.Parse(tg.Spec); err == nil {
			o.Endpoints = append(o.Endpoints, doc.Endpoints...)
		}
	}
	for _, op := range tg.Operations {
		ep := surface.Endpoint{Method: op.Method, Path: op.Path, Source: surface.SourceSpec}
		for _, n := range surface.PathParams(op.Path) {
			ep.Params = append(ep.Params, surface.Param{Name: n, In: "path", Required: true})
		}
		o.Endpoints = append(o.Endpoints, ep)
	}
	rep, err := scan.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestWildWithoutSpec maps and scans each deployment-style wild target
// from its base alone.
func TestWildWithoutSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("full scans")
	}
	for _, name := range discoveryVariants {
		t.Run(name, func(t *testing.T) {
			tg, err := wild.New(name, wild.Vulnerable)
			if err != nil {
				t.Fatal(err)
			}
			inv, err := scan.Map(context.Background(), wildOptions(t, tg))
			if err != nil {
				t.Fatal(err)
			}
			var miss []string
			reachable := 0
			for _, op := range tg.Operations {
				key := op.Method + " " + op.Path
				if why, ok := unreachable[name+" "+key]; ok {
					if mapped(inv.Endpoints, key) {
						t.Errorf("%s mapped although %s: update unreachable", key, why)
					}
					continue
				}
				reachable++
				if !mapped(inv.Endpoints, key) {
					miss = append(miss, key)
				}
			}
			hit := reachable - len(miss)
			var got []string
			for _, ep := range inv.Endpoints {
				got = append(got, ep.Key()+"("+string(ep.Source)+")")
			}
			t.Logf("%s: mapped %d/%d reachable operations with %d discovery requests %v; missing %v; inventory %v", name, hit, reachable, inv.DiscoveryRequests, inv.DiscoveryStages, miss, got)
			if hit*10 < reachable*9 {
				t.Errorf("mapped %d of %d reachable operations (want ≥ 90 %%); missing %v", hit, reachable, miss)
			}
			if inv.DiscoveryRequests > discover.DefaultMaxRequests {
				t.Errorf("discovery sent %d requests, budget %d", inv.DiscoveryRequests, discover.DefaultMaxRequests)
			}

			tg, _ = wild.New(name, wild.Vulnerable)
			rep, err := scan.Run(context.Background(), wildOptions(t, tg))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case name == "graphql":
				// Its identities can only be told apart by GraphQL queries,
				// which the GraphQL checks send: until they run, no identity
				// is verified and the scan says so.
				if rep.Grade != finding.GradeIncomplete || !strings.Contains(strings.Join(rep.Incomplete, " "), "no identity could be verified") {
					t.Errorf("graphql scan: grade %s, incomplete %v", rep.Grade, rep.Incomplete)
				}
			case rep.Grade == finding.GradeIncomplete:
				t.Errorf("scan incomplete: %v", rep.Incomplete)
			}
			var fired []string
			for _, f := range rep.Findings {
				fired = append(fired, f.Check+" "+f.Method+" "+f.Path)
			}
			control := controlReport(t, name)
			for _, w := range tg.Weaknesses {
				if w.Needs != "read-only" {
					continue
				}
				switch inControl, found := foundWeakness(control, w), foundWeakness(rep, w); {
				case inControl && !found:
					t.Errorf("planted %s (%s) at %s %s found with the operations known, not without the spec", w.Kind, w.CWE, w.Method, w.Path)
				case !inControl:
					t.Logf("planted %s (%s) at %s %s not found even with the operations known (found without: %v): the checks', not discovery's", w.Kind, w.CWE, w.Method, w.Path, found)
				}
			}
			t.Logf("%s: grade %s, coverage %+v; findings %v", name, rep.Grade, *rep.Coverage, fired)
		})
	}
}
