package flasksession

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
	"github.com/leakhound/leakhound/internal/itsdangerous"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// fixtures are cookies made by real Flask (testdata/gen_fixtures.py).
type fixtures struct {
	FlaskVersion string `json:"flask_version"`
	Cases        []struct {
		Name   string `json:"name"`
		Secret string `json:"secret"`
		Cookie string `json:"cookie"`
		Weak   bool   `json:"weak"`
	} `json:"cases"`
}

func load(t *testing.T) fixtures {
	t.Helper()
	b, err := os.ReadFile("testdata/flask_cookies.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRealFlaskCookies(t *testing.T) {
	fx := load(t)
	for _, tc := range fx.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			ck, err := itsdangerous.Parse(tc.Cookie)
			if err != nil {
				t.Fatalf("Flask %s cookie does not parse: %v", fx.FlaskVersion, err)
			}
			if !ck.Verify(tc.Secret) {
				t.Fatal("our HMAC-SHA1/cookie-session implementation disagrees with Flask")
			}
			if strings.HasPrefix(tc.Cookie, ".") != ck.Compressed {
				t.Error("compression flag wrong")
			}
			key, found := New(Options{}).crack(ck)
			if found != tc.Weak {
				t.Fatalf("cracked = %v, want %v", found, tc.Weak)
			}
			if found && key != tc.Secret {
				t.Errorf("cracked key %q, want %q", key, tc.Secret)
			}
		})
	}
}

func TestUserWordlist(t *testing.T) {
	fx := load(t)
	strong := fx.Cases[2]
	ck, _ := itsdangerous.Parse(strong.Cookie)
	if _, ok := New(Options{Wordlist: []string{"nope", strong.Secret}}).crack(ck); !ok {
		t.Error("user wordlist entry not tried")
	}
}

