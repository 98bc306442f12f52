package cors

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

func policy(f func(origin string, h http.Header)) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			f(o, w.Header())
		}
		if r.URL.Path == "/api/me" && r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
}

func TestCORS(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy func(origin string, h http.Header)
		want   map[string]finding.Severity
	}{
		{"reflect with credentials", func(o string, h http.Header) {
			h.Set("Access-Control-Allow-Origin", o)
			h.Set("Access-Control-Allow-Credentials", "true")
		}, map[string]finding.Severity{"arbitrary": finding.High, "null": finding.High}},
		{"reflect without credentials", func(o string, h http.Header) {
			h.Set("Access-Control-Allow-Origin", o)
		}, map[string]finding.Severity{"arbitrary": finding.Low, "null": finding.Low}},
		{"wildcard with credentials", func(o string, h http.Header) {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Credentials", "true")
		}, map[string]finding.Severity{"wildcard-credentials": finding.Medium}},
		{"unanchored suffix check", func(o string, h http.Header) {
			if strings.HasSuffix(o, "127.0.0.1") {
				h.Set("Access-Control-Allow-Origin", o)
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}, map[string]finding.Severity{"suffix-match": finding.High}},
		{"unanchored prefix check", func(o string, h http.Header) {
			if strings.HasPrefix(o, "https://127.0.0.1") {
				h.Set("Access-Control-Allow-Origin", o)
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}, map[string]finding.Severity{"prefix-match": finding.High}},
		{"exact allow-list", func(o string, h http.Header) {
			if o == "https://app.example.com" {
				h.Set("Access-Control-Allow-Origin", o)
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}, map[string]finding.Severity{}},
		{"public wildcard", func(o string, h http.Header) {
			h.Set("Access-Control-Allow-Origin", "*")
		}, map[string]finding.Severity{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := policy(tc.policy)
			defer srv.Close()
			alice := transport.Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer a"}}}
			env := checktest.New(t, srv.URL, checktest.Options{Identities: []transport.Identity{alice}, Endpoints: []surface.Endpoint{{Method: http.MethodGet, Path: "/api/me"}}})
			env.Baseline(t)
			got := checktest.Subjects(env.RunAll(t, New()))
			if len(got) != len(tc.want) {
				t.Errorf("subjects %v, want %v", got, tc.want)
			}
			for s, sev := range tc.want {
				if f, ok := got[s]; !ok || f.Severity != sev {
					t.Errorf("%s: present %v severity %s, want %s", s, ok, f.Severity, sev)
				}
			}
			if f, ok := got["arbitrary"]; ok && f.Evidence.Details["tested_on"] != "/api/me" {
				t.Errorf("tested on %q, want the authenticated endpoint first", f.Evidence.Details["tested_on"])
			}
			// Labelled with the operation its request and reproduction
			// went to, not the site root.
			for s, f := range got {
				if f.Method+" "+f.Path != "GET /api/me" || !strings.Contains(f.Reproduce, "/api/me") {
					t.Errorf("%s: labelled %s %s, reproduction %q", s, f.Method, f.Path, f.Reproduce)
				}
			}
		})
	}
}
