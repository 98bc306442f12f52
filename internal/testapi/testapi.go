// Package testapi is a small JSON API with a vulnerable and a fixed variant
// of every flaw leakhound detects. Unit tests run checks against it on
// loopback, and `leakhound demo` serves its vulnerable variant. Each area of
// flaws lives in its own file and contributes routes to the list in areas.
package testapi

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Variant selects the vulnerable or the fixed behaviour of every route.
type Variant int

// Variants.
const (
	Vulnerable Variant = iota
	Fixed
)

func (v Variant) String() string {
	if v == Fixed {
		return "fixed"
	}
	return "vulnerable"
}

// Route is one handler of the API. Pattern uses net/http's syntax
// ("GET /api/users/{id}"). Listed routes appear in the index at "/" so that
// a scan without a spec finds them.
type Route struct {
	Pattern string
	Handler http.HandlerFunc
	// Link is the concrete path the index lists; empty means not listed.
	Link string
}

// areas is the explicit list of route sets.
var areas = []func(Variant, *Data) []Route{
	coreRoutes,
	authzRoutes,
	surfaceRoutes,
	exposureRoutes,
	misconfigRoutes,
}

// API is the test API with its recorded requests.
type API struct {
	Variant Variant
	Data    *Data
	handler http.Handler

	mu       sync.Mutex
	requests []Recorded
}

// Recorded is one request the API received.
type Recorded struct {
	Method string
	Path   string // path and query
	Header http.Header
	// Body is the request body (deployments record it, up to 64 KiB).
	Body []byte
}

// New builds the API of the given variant.
func New(v Variant) *API { return build(v, "Northwind Clinic API", areas) }

func build(v Variant, name string, areas []func(Variant, *Data) []Route) *API {
	a := &API{Variant: v, Data: NewData()}
	mux := http.NewServeMux()
	var links []string
	for _, area := range areas {
		for _, r := range area(v, a.Data) {
			mux.HandleFunc(r.Pattern, r.Handler)
			if r.Link != "" {
				links = append(links, r.Link)
			}
		}
	}
	sort.Strings(links)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"name": name, "version": "1.4.2", "links": links})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	})
	a.handler = headers(v, misconfigMiddleware(v, mux))
	return a
}

// ServeHTTP records the request, then serves it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.requests = append(a.requests, Recorded{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone()})
	a.mu.Unlock()
	a.handler.ServeHTTP(w, r)
}

// Requests returns every request received so far.
func (a *API) Requests() []Recorded {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Recorded(nil), a.requests...)
}

// Serve listens on a free loopback port until ctx ends or stop is called.
func Serve(ctx context.Context, a *API) (baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener was closed under us; nothing to report
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		})
	}
	go func() {
		<-ctx.Done()
		stop()
	}()
	return "http://" + ln.Addr().String(), stop, nil
}

// headers sets the response headers that differ between the variants: a
// development-server banner and missing hardening headers in the vulnerable
// one.
func headers(v Variant, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v == Vulnerable {
			w.Header().Set("Server", "Werkzeug/2.2.2 Python/3.11.2")
			w.Header().Set("X-Powered-By", "Flask/2.2.5")
		} else {
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// bearer returns the token of an Authorization: Bearer header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
