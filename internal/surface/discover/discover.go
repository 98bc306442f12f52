// Package discover maps an API beyond what the user gave: it finds the API
// description at its conventional locations (or through a Swagger UI or
// ReDoc page), and probes a compact wordlist of paths, measuring a soft-404
// baseline first so that a catch-all route does not produce ghosts. Every
// request goes through the scan's transport client, is a read (GET), and
// counts against a small budget of its own.
package discover

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/transport"
)

// DefaultMaxRequests is the default discovery budget.
const DefaultMaxRequests = 300

// ErrBudget means discovery stopped because its budget was spent.
var ErrBudget = errors.New("discovery budget spent")

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

// SpecPaths are the conventional locations of API descriptions, probed under
// the root and under each API prefix.
var SpecPaths = []string{
	"openapi.json", "openapi.yaml", "swagger.json", "swagger.yaml", "api-docs", "v3/api-docs",
	"apispec_1.json", "api/openapi.json", "docs/openapi.json", "swagger/v1/swagger.json",
}

// DocPages are the conventional locations of Swagger UI and ReDoc pages,
// whose HTML names the spec URL.
var DocPages = []string{"docs", "swagger", "swagger-ui", "swagger-ui.html", "apidocs/", "redoc", "api/docs"}

// Options bound what discovery does.
type Options struct {
	// FindSpec looks for an API description (skip it when one was given).
	FindSpec bool
	// Probe tries the wordlist.
	Probe bool
	// Wordlist replaces the built-in one when set.
	Wordlist []string
	// MaxRequests bounds the requests discovery sends (DefaultMaxRequests
	// when 0).
	MaxRequests int
	// Prefixes are extra path prefixes to probe under ("/api/v1/").
	Prefixes []string
	// SpecURL is the API description the user gave as a URL on the target;
	// it is loaded first, and failing to load it is an error.
	SpecURL string
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
	// Endpoints are the paths that answered like real routes.
	Endpoints []surface.Endpoint
	// Requests is how many requests discovery asked for.
	Requests int
	// CatchAll lists the prefixes under which every path answers alike (a
	// soft 404); probes there were judged against that answer.
	CatchAll []string
	// Truncated is true when the budget ran out before the end.
	Truncated bool
}

type run struct {
	f      Fetcher
	o      Options
	log    *slog.Logger
	used   atomic.Int64
	mu     sync.Mutex
	bases  map[string]*baseline
	result Result
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
	ctx = transport.WithCheck(ctx, "discovery")
	r := &run{f: f, o: o, log: o.Logger, bases: map[string]*baseline{}}
	prefixes := Prefixes(known, o.Prefixes)
	var err error
	if o.SpecURL != "" {
		doc, err := openapi.LoadURL(ctx, f, o.SpecURL)
		r.result.Requests = int(r.used.Load())
		if err != nil {
			return &r.result, err
		}
		r.result.Spec, r.result.SpecURL = doc, o.SpecURL
		prefixes = Prefixes(append(known, doc.Endpoints...), o.Prefixes)
	} else if o.FindSpec {
		err = r.findSpec(ctx, prefixes)
		if r.result.Spec != nil {
			prefixes = Prefixes(append(known, r.result.Spec.Endpoints...), o.Prefixes)
		}
	}
	if o.Probe && err == nil {
		err = r.probe(ctx, prefixes, known)
	}
	r.result.Requests = int(r.used.Load())
	if errors.Is(err, ErrBudget) {
		r.result.Truncated = true
		err = nil
	}
	sort.Strings(r.result.CatchAll)
	return &r.result, err
}

// SpecPrefixes are where API descriptions are looked for besides the
// prefixes of known endpoints.
var SpecPrefixes = []string{"/", "/api/", "/api/v1/", "/v1/"}

