package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/testapi"
)

func TestSurfaceCommand(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	alice := "alice=Authorization: Bearer " + testapi.AliceToken
	wordlist := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(wordlist, []byte("# mine\nexport\nnothing-here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	harFile := filepath.Join(t.TempDir(), "rec.har")
	har := `{"log": {"entries": [{"request": {"method": "GET", "url": "` + vuln + `/api/v1/orders/5003", "headers": [{"name": "Authorization", "value": "Bearer recorded-token-123"}]}, "response": {"status": 200}}]}}`
	if err := os.WriteFile(harFile, []byte(har), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings of stdout
		stderr string
	}{
		{name: "table", args: []string{"surface", vuln, "--identity", alice, "--rate", "0"}, code: 0, stdout: []string{
			"METHOD  PATH", "/api/v1/orders/{order_id}", "spec", "order_id(path)=5001 ±[4999,5000,5003,5004]",
			"/api/v1/export", "probe", "/api/v1/legacy/patients (deprecated)", "API description: /openapi.json",
			"soft 404 (every path answers) under: /mobile/v1/", "for discovery)", "API prefixes: / /api/ /api/v1/",
		}},
		{name: "json", args: []string{"surface", vuln, "--format", "json", "--no-discovery", "--rate", "0"}, code: 0, stdout: []string{`"endpoints": [`, `"discovery_requests": 0`}},
		{name: "custom wordlist", args: []string{"surface", vuln, "--probe-wordlist", wordlist, "--rate", "0"}, code: 0, stdout: []string{"/api/v1/export", "for discovery)"}},
		{name: "spec file", args: []string{"surface", vuln, "--spec", "testdata/surface/notes.json", "--no-discovery", "--rate", "0"}, code: 0, stdout: []string{"/notes/{note_id}", "spec"}},
		{name: "spec url on target", args: []string{"surface", vuln, "--spec", vuln + "/openapi.json", "--no-discovery", "--rate", "0"}, code: 0, stdout: []string{"/api/v1/profile", "API description: " + vuln + "/openapi.json"}},
		{name: "spec url elsewhere", args: []string{"surface", vuln, "--spec", "http://127.0.0.2:1/openapi.json"}, code: 2, stderr: "target's origin"},
		{name: "malformed spec", args: []string{"surface", vuln, "--spec", "testdata/surface/malformed.yaml"}, code: 2, stderr: "malformed API description"},
		{name: "missing spec", args: []string{"scan", vuln, "--spec", "testdata/surface/none.yaml"}, code: 2, stderr: "read spec"},
		{name: "spec url answers 404", args: []string{"scan", vuln, "--spec", vuln + "/no-such-openapi.json", "--rate", "0"}, code: 2, stderr: "answered 404"},
		{name: "spec url answers 404 (surface)", args: []string{"surface", vuln, "--spec", vuln + "/no-such-openapi.json", "--rate", "0"}, code: 2, stderr: "API description unavailable"},
		{name: "malformed spec url", args: []string{"scan", vuln, "--spec", vuln + "/api/health"}, code: 2, stderr: "malformed API description"},
		{name: "har lists credentials, does not use them", args: []string{"surface", vuln, "--har", harFile, "--no-discovery", "--rate", "0"}, code: 0, stdout: []string{"/api/v1/orders/{order_id}", " har ", "order_id(path)=5003"}, stderr: "not used"},
		{name: "har credentials used on request", args: []string{"surface", vuln, "--har", harFile, "--no-discovery", "--rate", "0", "--recorded-identities"}, code: 0, stdout: []string{"/api/v1/orders/{order_id}", " har "}},
		{name: "recorded identities need a recording", args: []string{"surface", vuln, "--recorded-identities"}, code: 2, stderr: "needs --har or --postman"},
		{name: "bad format", args: []string{"surface", vuln, "--format", "sarif"}, code: 2, stderr: "table or json"},
		{name: "bad wordlist", args: []string{"scan", vuln, "--probe-wordlist", "testdata/surface/none.txt"}, code: 2, stderr: "read probe wordlist"},
		{name: "bad discovery budget", args: []string{"scan", vuln, "--discovery-requests", "0"}, code: 2, stderr: "--discovery-requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(context.Background(), tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, tc.code, errs, out)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if tc.stderr != "" && !strings.Contains(errs, tc.stderr) {
				t.Errorf("stderr %q lacks %q", errs, tc.stderr)
			}
			if strings.Contains(out+errs, testapi.AliceToken) || strings.Contains(out+errs, "recorded-token") {
				t.Fatal("output holds a credential")
			}
		})
	}
}

