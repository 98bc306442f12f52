package scan_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/surface/har"
	"github.com/leakhound/leakhound/internal/testapi/wild"
	"github.com/leakhound/leakhound/internal/transport"
)

// scanWild scans a wild variant as a user would: discovery on, the
// variant's identities, its HAR when it has one, read-only or with writes.
func scanWild(t *testing.T, variant string, mode wild.Mode, allowWrite, withHAR bool) (*wild.Target, *finding.Report) {
	t.Helper()
	tgt, err := wild.New(variant, mode)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tgt.Handler)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + "/")
	o := scan.Options{
		Client:    transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 3000, MaxBody: 1 << 20, AllowWrite: allowWrite},
		Checks:    all.Active(),
		Passive:   all.Passive(),
		Tool:      finding.Tool{Name: "leakhound", Version: "test"},
		Discovery: &discover.Options{FindSpec: true, Probe: true},
	}
	for _, id := range tgt.Identities {
		o.Identities = append(o.Identities, transport.Identity{Name: id.Name, Header: http.Header{id.Header: {id.Value}}})
	}
	if withHAR && len(tgt.HAR) > 0 {
		rec, err := har.Read(strings.NewReader(string(tgt.HAR)), u)
		if err != nil {
			t.Fatal(err)
		}
		o.Endpoints, o.Values = rec.Endpoints, rec.Values
	}
	rep, err := scan.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return tgt, rep
}

// matches reports whether a finding proves a planted weakness: the same
// primary or secondary CWE, method and path, and the same GraphQL root
// field when the weakness names one.
func matches(f finding.Finding, w wild.Weakness) bool {
	cweOK := false
	for _, c := range f.CWE {
		if c == w.CWE {
			cweOK = true
		}
	}
	if !cweOK || !strings.EqualFold(f.Method, w.Method) || f.Path != w.Path {
		return false
	}
	if w.Operation == "" || w.Operation == "*" {
		return true
	}
	_, field, _ := strings.Cut(f.Operation, " ")
	field, _, _ = strings.Cut(field, "(")
	return field == w.Operation
}

func TestWildGraphQL(t *testing.T) {
	if testing.Short() {
		t.Skip("scans a whole API")
	}
	for _, withHAR := range []bool{false, true} {
		name := "discovery"
		if withHAR {
			name = "har"
		}
		t.Run(name, func(t *testing.T) {
			tgt, rep := scanWild(t, "graphql", wild.Vulnerable, false, withHAR)
			found := 0
			for _, w := range tgt.Weaknesses {
				ok := false
				for _, f := range rep.Findings {
					if matches(f, w) && f.Severity >= minSeverity(w.MinSeverity) {
						ok = true
					}
				}
				if ok {
					found++
				} else {
					t.Errorf("missed %s %s %s %s (%s)", w.Kind, w.Method, w.Path, w.Operation, w.CWE)
				}
			}
			t.Logf("recall %d/%d (%d requests)", found, len(tgt.Weaknesses), rep.RequestsSent)
			for _, f := range rep.Findings {
				t.Logf("finding %s %s %s %s %q %s", f.Severity, f.Check, f.Method, f.Path, f.Operation, f.Title)
			}

			_, fixed := scanWild(t, "graphql", wild.Fixed, false, withHAR)
			for _, f := range fixed.Findings {
				if f.Severity >= finding.High {
					t.Errorf("fixed mode: %s finding %s %s %s %q: %s", f.Severity, f.Check, f.Method, f.Path, f.Operation, f.Title)
				}
			}
		})
	}
}

func minSeverity(s string) finding.Severity {
	v, err := finding.ParseSeverity(s)
	if err != nil {
		return finding.Low
	}
	return v
}
