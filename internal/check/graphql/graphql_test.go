package graphql_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	graphqlgo "github.com/graph-gophers/graphql-go"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/checktest"
	gqlcheck "github.com/leakhound/leakhound/internal/check/graphql"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/surface"
	gql "github.com/leakhound/leakhound/internal/surface/graphql"
	"github.com/leakhound/leakhound/internal/transport"
)

const sdl = `
schema { query: Query mutation: Mutation }
type Query {
  me(token: String): User
  notes: [Note!]!
}
type Mutation { login(username: String!, password: String!): String }
type User { id: ID! username: String! }
type Note { id: ID! title: String! }
`

const secret = "test-secret-0123456789"

// server is a GraphQL API whose weaknesses each flag turns on: the fixed
// build has none of them.
type server struct {
	introspection, batching, suggestions, unsigned bool
}

type root struct{ s server }

type user struct{ id, name string }

func (u *user) ID() graphqlgo.ID                                       { return graphqlgo.ID(u.id) }
func (u *user) Username() string                                       { return u.name }
func (r *root) Notes() []*note                                         { return []*note{{"1", "groceries"}} }
func (r *root) Login(args struct{ Username, Password string }) *string { return nil }

type note struct{ id, title string }

func (n *note) ID() graphqlgo.ID { return graphqlgo.ID(n.id) }
func (n *note) Title() string    { return n.title }

// Me decodes the token argument: verified in the fixed build, only decoded
// in the vulnerable one.
func (r *root) Me(args struct{ Token *string }) *user {
	if args.Token == nil {
		return nil
	}
	t, err := jwt.Parse(*args.Token)
	if err != nil {
		return nil
	}
	if !r.s.unsigned && !t.Verify(secret) {
		return nil
	}
	sub, _ := t.Claims["sub"].(string)
	return &user{sub, "alice"}
}

func (s server) handler(t *testing.T) http.Handler {
	var opts []graphqlgo.SchemaOpt
	if !s.introspection {
		opts = append(opts, graphqlgo.DisableIntrospection())
	}
	schema := graphqlgo.MustParseSchema(sdl, &root{s}, opts...)
	exec := func(ctx context.Context, q string, vars map[string]any) *graphqlgo.Response {
		res := schema.Exec(ctx, q, "", vars)
		if !s.suggestions {
			for _, e := range res.Errors {
				if i := strings.Index(e.Message, " Did you mean"); i >= 0 {
					e.Message = e.Message[:i]
				}
			}
		}
		return res
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graphql" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		type req struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
			var batch []req
			if !s.batching || json.Unmarshal(b, &batch) != nil {
				w.WriteHeader(400)
				w.Write([]byte(`{"errors":[{"message":"batching is not supported"}]}`))
				return
			}
			var out []*graphqlgo.Response
			for _, q := range batch {
				out = append(out, exec(r.Context(), q.Query, q.Variables))
			}
			json.NewEncoder(w).Encode(out)
			return
		}
		var q req
		if json.Unmarshal(b, &q) != nil {
			w.WriteHeader(400)
			return
		}
		json.NewEncoder(w).Encode(exec(r.Context(), q.Query, q.Variables))
	})
}

func token(t *testing.T) string {
	tok, err := jwt.SignHS256(secret, nil, map[string]any{"sub": "1", "name": "alice"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func run(t *testing.T, s server, c check.Check, field string) int {
	t.Helper()
	srv := httptest.NewServer(s.handler(t))
	defer srv.Close()
	schema, err := gql.Parse([]byte(sdl))
	if err != nil {
		t.Fatal(err)
	}
	ops := gql.Operations(schema, "/graphql")
	alice := transport.Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer " + token(t)}}}
	env := checktest.New(t, srv.URL, checktest.Options{Endpoints: ops, Identities: []transport.Identity{alice}})
	var ep surface.Endpoint
	for _, o := range env.Endpoints() {
		if o.GraphQL != nil && o.GraphQL.Field == field {
			ep = o
			break
		}
	}
	if ep.GraphQL == nil {
		t.Fatalf("no operation %s in %d", field, len(ops))
	}
	fs := env.Run(t, c, ep)
	for _, f := range fs {
		t.Logf("%s %s %s %q: %s", f.Severity, f.Check, f.Path, f.Operation, f.Title)
		if strings.Contains(f.Reproduce+f.Evidence.Request, token(t)) {
			t.Errorf("the identity's token leaks into the finding")
		}
	}
	return len(fs)
}

func TestChecks(t *testing.T) {
	vulnerable := server{introspection: true, batching: true, suggestions: true, unsigned: true}
	fixed := server{}
	for _, tc := range []struct {
		name  string
		check check.Check
		field string
	}{
		{"introspection", gqlcheck.NewIntrospection(), "me"},
		{"suggestions", gqlcheck.NewSuggestions(), "me"},
		{"batching", gqlcheck.NewBatching(), "me"},
		{"credential argument", gqlcheck.NewCredentialArgument(), "me"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := run(t, vulnerable, tc.check, tc.field); n != 1 {
				t.Errorf("vulnerable: %d findings, want 1", n)
			}
			if n := run(t, fixed, tc.check, tc.field); n != 0 {
				t.Errorf("fixed: %d findings, want 0", n)
			}
		})
	}
}

// Endpoint-wide checks run once per GraphQL endpoint: on its first
// operation, not on the others.
func TestOncePerEndpoint(t *testing.T) {
	vulnerable := server{introspection: true, batching: true, suggestions: true}
	if n := run(t, vulnerable, gqlcheck.NewIntrospection(), "notes"); n != 0 {
		t.Errorf("introspection reported again on a second operation: %d", n)
	}
}

// A token that is only decoded is not trusted on a signed token alone: the
// controls (no token, malformed token) must be refused first, and the
// forged token must carry no valid signature.
func TestForgedTokenShape(t *testing.T) {
	tok, _ := jwt.Parse(token(t))
	none := tok.NoneVariant()
	parts := strings.Split(none, ".")
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if !strings.Contains(string(h), `"none"`) || parts[2] != "" {
		t.Fatalf("unsigned variant %q", none)
	}
}
