package undocumentedfields_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/undocumentedfields"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

func opts() scantest.Options {
	return scantest.Options{
		Checks: []check.Check{undocumentedfields.New()},
		Modify: func(o *scan.Options) { o.Discovery = &discover.Options{FindSpec: true} },
	}
}

func TestUndocumentedResponseFields(t *testing.T) {
	rep, _ := scantest.Run(t, testapi.Vulnerable, opts())
	fs := scantest.Find(rep, "undocumented-response-fields")
	if len(fs) != 1 {
		t.Fatalf("want one finding on /api/v1/profile, got %+v", fs)
	}
	f := fs[0]
	if f.Path != "/api/v1/profile" || f.Severity != finding.High {
		t.Errorf("finding on %s severity %v, want /api/v1/profile high", f.Path, f.Severity)
	}
	for _, want := range []string{"$.password_hash", "$.ssn", "$.role", "$.email"} {
		if !strings.Contains(f.Evidence.Details["fields"], want) {
			t.Errorf("fields %q lack %s", f.Evidence.Details["fields"], want)
		}
	}
	// The raw SSN never reaches the report.
	for _, v := range f.Evidence.Values {
		if strings.Contains(v.Masked, "412-67-3385") {
			t.Errorf("unmasked value %+v", v)
		}
	}
	if strings.Contains(f.Evidence.Excerpt, "412-67") {
		t.Errorf("excerpt leaks a value: %s", f.Evidence.Excerpt)
	}

	rep, _ = scantest.Run(t, testapi.Fixed, opts())
	if fs := scantest.Find(rep, "undocumented-response-fields"); len(fs) != 0 {
		t.Fatalf("fixed API: want no finding, got %+v", fs)
	}
}

// lookupAPI documents POST /api/profile/lookup (a read served by POST, the
// selector in the body) as answering id and name. leaky adds the stored
// record's other attributes; otherwise it answers the documented shape.
// POST /api/profile/update is a write with the same undocumented answer:
// a read-only scan never sends it.
func lookupAPI(leaky bool) http.Handler {
	const spec = `{"openapi": "3.0.3", "info": {"title": "lookup", "version": "1"},
  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {"Profile": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}}},
  "security": [{"bearer": []}],
  "paths": {
    "/api/profile/lookup": {"post": {"operationId": "lookupProfile",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}, "example": {"id": "1"}}}},
      "responses": {"200": {"description": "profile", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}}}}},
    "/api/profile/update": {"post": {"operationId": "updateProfile",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}, "example": {"name": "x"}}}},
      "responses": {"200": {"description": "profile", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}}}}}}}`
	users := map[string]map[string]any{
		"Bearer " + testapi.AliceToken: {"id": "1", "name": "Alice Martin", "ssn": "412-67-3385", "password_hash": "pbkdf2:sha256:600000$Xq3v9LmZ$8c1f0e5d7a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d"},
		"Bearer " + testapi.BobToken:   {"id": "2", "name": "Bob Stone", "ssn": "518-22-9041", "password_hash": "pbkdf2:sha256:600000$Pw7r2KdQ$1a3c5e7f9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a"},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, spec)
	})
	answer := func(w http.ResponseWriter, r *http.Request) {
		u, ok := users[r.Header.Get("Authorization")]
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		out := map[string]any{"id": u["id"], "name": u["name"]}
		if leaky {
			out = u
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}
	mux.HandleFunc("POST /api/profile/lookup", answer)
	mux.HandleFunc("POST /api/profile/update", answer)
	return mux
}

func TestUndocumentedFieldsOfReadPOST(t *testing.T) {
	scanLookup := func(leaky bool) []finding.Finding {
		c := undocumentedfields.New()
		o := opts()
		o.Checks, o.Passive = []check.Check{c}, []check.Passive{c}
		o.Wrap = func(http.Handler) http.Handler { return lookupAPI(leaky) }
		rep, _ := scantest.Run(t, testapi.Vulnerable, o)
		return scantest.Find(rep, "undocumented-response-fields")
	}
	fs := scanLookup(true)
	if len(fs) != 1 {
		t.Fatalf("want one finding on POST /api/profile/lookup, got %+v", fs)
	}
	f := fs[0]
	if f.Method != http.MethodPost || f.Path != "/api/profile/lookup" || f.Severity != finding.High || !slices.Contains(f.CWE, "CWE-213") {
		t.Errorf("finding %s %s [%v] %v, want POST /api/profile/lookup high CWE-213", f.Method, f.Path, f.Severity, f.CWE)
	}
	for _, want := range []string{"$.password_hash", "$.ssn"} {
		if !strings.Contains(f.Evidence.Details["fields"], want) {
			t.Errorf("fields %q lack %s", f.Evidence.Details["fields"], want)
		}
	}
	for _, leak := range []string{"412-67", "518-22", "Xq3v9LmZ", "Pw7r2KdQ"} {
		if b, _ := json.Marshal(f); strings.Contains(string(b), leak) {
			t.Errorf("finding leaks %s", leak)
		}
	}
	if fs := scanLookup(false); len(fs) != 0 {
		t.Fatalf("documented answers: want no finding, got %+v", fs)
	}
}
