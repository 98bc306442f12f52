package authbypass_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/authbypass"
	"github.com/leakhound/leakhound/internal/check/userenum"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// The accounts of the test server and their real passwords.
var accounts = map[string]string{"alice": "alice-real-pw-71", "bob": "bob-real-pw-53"}

// Login behaviours of the test server.
const (
	vulnerable  = "vulnerable"   // a known username with any password gets a token
	fixed       = "fixed"        // only the real password gets a token
	error200    = "error-200"    // a wrong password gets 200 {"error": "bad password"}
	guest       = "guest"        // every caller gets a token that opens nothing
	anyAccount  = "any-account"  // every caller gets a token that works
	rateLimited = "rate-limited" // wrong passwords get 429
	cookie      = "cookie"       // vulnerable, with a session cookie instead of a token
	// flash: a wrong password for a known username gets a cookie holding
	// a flash message, which opens nothing; unknown usernames get 401.
	flash = "flash"
	// shape: a wrong password gets an opaque string where the real login
	// puts its JWT.
	shapeMismatch = "shape"
)

// server is a small API with a login and a who-am-I operation; it records
// every login attempt.
type server struct {
	mode string
	mu   sync.Mutex
	// attempts are the (username, password) pairs posted to the login.
	attempts [][2]string
	tokens   map[string]string // token → username ("" for a guest)
}

func (s *server) issue(w http.ResponseWriter, user string) {
	tok, _ := jwt.SignHS256("test-signing-key-0123456789abcdef", map[string]any{"alg": "HS256", "typ": "JWT"},
		map[string]any{"sub": user, "n": len(s.tokens)})
	s.tokens[tok] = user
	if s.mode == cookie {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: tok, HttpOnly: true})
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/login":
		var in struct{ Username, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid JSON"})
			return
		}
		s.attempts = append(s.attempts, [2]string{in.Username, in.Password})
		real, known := accounts[in.Username]
		right := known && in.Password == real
		switch {
		case right:
			s.issue(w, in.Username)
		case s.mode == vulnerable || s.mode == cookie:
			if known {
				s.issue(w, in.Username)
				return
			}
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid credentials"})
		case s.mode == flash && known:
			http.SetCookie(w, &http.Cookie{Name: "session", Value: fmt.Sprintf("flash-wrong-password-%d", len(s.attempts)), HttpOnly: true})
			writeJSON(w, http.StatusOK, map[string]any{"error": "bad password"})
		case s.mode == shapeMismatch && known:
			writeJSON(w, http.StatusOK, map[string]any{"access_token": "invalid-credentials-for-this-account", "error": "bad password"})
		case s.mode == error200:
			writeJSON(w, http.StatusOK, map[string]any{"error": "bad password"})
		case s.mode == guest:
			tok, _ := jwt.SignHS256("test-signing-key-0123456789abcdef", map[string]any{"alg": "HS256", "typ": "JWT"}, map[string]any{"sub": "guest", "n": len(s.tokens)})
			s.tokens[tok] = ""
			writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer"})
		case s.mode == anyAccount:
			s.issue(w, in.Username)
		case s.mode == rateLimited:
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": "too many attempts"})
		default:
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid credentials"})
		}
	case r.Method == http.MethodGet && r.URL.Path == "/api/me":
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if c, err := r.Cookie("session"); err == nil {
			tok = c.Value
		}
		user := s.tokens[tok]
		if user == "" {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": 4711 + len(user), "username": user, "display_name": strings.ToUpper(user[:1]) + user[1:]})
	case r.Method == http.MethodGet && r.URL.Path == "/":
		writeJSON(w, http.StatusOK, map[string]any{"links": []string{"/api/me"}})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	}
}

// wrongAttempts counts the login attempts with a password that is not the
// account's.
func (s *server) wrongAttempts() (known, unknown int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.attempts {
		real, ok := accounts[a[0]]
		switch {
		case ok && a[1] != real:
			known++
		case !ok:
			unknown++
		}
	}
	return known, unknown
}

// clientSecret is a secret field of the login flow's body: sent, never shown.
const clientSecret = "cs-9f8e7d6c5b4a3921"

