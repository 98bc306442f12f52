package discover

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/transport"
)

func client(t *testing.T, h http.Handler) (*transport.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := transport.New(transport.Config{Target: u, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

func paths(eps []surface.Endpoint) []string {
	var out []string
	for _, ep := range eps {
		out = append(out, ep.Path)
	}
	return out
}

func TestDemoAPI(t *testing.T) {
	for _, v := range []testapi.Variant{testapi.Vulnerable, testapi.Fixed} {
		t.Run(v.String(), func(t *testing.T) {
			c, served := client(t, testapi.New(v))
			res, err := Run(context.Background(), c, nil, Options{FindSpec: true, Probe: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Spec == nil || res.SpecURL != "/openapi.json" {
				t.Fatalf("spec not found: %q", res.SpecURL)
			}
			if res.Requests > DefaultMaxRequests || int64(res.Requests) != served.Load() {
				t.Errorf("requests = %d (server saw %d), budget %d", res.Requests, served.Load(), DefaultMaxRequests)
			}
			found := strings.Join(paths(res.Endpoints), " ")
			if got := strings.Contains(found, "/api/v1/export"); got != (v == testapi.Vulnerable) {
				t.Errorf("shadow /api/v1/export found = %v in %s", got, found)
			}
			if strings.Contains(found, "/mobile/v1/") {
				t.Errorf("ghosts under the catch-all: %s", found)
			}
			if !strings.Contains(strings.Join(res.CatchAll, " "), "/mobile/v1/") {
				t.Errorf("catch-all not detected: %v", res.CatchAll)
			}
			for _, ep := range res.Endpoints {
				if (ep.Source != surface.SourceProbe && ep.Source != surface.SourceHarvest) || ep.Method != http.MethodGet {
					t.Errorf("probe endpoint %+v", ep)
				}
			}
			t.Logf("%d requests; probed: %s", res.Requests, found)
		})
	}
}

func TestSoftNotFound(t *testing.T) {
	// Every path answers 200 with a page that echoes it, except /admin.
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/admin" {
			fmt.Fprint(w, "<html><body><h1>Administration</h1><table><tr><td>users</td><td>42</td></tr></table><form>login and manage accounts here</form></body></html>")
			return
		}
		fmt.Fprintf(w, "<html><body>Welcome! You asked for %s at %d.</body></html>", r.URL.Path, len(r.URL.Path)*7919)
	}))
	res, err := Run(context.Background(), c, nil, Options{Probe: true, Wordlist: []string{"admin", "users", "debug", "backup"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(paths(res.Endpoints), " "); got != "/admin" {
		t.Errorf("endpoints = %q, want only /admin", got)
	}
	if len(res.CatchAll) == 0 {
		t.Error("catch-all not reported")
	}
}

func TestStatusRules(t *testing.T) {
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/private":
			w.WriteHeader(http.StatusUnauthorized)
		case "/health":
			w.Write([]byte(`{"ok":true}`))
		case "/boom":
			w.WriteHeader(http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	}))
	res, err := Run(context.Background(), c, nil, Options{Probe: true, Wordlist: []string{"private", "health", "boom", "nothing"}})
	if err != nil {
		t.Fatal(err)
	}
	got := paths(res.Endpoints)
	if strings.Join(got, " ") != "/health /private" {
		t.Fatalf("endpoints = %v", got)
	}
	if a := res.Endpoints[1].AuthRequired; a == nil || !*a {
		t.Error("401 not recorded as auth required")
	}
}

func TestSpecFromSwaggerUIPage(t *testing.T) {
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/docs":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><script>SwaggerUIBundle({ url: "/static/spec/api.yaml", dom_id: '#swagger-ui' })</script></html>`)
		case "/static/spec/api.yaml":
			fmt.Fprint(w, "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    get:\n      responses:\n        '200': {description: ok}\n")
		default:
			http.NotFound(w, r)
		}
	}))
	res, err := Run(context.Background(), c, nil, Options{FindSpec: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.SpecURL != "/static/spec/api.yaml" || len(res.Spec.Endpoints) != 1 {
		t.Fatalf("spec = %q", res.SpecURL)
	}
}

func TestSpecFromReDocPage(t *testing.T) {
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redoc":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><body><redoc spec-url='/internal/api.json'></redoc></body></html>`)
		case "/internal/api.json":
			fmt.Fprint(w, `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	res, err := Run(context.Background(), c, nil, Options{FindSpec: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.SpecURL != "/internal/api.json" || res.Spec.Version != "2.0" {
		t.Fatalf("spec = %q", res.SpecURL)
	}
}

func TestBudget(t *testing.T) {
	c, served := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }))
	res, err := Run(context.Background(), c, nil, Options{FindSpec: true, Probe: true, MaxRequests: 25})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated || res.Requests > 25 || served.Load() > 25 {
		t.Errorf("truncated=%v requests=%d served=%d, budget 25", res.Truncated, res.Requests, served.Load())
	}
}

func TestPrefixes(t *testing.T) {
	got := Prefixes([]surface.Endpoint{{Path: "/api/v2/users/{id}"}, {Path: "/mobile/v1/ping"}, {Path: "/health"}}, []string{"internal"})
	want := "/ /api/ /api/v2/ /internal/ /mobile/v1/"
	if strings.Join(got, " ") != want {
		t.Errorf("Prefixes = %q, want %q", strings.Join(got, " "), want)
	}
}

// TestDiagnosticRoutesUnderUnroutedDirectory: an API Gateway stage answers
// its uniform 403 for every resource it does not deploy, /prod/debug
// included, yet deploys /prod/debug/env: the built-in wordlist finds it one
// level down; the fixed stage yields nothing under /prod/debug.
func TestDiagnosticRoutesUnderUnroutedDirectory(t *testing.T) {
	for _, leaky := range []bool{true, false} {
		c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			switch {
			case r.URL.Path == "/prod/health":
				fmt.Fprint(w, `{"status":"ok"}`)
			case leaky && r.URL.Path == "/prod/debug/env":
				fmt.Fprint(w, `{"environment":{"APP_MODE":"prod","USERS_TABLE":"hr-users"}}`)
			default:
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"message":"Missing Authentication Token"}`)
			}
		}))
		res, err := Run(context.Background(), c, nil, Options{Probe: true, Base: "/prod"})
		if err != nil {
			t.Fatal(err)
		}
		got := paths(res.Endpoints)
		if slices.Contains(got, "/prod/debug") {
			t.Errorf("the unrouted directory was reported: %v", got)
		}
		if slices.Contains(got, "/prod/debug/env") != leaky {
			t.Errorf("leaky %v: endpoints %v", leaky, got)
		}
	}
}
