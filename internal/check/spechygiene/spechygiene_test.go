package spechygiene_test

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/spechygiene"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

func TestDemoSpec(t *testing.T) {
	opts := scantest.Options{
		Checks: []check.Check{spechygiene.New()},
		Modify: func(o *scan.Options) { o.Discovery = &discover.Options{FindSpec: true} },
	}
	rep, _ := scantest.Run(t, testapi.Vulnerable, opts)
	fs := scantest.Find(rep, "spec-hygiene")
	if len(fs) != 1 || fs[0].Subject != "secret-in-example" || fs[0].Path != "/api/v1/login" {
		t.Fatalf("want the password in the login example, got %+v", fs)
	}
	if strings.Contains(fs[0].Evidence.Excerpt, "Winter2024!") || !strings.Contains(fs[0].Evidence.Excerpt, "password=") {
		t.Errorf("excerpt not masked: %q", fs[0].Evidence.Excerpt)
	}
	rep, _ = scantest.Run(t, testapi.Fixed, opts)
	if fs := scantest.Find(rep, "spec-hygiene"); len(fs) != 0 {
		t.Fatalf("fixed API: want no finding, got %+v", fs)
	}
}

const careless = `{
  "openapi": "3.0.3",
  "info": {"title": "careless", "version": "1"},
  "paths": {
    "/api/health": {"get": {"responses": {"200": {"description": "ok"}}}},
    "/api/users/{id}": {"get": {
      "parameters": [
        {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
        {"name": "X-Api-Key", "in": "header", "required": true, "schema": {"type": "string"}, "example": "AKIAIOSFODNN7EXAMPLF"}
      ],
      "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "passwordHash": {"type": "string"}, "card_number": {"type": "string"}, "password": {"type": "string", "writeOnly": true}}
      }}}}}
    }}
  }
}`

const careful = `{
  "openapi": "3.0.3",
  "info": {"title": "careful", "version": "1"},
  "security": [{"key": []}],
  "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}},
  "paths": {
    "/api/health": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}},
    "/api/users/{id}": {"get": {
      "parameters": [
        {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
        {"name": "X-Api-Key", "in": "header", "required": true, "schema": {"type": "string"}, "example": "<your-api-key>"}
      ],
      "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}
      }}}}}
    }}
  }
}`

func TestSpecFindings(t *testing.T) {
	run := func(spec string) map[string]finding.Finding {
		doc, err := openapi.Parse([]byte(spec))
		if err != nil {
			t.Fatal(err)
		}
		rep, _ := scantest.Run(t, testapi.Fixed, scantest.Options{
			Checks: []check.Check{spechygiene.New()},
			Modify: func(o *scan.Options) { o.Endpoints = doc.Endpoints },
		})
		got := map[string]finding.Finding{}
		for _, f := range scantest.Find(rep, "spec-hygiene") {
			got[f.Subject] = f
		}
		return got
	}
	got := run(careless)
	if f, ok := got["no-security"]; !ok || f.Severity != finding.Low {
		t.Errorf("no-security: %+v", f)
	}
	if f, ok := got["secret-in-example"]; !ok || strings.Contains(f.Evidence.Excerpt, "AKIAIOSFODNN7EXAMPLF") {
		t.Errorf("secret-in-example missing or unmasked: %+v", f)
	}
	if f, ok := got["sensitive-field-documented"]; !ok || f.Severity != finding.Info ||
		f.Evidence.Details["fields"] != "$.card_number,$.passwordHash" {
		t.Errorf("sensitive-field-documented: %+v", f.Evidence.Details)
	}
	if len(got) != 3 {
		t.Errorf("want 3 findings, got %d", len(got))
	}
	if got := run(careful); len(got) != 0 {
		t.Errorf("careful spec: want no finding, got %+v", got)
	}
}
