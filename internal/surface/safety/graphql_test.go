package safety

import (
	"net/url"
	"testing"
)

func TestClassifyGraphQL(t *testing.T) {
	for _, tc := range []struct {
		method, kind, field string
		want                Class
	}{
		{"POST", "query", "paste", ReadPOST},
		{"GET", "query", "pastes", Read},
		{"POST", "query", "runs", ReadPOST},
		{"POST", "query", "users", ReadPOST},
		{"POST", "mutation", "login", Write},
		{"POST", "mutation", "editPaste", Write},
		{"POST", "mutation", "deletePaste", Destructive},
		{"POST", "query", "deleteUser", Destructive},
		{"POST", "query", "systemInfo", Destructive},
		{"POST", "query", "importUsers", Destructive},
		{"POST", "query", "uploadFile", Destructive},
		{"POST", "query", "execCommand", Destructive},
		{"POST", "query", "runJob", Destructive},
		{"POST", "query", "resetDatabase", Never},
		{"POST", "mutation", "logout", Never},
		{"POST", "query", "createReport", Write},
		{"POST", "subscription", "pasteAdded", Never},
	} {
		if got := ClassifyGraphQL(tc.method, tc.kind, tc.field).Class; got != tc.want {
			t.Errorf("%s %s %s = %s, want %s", tc.method, tc.kind, tc.field, got, tc.want)
		}
	}
}

func TestClassifyGraphQLRequest(t *testing.T) {
	for _, tc := range []struct {
		method, url, body string
		want              Class
		ok                bool
	}{
		{"POST", "/graphql", `{"query":"query P($id: ID!) { paste(id: $id) { id } }"}`, ReadPOST, true},
		{"POST", "/graphql", `{"query":"{ __typename }"}`, ReadPOST, true},
		{"POST", "/graphql", `{"query":"mutation { login(username:\"a\", password:\"b\") }"}`, Write, true},
		// Every operation counts, whatever operationName selects.
		{"POST", "/graphql", `{"operationName":"Q","query":"query Q { me { id } } mutation M { deletePaste(id: 1) }"}`, Destructive, true},
		{"POST", "/graphql", `[{"query":"{ me { id } }"},{"query":"mutation { editPaste(id: 1) { id } }"}]`, Write, true},
		{"POST", "/graphql", `{"query":"query { ...F } fragment F on Query { deleteUser(id: 1) }"}`, Destructive, true},
		{"POST", "/graphql", `{"query":"query { __typename"}`, ReadPOST, true},
		{"GET", "/graphql?query=" + url.QueryEscape("{ pastes { id } }"), ``, Read, true},
		{"GET", "/graphql?query=" + url.QueryEscape("mutation { logout }"), ``, Never, true},
		{"POST", "/graphql", `{"title":"x"}`, "", false},
		{"POST", "/graphql", `not json`, "", false},
		{"GET", "/graphql", ``, "", false},
	} {
		u, _ := url.Parse(tc.url)
		v, ok := ClassifyGraphQLRequest(tc.method, u, []byte(tc.body))
		if ok != tc.ok || (ok && v.Class != tc.want) {
			t.Errorf("%s %s %s = %s %v, want %s %v", tc.method, tc.url, tc.body, v.Class, ok, tc.want, tc.ok)
		}
	}
}
