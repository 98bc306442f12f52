package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

func find(t *testing.T, doc *Document, key string) surface.Endpoint {
	t.Helper()
	for _, ep := range doc.Endpoints {
		if ep.Key() == key {
			return ep
		}
	}
	var keys []string
	for _, ep := range doc.Endpoints {
		keys = append(keys, ep.Key())
	}
	t.Fatalf("no endpoint %q in %v", key, keys)
	return surface.Endpoint{}
}

func TestLoadOpenAPI30(t *testing.T) {
	doc, err := LoadFile(filepath.Join("testdata", "v30.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "3.0.3" || doc.Title != "Shop" || doc.BasePath != "/api/v1" {
		t.Errorf("doc = %q %q %q", doc.Version, doc.Title, doc.BasePath)
	}
	if diff := cmp.Diff([]string{"bearer"}, doc.SecuritySchemes); diff != "" {
		t.Errorf("schemes (-want +got):\n%s", diff)
	}
	get := find(t, doc, "GET /api/v1/orders/{order_id}")
	if get.AuthRequired == nil || !*get.AuthRequired || get.OperationID != "getOrder" {
		t.Errorf("auth/opid = %v %q", get.AuthRequired, get.OperationID)
	}
	p, complete := get.Concrete()
	if !complete || p != "/api/v1/orders/42" {
		t.Errorf("Concrete = %q %v", p, complete)
	}
	type pv struct {
		In, Name string
		Values   []string
	}
	var got []pv
	for _, p := range get.Params {
		got = append(got, pv{p.In, p.Name, p.Values})
	}
	want := []pv{{"path", "order_id", []string{"42"}}, {"header", "X-Trace", []string{"abc"}}, {"cookie", "session", []string{"s1", "s2"}}, {"query", "expand", nil}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if h := get.Header(); h.Get("X-Trace") != "abc" || h.Get("Cookie") != "session=s1" {
		t.Errorf("Header() = %v", h)
	}
	if len(get.Responses) != 1 || get.Responses[0].Status != "200" || len(get.Responses[0].Examples) != 1 {
		t.Fatalf("responses = %+v", get.Responses)
	}
	order := get.Responses[0].Schema
	// The relative file $ref was followed, and its own circular $ref kept.
	cust := order.Properties["customer"]
	if cust == nil || cust.Properties["email"] == nil || cust.Properties["manager"] == nil ||
		cust.Properties["manager"].Properties["manager"] != cust.Properties["manager"] {
		t.Fatalf("customer schema not resolved as a cycle: %+v", cust)
	}
	undoc := order.UndocumentedFields(map[string]any{"id": 1.0, "password_hash": "x", "customer": map[string]any{"email": "a", "ssn": "1"}}, 0)
	if diff := cmp.Diff([]string{"$.customer.ssn", "$.password_hash"}, undoc); diff != "" {
		t.Errorf("undocumented (-want +got):\n%s", diff)
	}

	post := find(t, doc, "POST /api/v1/orders")
	if post.Body == nil || post.Body.ContentType != "application/json" || !post.Body.Required {
		t.Fatalf("body = %+v", post.Body)
	}
	var ex map[string]any
	if err := json.Unmarshal(post.Body.Example, &ex); err != nil || ex["id"] == nil {
		t.Errorf("synthesized body example = %s (%v)", post.Body.Example, err)
	}

	cat := find(t, doc, "GET /api/v1/categories")
	if !cat.Deprecated || cat.AuthRequired == nil || *cat.AuthRequired {
		t.Errorf("categories deprecated=%v auth=%v", cat.Deprecated, cat.AuthRequired)
	}
	if p, ok := cat.Concrete(); !ok || p != "/api/v1/categories?page=1" {
		t.Errorf("synthesized query = %q %v", p, ok)
	}
	item := cat.Responses[0].Schema.Items
	if item.Properties["children"].Items != item {
		t.Error("circular Category schema not kept as a cycle")
	}
	// A cyclic schema is walked without looping.
	deep := map[string]any{"name": "a", "children": []any{map[string]any{"name": "b", "children": []any{map[string]any{"x": 1.0}}}}}
	if diff := cmp.Diff([]string{"$.children[].children[].x"}, item.UndocumentedFields(deep, 0)); diff != "" {
		t.Errorf("cyclic undocumented (-want +got):\n%s", diff)
	}
}

func TestLoadOpenAPI31(t *testing.T) {
	doc, err := LoadFile(filepath.Join("testdata", "v31.json"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "3.1.0" || len(doc.Endpoints) != 1 {
		t.Fatalf("doc = %q, %d endpoints", doc.Version, len(doc.Endpoints))
	}
	ep := doc.Endpoints[0]
	p, ok := ep.Concrete()
	if !ok || p != "/notes/00000000-0000-4000-8000-000000000001?lang=fr" {
		t.Errorf("Concrete = %q %v", p, ok)
	}
	if ep.AuthRequired == nil || *ep.AuthRequired {
		t.Errorf("no security: AuthRequired = %v", ep.AuthRequired)
	}
	note := ep.Responses[0].Schema
	if !note.Properties["title"].Is("null") || note.Properties["replies"].Items != note {
		t.Errorf("3.1 types or cycle lost: %+v", note.Properties["title"])
	}
	lang, _ := ep.Param("query", "lang")
	if lang.Type != "string" {
		t.Errorf("lang type = %q", lang.Type)
	}
}

func TestLoadSwagger20(t *testing.T) {
	doc, err := LoadFile(filepath.Join("testdata", "v20.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.0" || doc.BasePath != "/legacy" {
		t.Errorf("doc = %q %q", doc.Version, doc.BasePath)
	}
	get := find(t, doc, "GET /legacy/users/{id}")
	if !get.Deprecated || get.AuthRequired == nil || !*get.AuthRequired {
		t.Errorf("deprecated=%v auth=%v", get.Deprecated, get.AuthRequired)
	}
	if p, ok := get.Concrete(); !ok || p != "/legacy/users/1?fields=short" {
		t.Errorf("Concrete = %q %v", p, ok)
	}
	user := get.Responses[0].Schema
	if user == nil || user.Properties["friends"].Items != user {
		t.Errorf("circular definition lost: %+v", user)
	}
	post := find(t, doc, "POST /legacy/users")
	if post.Body == nil || post.Body.Schema == nil || post.Body.Schema.Properties["name"] == nil {
		t.Errorf("body = %+v", post.Body)
	}
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"malformed-yaml.yaml", "not JSON or YAML"},
		{"no-version.json", "no openapi or swagger version"},
		{"broken-ref.json", "Missing"},
		{"unsupported.json", "unsupported version"},
		{"remote-ref.json", "only refer to local files"},
		{"does-not-exist.yaml", "no such file"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := LoadFile(filepath.Join("testdata", tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if tc.file != "does-not-exist.yaml" && !errors.Is(err, surface.ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
	for _, in := range []string{"", "null", "[]", "{", "openapi: [", `{"openapi": "3.0.0", "paths": {"nope": {}}}`, `{"swagger": "2.0", "paths": 5}`, "\x00\x01"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) = nil error", in)
		}
	}
}

func TestLoadURLStaysOnTarget(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		switch r.URL.Path {
		case "/docs/openapi.json":
			w.Write([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"servers":[{"url":"/v2"}],"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"schemas.json#/A"}}}}}}}}}`))
		case "/docs/schemas.json":
			w.Write([]byte(`{"A":{"type":"object","properties":{"x":{"type":"string"}}}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	c, err := transport.New(transport.Config{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := LoadURL(context.Background(), c, "/docs/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if ep := find(t, doc, "GET /v2/a"); ep.Responses[0].Schema.Properties["x"] == nil {
		t.Error("relative $ref on the target not resolved")
	}
	if diff := cmp.Diff([]string{"/docs/openapi.json", "/docs/schemas.json"}, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	// A $ref leaving the origin is refused by the transport scope guard.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"http://127.0.0.2:1/x.json"}}}}}}}}}`))
	}))
	defer evil.Close()
	et, _ := url.Parse(evil.URL)
	ec, _ := transport.New(transport.Config{Target: et})
	if _, err := LoadURL(context.Background(), ec, "/openapi.json"); err == nil || !strings.Contains(err.Error(), "origin") {
		t.Errorf("cross-origin $ref: err = %v", err)
	}
}

func TestNoPanicOnMutations(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "v30.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(base); i += 37 {
		b := append([]byte(nil), base[:i]...)
		_, _ = Parse(b) // must not panic
	}
}
