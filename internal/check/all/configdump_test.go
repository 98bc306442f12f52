package all

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/transport"
)

// TestConfigDumpOneFindingEveryKind: a whole scan of an API whose
// GET /debug/env returns the process environment reports the answer once
// under credential-exposure, naming every kind of secret in it, whatever
// the other checks (debug-mode, jwt-weakness, flask-session-cookie) say
// about the same answer.
func TestConfigDumpOneFindingEveryKind(t *testing.T) {
	env := map[string]string{
		"FLASK_ENV": "production", "PATH": "/usr/local/bin:/usr/bin:/bin",
		"AWS_ACCESS_KEY_ID": "AKIAQ4NSBIX7LPY3KZ2M", "AWS_SECRET_ACCESS_KEY": "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",
		"DATABASE_URL": "postgres://shop:Tr0ub4dor-and-3@db.internal:5432/shop", "JWT_SECRET": "f3c9a1d07e5b4c2a9d8e6f1b0a3c5e7d",
		"SECRET_KEY": "9s8d7f6g5h4j3k2l1qwe", "API_TOKEN": "q8Zr3Lm2Np7Rt5Wx9Yb4Cd6F",
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"links": []string{"/debug/env", "/api/health"}})
	})
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /debug/env", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(env)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	set := New(Options{})
	rep, err := scan.Run(context.Background(), scan.Options{
		Client: transport.Config{Target: u, Concurrency: 2, MaxRequests: 2000},
		Checks: set.Active, Passive: set.Passive,
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Check != "credential-exposure" {
			continue
		}
		n++
		if f.Path != "/debug/env" {
			t.Errorf("credential-exposure on %s", f.Path)
		}
		for _, k := range []string{"aws_access_key_id", "aws_secret_access_key", "connection_string_password", "jwt_secret", "secret_key", "token"} {
			if !strings.Contains(", "+f.Evidence.Details["kinds"]+", ", ", "+k+", ") {
				t.Errorf("kind %s missing from %q", k, f.Evidence.Details["kinds"])
			}
		}
		b, _ := json.Marshal(f)
		for _, raw := range []string{"hT3v9Lq2Xw8Rk5Zp1Nm7Bc4Yd6Fg0Js2Ka9Ve3Uq", "Tr0ub4dor-and-3", "f3c9a1d07e5b4c2a9d8e6f1b0a3c5e7d", "9s8d7f6g5h4j3k2l1qwe", "q8Zr3Lm2Np7Rt5Wx9Yb4Cd6F"} {
			if strings.Contains(string(b), raw) {
				t.Errorf("a secret is shown unmasked in the finding")
			}
		}
	}
	if n != 1 {
		t.Errorf("%d credential-exposure findings, want one for the answer", n)
	}
}
