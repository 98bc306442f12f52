package surface

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKnowledgeFillsTemplates(t *testing.T) {
	k := NewKnowledge()
	k.Observe("/api/v1/orders/mine", []byte(`{"orders": [{"id": 17, "total": 3, "customer": {"id": 1001}}, {"id": 18}]}`))
	k.Observe("/api/v1/users/me", []byte(`{"id": 1001, "name": "a"}`))
	eps := []Endpoint{
		{Method: "GET", Path: "/api/v1/orders/{order_id}", Params: []Param{{Name: "order_id", In: "path", Values: []string{"1"}, Synthetic: true}}},
		{Method: "GET", Path: "/api/v1/users/{id}"},
		{Method: "GET", Path: "/api/v1/customers/{customer_id}/notes"},
		{Method: "GET", Path: "/api/v1/things/{thing_id}", Params: []Param{{Name: "thing_id", In: "path", Values: []string{"9"}}}},
	}
	changed := k.Fill(eps)
	if diff := cmp.Diff([]int{0, 1, 2}, changed); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}
	got := map[string]string{}
	for _, ep := range eps {
		p, _ := ep.Concrete()
		got[ep.Path] = p
	}
	want := map[string]string{
		"/api/v1/orders/{order_id}":             "/api/v1/orders/17",
		"/api/v1/users/{id}":                    "/api/v1/users/1001",
		"/api/v1/customers/{customer_id}/notes": "/api/v1/customers/1001/notes",
		"/api/v1/things/{thing_id}":             "/api/v1/things/9",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("filled (-want +got):\n%s", diff)
	}
	p, _ := eps[0].Param("path", "order_id")
	if diff := cmp.Diff([]string{"17", "18"}, p.Values); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"15", "16", "19", "20"}, p.Neighbors); diff != "" {
		t.Errorf("neighbors (-want +got):\n%s", diff)
	}
}

func TestTemplatize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/users/42/orders/7", "/users/{user_id}/orders/{order_id}"},
		{"/categories/3", "/categories/{category_id}"},
		{"/a/5f8d0d55b54764421b7156c3", "/a/{a_id}"},
		{"/v1/health", "/v1/health"},
		{"/42/42", "/{id}/{id_2}"},
	} {
		got, _ := Templatize(tc.in)
		if got != tc.want {
			t.Errorf("Templatize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMatchTemplate(t *testing.T) {
	for _, tc := range []struct {
		tmpl, path string
		want       bool
	}{
		{"/users/{id}", "/users/7", true},
		{"/users/{id}", "/users/7/", true},
		{"/users/{id}", "/users", false},
		{"/users/{id}", "/users/7/x", false},
		{"/files/{name}.{ext}", "/files/a.txt", true},
		{"/files/{name}.{ext}", "/files/atxt", false},
		{"/a b", "/a%20b", true},
		{"/users", "/users?x=1", true},
	} {
		if got := MatchTemplate(tc.tmpl, tc.path); got != tc.want {
			t.Errorf("MatchTemplate(%q, %q) = %v", tc.tmpl, tc.path, got)
		}
	}
}

func TestUndocumentedFieldsRules(t *testing.T) {
	closed := &Schema{Types: []string{"object"}, Properties: map[string]*Schema{"id": {Types: []string{"integer"}}}}
	open := &Schema{Types: []string{"object"}, Properties: map[string]*Schema{"id": {}}, AdditionalSet: true, AdditionalAllowed: true}
	free := &Schema{Types: []string{"object"}}
	mapOf := &Schema{Types: []string{"object"}, AdditionalSet: true, Additional: closed}
	composed := &Schema{AllOf: []*Schema{closed, {Properties: map[string]*Schema{"name": {}}}}}
	v := map[string]any{"id": 1.0, "name": "x", "ssn": "1"}
	for _, tc := range []struct {
		name string
		s    *Schema
		v    any
		want []string
	}{
		{"closed by default", closed, v, []string{"$.name", "$.ssn"}},
		{"explicitly open", open, v, []string{}},
		{"free-form", free, v, []string{}},
		{"map of closed", mapOf, map[string]any{"a": map[string]any{"id": 1.0, "x": 2.0}}, []string{"$.a.x"}},
		{"allOf merges", composed, v, []string{"$.ssn"}},
		{"array", &Schema{Types: []string{"array"}, Items: closed}, []any{v}, []string{"$[].name", "$[].ssn"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.s.UndocumentedFields(tc.v, 0)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSynthesize(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *Schema
		want string
	}{
		{"id", nil, "1"},
		{"x", &Schema{Types: []string{"string"}, Format: "uuid"}, "00000000-0000-4000-8000-000000000001"},
		{"x", &Schema{Enum: []any{"asc", "desc"}}, "asc"},
		{"x", &Schema{Example: 5.0}, "5"},
		{"x", &Schema{Types: []string{"boolean"}}, "true"},
		{"email", &Schema{Types: []string{"string"}}, "leakhound@example.com"},
		{"q", &Schema{Types: []string{"string"}}, "test"},
	} {
		if got := Synthesize(tc.name, tc.s); got != tc.want {
			t.Errorf("Synthesize(%q, %v) = %q, want %q", tc.name, tc.s, got, tc.want)
		}
	}
}

func TestHeaderLeavesCredentialsToIdentities(t *testing.T) {
	ep := Endpoint{Params: []Param{
		{Name: "X-Trace", In: "header", Values: []string{"abc"}},
		{Name: "Authorization", In: "header", Values: []string{"Bearer example"}},
		{Name: "X-API-Key", In: "header", Values: []string{"k"}},
		{Name: "lang", In: "cookie", Values: []string{"fr"}},
		{Name: "session_id", In: "cookie", Values: []string{"s"}},
		{Name: "X-Bad", In: "header", Values: []string{"a\r\nX-Injected: 1"}},
	}}
	h := ep.Header()
	if len(h) != 2 || h.Get("X-Trace") != "abc" || h.Get("Cookie") != "lang=fr" {
		t.Errorf("Header() = %v", h)
	}
}

func TestTemplatedLinks(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:5000/")
	body := []byte(`{"links":{"check":"/api/register/check-email?email={email}","user":"http://127.0.0.1:5000/users/{id}/orders",
		"bad":"/x/{?a,b}","evil":"http://other.example/users/{id}","open":"/y/{id"}}`)
	got := HarvestLinks(body, base)
	want := []string{"/api/register/check-email?email={email}", "/users/{id}/orders"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %q, want %q", got, want)
	}
	ep := EndpointFromLink(got[0])
	if ep.Path != "/api/register/check-email" || len(ep.Params) != 1 || ep.Params[0].Name != "email" || ep.Params[0].In != "query" || !ep.Params[0].Required {
		t.Fatalf("endpoint %+v", ep)
	}
	if _, ok := ep.Concrete(); ok {
		t.Fatal("a templated link has no value to fetch yet")
	}
	ep = EndpointFromLink(got[1])
	if ep.Path != "/users/{id}/orders" || len(ep.Params) != 1 || ep.Params[0].In != "path" {
		t.Fatalf("endpoint %+v", ep)
	}
}
