package transport

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
)

// GraphQL operations share one path: the policy judges each request by the
// document it sends, and lists the mutations a read-only scan keeps unsent
// by operation.
func TestPolicyGraphQL(t *testing.T) {
	rec := &recorder{}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.count(r)
		w.Write([]byte(`{"data":{}}`))
	}))
	defer target.Close()
	ops := []surface.Endpoint{
		{Method: "POST", Path: "/graphql", GraphQL: &surface.GraphQLOp{Kind: "query", Field: "paste"}},
		{Method: "POST", Path: "/graphql", GraphQL: &surface.GraphQLOp{Kind: "mutation", Field: "editPaste"}},
		{Method: "POST", Path: "/graphql", GraphQL: &surface.GraphQLOp{Kind: "mutation", Field: "deletePaste"}},
	}
	for _, tt := range []struct {
		name       string
		allowWrite bool
		method     string
		path, body string
		refused    bool
	}{
		{"query", false, "POST", "/graphql", `{"query":"query { paste(id: 1) { id } }"}`, false},
		{"query by GET", false, "GET", "/graphql?query=" + url.QueryEscape("{ paste(id: 1) { id } }"), "", false},
		{"mutation in read-only", false, "POST", "/graphql", `{"query":"mutation { editPaste(id: 1, title: \"x\") { id } }"}`, true},
		{"mutation hidden in a batch", false, "POST", "/graphql", `[{"query":"{ paste(id: 1) { id } }"},{"query":"mutation { editPaste(id: 1) { id } }"}]`, true},
		{"mutation by GET", false, "GET", "/graphql?query=" + url.QueryEscape("mutation { editPaste(id: 1) { id } }"), "", true},
		{"mutation with --allow-write", true, "POST", "/graphql", `{"query":"mutation { editPaste(id: 1, title: \"x\") { id } }"}`, false},
		{"destructive mutation with --allow-write", true, "POST", "/graphql", `{"query":"mutation { deletePaste(id: 1) }"}`, true},
		{"query named destructive", false, "POST", "/graphql", `{"query":"query { deleteAll }"}`, true},
		{"body without a document", false, "POST", "/graphql", `{"title":"x"}`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := rec.total()
			c := newClient(t, target.URL, func(c *Config) {
				c.Endpoints = ops
				c.AllowWrite = tt.allowWrite
			})
			_, err := c.Do(context.Background(), Request{Method: tt.method, Path: tt.path, Body: []byte(tt.body)}, alice)
			sent := rec.total() - before
			if tt.refused != errors.Is(err, ErrRefused) || (tt.refused && sent != 0) || (!tt.refused && sent != 1) {
				t.Fatalf("refused=%v want %v; %d on the wire (err %v)", errors.Is(err, ErrRefused), tt.refused, sent, err)
			}
			if !tt.allowWrite {
				var listed []string
				for _, s := range c.Skipped() {
					listed = append(listed, s.Method+" "+s.Path)
				}
				if got := strings.Join(listed, "|"); !strings.Contains(got, "POST /graphql mutation editPaste") || !strings.Contains(got, "POST /graphql mutation deletePaste") {
					t.Errorf("skipped operations %q", got)
				}
			}
		})
	}
}

// One client, one request line, different documents: the verdict of a
// GraphQL request is never taken from the request-line cache.
func TestPolicyGraphQLNotCachedByLine(t *testing.T) {
	rec := &recorder{}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.count(r)
		w.Write([]byte(`{"data":{}}`))
	}))
	defer target.Close()
	c := newClient(t, target.URL, nil)
	query := []byte(`{"query":"{ paste(id: 1) { id } }"}`)
	mutation := []byte(`{"query":"mutation { editPaste(id: 1) { id } }"}`)
	for i, tc := range []struct {
		body    []byte
		refused bool
	}{{query, false}, {mutation, true}, {query, false}, {mutation, true}} {
		_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/graphql", Body: tc.body}, alice)
		if errors.Is(err, ErrRefused) != tc.refused {
			t.Errorf("request %d: refused=%v, want %v", i, errors.Is(err, ErrRefused), tc.refused)
		}
	}
	if got := rec.get("POST /graphql"); got != 2 {
		t.Errorf("%d requests on the wire, want the 2 queries", got)
	}
}
