package surface

import (
	"strings"
	"testing"
)

func TestGraphQLAnswer(t *testing.T) {
	for _, tc := range []struct {
		body             string
		ok, refused, has bool
	}{
		{`{"data":{"me":{"id":"1"}}}`, true, false, true},
		{`{"errors":[{"message":"Not authorised"}],"data":{"me":null}}`, true, true, false},
		{`{"errors":[{"message":"Not authorised"}],"data":null}`, true, true, false},
		{`{"errors":[{"message":"Must provide query string."}]}`, true, true, false},
		{`{"errors":[{"message":"partial"}],"data":{"a":null,"b":{"x":1}}}`, true, false, true},
		{`{"data":{"pastes":[]}}`, true, false, false},
		{`{"id":1,"errors":[]}`, false, false, false},
		{`{"data":{"me":null},"extensions":{"cost":1}}`, true, false, false},
		{`<html>`, false, false, false},
	} {
		a, ok := ParseGraphQLAnswer([]byte(tc.body))
		if ok != tc.ok || (ok && (a.Refused() != tc.refused || a.HasData() != tc.has)) {
			t.Errorf("%s: ok %v refused %v data %v", tc.body, ok, a.Refused(), a.HasData())
		}
	}
}

func TestGraphQLOperationOf(t *testing.T) {
	for _, tc := range []struct{ method, url, body, want string }{
		{"POST", "/graphql", `{"query":"query P($id: ID!) { paste(id: $id) { id } }"}`, "query paste"},
		{"POST", "/graphql", `{"query":"{ __typename me { id } }"}`, "query me"},
		{"POST", "/graphql", `{"operationName":"B","query":"query A { a } mutation B { login(u: 1) }"}`, "mutation login"},
		{"POST", "/graphql", `[{"query":"{ users { id } }"}]`, "query users"},
		{"GET", "/graphql?query=%7B+pastes+%7B+id+%7D+%7D", ``, "query pastes"},
		{"POST", "/graphql", `{"title":"x"}`, ""},
		{"POST", "/graphql", `{"query":"{ broken"}`, ""},
	} {
		if got := GraphQLOperationOf(tc.method, tc.url, []byte(tc.body)); got != tc.want {
			t.Errorf("%s %s %s = %q, want %q", tc.method, tc.url, tc.body, got, tc.want)
		}
	}
	e := Endpoint{Method: "POST", Path: "/graphql", GraphQL: &GraphQLOp{Kind: "query", Field: "pastes", Variant: "public:false"}}
	if e.Key() != "POST /graphql query pastes(public:false)" {
		t.Errorf("key %q", e.Key())
	}
}

func TestRedactGraphQLBody(t *testing.T) {
	got := string(RedactGraphQLBody([]byte(`{"query":"mutation L($u: String!, $p: String!) { login(username: $u, password: $p) }","variables":{"username":"alice","password":"quartz-Bell-39","token":"eyJx"}}`)))
	if strings.Contains(got, "quartz") || strings.Contains(got, "eyJx") || !strings.Contains(got, `"username":"alice"`) {
		t.Errorf("redacted body %s", got)
	}
	got = string(RedactGraphQLBody([]byte(`{"query":"mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token } }","variables":{"u":"alice","p":"quartz-Bell-39"}}`)))
	if strings.Contains(got, "quartz") || !strings.Contains(got, `"u":"alice"`) {
		t.Errorf("redacted body %s", got)
	}
	if got := string(RedactGraphQLBody([]byte(`{"query":"{ me { id } }"}`))); got != `{"query":"{ me { id } }"}` {
		t.Errorf("unchanged body %s", got)
	}
}
