// Package discover maps an API beyond what the user gave, as an attacker
// would without a spec: it reads the target's landing page and the
// scripts it loads, looks for the API description where frameworks and
// documentation hosts put it (swagger-ui, Redoc, springdoc, FastAPI,
// flasgger, ASP.NET), finds the live API prefixes under the target's path
// and the root (/api, /api/v1, /v1, /rest, ...), probes a wordlist under
// each live prefix, follows the links the answers name, and asks OPTIONS
// which methods and headers the API accepts.
//
// Every request goes through the scan's transport client as the anonymous
// identity, is a read (GET or OPTIONS) whose path names no destructive
// action (safety.ClassifyRequest), and counts against discovery's own
// budget. Probes run concurrently; the transport's rate limit and
// concurrency cap apply to them. Existence is judged against a soft-404
// measured under each prefix (see Exists).
package discover

import (
	"context"
	_ "embed"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// DefaultMaxRequests is the default discovery budget.
const DefaultMaxRequests = 300

// ErrBudget means discovery stopped because its budget was spent.
var ErrBudget = errors.New("discovery budget spent")

// errUnsafe marks a path discovery refuses to request (it names a
// destructive action).
var errUnsafe = errors.New("path names a destructive action")

//go:embed wordlist.txt
var builtinWordlist string

// Wordlist returns the built-in wordlist.
func Wordlist() []string { return ParseWordlist(builtinWordlist) }

// ParseWordlist reads one path a line, skipping blanks and # comments.
func ParseWordlist(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		w := strings.Trim(strings.TrimSpace(line), "/")
		if w == "" || strings.HasPrefix(w, "#") || strings.ContainsAny(w, " \t?#") || strings.Contains(w, "..") || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// SpecPaths are the conventional locations of API descriptions: the
// defaults of FastAPI (/openapi.json), flasgger (/apispec_1.json),
// flask-restx and flask-smorest (/swagger.json, /api/swagger.json,
// /openapi.json), connexion (/openapi.json, /swagger.json), springdoc
// (/v3/api-docs), springfox (/v2/api-docs), ASP.NET Swashbuckle
// (/swagger/v1/swagger.json) and Microsoft.AspNetCore.OpenApi
// (/openapi/v1.json), probed under the root, the target's path and its
// parents.
var SpecPaths = []string{
	"openapi.json", "swagger.json", "v3/api-docs", "api-docs", "apispec_1.json", "openapi.yaml",
	"swagger.yaml", "api/openapi.json", "api/swagger.json", "swagger/v1/swagger.json", "v2/api-docs",
	"openapi/v1.json", "docs/openapi.json",
}

// DocPages are the conventional locations of documentation pages
// (swagger-ui, Redoc, FastAPI /docs and /redoc, connexion /ui/, flasgger
// /apidocs/, springdoc /swagger-ui.html), whose HTML or script embeds or
// names the description.
var DocPages = []string{
	"docs", "api-docs/", "swagger-ui.html", "swagger-ui/", "swagger", "redoc", "apidocs/", "ui/",
	"api/docs", "swagger/index.html", "docs/api", "reference",
}

// PrefixSpecPaths are the description locations tried under an API prefix
// found live (/api/v1/openapi.json).
var PrefixSpecPaths = []string{"openapi.json", "swagger.json", "api-docs", "docs"}

// APIPrefixes are the prefixes APIs are commonly mounted under, probed
// under the target's path and under the root.
var APIPrefixes = []string{"api", "api/v1", "api/v2", "api/v3", "v1", "v2", "v3", "rest", "service", "services"}

// LiveWords are the words tried under a candidate API prefix to tell
// whether anything is mounted there; a prefix where one answers gets the
// whole wordlist.
var LiveWords = []string{"users", "me"}

// Options bound what discovery does.
type Options struct {
	// FindSpec looks for an API description (skip it when one was given).
	FindSpec bool
	// Probe tries the API prefixes and the wordlist, reads the landing
	// page and its scripts, follows links and asks OPTIONS.
	Probe bool
	// Wordlist replaces the built-in one when set.
	Wordlist []string
	// MaxRequests bounds the requests discovery sends (DefaultMaxRequests
	// when 0), item routes included.
	MaxRequests int
	// Prefixes are extra path prefixes to probe under ("/api/v1/").
	Prefixes []string
	// Base is the path of the target URL ("/api"): the API is looked for
	// under it first. "" means the root.
	Base string
	// SpecURL is the API description the user gave as a URL on the target;
	// it is loaded first, and failing to load it is an error.
	SpecURL string
	// Workers is how many probes run at once (8 when 0); the transport's
	// concurrency cap and rate limit still apply.
	Workers int
	Logger  *slog.Logger
}

// Fetcher is the part of the transport client discovery uses.
type Fetcher interface {
	Do(ctx context.Context, req transport.Request, as transport.Identity) (*transport.Response, error)
}

// Result is what discovery found.
type Result struct {
	// Spec is the API description found, if any, and SpecURL where.
	Spec    *openapi.Document
	SpecURL string
	// Endpoints are the operations that answered like real routes
	// (surface.SourceProbe) and the routes named by pages, scripts and
	// answers (surface.SourceHarvest).
	Endpoints []surface.Endpoint
	// Requests is how many requests discovery asked for.
	Requests int
	// CatchAll lists the prefixes under which every path answers alike (a
	// soft 404); probes there were judged against that answer.
	CatchAll []string
	// Prefixes are the API prefixes found live ("/api/v2/"), the target's
	// path and the root included when they answered.
	Prefixes []string
	// AuthHeaders are the custom request headers the API accepts by its
	// Access-Control-Allow-Headers ("X-Api-Token"): the credentials it
	// expects, when they are not Authorization or a cookie.
	AuthHeaders []string
	// SpecProblems name, for each documentation page or description found
	// but not read, the URL tried and what came back.
	SpecProblems []string
	// Truncated is true when the budget ran out before the end.
	Truncated bool
	// Stages counts the requests of each stage: landing, scripts, spec,
	// links, prefixes, words, options, soft-404, items.
	Stages map[string]int

	run *run
}

// Run discovers what it can about the target. known are the endpoints
// already known (their prefixes are probed too). Discovery is best effort:
// the only errors are a cancelled context and an unreadable SpecURL.
func Run(ctx context.Context, f Fetcher, known []surface.Endpoint, o Options) (*Result, error) {
	if o.MaxRequests <= 0 {
		o.MaxRequests = DefaultMaxRequests
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	ctx = transport.WithCheck(ctx, "discovery")
	r := &run{
		f: f, o: o, log: o.Logger, bases: map[string]*baseline{}, asked: map[string]bool{},
		found: map[string]int{}, live: map[string]bool{}, candidates: map[string]bool{},
		queued: map[string]bool{}, optioned: map[string]bool{}, authHeaders: map[string]bool{}, answered: map[string]bool{}, stages: map[string]int{},
		base: normPrefix(o.Base),
	}
	r.result.run = r
	r.known = append([]surface.Endpoint(nil), known...)
	var err error
	if o.SpecURL != "" {
		doc, lerr := openapi.LoadURL(ctx, &countingFetcher{r: r}, o.SpecURL)
		if lerr != nil {
			r.result.Requests = int(r.used.Load())
			return &r.result, lerr
		}
		r.setSpec(doc, o.SpecURL)
	}
	if o.Probe || o.FindSpec {
		err = r.explore(ctx)
		r.mu.Lock()
		r.limit = 0 // the rest of the budget is for item routes
		r.mu.Unlock()
	}
	r.result.Requests = int(r.used.Load())
	if errors.Is(err, ErrBudget) {
		err = nil
	}
	if r.spent.Load() {
		r.result.Truncated = true
	}
	r.finish()
	return &r.result, err
}

// run is one discovery: its budget, soft-404 baselines, live prefixes and
// job queue.
type run struct {
	f    Fetcher
	o    Options
	log  *slog.Logger
	base string // the target's path as a prefix ("/", "/prod/")

	used  atomic.Int64
	spent atomic.Bool

	mu          sync.Mutex
	asked       map[string]bool // requests already counted
	bases       map[string]*baseline
	known       []surface.Endpoint
	found       map[string]int // endpoint key → index in result.Endpoints
	links       []surface.Link // harvested, judged at the end
	assets      []surface.Link // scripts, style sheets, client pages, descriptions read
	live        map[string]bool
	candidates  map[string]bool
	queued      map[string]bool
	optioned    map[string]bool
	authHeaders map[string]bool
	answered    map[string]bool // endpoint key → answered, not with HTML
	stages      map[string]int  // requests per stage
	specDone    bool
	result      Result
	origin      *url.URL
	bundles     int

	// The job queue of explore, under mu.
	q       queue
	seq     int
	stopped bool
	// limit is the budget explore may spend; the rest is kept for item
	// routes. 0 means MaxRequests.
	limit int
}

// normPrefix turns a path into a prefix with slashes at both ends.
func normPrefix(p string) string {
	p = strings.Trim(strings.SplitN(p, "?", 2)[0], "/")
	if p == "" {
		return "/"
	}
	return "/" + p + "/"
}

// parentOf returns the prefix one segment up ("/api/v1/" → "/api/").
func parentOf(prefix string) string {
	t := strings.TrimSuffix(prefix, "/")
	i := strings.LastIndexByte(t, '/')
	if i <= 0 {
		return "/"
	}
	return t[:i+1]
}

// dirOf returns the prefix a path lives under ("/api/users" → "/api/").
func dirOf(path string) string {
	path = strings.SplitN(path, "?", 2)[0]
	path = strings.TrimSuffix(path, "/")
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "/"
	}
	return path[:i+1]
}

// do sends one anonymous request within the budget. A request asked
// before (the transport answers it from its cache) is not counted again.
// Paths naming a destructive action are refused.
func (r *run) do(ctx context.Context, method, path string, h http.Header) (*transport.Response, error) {
	if method == "" {
		method = http.MethodGet
	}
	if v := safety.ClassifyRequest(method, path); v.Class != safety.Read {
		return nil, errUnsafe
	}
	key := method + " " + path + " " + h.Get("Accept")
	r.mu.Lock()
	again := r.asked[key]
	if !again {
		limit := r.o.MaxRequests
		if r.limit > 0 {
			limit = r.limit
		}
		if int(r.used.Load()) >= limit {
			r.mu.Unlock()
			r.spent.Store(true)
			return nil, ErrBudget
		}
		r.used.Add(1)
		r.asked[key] = true
		r.stages[stageOf(ctx)]++
	}
	r.mu.Unlock()
	req := transport.Request{Method: method, Path: path, Header: h}
	if (method != http.MethodGet && method != http.MethodHead) || stageOf(ctx) == "landing" {
		// The landing pages stay out of the shared cache: the scan's
		// baseline fetches the target itself, as every identity.
		req.NoCache = true
	}
	resp, err := r.f.Do(transport.WithEndpoint(ctx, path), req, transport.Anonymous())
	if errors.Is(err, transport.ErrRefused) && !again {
		// The safety policy kept it off the wire: not spent.
		r.mu.Lock()
		r.used.Add(-1)
		r.stages[stageOf(ctx)]--
		r.mu.Unlock()
	}
	return resp, err
}

func (r *run) get(ctx context.Context, path string) (*transport.Response, error) {
	return r.do(ctx, http.MethodGet, path, nil)
}

// countingFetcher lets the openapi loader fetch descriptions, pages and
// $refs within discovery's budget.
type countingFetcher struct{ r *run }

func (c *countingFetcher) Do(ctx context.Context, req transport.Request, _ transport.Identity) (*transport.Response, error) {
	return c.r.do(ctx, req.Method, req.Path, req.Header)
}

func (r *run) setSpec(doc *openapi.Document, at string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.specDone {
		return
	}
	r.specDone = true
	if doc.Location != "" {
		at = doc.Location
	}
	r.result.Spec, r.result.SpecURL = doc, at
	r.log.Info("API description found", "url", at, "version", doc.Version, "operations", len(doc.Endpoints))
}

// SpecPrefixes are where API descriptions are looked for besides the
// target's path, its parents and the prefixes of known endpoints.
var SpecPrefixes = []string{"/"}

// Prefixes returns "/", the given extra prefixes, and the API roots the known
// endpoints live under: a leading "api" segment or a version segment
// (/api/, /api/v2/, /mobile/v1/), at most three segments deep.
func Prefixes(known []surface.Endpoint, extra []string) []string {
	set := map[string]bool{"/": true}
	for _, p := range extra {
		set[normPrefix(p)] = true
	}
	for _, ep := range known {
		for _, p := range apiRoots(ep.Path) {
			set[p] = true
		}
	}
	return sortPrefixes(set)
}

// apiRoots returns the API roots a path lives under: each prefix of at
// most three segments ending in "api", "rest" or a version segment.
func apiRoots(path string) []string {
	segs := strings.Split(strings.Trim(strings.SplitN(path, "?", 2)[0], "/"), "/")
	var out []string
	p := "/"
	for i := 0; i < len(segs)-1 && i < 3; i++ {
		s := strings.ToLower(segs[i])
		if s == "" || strings.Contains(s, "{") {
			break
		}
		p += segs[i] + "/"
		if s == "api" || s == "rest" || isVersion(s) {
			out = append(out, p)
		}
	}
	return out
}

func isVersion(s string) bool {
	if len(s) < 2 || len(s) > 4 || s[0] != 'v' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func sortPrefixes(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) < len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

type stageKey struct{}

// withStage names the discovery stage requests of ctx are counted under.
func withStage(ctx context.Context, stage string) context.Context {
	return context.WithValue(ctx, stageKey{}, stage)
}

func stageOf(ctx context.Context) string {
	if s, ok := ctx.Value(stageKey{}).(string); ok {
		return s
	}
	return "other"
}
