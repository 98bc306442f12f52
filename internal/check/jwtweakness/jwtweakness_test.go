package jwtweakness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// fixtures are tokens made by real PyJWT (see
// ../flasksession/testdata/gen_fixtures.py).
type fixtures struct {
	PyJWTVersion string `json:"pyjwt_version"`
	Cases        []struct {
		Name   string `json:"name"`
		Secret string `json:"secret"`
		Token  string `json:"token"`
		Weak   bool   `json:"weak"`
	} `json:"cases"`
}

func load(t *testing.T) fixtures {
	t.Helper()
	b, err := os.ReadFile("testdata/pyjwt_tokens.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func base() finding.Finding { return finding.Finding{} }

func TestRealPyJWTTokens(t *testing.T) {
	fx := load(t)
	weak, strong := fx.Cases[0], fx.Cases[1]

	tok, err := jwt.Parse(weak.Token)
	if err != nil || !tok.Verify(weak.Secret) {
		t.Fatalf("PyJWT %s token: parse %v, verify %v", fx.PyJWTVersion, err, err == nil && tok.Verify(weak.Secret))
	}
	got := checktest.Subjects(New(Options{}).analyse(tok, base, "test", true))
	for s, sev := range map[string]finding.Severity{"weak-hmac-secret": finding.Critical, "pii-claims": finding.High, "no-expiry": finding.Medium} {
		if f, ok := got[s]; !ok || f.Severity != sev {
			t.Errorf("%s: present %v severity %s, want %s", s, ok, f.Severity, sev)
		}
	}
	for _, f := range got {
		if strings.Contains(f.Evidence.Excerpt, weak.Secret) || strings.Contains(f.Evidence.Excerpt, "412-67-3385") || strings.Contains(f.Evidence.Excerpt, weak.Token) {
			t.Errorf("%s excerpt leaks: %s", f.Subject, f.Evidence.Excerpt)
		}
	}

	tok, err = jwt.Parse(strong.Token)
	if err != nil || !tok.Verify(strong.Secret) {
		t.Fatal("strong PyJWT token does not verify")
	}
	if fs := New(Options{}).analyse(tok, base, "test", true); len(fs) != 0 {
		t.Errorf("strong, short-lived token without PII: %+v", fs)
	}
	if fs := New(Options{Wordlist: []string{strong.Secret}}).analyse(tok, base, "test", true); len(fs) != 1 || fs[0].Subject != "weak-hmac-secret" {
		t.Errorf("user wordlist not used: %+v", fs)
	}
}

func TestHeaderOddities(t *testing.T) {
	now := time.Now().Unix()
	claims := map[string]any{"sub": "1", "iat": now, "exp": now + 3600*24*90}
	for _, tc := range []struct {
		header map[string]any
		want   []string
	}{
		{map[string]any{"alg": "HS256", "kid": "../../../../dev/null"}, []string{"kid", "long-lifetime"}},
		{map[string]any{"alg": "HS256", "kid": "1' UNION SELECT 'a"}, []string{"kid", "long-lifetime"}},
		{map[string]any{"alg": "HS256", "jku": "https://attacker.example/jwks.json"}, []string{"jku", "long-lifetime"}},
		{map[string]any{"alg": "HS256", "kid": "2024-01"}, []string{"long-lifetime"}},
	} {
		raw, _ := jwt.SignHS256("Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m", tc.header, claims)
		tok, _ := jwt.Parse(raw)
		got := checktest.Subjects(New(Options{}).analyse(tok, base, "test", true))
		if len(got) != len(tc.want) {
			t.Errorf("%v: subjects %v, want %v", tc.header, got, tc.want)
		}
		for _, s := range tc.want {
			if _, ok := got[s]; !ok {
				t.Errorf("%v: no %s", tc.header, s)
			}
		}
	}
}

// server issues HS256 tokens at /token (for the opaque demo credential) and
// guards /me with them; vulnerable accepts alg none.
func server(t *testing.T, vulnerable bool) (*httptest.Server, *[]string) {
	return serverWith(t, vulnerable, false)
}

// serverWith is server; noVerify accepts HS256 tokens whatever their
// signature (alg none still refused).
func serverWith(t *testing.T, vulnerable, noVerify bool) (*httptest.Server, *[]string) {
	const secret = "Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m"
	var mu sync.Mutex
	var log []string
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer opaque-alice" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		now := time.Now().Unix()
		tok, _ := jwt.SignHS256(secret, nil, map[string]any{"sub": "1001", "iat": now, "exp": now + 900})
		fmt.Fprintf(w, `{"access_token":%q}`, tok)
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, r.Method)
		mu.Unlock()
		tok, err := jwt.Parse(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ok := tok.Verify(secret) || (vulnerable && tok.Alg() == "none") || (noVerify && tok.Alg() == "HS256")
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"sub":"1001"}`)
	})
	return httptest.NewServer(mux), &log
}

func TestAlgNoneOnline(t *testing.T) {
	for _, vulnerable := range []bool{true, false} {
		t.Run(fmt.Sprint("vulnerable=", vulnerable), func(t *testing.T) {
			srv, log := server(t, vulnerable)
			defer srv.Close()
			alice := transport.Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer opaque-alice"}}}
			env := checktest.New(t, srv.URL, checktest.Options{
				Identities: []transport.Identity{alice},
				Endpoints:  []surface.Endpoint{{Method: http.MethodGet, Path: "/token"}, {Method: http.MethodGet, Path: "/me"}},
			})
			env.Baseline(t)
			c := New(Options{})
			fs := append(env.Inspect(c), env.RunAll(t, c)...)
			got := checktest.Subjects(fs)
			f, fired := got["alg-none-accepted"]
			if fired != vulnerable {
				t.Fatalf("alg-none-accepted fired = %v, findings %v", fired, got)
			}
			if !vulnerable && len(fs) != 0 {
				t.Errorf("fixed server: %+v", fs)
			}
			if fired && (f.Severity != finding.Critical || f.Evidence.Details["bad_signature_accepted"] != "false") {
				t.Errorf("finding %s details %v", f.Severity, f.Evidence.Details)
			}
			for _, m := range *log {
				if m != http.MethodGet {
					t.Errorf("modified token sent with %s", m)
				}
			}
		})
	}
}

func TestBadSignatureAcceptedWithoutAlgNone(t *testing.T) {
	srv, _ := serverWith(t, false, true)
	defer srv.Close()
	alice := transport.Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer opaque-alice"}}}
	env := checktest.New(t, srv.URL, checktest.Options{
		Identities: []transport.Identity{alice},
		Endpoints:  []surface.Endpoint{{Method: http.MethodGet, Path: "/token"}, {Method: http.MethodGet, Path: "/me"}},
	})
	env.Baseline(t)
	c := New(Options{})
	got := checktest.Subjects(append(env.Inspect(c), env.RunAll(t, c)...))
	f, ok := got["bad-signature-accepted"]
	if !ok || f.Severity != finding.Critical || !strings.Contains(f.Reproduce, `"Authorization: Bearer $BAD_SIGNATURE_TOKEN"`) {
		t.Fatalf("findings %v; reproduce %q", got, f.Reproduce)
	}
	if _, ok := got["alg-none-accepted"]; ok {
		t.Error("alg none reported though the server refuses it")
	}
}

func TestLifetimeNeverOverflows(t *testing.T) {
	for _, tc := range []struct {
		iat, exp float64
		want     string
	}{
		{1700000000, 1700000000 + 3*24*3600, "lifetime 3 days"},
		{1700000000, 1e13, "lifetime 317044 years"},
		{-1e15, 1e15, "years"},
		{-1e300, 1e300, "years"},
	} {
		raw, _ := jwt.SignHS256("Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m", nil, map[string]any{"sub": "1", "iat": tc.iat, "exp": tc.exp})
		tok, _ := jwt.Parse(raw)
		f, ok := checktest.Subjects(New(Options{}).analyse(tok, base, "test", true))["long-lifetime"]
		if !ok || !strings.Contains(f.Evidence.Excerpt, tc.want) || strings.Contains(f.Evidence.Excerpt, "-") {
			t.Errorf("iat %g exp %g: %q, want %q", tc.iat, tc.exp, f.Evidence.Excerpt, tc.want)
		}
	}
}

// A role, scope or permission claim is authorization data an access token
// exists to carry, not personal data: only personal claims are reported.
func TestRoleClaimIsNoPersonalData(t *testing.T) {
	now := time.Now().Unix()
	for _, tc := range []struct {
		name   string
		claims map[string]any
		title  string // "" when no pii-claims finding is wanted
	}{
		{"role only", map[string]any{"sub": "2", "role": "admin", "scope": "accounts:read", "permissions": []any{"read"}}, ""},
		{"role and email", map[string]any{"sub": "2", "role": "admin", "email": "carol.okafor@ledgerly-bank.com"}, "JWT claims carry email"},
	} {
		tc.claims["iat"], tc.claims["exp"] = now, now+900
		raw, _ := jwt.SignHS256("Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m", map[string]any{"alg": "HS256"}, tc.claims)
		tok, _ := jwt.Parse(raw)
		var got *finding.Finding
		for _, f := range New(Options{}).analyse(tok, base, "test", true) {
			if f.Subject == "pii-claims" {
				got = &f
			}
		}
		switch {
		case tc.title == "" && got != nil:
			t.Errorf("%s: reported %q", tc.name, got.Title)
		case tc.title != "" && (got == nil || got.Title != tc.title):
			t.Errorf("%s: got %+v, want %q", tc.name, got, tc.title)
		}
	}
}
