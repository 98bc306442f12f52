package authz_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

// expiring hands out session tokens that wrap the API's tokens and expire
// after uses requests, like a short-lived JWT.
type expiring struct {
	next  http.Handler
	uses  int
	mu    sync.Mutex
	left  map[string]int
	real  map[string]string
	token int // tokens issued
}

func (e *expiring) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/token" {
		rec := &capture{header: http.Header{}}
		e.next.ServeHTTP(rec, r)
		var tok string
		if i := bytes.Index(rec.body.Bytes(), []byte(`"access_token": "`)); i >= 0 {
			rest := rec.body.Bytes()[i+len(`"access_token": "`):]
			tok = string(rest[:bytes.IndexByte(rest, '"')])
		}
		if rec.status != http.StatusOK || tok == "" {
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body.Bytes())
			return
		}
		e.mu.Lock()
		e.token++
		session := fmt.Sprintf("sess-%d-%s", e.token, strings.Repeat("x", 8))
		e.left[session], e.real[session] = e.uses, tok
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":{"access_token":%q}}`, session)
		return
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer sess-") {
		s := strings.TrimPrefix(h, "Bearer ")
		e.mu.Lock()
		ok := e.left[s] > 0
		e.left[s]--
		real := e.real[s]
		e.mu.Unlock()
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"token expired"}`)
			return
		}
		r.Header.Set("Authorization", "Bearer "+real)
	}
	e.next.ServeHTTP(w, r)
}

type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header         { return c.header }
func (c *capture) Write(b []byte) (int, error) { return c.body.Write(b) }
func (c *capture) WriteHeader(s int)           { c.status = s }

var _ io.Writer = (*capture)(nil)

func loginAs(name string) transport.Identity {
	return transport.Identity{Name: name, Role: "user", Login: &login.Flow{
		Method: "POST", Path: "/api/token", Header: http.Header{"Content-Type": {"application/json"}},
		Body:      []byte(fmt.Sprintf(`{"username":%q,"password":%q}`, name, testapi.DemoPassword(name))),
		TokenJSON: "data.access_token",
	}}
}

// TestLoginFlowsThroughAScan runs a whole scan with identities that log in
// and whose sessions expire every 15 requests: the scan re-logs them in and
// finds the same BOLA as with static tokens.
func TestLoginFlowsThroughAScan(t *testing.T) {
	var wrapper *expiring
	wrap := func(h http.Handler) http.Handler {
		wrapper = &expiring{next: h, uses: 15, left: map[string]int{}, real: map[string]string{}}
		return wrapper
	}
	ids := []transport.Identity{loginAs("alice"), loginAs("bob")}
	rep, api := scantest.Scan(t, testapi.Vulnerable, []check.Check{bola.New(nil)}, ids, scantest.Options{Wrap: wrap})
	if len(rep.Errors) > 0 {
		t.Errorf("errors: %q", rep.Errors)
	}
	if f := scantest.Paths(scantest.ByCheck(rep, "bola")); len(f) < 4 {
		t.Errorf("%d bola findings with login identities, want the 5 shapes", len(f))
	}
	if wrapper.token < 4 {
		t.Errorf("%d logins: the sessions never expired, the test proves nothing", wrapper.token)
	}
	for _, r := range api.Requests() {
		if r.Method != http.MethodGet && r.Path != "/api/token" {
			t.Errorf("%s %s sent without --allow-write", r.Method, r.Path)
		}
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Reproduce, "sess-") || !strings.Contains(f.Reproduce, "$") {
			t.Errorf("reproduction %q", f.Reproduce)
		}
	}
	t.Run("wrong password", func(t *testing.T) {
		bad := loginAs("bob")
		bad.Login.(*login.Flow).Body = []byte(`{"username":"bob","password":"nope"}`)
		rep, _ := scantest.Scan(t, testapi.Vulnerable, []check.Check{bola.New(nil)}, []transport.Identity{loginAs("alice"), bad}, scantest.Options{})
		if !strings.Contains(strings.Join(rep.Errors, "\n"), "identity bob is not authenticated") {
			t.Errorf("errors = %q", rep.Errors)
		}
		if strings.Contains(strings.Join(rep.Errors, "\n"), "nope") {
			t.Error("the password is in the report")
		}
	})
}
