package transport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/transport"
)

const password = "s3cret-Passw0rd"

// loginServer issues tokens that expire after uses requests.
type loginServer struct {
	mu     sync.Mutex
	uses   int
	issued int
	left   map[string]int
	logins int
}

func (s *loginServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/login":
		s.logins++
		var in struct{ Username, Password string }
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil || in.Password != password {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"bad credentials"}`)
			return
		}
		s.issued++
		tok := fmt.Sprintf("tok-%d-abcdefgh", s.issued)
		s.left[tok] = s.uses
		w.Header().Set("X-Auth-Token", tok)
		http.SetCookie(w, &http.Cookie{Name: "session", Value: tok})
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":{"access_token":%q}}`, tok)
	case "/data", "/forbidden":
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if c, err := r.Cookie("session"); err == nil {
			tok = c.Value
		}
		if r.URL.Path == "/forbidden" || s.left[tok] <= 0 {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"token expired"}`)
			return
		}
		s.left[tok]--
		fmt.Fprint(w, `{"owner":"alice"}`)
	default:
		http.NotFound(w, r)
	}
}

func newClient(t *testing.T, h http.Handler) *transport.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := transport.New(transport.Config{Target: u, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func flow(pw string) *login.Flow {
	return &login.Flow{
		Method: "POST", Path: "/login", Header: http.Header{"Content-Type": {"application/json"}},
		Body:      []byte(`{"username":"alice","password":"` + pw + `"}`),
		TokenJSON: "$.data.access_token",
	}
}

func TestReloginOnExpiry(t *testing.T) {
	cases := []struct {
		name string
		flow func() *login.Flow
	}{
		{"json token", func() *login.Flow { return flow(password) }},
		{"header token", func() *login.Flow {
			f := flow(password)
			f.TokenJSON, f.TokenHeader = "", "X-Auth-Token"
			return f
		}},
		{"cookie token", func() *login.Flow {
			f := flow(password)
			f.TokenJSON, f.TokenCookie = "", "session"
			return f
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := &loginServer{uses: 3, left: map[string]int{}}
			c := newClient(t, srv)
			id := transport.Identity{Name: "alice", Login: tc.flow()}
			ctx := context.Background()
			for i := range 8 {
				resp, err := c.Do(ctx, transport.Request{Path: "/data", NoCache: true}, id)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if resp.Status != http.StatusOK {
					t.Fatalf("request %d: status %d, want 200 after re-login", i, resp.Status)
				}
			}
			if got := c.Logins("alice"); got != 3 {
				t.Errorf("logins = %d, want 3 (8 requests, tokens good for 3)", got)
			}
			for _, ex := range c.Exchanges() {
				blob := string(ex.ReqBody) + string(ex.Body) + fmt.Sprint(ex.ReqHeader) + fmt.Sprint(ex.Header)
				if strings.Contains(blob, password) || strings.Contains(blob, "tok-") {
					t.Errorf("recorded exchange %s %s leaks a credential", ex.Method, ex.URL)
				}
			}
			if cmd := transport.Curl("GET", "http://x/data", id, nil, nil); strings.Contains(cmd, "tok-") || !strings.Contains(cmd, "$ALICE_") {
				t.Errorf("curl = %s", cmd)
			}
		})
	}
}

func TestReloginConcurrent(t *testing.T) {
	srv := &loginServer{uses: 1000, left: map[string]int{}}
	c := newClient(t, srv)
	id := transport.Identity{Name: "alice", Login: flow(password)}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Do(context.Background(), transport.Request{Path: "/data", NoCache: true}, id); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if srv.logins != 1 {
		t.Errorf("%d logins for 20 concurrent requests, want 1", srv.logins)
	}
}

func TestLoginFailure(t *testing.T) {
	srv := &loginServer{uses: 3, left: map[string]int{}}
	c := newClient(t, srv)
	id := transport.Identity{Name: "alice", Login: flow("wrong-password")}
	for range 3 {
		_, err := c.Do(context.Background(), transport.Request{Path: "/data", NoCache: true}, id)
		if !errors.Is(err, transport.ErrLogin) {
			t.Fatalf("err = %v, want ErrLogin", err)
		}
		if strings.Contains(err.Error(), "wrong-password") {
			t.Fatalf("error leaks the password: %v", err)
		}
	}
	if srv.logins != 1 {
		t.Errorf("%d login attempts, want 1 (a failed login is not retried)", srv.logins)
	}
}

func TestNeverWorkedIsNotExpiry(t *testing.T) {
	srv := &loginServer{uses: 3, left: map[string]int{}}
	c := newClient(t, srv)
	id := transport.Identity{Name: "alice", Login: flow(password)}
	resp, err := c.Do(context.Background(), transport.Request{Path: "/forbidden"}, id)
	if err != nil || resp.Status != http.StatusUnauthorized {
		t.Fatalf("status %v err %v", resp, err)
	}
	if got := c.Logins("alice"); got != 1 {
		t.Errorf("logins = %d: a session that never worked was renewed", got)
	}
}
