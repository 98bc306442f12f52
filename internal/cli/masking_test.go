package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ledgerPersonal are the personal values the ledger API below holds. None
// may appear in any output of a scan: reports of every format, nor the
// log at -vv.
var ledgerPersonal = []string{
	"Carol Okafor", "Okafor", "18250.11", "18250", "Rent November", "carol.okafor", "Harbour Lane",
	"DE89370400440532013000", "7946 0321", "Dmitri Volkov", "Volkov",
}

const (
	ledgerAlice = "ledger-alice-0f3b9c2e7d41a8"
	ledgerCarol = "ledger-carol-6a2d8e1f4b907c"
)

// serveLedger is a small banking API with the weaknesses that put personal
// values into evidence: any authenticated caller reads any account (BOLA),
// the contact list answers an anonymous caller, and the customer's name
// sits under keys no detector knows (holder, beneficiary).
func serveLedger(t *testing.T) string {
	t.Helper()
	accounts := map[string]map[string]any{
		"1": {"account_id": 1, "holder": "Carol Okafor", "balance": 18250.11, "currency": "EUR",
			"iban": "DE89370400440532013000", "residence": "14 Harbour Lane, Bristol",
			"transactions": []any{map[string]any{"label": "Rent November", "amount": -1200.5, "beneficiary": "Dmitri Volkov"}}},
		"2": {"account_id": 2, "holder": "Alice Martin", "balance": 312.4, "currency": "EUR",
			"iban": "FR7630006000011234567890189", "transactions": []any{}},
	}
	spec := `{"openapi":"3.0.3","info":{"title":"ledger","version":"1"},"paths":{
"/api/me":{"get":{"responses":{"200":{"description":"me"}}}},
"/api/accounts/{account_id}":{"get":{"parameters":[{"name":"account_id","in":"path","required":true,"schema":{"type":"integer"}}],"responses":{"200":{"description":"account"}}}},
"/api/contacts":{"get":{"security":[],"responses":{"200":{"description":"contacts"}}}}}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		user := ""
		switch r.Header.Get("Authorization") {
		case "Bearer " + ledgerAlice:
			user = "2"
		case "Bearer " + ledgerCarol:
			user = "1"
		}
		enc := json.NewEncoder(w)
		known := r.URL.Path == "/openapi.json" || r.URL.Path == "/api/contacts" || r.URL.Path == "/api/me" ||
			strings.HasPrefix(r.URL.Path, "/api/accounts/")
		switch {
		case !known:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"not found"}`))
		case r.URL.Path == "/openapi.json":
			w.Write([]byte(spec))
		case r.URL.Path == "/api/contacts":
			enc.Encode(map[string]any{"contacts": []any{
				map[string]any{"holder": "Carol Okafor", "email": "carol.okafor@ledgerly-bank.com", "phone": "+44 20 7946 0321"},
				map[string]any{"holder": "Dmitri Volkov", "email": "d.volkov@ledgerly-bank.com", "phone": "+44 20 7946 0999"},
			}})
		case user == "":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"login required"}`))
		case r.URL.Path == "/api/me":
			enc.Encode(map[string]any{"account_id": user})
		case strings.HasPrefix(r.URL.Path, "/api/accounts/"):
			a, ok := accounts[strings.TrimPrefix(r.URL.Path, "/api/accounts/")]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"error":"not found"}`))
				return
			}
			enc.Encode(a)
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"not found"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestNoPersonalValueInAnyOutput(t *testing.T) {
	base := serveLedger(t)
	dir := t.TempDir()
	formats := []string{"json", "sarif", "html", "markdown", "junit", "text"}
	args := []string{"scan", base, "--no-config", "--spec", base + "/openapi.json", "-vv",
		"--identity", "alice:user=Authorization: Bearer " + ledgerAlice,
		"--identity", "carol:user=Authorization: Bearer " + ledgerCarol}
	for _, f := range formats {
		args = append(args, "--report", f+"="+filepath.Join(dir, "r."+f))
	}
	code, stdout, stderr := run(context.Background(), args...)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings): %s", code, stderr)
	}
	outputs := map[string]string{"stdout": stdout, "log at -vv": stderr}
	for _, f := range formats {
		b, err := os.ReadFile(filepath.Join(dir, "r."+f))
		if err != nil {
			t.Fatal(err)
		}
		outputs[f] = string(b)
	}
	// The scan found what puts the values into evidence, so the test
	// cannot pass by finding nothing.
	if !strings.Contains(outputs["json"], `\"holder\"`) || !strings.Contains(outputs["json"], "/api/contacts") {
		t.Fatalf("the scan did not report the ledger's leaks:\n%s", outputs["text"])
	}
	for name, out := range outputs {
		for _, v := range ledgerPersonal {
			if strings.Contains(out, v) {
				i := strings.Index(out, v)
				t.Errorf("%s shows %q: …%s…", name, v, out[max(0, i-120):min(len(out), i+80)])
			}
		}
		for _, tok := range []string{ledgerAlice, ledgerCarol} {
			if strings.Contains(out, tok) {
				t.Errorf("%s shows a credential of the scan", name)
			}
		}
	}
}
