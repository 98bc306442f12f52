package transportsecurity

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestCookieFlags(t *testing.T) {
	for _, tc := range []struct {
		setCookie string
		want      finding.Severity // -1: silent
	}{
		{"session=eyJ1IjoxfQ.aWlK2g.lHOURdwfWsq33KeAgGZQ5XBJlyY; Path=/", finding.Medium},
		{"session=abc123def456; Path=/; Secure; HttpOnly", finding.Low},
		{"session=abc123def456; Path=/; Secure; HttpOnly; SameSite=Lax", -1},
		{"theme=dark; Path=/", -1},
		{"session=; Max-Age=0; Path=/", -1},
	} {
		t.Run(tc.setCookie, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Add("Set-Cookie", tc.setCookie)
			}))
			defer srv.Close()
			env := checktest.New(t, srv.URL, checktest.Options{})
			env.Baseline(t)
			fs := env.Inspect(New(Options{}))
			if tc.want < 0 {
				if len(fs) != 0 {
					t.Fatalf("false positive: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != tc.want {
				t.Fatalf("findings %+v, want one %s", fs, tc.want)
			}
		})
	}
}

func TestCleartext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	defer srv.Close()
	alice := transport.Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer a"}}}
	env := checktest.New(t, srv.URL, checktest.Options{Identities: []transport.Identity{alice}})
	env.Baseline(t)
	if fs := env.Inspect(New(Options{})); len(fs) != 0 {
		t.Errorf("loopback target reported by default: %+v", fs)
	}
	fs := checktest.Subjects(env.Inspect(New(Options{CleartextOnLoopback: true})))
	if f, ok := fs["cleartext-http"]; !ok || f.Severity != finding.High {
		t.Errorf("cleartext with credentials: %+v", fs)
	}
}

func exchange(url string, h http.Header, body string) *transport.Exchange {
	return &transport.Exchange{Check: "baseline", Method: http.MethodGet, URL: url, Template: "/", Identity: "anonymous", Status: 200, Header: h, Body: []byte(body)}
}

func TestHTTPSPages(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	env := checktest.New(t, srv.URL, checktest.Options{})
	c := New(Options{})
	html := http.Header{"Content-Type": {"text/html"}, "Strict-Transport-Security": {"max-age=63072000"}}
	for _, tc := range []struct {
		name string
		ex   *transport.Exchange
		want string
	}{
		{"mixed script", exchange("https://api.example.net/", html, `<script src="http://cdn.example.net/app.js"></script>`), "mixed-content"},
		{"https script", exchange("https://api.example.net/", html, `<script src="https://cdn.example.net/app.js"></script>`), ""},
		{"short hsts", exchange("https://api.example.net/", http.Header{"Strict-Transport-Security": {"max-age=300"}}, `{}`), "hsts-weak"},
		{"long hsts", exchange("https://api.example.net/", http.Header{"Strict-Transport-Security": {"max-age=31536000; includeSubDomains"}}, `{}`), ""},
		{"cleartext public host", exchange("http://api.example.net/", http.Header{}, `{}`), "cleartext-http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := c.Inspect(tc.ex, env)
			if tc.want == "" {
				if len(fs) != 0 {
					t.Fatalf("false positive: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Subject != tc.want {
				t.Fatalf("findings %+v, want %s", fs, tc.want)
			}
		})
	}
}

// TestCookieReproductionPostsTheLogin: the cookie is set only in answer to
// the login POST with its body, so the reproduction sends both.
func TestCookieReproductionPostsTheLogin(t *testing.T) {
	ex := &transport.Exchange{
		Method: http.MethodPost, URL: "http://127.0.0.1:1/login", Template: "/login", Identity: transport.AnonymousName, Status: 200,
		ReqHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, ReqBody: []byte("user=demo&next=/"),
		Header: http.Header{"Set-Cookie": {"session=abc123def456; Path=/"}},
	}
	fs := New(Options{}).Inspect(ex, nil)
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	want := `curl -sS -i -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data-binary 'user=demo&next=/' 'http://127.0.0.1:1/login'`
	if fs[0].Reproduce != want {
		t.Errorf("reproduce:\n%s\nwant\n%s", fs[0].Reproduce, want)
	}
}