// Prefixes returns "/", the given extra prefixes, and the API roots the known
// endpoints live under: a leading "api" segment or a version segment
// (/api/, /api/v2/, /mobile/v1/), at most three segments deep.
func Prefixes(known []surface.Endpoint, extra []string) []string {
	set := map[string]bool{"/": true}
	for _, p := range extra {
		p = "/" + strings.Trim(p, "/") + "/"
		if p == "//" {
			p = "/"
		}
		set[p] = true
	}
	for _, ep := range known {
		segs := strings.Split(strings.Trim(strings.SplitN(ep.Path, "?", 2)[0], "/"), "/")
		p := "/"
		for i := 0; i < len(segs)-1 && i < 3; i++ {
			s := strings.ToLower(segs[i])
			if s == "" || strings.Contains(s, "{") {
				break
			}
			p += segs[i] + "/"
			if s == "api" || s == "rest" || isVersion(s) {
				set[p] = true
			}
		}
	}
	return sortPrefixes(set)
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

func (r *run) get(ctx context.Context, path string) (*transport.Response, error) {
	if int(r.used.Add(1)) > r.o.MaxRequests {
		r.used.Add(-1)
		return nil, ErrBudget
	}
	resp, err := r.f.Do(transport.WithEndpoint(ctx, path), transport.Request{Path: path}, transport.Anonymous())
	if errors.Is(err, transport.ErrRefused) {
		r.used.Add(-1) // the safety policy kept it off the wire
	}
	return resp, err
}

var specLink = regexp.MustCompile(`(?i)(?:\burl\s*[:=]\s*|spec-url\s*=\s*|"url"\s*:\s*|configUrl\s*[:=]\s*)["']([^"'<>\s]{1,300})["']`)

// findSpec tries the conventional locations, then the documentation pages.
func (r *run) findSpec(ctx context.Context, prefixes []string) error {
	var candidates []string
	seen := map[string]bool{}
	all := map[string]bool{}
	for _, p := range append(append([]string(nil), SpecPrefixes...), prefixes...) {
		all[p] = true
	}
	for _, pre := range sortPrefixes(all) {
		for _, p := range SpecPaths {
			c := pre + p
			if !seen[c] {
				seen[c] = true
				candidates = append(candidates, c)
			}
		}
	}
	for _, c := range candidates {
		if ok, err := r.trySpec(ctx, c); ok || err != nil {
			return err
		}
	}
	for _, pre := range prefixes[:min(2, len(prefixes))] {
		for _, page := range DocPages {
			resp, err := r.get(ctx, pre+page)
			if err != nil {
				if errors.Is(err, ErrBudget) || ctx.Err() != nil {
					return err
				}
				continue
			}
			if resp.Status != http.StatusOK || !strings.Contains(resp.ContentType(), "html") {
				continue
			}
			for _, m := range specLink.FindAllSubmatch(resp.Body, 8) {
				link := string(m[1])
				if !strings.Contains(link, "/") && !strings.Contains(link, ".") {
					continue
				}
				if !strings.HasPrefix(link, "/") && !strings.Contains(link, "://") {
					link = pre + strings.TrimPrefix(page, "/")
					link = link[:strings.LastIndexByte(link, '/')+1] + string(m[1])
				}
				if seen[link] {
					continue
				}
				seen[link] = true
				if ok, err := r.trySpec(ctx, link); ok || err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// trySpec loads a spec from path; a 404 or a non-spec answer is not an
// error, only a miss.
func (r *run) trySpec(ctx context.Context, path string) (bool, error) {
	if int(r.used.Load()) >= r.o.MaxRequests {
		return false, ErrBudget
	}
	counting := &countingFetcher{f: r.f, r: r}
	doc, err := openapi.LoadURL(ctx, counting, path)
	if err != nil {
		if errors.Is(err, ErrBudget) || ctx.Err() != nil {
			return false, err
		}
		if errors.Is(err, surface.ErrMalformed) && counting.sawSpec {
			r.log.Warn("API description found but unreadable", "url", path, "err", err)
		}
		return false, nil
	}
	r.log.Info("API description found", "url", path, "version", doc.Version, "operations", len(doc.Endpoints))
	r.result.Spec, r.result.SpecURL = doc, path
	return true, nil
}

// countingFetcher counts discovery's spec requests against its budget.
type countingFetcher struct {
	f       Fetcher
	r       *run
	sawSpec bool
}

func (c *countingFetcher) Do(ctx context.Context, req transport.Request, as transport.Identity) (*transport.Response, error) {
	if int(c.r.used.Add(1)) > c.r.o.MaxRequests {
		c.r.used.Add(-1)
		return nil, ErrBudget
	}
	resp, err := c.f.Do(ctx, req, as)
	if errors.Is(err, transport.ErrRefused) {
		c.r.used.Add(-1)
	}
	if err == nil && resp.Status == http.StatusOK && (bytes.Contains(resp.Body, []byte(`openapi`)) || bytes.Contains(resp.Body, []byte(`swagger`))) {
		c.sawSpec = true
	}
	return resp, err
}

// probe requests every word under every prefix, skipping what is known.
func (r *run) probe(ctx context.Context, prefixes []string, known []surface.Endpoint) error {
	words := r.o.Wordlist
	if words == nil {
		words = Wordlist()
	}
	isKnown := func(p string) bool {
		for _, ep := range known {
			if ep.Matches(p) {
				return true
			}
		}
		if r.result.Spec != nil {
			for _, ep := range r.result.Spec.Endpoints {
				if ep.Matches(p) {
					return true
				}
			}
		}
		return false
	}
	type job struct{ prefix, path string }
	var jobs []job
	seen := map[string]bool{}
	// Word by word across prefixes, so the most telling words are tried
	// everywhere before the budget runs out.
	for _, w := range words {
		for _, pre := range prefixes {
			p := pre + w
			if seen[p] || isKnown(p) {
				continue
			}
			seen[p] = true
			jobs = append(jobs, job{pre, p})
		}
	}
	var wg sync.WaitGroup
	var firstErr error
	var emu sync.Mutex
	ch := make(chan job)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				ep, err := r.probeOne(ctx, j.prefix, j.path)
				if err != nil {
					emu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					emu.Unlock()
					continue
				}
				if ep != nil {
					r.mu.Lock()
					r.result.Endpoints = append(r.result.Endpoints, *ep)
					r.mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		emu.Lock()
		stop := firstErr != nil
		emu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	sort.Slice(r.result.Endpoints, func(i, j int) bool { return r.result.Endpoints[i].Path < r.result.Endpoints[j].Path })
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (r *run) probeOne(ctx context.Context, prefix, path string) (*surface.Endpoint, error) {
	base, err := r.baselineFor(ctx, prefix)
	if err != nil {
		return nil, err
	}
	resp, err := r.get(ctx, path)
	if err != nil {
		if errors.Is(err, ErrBudget) || ctx.Err() != nil {
			return nil, err
		}
		return nil, nil
	}
	if !Exists(resp, base, lastSegment(path)) {
		return nil, nil
	}
	ep := surface.Endpoint{Method: http.MethodGet, Path: path, Source: surface.SourceProbe, Status: resp.Status}
	if resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
		ep.AuthRequired = surface.BoolPtr(true)
	}
	return &ep, nil
}

func lastSegment(p string) string {
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// baselineFor measures once per prefix how a path that cannot exist answers.
func (r *run) baselineFor(ctx context.Context, prefix string) (*baseline, error) {
	r.mu.Lock()
	b, ok := r.bases[prefix]
	if !ok {
		b = &baseline{ready: make(chan struct{})}
		r.bases[prefix] = b
	}
	r.mu.Unlock()
	if ok {
		<-b.ready
		return b, b.err
	}
	defer close(b.ready)
	token := randomToken()
	resp, err := r.get(ctx, prefix+token)
	if err != nil {
		b.err = err
		if !errors.Is(err, ErrBudget) && ctx.Err() == nil {
			b.err = nil // an unreachable baseline only means probes decide alone
		}
		return b, b.err
	}
	b.resp, b.token = resp, token
	if resp.Status < 400 || resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
		r.mu.Lock()
		r.result.CatchAll = append(r.result.CatchAll, prefix)
		r.mu.Unlock()
		r.log.Info("soft 404: every path answers alike under this prefix", "prefix", prefix, "status", resp.Status)
	}
	return b, nil
}
