package discover

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/transport"
)

func TestGraphQL(t *testing.T) {
	var sent int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent++
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/graphql" && r.Method == http.MethodGet && r.URL.Query().Get("query") == "":
			// express-graphql: a bare GET is not absence.
			w.WriteHeader(400)
			w.Write([]byte(`{"errors":[{"message":"Must provide query string."}]}`))
		case r.URL.Path == "/api/graphql" && r.Method == http.MethodPost:
			w.Write([]byte(`{"data":{"__typename":"Query"}}`))
		case r.URL.Path == "/gql/v2" && r.Method == http.MethodGet:
			// GET only, answering GraphQL errors.
			w.WriteHeader(400)
			w.Write([]byte(`{"errors":[{"message":"Cannot query field \"x\""}],"data":null}`))
		case r.URL.Path == "/query":
			// An ordinary JSON API at a GraphQL-looking path.
			w.Write([]byte(`{"results":[],"errors":0}`))
		default:
			w.WriteHeader(404)
			w.Write([]byte(`{"error":"not found"}`))
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c, err := transport.New(transport.Config{Target: u, Timeout: 2 * time.Second, MaxRequests: 100, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	eps, used := GraphQL(context.Background(), c, append(GraphQLPaths, "/gql/v2", srv.URL+"/api/graphql"), 40)
	var got []string
	for _, ep := range eps {
		got = append(got, ep.Method+" "+ep.Path)
	}
	if len(got) != 2 || got[0] != "POST /api/graphql" || got[1] != "POST /gql/v2" {
		t.Fatalf("found %v", got)
	}
	if sent > 2*6 || used != sent {
		t.Errorf("%d requests for 6 paths, %d counted", sent, used)
	}
	if eps, used := GraphQL(context.Background(), c, GraphQLPaths, 3); len(eps) != 0 || used != 3 {
		t.Errorf("budget of 3 requests: found %v in %d", eps, used)
	}
}
