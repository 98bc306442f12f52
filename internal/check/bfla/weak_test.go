package bfla_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bfla"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// officeAPI has a public staff directory (named by the weak word "staff",
// identical for everyone), a payroll under the weak word "ops" that any
// logged-in user gets as the administrator does, and an internal account
// list served to anonymous callers.
func officeAPI() http.Handler {
	write := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	loggedIn := func(r *http.Request) bool {
		switch r.Header.Get("Authorization") {
		case "Bearer tok-ann", "Bearer tok-ben", "Bearer tok-root":
			return true
		}
		return false
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		if !loggedIn(r) {
			write(w, 401, map[string]any{"error": "login"})
			return
		}
		write(w, 200, map[string]any{"login": r.Header.Get("Authorization")[len("Bearer tok-"):]})
	})
	mux.HandleFunc("GET /api/staff", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, map[string]any{"staff": []map[string]string{
			{"name": "Margaret Holloway", "title": "Chief Executive Officer", "department": "Executive"},
			{"name": "Daniel Kowalski", "title": "Head of Compliance", "department": "Legal"},
		}})
	})
	mux.HandleFunc("GET /api/ops/payroll", func(w http.ResponseWriter, r *http.Request) {
		if !loggedIn(r) {
			write(w, 401, map[string]any{"error": "login"})
			return
		}
		write(w, 200, map[string]any{"payroll": []map[string]any{{"employee": "Daniel Kowalski", "salary": 98000, "bank": "DE89370400440532013000"}}})
	})
	mux.HandleFunc("GET /api/internal/accounts", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, map[string]any{"accounts": []map[string]any{{"login": "dkowalski", "email": "d.kowalski@office-corp.com", "mfa": false}}})
	})
	return mux
}

func TestBFLAWeakWords(t *testing.T) {
	srv := httptest.NewServer(officeAPI())
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	id := func(name, role string) transport.Identity {
		return transport.Identity{Name: name, Role: role, Header: http.Header{"Authorization": {"Bearer tok-" + name}}}
	}
	var eps []surface.Endpoint
	for _, p := range []string{"/api/me", "/api/staff", "/api/ops/payroll", "/api/internal/accounts"} {
		eps = append(eps, surface.Endpoint{Method: http.MethodGet, Path: p})
	}
	run := func(t *testing.T, ids ...transport.Identity) map[string][]finding.Finding {
		t.Helper()
		rep, err := scan.Run(context.Background(), scan.Options{
			Client:     transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 2000},
			Identities: ids,
			Endpoints:  eps,
			Checks:     []check.Check{bfla.New(nil)},
		})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]finding.Finding{}
		for _, f := range rep.Findings {
			if f.Check == "bfla" {
				out[f.Path] = append(out[f.Path], f)
			}
		}
		return out
	}
	t.Run("users only", func(t *testing.T) {
		got := run(t, id("ann", "user"), id("ben", "user"))
		if len(got["/api/internal/accounts"]) == 0 {
			t.Error("the internal account list served to anonymous callers was missed")
		}
		// Without an administrator's answer, a weak word proves nothing:
		// the staff directory is public, the payroll cannot be told apart.
		for _, p := range []string{"/api/staff", "/api/ops/payroll"} {
			for _, f := range got[p] {
				t.Errorf("false alarm on %s as %s: %s", p, f.Identity, f.Title)
			}
		}
	})
	t.Run("with an administrator", func(t *testing.T) {
		got := run(t, id("root", "admin"), id("ann", "user"))
		if len(got["/api/ops/payroll"]) == 0 {
			t.Error("the payroll a user gets as the administrator does was missed")
		}
		for _, f := range got["/api/staff"] {
			t.Errorf("false alarm on the public staff directory as %s: %s", f.Identity, f.Title)
		}
	})
}

func TestBFLAPublicByDesign(t *testing.T) {
	srv := httptest.NewServer(officeAPI())
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	// The description documents the staff directory as public, and the
	// internal list as protected.
	eps := []surface.Endpoint{
		{Method: http.MethodGet, Path: "/api/me"},
		{Method: http.MethodGet, Path: "/api/staff", Source: surface.SourceSpec, Security: [][]string{{}}},
		{Method: http.MethodGet, Path: "/api/internal/accounts", Source: surface.SourceSpec, Security: [][]string{{"bearer"}}},
	}
	rep, err := scan.Run(context.Background(), scan.Options{
		Client:     transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 2000},
		Identities: []transport.Identity{{Name: "root", Role: "admin", Header: http.Header{"Authorization": {"Bearer tok-root"}}}, {Name: "ann", Role: "user", Header: http.Header{"Authorization": {"Bearer tok-ann"}}}},
		Endpoints:  eps,
		Checks:     []check.Check{bfla.New(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	internal := false
	for _, f := range rep.Findings {
		switch {
		case f.Check == "bfla" && f.Path == "/api/staff":
			t.Errorf("false alarm on the documented public staff directory: %s", f.Title)
		case f.Check == "bfla" && f.Path == "/api/internal/accounts":
			internal = true
		}
	}
	if !internal {
		t.Error("the internal account list was missed")
	}
}