func TestSurfaceJSONInventory(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	code, out, errs := run(context.Background(), "surface", vuln, "--format", "json", "--rate", "0", "--identity", "alice=Authorization: Bearer "+testapi.AliceToken)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var inv scan.Inventory
	if err := json.Unmarshal([]byte(out), &inv); err != nil {
		t.Fatal(err)
	}
	if inv.SpecURL != "/openapi.json" || inv.DiscoveryRequests == 0 || inv.DiscoveryRequests > 300 {
		t.Errorf("spec %q, discovery requests %d", inv.SpecURL, inv.DiscoveryRequests)
	}
	sources := map[string]int{}
	for _, ep := range inv.Endpoints {
		sources[string(ep.Source)]++
	}
	if sources["spec"] < 5 || sources["probe"] < 1 || sources["target"] != 1 {
		t.Errorf("sources = %v", sources)
	}
}

func TestRecordedIdentitiesOnlyOnRequest(t *testing.T) {
	api := testapi.New(testapi.Vulnerable)
	srv := httptest.NewServer(api)
	defer srv.Close()
	harFile := filepath.Join(t.TempDir(), "rec.har")
	har := `{"log": {"entries": [{"request": {"method": "GET", "url": "` + srv.URL + `/api/v1/orders/mine", "headers": [{"name": "Authorization", "value": "Bearer recorded-token-123"}]}, "response": {"status": 200}}]}}`
	if err := os.WriteFile(harFile, []byte(har), 0o600); err != nil {
		t.Fatal(err)
	}
	sent := func() bool {
		for _, r := range api.Requests() {
			if r.Header.Get("Authorization") == "Bearer recorded-token-123" {
				return true
			}
		}
		return false
	}
	if code, _, errs := run(context.Background(), "surface", srv.URL, "--har", harFile, "--no-discovery", "--rate", "0"); code != 0 || sent() {
		t.Fatalf("exit %d (%s); recorded credential sent without --recorded-identities: %v", code, errs, sent())
	}
	if code, _, errs := run(context.Background(), "surface", srv.URL, "--har", harFile, "--no-discovery", "--rate", "0", "--recorded-identities"); code != 0 || !sent() {
		t.Fatalf("exit %d (%s); recorded credential not used with --recorded-identities", code, errs)
	}
}

// TestSurfaceListsSkippedOperations: `leakhound surface` lists what the
// policy and the scope kept from being sent.
func TestSurfaceListsSkippedOperations(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"surface", vuln, "--no-discovery", "--exclude", "GET /api/admin/*"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	i := strings.Index(out, "Skipped operations")
	if i < 0 || !strings.Contains(out[i:], "/api/admin/users") || !strings.Contains(out[i:], "--exclude") {
		t.Fatalf("no skipped operations listed:\n%s", out)
	}
}

// TestSurfaceDeployments: leakhound surface names the custom credential
// header a gateway's CORS preflight allows, and --spec takes a swagger-ui
// page or init script, read for its inline description.
func TestSurfaceDeployments(t *testing.T) {
	gw := httptest.NewServer(testapi.GatewayAPI())
	defer gw.Close()
	code, out, errs := run(context.Background(), "surface", gw.URL+"/prod", "--rate", "0")
	if code != 0 || !strings.Contains(out, "custom credential headers (Access-Control-Allow-Headers): X-Api-Token —") || !strings.Contains(out, "/prod/profile") {
		t.Errorf("gateway: exit %d (%s)\n%s", code, errs, out)
	}
	ui := httptest.NewServer(testapi.SwaggerUIAPI())
	defer ui.Close()
	code, out, errs = run(context.Background(), "surface", ui.URL, "--spec", ui.URL+"/docs/", "--no-discovery", "--rate", "0")
	if code != 0 || !strings.Contains(out, "/api/v1/users/{userId}") || !strings.Contains(out, "API description: /docs/swagger-ui-init.js") {
		t.Errorf("swagger-ui page as --spec: exit %d (%s)\n%s", code, errs, out)
	}
	dir := t.TempDir()
	initJS := filepath.Join(dir, "swagger-ui-init.js")
	resp, err := http.Get(ui.URL + "/docs/swagger-ui-init.js")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	os.WriteFile(initJS, body, 0o600)
	code, out, errs = run(context.Background(), "surface", ui.URL, "--spec", initJS, "--no-discovery", "--rate", "0")
	if code != 0 || !strings.Contains(out, "/api/v1/info") {
		t.Errorf("init script as --spec: exit %d (%s)\n%s", code, errs, out)
	}
	code, _, errs = run(context.Background(), "scan", ui.URL, "--spec", ui.URL+"/api/v1/products", "--rate", "0")
	if code != 2 || !strings.Contains(errs, "/api/v1/products") {
		t.Errorf("a JSON answer that is no description: exit %d, %q must name the URL", code, errs)
	}
}