// server sets a session cookie made by real Flask and guards /profile with
// it; with forging on, the check re-signs the session and replays it.
func server(cookie, secret string, flags string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var log []string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "session="+cookie+"; Path=/"+flags)
		fmt.Fprint(w, `{"ok":true}`)
	})
	mux.HandleFunc("/profile", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, r.Method+" "+r.Header.Get("Cookie"))
		mu.Unlock()
		c, err := r.Cookie("session")
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ck, err := itsdangerous.Parse(c.Value)
		if err != nil || !ck.Verify(secret) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"user":"alice"}`)
	})
	return httptest.NewServer(mux), &log
}

func TestSessionCheck(t *testing.T) {
	fx := load(t)
	eps := []surface.Endpoint{{Method: http.MethodGet, Path: "/login"}, {Method: http.MethodGet, Path: "/profile"}}
	for _, tc := range []struct {
		name     string
		fixture  int
		forge    bool
		subjects map[string]finding.Severity
	}{
		{"weak key, PII payload", 0, false, map[string]finding.Severity{"weak-secret-key": finding.Critical, "client-side-data:session": finding.Medium}},
		{"weak key, zlib payload, forging on", 1, true, map[string]finding.Severity{"weak-secret-key": finding.Critical, "client-side-data:session": finding.Medium, "forged-session-accepted": finding.Critical}},
		{"strong key, opaque id", 2, true, map[string]finding.Severity{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fx.Cases[tc.fixture]
			srv, log := server(c.Cookie, c.Secret, "")
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{Endpoints: eps})
			env.Baseline(t)
			chk := New(Options{Forge: tc.forge})
			fs := append(env.Inspect(chk), env.RunAll(t, chk)...)
			got := checktest.Subjects(fs)
			if len(got) != len(tc.subjects) {
				t.Errorf("subjects %v, want %v", got, tc.subjects)
			}
			for s, sev := range tc.subjects {
				if f, ok := got[s]; !ok || f.Severity != sev {
					t.Errorf("%s: got %v (severity %s), want %s", s, ok, f.Severity, sev)
				}
			}
			for _, f := range fs {
				if strings.Contains(f.Evidence.Excerpt, c.Secret) || strings.Contains(f.Evidence.Excerpt, "alice.moreau@proton.me") {
					t.Errorf("%s excerpt leaks: %s", f.Subject, f.Evidence.Excerpt)
				}
				for _, v := range f.Evidence.Values {
					if v.Masked == c.Secret {
						t.Errorf("%s shows the key unmasked", f.Subject)
					}
				}
			}
			forged := 0
			for _, l := range *log {
				if strings.Contains(l, "session=") {
					forged++
					if !strings.HasPrefix(l, "GET ") {
						t.Errorf("forged cookie sent with %s", l)
					}
				}
			}
			if !tc.forge && forged > 0 {
				t.Errorf("forged cookie sent without the opt-in: %v", *log)
			}
			if tc.forge && c.Weak && forged != 1 {
				t.Errorf("forged requests = %d, want 1", forged)
			}
		})
	}
}

func TestIdentityCookie(t *testing.T) {
	fx := load(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	id := transport.Identity{Name: "alice", Header: http.Header{"Cookie": {"theme=dark; session=" + fx.Cases[0].Cookie}}}
	env := checktest.New(t, srv.URL, checktest.Options{Identities: []transport.Identity{id}})
	fs := env.RunAll(t, New(Options{}))
	if _, ok := checktest.Subjects(fs)["weak-secret-key"]; !ok {
		t.Fatalf("identity cookie not cracked: %+v", fs)
	}
	if env.Sent() != 0 {
		t.Errorf("offline analysis sent %d requests", env.Sent())
	}
}

func TestRolesOnlyIsLow(t *testing.T) {
	v := itsdangerous.Sign("Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m", []byte(`{"role":"admin"}`), time.Now())
	ck, _ := itsdangerous.Parse(v)
	fs := New(Options{}).analyse("session", ck, func() finding.Finding { return finding.Finding{} }, "test")
	if len(fs) != 1 || fs[0].Severity != finding.Low {
		t.Fatalf("findings = %+v", fs)
	}
}

// TestHarvestedSecretKey: a .env file served by the app holds the
// SECRET_KEY that signs its sessions; the key is in no weak-key list.
// Served or not, the same cookie must be cracked only when it is.
func TestHarvestedSecretKey(t *testing.T) {
	const key = "northwind-flask-2024-Hv8-Qp"
	cookie := itsdangerous.Sign(key, []byte(`{"uid":7}`), time.Now())
	for _, exposed := range []bool{true, false} {
		t.Run(fmt.Sprint("exposed=", exposed), func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
				http.SetCookie(w, &http.Cookie{Name: "session", Value: cookie, HttpOnly: true})
				fmt.Fprint(w, `{"ok":true}`)
			})
			mux.HandleFunc("/.env", func(w http.ResponseWriter, r *http.Request) {
				if !exposed {
					http.NotFound(w, r)
					return
				}
				fmt.Fprint(w, "FLASK_APP=app.py\nSECRET_KEY="+key+"\nDEBUG=0\n")
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{Endpoints: []surface.Endpoint{{Method: http.MethodGet, Path: "/login"}, {Method: http.MethodGet, Path: "/.env"}}})
			env.Baseline(t)
			chk := New(Options{})
			fs := append(append(env.Inspect(chk), env.RunAll(t, chk)...), env.Finish(chk)...)
			got := checktest.Subjects(fs)
			f, ok := got["exposed-secret-key"]
			if ok != exposed || len(got) != map[bool]int{true: 1, false: 0}[exposed] {
				t.Fatalf("subjects %v, want exposed-secret-key only when the .env is served", got)
			}
			if ok && (f.Path != "/.env" || !strings.Contains(f.Title, "(SECRET_KEY)") || strings.Contains(f.Evidence.Excerpt, key) || !strings.Contains(f.Evidence.Details["forges"], "session cookie")) {
				t.Errorf("finding at %s %q excerpt %q details %v", f.Path, f.Title, f.Evidence.Excerpt, f.Evidence.Details)
			}
		})
	}
}
