package graphql

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
)

const pasteSDL = `
schema { query: Query mutation: Mutation }
type Query {
  paste(id: ID!): Paste
  pastes(public: Boolean = true, limit: Int = 20): [Paste!]!
  me(token: String): User
  user(username: String!): User
}
type Mutation { login(username: String!, password: String!): Auth }
type Paste { id: ID! title: String! public: Boolean! owner: User! }
type User { id: ID! username: String! email: String pastes: [Paste!]! }
type Auth { token: String! user: User! }
`

func TestOperations(t *testing.T) {
	s, err := Parse([]byte(pasteSDL))
	if err != nil {
		t.Fatal(err)
	}
	ops := Operations(s, "/graphql")
	byKey := map[string]surface.Endpoint{}
	for _, op := range ops {
		byKey[op.Key()] = op
	}
	for _, k := range []string{
		"POST /graphql query paste", "POST /graphql query pastes", "POST /graphql query pastes(public:false)",
		"POST /graphql query me", "POST /graphql query user", "POST /graphql mutation login",
	} {
		if _, ok := byKey[k]; !ok {
			t.Errorf("missing operation %q", k)
		}
	}
	if len(ops) != 6 {
		t.Errorf("%d operations, want 6", len(ops))
	}
	paste := byKey["POST /graphql query paste"]
	if got := paste.GraphQL.Document; got != "query Paste($id: ID!) { paste(id: $id) { id title public owner { id username email } } }" {
		t.Errorf("document %q", got)
	}
	p, ok := paste.Param(surface.InBody, "id")
	if !ok || p.Pointer != "/variables/id" || !p.Required || p.Role != surface.RoleObject {
		t.Errorf("id argument %+v", p)
	}
	// Cycles are cut: User.pastes.owner would re-enter User.
	me := byKey["POST /graphql query me"]
	if strings.Count(me.GraphQL.Document, "username") != 1 || strings.Contains(me.GraphQL.Document, "owner") {
		t.Errorf("cycle not cut: %s", me.GraphQL.Document)
	}
	// The optional credential is declared; other optional arguments keep
	// the server's default.
	if !strings.Contains(me.GraphQL.Document, "$token: String") {
		t.Errorf("token argument not declared: %s", me.GraphQL.Document)
	}
	if strings.Contains(byKey["POST /graphql query pastes"].GraphQL.Document, "limit") {
		t.Errorf("optional argument declared: %s", byKey["POST /graphql query pastes"].GraphQL.Document)
	}
	flip := byKey["POST /graphql query pastes(public:false)"]
	r, _ := flip.Build(nil)
	var body struct {
		Query     string
		Variables map[string]any
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Variables["public"] != false {
		t.Errorf("variant body %s", r.Body)
	}
	r, _ = paste.Build(func(p surface.Param) (string, bool) { return "3", p.Name == "id" })
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Variables["id"] != "3" || body.Query != paste.GraphQL.Document {
		t.Errorf("paste body %s", r.Body)
	}
}

func TestIntrospectionRoundTrip(t *testing.T) {
	intro := `{"data":{"__schema":{"queryType":{"name":"Query"},"mutationType":null,"subscriptionType":null,"types":[
 {"kind":"OBJECT","name":"Query","fields":[{"name":"note","args":[{"name":"id","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"ID"}},"defaultValue":null}],"type":{"kind":"OBJECT","name":"Note"}}]},
 {"kind":"OBJECT","name":"Note","fields":[{"name":"id","args":[],"type":{"kind":"SCALAR","name":"ID"}},{"name":"tags","args":[],"type":{"kind":"LIST","ofType":{"kind":"ENUM","name":"Tag"}}}]},
 {"kind":"ENUM","name":"Tag","enumValues":[{"name":"RED"},{"name":"BLUE"}]},
 {"kind":"SCALAR","name":"ID"},{"kind":"OBJECT","name":"__Schema","fields":[]}]}}}`
	s, err := Parse([]byte(intro))
	if err != nil {
		t.Fatal(err)
	}
	ops := Operations(s, "/api/graphql")
	if len(ops) != 1 || ops[0].Key() != "POST /api/graphql query note" || !strings.Contains(ops[0].GraphQL.Document, "{ id tags }") {
		t.Fatalf("operations %+v", ops)
	}
	for _, bad := range []string{`{}`, `{"data":{"__schema":null}}`, `type Query {`, `scalar X`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestSplitRecorded(t *testing.T) {
	rec := func(body string) surface.Endpoint {
		return surface.Endpoint{Method: "POST", Path: "/graphql", Source: surface.SourceHAR,
			Body: &surface.Body{ContentType: "application/json", Example: []byte(body), Recorded: true}}
	}
	eps := Split([]surface.Endpoint{
		rec(`{"operationName":"P","variables":{"id":"2"},"query":"query P($id: ID!) { paste(id: $id) { id } }"}`),
		rec(`{"query":"mutation { login(username: \"a\", password: \"b\") { token } }"}`),
		rec(`{"query":"{ me { id } pastes { id } }"}`),
		{Method: "GET", Path: "/health"},
	})
	var keys []string
	for _, e := range eps {
		keys = append(keys, e.Key())
	}
	want := "POST /graphql query paste|POST /graphql mutation login|POST /graphql query me|POST /graphql query pastes|GET /health"
	if strings.Join(keys, "|") != want {
		t.Fatalf("keys %v", keys)
	}
	p, ok := eps[0].Param(surface.InBody, "id")
	if !ok || len(p.Values) != 1 || p.Values[0] != "2" || p.From != surface.FromRecording {
		t.Errorf("recorded variable %+v", p)
	}
}

func TestSuggestions(t *testing.T) {
	for _, tc := range []struct{ msg, typ, names string }{
		{`Cannot query field "pastex" on type "Query". Did you mean "paste", "pastes" or "myPastes"?`, "Query", "myPastes,paste,pastes"},
		{`Cannot query field 'usr' on type 'Query'. Did you mean 'user'?`, "", "user"},
		{`Cannot query field "x" on type "Query".`, "", ""},
	} {
		typ, names := Suggestions(tc.msg)
		if typ != tc.typ || strings.Join(names, ",") != tc.names {
			t.Errorf("Suggestions(%q) = %q %v", tc.msg, typ, names)
		}
	}
	if n, ty, ok := RequiredArgument(`Field "paste" argument "id" of type "ID!" is required, but it was not provided.`); !ok || n != "id" || ty != "ID!" {
		t.Errorf("RequiredArgument: %q %q %v", n, ty, ok)
	}
}
