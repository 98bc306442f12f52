package jwtweakness

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// TestClaimsReportedAtIssuer: personal data in a token's claims is
// reported at the operation whose answer carried the token: the login
// flow's request, or the API's one documented login operation for a token
// given as a static header; at the site ("/") when neither is known.
func TestClaimsReportedAtIssuer(t *testing.T) {
	now := time.Now().Unix()
	tok, err := jwt.SignHS256("Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m", map[string]any{"alg": "HS256", "typ": "JWT"},
		map[string]any{"sub": "1001", "iat": now, "exp": now + 900, "email": "alice.martin@example.com", "phone": "+33 6 12 34 56 78", "birthdate": "1988-04-12"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/session/create" {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"token": tok})
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)

	documentedLogin := surface.Endpoint{Method: http.MethodPost, Path: "/api/login", OperationID: "login", Source: surface.SourceSpec,
		Responses: []surface.Response{{Status: "200", ContentType: "application/json", Examples: [][]byte{[]byte(`{"token": "eyJ.x.y", "expires_in": 900}`)}}}}
	// A reset answers a token-like member too, but issues no session.
	reset := surface.Endpoint{Method: http.MethodPost, Path: "/api/password/reset", Source: surface.SourceSpec,
		Responses: []surface.Response{{Status: "200", Examples: [][]byte{[]byte(`{"token": "r"}`)}}}}
	static := transport.Identity{Name: "alice", Header: http.Header{"Jwt_token": {tok}}}

	for _, tc := range []struct {
		name      string
		id        transport.Identity
		endpoints []surface.Endpoint
		method    string
		path      string
	}{
		{"static token, documented login", static, []surface.Endpoint{documentedLogin, reset}, http.MethodPost, "/api/login"},
		{"static token, no login documented", static, []surface.Endpoint{reset}, http.MethodGet, "/"},
		{"static token, two logins documented", static, []surface.Endpoint{documentedLogin, {Method: http.MethodPost, Path: "/api/v2/auth/token", Source: surface.SourceSpec,
			Responses: []surface.Response{{Status: "200", Examples: [][]byte{[]byte(`{"access_token": "a"}`)}}}}}, http.MethodGet, "/"},
		{"login flow", transport.Identity{Name: "alice", Login: &login.Flow{Path: "/api/session/create", Body: []byte(`{}`), TokenJSON: "token", SendHeader: "X-Token"}},
			[]surface.Endpoint{documentedLogin, {Method: http.MethodPost, Path: "/api/session/create"}}, http.MethodPost, "/api/session/create"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := checktest.New(t, srv.URL, checktest.Options{Identities: []transport.Identity{tc.id}, Endpoints: tc.endpoints})
			if tc.id.Login != nil {
				// The client logs in before the identity's first request.
				if _, err := env.Do(context.Background(), transport.Request{Path: "/"}, tc.id); err != nil {
					t.Fatal(err)
				}
			}
			got := checktest.Subjects(env.RunAll(t, New(Options{})))
			f, ok := got["pii-claims"]
			if !ok {
				t.Fatalf("no pii-claims finding: %v", got)
			}
			if f.Method != tc.method || f.Path != tc.path {
				t.Errorf("pii-claims at %s %s, want %s %s", f.Method, f.Path, tc.method, tc.path)
			}
			if tc.path != "/" && f.Evidence.Details["issued_by"] == "" {
				t.Errorf("no issued_by detail: %v", f.Evidence.Details)
			}
		})
	}
}
