package scan_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	graphqlgo "github.com/graph-gophers/graphql-go"

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

// matchesOperation reports whether a finding proves a planted weakness: the same
// primary or secondary CWE, method and path, and the same GraphQL root
// field when the weakness names one.
func matchesOperation(f finding.Finding, w wild.Weakness) bool {
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
					if matchesOperation(f, w) && f.Severity >= minSeverity(w.MinSeverity) {
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

// suggestionsAPI is a GraphQL API with introspection off and field
// suggestions on (graph-gophers' defaults besides DisableIntrospection).
type suggestionsRoot struct{}

type suggestionsNote struct{ id, title string }

func (n *suggestionsNote) ID() graphqlgo.ID { return graphqlgo.ID(n.id) }
func (n *suggestionsNote) Title() string    { return n.title }

func (*suggestionsRoot) Note(args struct{ ID graphqlgo.ID }) *suggestionsNote {
	return &suggestionsNote{string(args.ID), "groceries"}
}
func (*suggestionsRoot) Notes() []*suggestionsNote { return []*suggestionsNote{{"1", "groceries"}} }

// Without introspection, the schema is rebuilt from field suggestions: the
// root fields, the required argument and the leaves of the result type.
func TestGraphQLSchemaFromSuggestions(t *testing.T) {
	schema := graphqlgo.MustParseSchema(`
		schema { query: Query }
		type Query { note(id: ID!): Note  notes: [Note!]! }
		type Note { id: ID! title: String! }`, &suggestionsRoot{}, graphqlgo.DisableIntrospection())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graphql" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		var req struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if json.NewDecoder(r.Body).Decode(&req) != nil {
			w.WriteHeader(400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(schema.Exec(r.Context(), req.Query, "", req.Variables))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/")
	inv, err := scan.Map(context.Background(), scan.Options{
		Client:    transport.Config{Target: u, Concurrency: 2, Timeout: 5 * time.Second, MaxRequests: 1000, MaxBody: 1 << 20},
		Discovery: &discover.Options{Probe: false},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, ep := range inv.Endpoints {
		if ep.GraphQL != nil {
			got[ep.Key()] = ep.GraphQL.Document
		}
	}
	if doc := got["POST /graphql query note"]; doc != "query Note($id: ID!) { note(id: $id) { id title } }" {
		t.Errorf("query note: %q (operations %v)", doc, got)
	}
	if doc := got["POST /graphql query notes"]; !strings.Contains(doc, "{ notes { id title } }") {
		t.Errorf("query notes: %q", doc)
	}
}
