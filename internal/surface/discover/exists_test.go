package discover

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/transport"
)

func answer(status int, ct, body string) *transport.Response {
	return &transport.Response{Status: status, Header: http.Header{"Content-Type": {ct}}, Body: []byte(body)}
}

// TestExistsBeyond2xx: 400, 405, 415 and 422 answers that differ from the
// soft-404 show a route; 401 and 403 too, unless they are the soft-404
// itself (a gateway's uniform 403).
func TestExistsBeyond2xx(t *testing.T) {
	notFound := measuredBaseline(answer(404, "text/html", "<h1>Not Found</h1>"), "lh-x")
	gateway := measuredBaseline(answer(403, "application/json", `{"message":"Missing Authentication Token"}`), "lh-x")
	spa := measuredBaseline(answer(200, "text/html", "<div id=root></div>"), "lh-x")
	for _, c := range []struct {
		name string
		resp *transport.Response
		base *baseline
		want bool
	}{
		{"400 graphql", answer(400, "application/json", `{"errors":[{"message":"Must provide query string."}]}`), notFound, true},
		{"405 post only", answer(405, "text/html", "<h1>Method Not Allowed</h1>"), notFound, true},
		{"415", answer(415, "application/json", `{"error":"unsupported"}`), notFound, true},
		{"422 fastapi", answer(422, "application/json", `{"detail":[{"loc":["query","q"]}]}`), notFound, true},
		{"401", answer(401, "application/json", `{"message":"Unauthorized"}`), notFound, true},
		{"403 differs from the gateway's", answer(403, "application/json", `{"message":"User is not authorized to access this resource with an explicit deny"}`), gateway, true},
		{"401 behind the gateway", answer(401, "application/json", `{"message":"Unauthorized"}`), gateway, true},
		{"the gateway's uniform 403", answer(403, "application/json", `{"message":"Missing Authentication Token"}`), gateway, false},
		{"404", answer(404, "application/json", `{"error":"not found"}`), notFound, false},
		{"500", answer(500, "text/plain", "boom"), notFound, false},
		{"409 is no evidence", answer(409, "application/json", `{}`), notFound, false},
		{"spa shell", answer(200, "text/html", "<div id=root></div>"), spa, false},
		{"json behind the spa", answer(200, "application/json", `{"ok":true}`), spa, true},
	} {
		if got := Exists(c.resp, c.base, "w"); got != c.want {
			t.Errorf("%s: Exists = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestGatewaySoftNotFound: behind a gateway that answers 403 to every path
// it does not route, discovery maps the routes, reports the uniform 403 as
// the soft-404 (Result.SoftNotFound, used by who-am-I), and names the
// custom credential header its CORS preflight allows.
func TestGatewaySoftNotFound(t *testing.T) {
	missing := `{"message":"Missing Authentication Token"}`
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/prod/profile" && r.Method == http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Methods", "GET,PUT,OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type,X-Amz-Date,X-Api-Token")
		case r.URL.Path == "/prod/profile":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Unauthorized"}`))
		default:
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(missing))
		}
	}))
	res, err := Run(context.Background(), c, nil, Options{Probe: true, FindSpec: true, Base: "/prod", Wordlist: []string{"profile", "admin"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ep := range res.Endpoints {
		got = append(got, ep.Key())
	}
	if diff := cmp.Diff([]string{"GET /prod/profile", "PUT /prod/profile"}, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	if !slices.Equal(res.AuthHeaders, []string{"X-Api-Token"}) {
		t.Errorf("auth headers = %v", res.AuthHeaders)
	}
	if !res.SoftNotFound("/prod", answer(403, "application/json", missing)) {
		t.Error("the gateway's 403 at /prod is not taken for the soft-404")
	}
	if res.SoftNotFound("/prod/profile", answer(401, "application/json", `{"message":"Unauthorized"}`)) {
		t.Error("a route's 401 taken for the soft-404")
	}
}

// TestBasePathAndPrefixes: the target's path is the base; the API mounted
// under /api/v2 with nothing at the root is found through its prefix, and
// the wordlist runs there.
func TestBasePathAndPrefixes(t *testing.T) {
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v2/users", "/api/v2/orders":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"login required"}`))
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte("<title>404 Not Found</title>"))
		}
	}))
	for _, base := range []string{"", "/api"} {
		res, err := Run(context.Background(), c, nil, Options{Probe: true, Base: base, Wordlist: []string{"orders", "users"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ep := range res.Endpoints {
			got = append(got, ep.Path)
		}
		if !slices.Equal(got, []string{"/api/v2/orders", "/api/v2/users"}) || !slices.Contains(res.Prefixes, "/api/v2/") {
			t.Errorf("base %q: endpoints %v, prefixes %v", base, got, res.Prefixes)
		}
	}
}

// TestNoDestructiveRequests: discovery never requests a path naming a
// destructive action, whatever a page or script names, nor a file path.
func TestNoDestructiveRequests(t *testing.T) {
	var mu sync.Mutex // discovery probes concurrently
	var asked []string
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Method+" "+r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<a href="/api/users/delete-all">x</a><a href="/admin/reset-db">y</a><a href="/logout">z</a><a href="/var/log/app.log">l</a><script src="/app.js"></script>`))
		case "/app.js":
			w.Header().Set("Content-Type", "application/javascript")
			w.Write([]byte(`fetch("/api/db/drop"); axios.get("/api/cache/purge"); const p="/usr/local/bin:/usr/bin:/bin";`))
		default:
			http.NotFound(w, r)
		}
	}))
	if _, err := Run(context.Background(), c, nil, Options{Probe: true, FindSpec: true, Wordlist: []string{"logout", "users"}}); err != nil {
		t.Fatal(err)
	}
	for _, a := range asked {
		for _, bad := range []string{"delete", "reset", "logout", "drop", "purge", "/var/", "/usr/"} {
			if strings.Contains(a, bad) {
				t.Errorf("requested %s", a)
			}
		}
		if !strings.HasPrefix(a, "GET ") && !strings.HasPrefix(a, "OPTIONS ") {
			t.Errorf("non-read request %s", a)
		}
	}
}

func TestItemValuesAndGuesses(t *testing.T) {
	if got := ItemValues([]byte(`{"users": [{"id": 7, "name": "a"}, {"id": 9}], "count": 2}`)); !slices.Equal(got, []string{"7", "9"}) {
		t.Errorf("ids = %v", got)
	}
	if got := ItemValues([]byte(`[{"slug": "hello-world", "title": "Hello"}, {"slug": "second"}]`)); !slices.Equal(got, []string{"hello-world", "second"}) {
		t.Errorf("slugs = %v", got)
	}
	if got := ItemValues([]byte(`[{"name": "Grace Okoye"}, {"name": "mei"}]`)); !slices.Equal(got, []string{"mei"}) {
		t.Errorf("names = %v (a name with a space is no path segment)", got)
	}
	if got := ItemValues([]byte(`{"a": [{"id": 1}], "b": [{"id": 2}]}`)); got != nil {
		t.Errorf("two lists = %v, want none", got)
	}
	got := ItemGuesses("/api/v3/users/me", "/api/v3/", []byte(`{"id": "2", "accountId": "acc_1", "requestId": "r-1", "orders": [{"id": 7001}]}`))
	want := []Guess{{List: "/api/v3/accounts", Values: []string{"acc_1"}}, {List: "/api/v3/orders", Values: []string{"7001"}}, {List: "/api/v3/users", Values: []string{"2"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ItemGuesses (-want +got):\n%s", diff)
	}
}

// TestSpecPathsMakeTheirPrefixLive: the description's paths name their API
// root (/api/ for /api/patients/{id}), where the wordlist then finds what the
// description leaves out.
func TestSpecPathsMakeTheirPrefixLive(t *testing.T) {
	c, _ := client(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/openapi.json":
			w.Write([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/api/patients/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],"responses":{"200":{"description":"ok"}}}}}}`))
		case "/api/admin":
			w.Write([]byte(`{"patients":"/api/admin/patients"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"not found"}`))
		}
	}))
	res, err := Run(context.Background(), c, nil, Options{FindSpec: true, Probe: true, Wordlist: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ep := range res.Endpoints {
		got = append(got, ep.Path+" "+string(ep.Source))
	}
	// The description itself is served too: it joins the surface.
	if res.SpecURL != "/openapi.json" || !slices.Equal(got, []string{"/api/admin probe", "/openapi.json harvest"}) || !slices.Contains(res.Prefixes, "/api/") {
		t.Errorf("spec %q, endpoints %v, prefixes %v", res.SpecURL, res.Endpoints, res.Prefixes)
	}
}

// normalize returns body as digest normalizes it.
func normalize(body []byte, word string) []byte {
	var out []byte
	eachKept(body, word, func(b []byte) { out = append(out, b...) })
	return out
}

// FuzzNormalize checks the one-pass normalizing against the regular
// expression it replaces.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "abc", "id 12345 at 2024-01-02T03:04:05Z", "deadbeefcafe x ab12 12ab 0x1f", "ABCDEF0123g"} {
		f.Add(s)
	}
	volatile := regexp.MustCompile(`[0-9a-fA-F]{8,}|\d+`)
	f.Fuzz(func(t *testing.T, s string) {
		want := volatile.ReplaceAll([]byte(s), nil)
		if got := normalize([]byte(s), ""); !bytes.Equal(got, want) {
			t.Fatalf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

func measuredBaseline(resp *transport.Response, token string) *baseline {
	b := &baseline{}
	b.measured(resp, token)
	return b
}