// flowIdentity logs in as alice through POST /api/login.
func flowIdentity(cookieToken bool) transport.Identity {
	f := &login.Flow{Method: http.MethodPost, Path: "/api/login", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"username":"alice","password":"` + accounts["alice"] + `","client_id":"web","client_secret":"` + clientSecret + `"}`), TokenJSON: "access_token"}
	if cookieToken {
		f.TokenJSON, f.TokenCookie = "", "session"
	}
	return transport.Identity{Name: "alice", Login: f}
}

// documentedLogin is POST /api/login as a spec documents it.
var documentedLogin = surface.Endpoint{Method: http.MethodPost, Path: "/api/login", Source: surface.SourceSpec,
	Body: &surface.Body{ContentType: "application/json", Example: []byte(`{"username":"someone","password":"secret"}`)}}

type run struct {
	rep *finding.Report
	srv *server
}

func scanOf(t *testing.T, mode string, write bool, ids []transport.Identity, eps ...surface.Endpoint) run {
	t.Helper()
	return scanWith(t, write, ids, &server{mode: mode, tokens: map[string]string{}}, eps...)
}

func findings(rep *finding.Report) []finding.Finding {
	var out []finding.Finding
	for _, f := range rep.Findings {
		if f.Check == authbypass.ID {
			out = append(out, f)
		}
	}
	return out
}

// assertMasked fails when a finding shows a token the server issued or a
// real password.
func assertMasked(t *testing.T, f finding.Finding, s *server) {
	t.Helper()
	b, _ := json.Marshal(f)
	text := string(b) + f.Reproduce + f.Evidence.Excerpt
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.tokens {
		if strings.Contains(text, tok) || strings.Contains(text, tok[len(tok)-20:]) {
			t.Errorf("the finding shows an issued token (%s)", finding.Mask("jwt", tok))
		}
	}
	if strings.Contains(text, clientSecret) {
		t.Errorf("the finding shows the client secret of the login body")
	}
	for _, pw := range accounts {
		if strings.Contains(text, pw) {
			t.Errorf("the finding shows a real password")
		}
	}
	if strings.Contains(f.Reproduce, `"alice"`) || strings.Contains(f.Evidence.Excerpt, "username alice,") {
		t.Errorf("raw username in the finding: %s\n%s", f.Reproduce, f.Evidence.Excerpt)
	}
}

func TestWrongPasswordAccepted(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string
		ids  []transport.Identity
		eps  []surface.Endpoint
	}{
		{"login flow of an identity, JWT in the body", vulnerable, []transport.Identity{flowIdentity(false)}, nil},
		{"login flow of an identity, session cookie", cookie, []transport.Identity{flowIdentity(true)}, nil},
		// No flow: the username comes from alice's own answers (GET
		// /api/me), the login operation from the spec.
		{"documented login, username learnt from answers", vulnerable, nil, []surface.Endpoint{documentedLogin}},
		// A cookie from a login the scan never saw succeed must open an
		// operation that refuses anonymous callers.
		{"documented login, session cookie", cookie, nil, []surface.Endpoint{documentedLogin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &server{mode: tc.mode, tokens: map[string]string{}}
			ids := tc.ids
			if ids == nil {
				// A static bearer token issued by a real login beforehand.
				ids = []transport.Identity{staticAlice(t, srv)}
			}
			r := scanWith(t, true, ids, srv, tc.eps...)
			fs := findings(r.rep)
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1; warnings %v", len(fs), r.rep.Warnings)
			}
			f := fs[0]
			if f.Severity != finding.Critical || f.CWE[0] != "CWE-287" || f.OWASP != "API2:2023" || f.Subject != "wrong-password" {
				t.Errorf("severity %s cwe %v owasp %s subject %s", f.Severity, f.CWE, f.OWASP, f.Subject)
			}
			if f.Method != http.MethodPost || f.Path != "/api/login" {
				t.Errorf("operation %s %s", f.Method, f.Path)
			}
			if !strings.Contains(f.Reproduce, "-X POST") || !strings.Contains(f.Reproduce, "leakhound-wrong-") {
				t.Errorf("reproduction does not send the wrong password: %s", f.Reproduce)
			}
			if tc.mode == cookie && tc.ids == nil && !strings.Contains(f.Evidence.Excerpt, "GET /api/me, refused without credentials, answered 200") {
				t.Errorf("the cookie was not shown to open a protected operation: %s", f.Evidence.Excerpt)
			}
			if tc.ids != nil && !strings.Contains(f.Evidence.Excerpt, "real login of identity ") {
				t.Errorf("the excerpt does not compare with the real login: %s", f.Evidence.Excerpt)
			}
			assertMasked(t, f, r.srv)
			known, unknown := r.srv.wrongAttempts()
			if known != 1 || unknown != 1 {
				t.Errorf("%d wrong-password attempts on a known account and %d on unknown ones, want 1 and 1", known, unknown)
			}
		})
	}
}

// staticAlice logs alice in on pre once and returns an identity sending
// the token, so that the scan knows no login flow.
func staticAlice(t *testing.T, pre *server) transport.Identity {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/api/login", strings.NewReader(`{"username":"alice","password":"`+accounts["alice"]+`"}`))
	pre.ServeHTTP(rec, req)
	pre.attempts = nil
	if c := rec.Result().Cookies(); len(c) > 0 {
		return transport.Identity{Name: "alice", Header: http.Header{"Cookie": {c[0].Name + "=" + c[0].Value}}}
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.AccessToken == "" {
		t.Fatalf("login: %v %s", err, rec.Body)
	}
	return transport.Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer " + out.AccessToken}}}
}

// scanWith scans s with the authentication-bypass check only.
func scanWith(t *testing.T, write bool, ids []transport.Identity, s *server, eps ...surface.Endpoint) run {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	rep, err := scan.Run(context.Background(), scan.Options{
		Client: transport.Config{Target: u, Concurrency: 2, Timeout: 5 * time.Second, MaxRequests: 500,
			MaxBody: 1 << 20, AllowWrite: write, UserAgent: "leakhound/test", MaxRetryWait: time.Millisecond},
		Identities: ids,
		Endpoints:  eps,
		Checks:     []check.Check{authbypass.New(nil)},
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return run{rep, s}
}

// A cookie that a wrong password gets and an unknown username does not,
// but that opens nothing (a flash message), is no credential.
func TestFlashCookieIsNoCredential(t *testing.T) {
	srv := &server{mode: flash, tokens: map[string]string{}}
	srv.mode = vulnerable
	alice := staticAlice(t, srv)
	srv.mode = flash
	r := scanWith(t, true, []transport.Identity{alice}, srv, documentedLogin)
	if fs := findings(r.rep); len(fs) != 0 {
		t.Fatalf("%d findings, want none: %s", len(fs), fs[0].Evidence.Excerpt)
	}
	if known, unknown := srv.wrongAttempts(); known != 1 || unknown != 1 {
		t.Errorf("%d and %d attempts, want 1 and 1", known, unknown)
	}
}

func TestSilent(t *testing.T) {
	for _, tc := range []struct {
		name, mode string
		write      bool
		// attempts is the wanted number of wrong-password attempts on
		// a known account and on unknown ones.
		known, unknown int
		warning        string
	}{
		{"fixed login", fixed, true, 1, 0, ""},
		{"200 with an error and no token", error200, true, 1, 0, ""},
		{"200 with a token field unlike the real token", shapeMismatch, true, 1, 1, ""},
		{"token for every caller, guest session", guest, true, 1, 1, "guest session"},
		{"rate-limited login", rateLimited, true, 1, 0, "rate-limited"},
		{"vulnerable without --allow-write", vulnerable, false, 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := scanOf(t, tc.mode, tc.write, []transport.Identity{flowIdentity(false)})
			if fs := findings(r.rep); len(fs) != 0 {
				t.Fatalf("%d findings, want none: %s\n%s", len(fs), fs[0].Title, fs[0].Evidence.Excerpt)
			}
			known, unknown := r.srv.wrongAttempts()
			if tc.mode == rateLimited {
				// The transport may retry a 429 once it is told to wait; a
				// retry is the same attempt, never a second password.
				if unknown != 0 || known == 0 {
					t.Errorf("%d known, %d unknown attempts", known, unknown)
				}
			} else if known != tc.known || unknown != tc.unknown {
				t.Errorf("%d wrong-password attempts on a known account and %d on unknown ones, want %d and %d", known, unknown, tc.known, tc.unknown)
			}
			if tc.warning != "" && !strings.Contains(fmt.Sprint(r.rep.Warnings), tc.warning) {
				t.Errorf("warnings %v lack %q", r.rep.Warnings, tc.warning)
			}
		})
	}
}

// A login that issues a working credential to any username and password
// is reported once, as "any-account": the unknown username's credential
// opened GET /api/me, which refuses anonymous callers.
func TestAnyAccount(t *testing.T) {
	r := scanOf(t, anyAccount, true, []transport.Identity{flowIdentity(false)})
	fs := findings(r.rep)
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1; warnings %v", len(fs), r.rep.Warnings)
	}
	f := fs[0]
	if f.Subject != "any-account" || f.Severity != finding.Critical || !strings.Contains(f.Evidence.Excerpt, "GET /api/me") {
		t.Errorf("subject %s severity %s excerpt %s", f.Subject, f.Severity, f.Evidence.Excerpt)
	}
	assertMasked(t, f, r.srv)
	if known, unknown := r.srv.wrongAttempts(); known != 1 || unknown != 1 {
		t.Errorf("%d and %d attempts, want 1 and 1", known, unknown)
	}
}

// The login tells alice apart from unknown usernames (a token against a
// 401): user-enumeration sees it too. One operation, one weakness: its
// finding is folded into the authentication-bypass finding.
func TestUserEnumerationFoldedIn(t *testing.T) {
	srv := &server{mode: vulnerable, tokens: map[string]string{}}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	rep, err := scan.Run(context.Background(), scan.Options{
		Client: transport.Config{Target: u, Concurrency: 2, Timeout: 5 * time.Second, MaxRequests: 500,
			MaxBody: 1 << 20, AllowWrite: true, UserAgent: "leakhound/test"},
		Identities: []transport.Identity{flowIdentity(false)},
		Endpoints:  []surface.Endpoint{documentedLogin},
		Checks:     []check.Check{userenum.New(nil), authbypass.New(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Check+" "+f.Method+" "+f.Path)
	}
	fs := findings(rep)
	if len(fs) != 1 || len(rep.Findings) != 1 {
		t.Fatalf("findings %v, want the authentication-bypass finding alone", got)
	}
	f := fs[0]
	if f.Evidence.Details["also_reported_by"] != "user-enumeration" || !slices.Contains(f.CWE, "CWE-204") || f.CWE[0] != "CWE-287" {
		t.Errorf("also_reported_by %q, cwe %v", f.Evidence.Details["also_reported_by"], f.CWE)
	}
	if _, ok := f.Evidence.Details["types"]; ok {
		t.Errorf("an empty types detail: %v", f.Evidence.Details)
	}
	assertMasked(t, f, srv)
}
