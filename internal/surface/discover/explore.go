package discover

import (
	"container/heap"
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/transport"
)

// jobKind is what one discovery job does.
type jobKind int

const (
	jobBundle  jobKind = iota // read a script the landing page loads
	jobSpec                   // try a description or documentation page
	jobLink                   // check a harvested link
	jobPrefix                 // check a candidate API prefix itself
	jobWord                   // try a word under a prefix
	jobOptions                // ask OPTIONS of a found endpoint
	jobItem                   // ask for an id under a collection word that was not found
)

// Job priorities: higher runs first; within one, lower rank first.
const (
	prioBundle      = 90
	prioSpec        = 80
	prioLink        = 70
	prioPrefix      = 60
	prioPrefixSpec  = 55
	prioLiveWord    = 45
	prioWord        = 40
	prioOptions     = 50
	maxBundles      = 6
	maxOptions      = 10
	maxLinkDepth    = 2
	reserveFraction = 10 // 1/reserveFraction of the budget is kept for item routes
)

type job struct {
	kind   jobKind
	prio   int
	rank   int
	seq    int
	depth  int
	prefix string
	path   string
}

type queue []job

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].prio != q[j].prio {
		return q[i].prio > q[j].prio
	}
	if q[i].rank != q[j].rank {
		return q[i].rank < q[j].rank
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(job)) }
func (q *queue) Pop() any {
	old := *q
	j := old[len(old)-1]
	*q = old[:len(old)-1]
	return j
}

// push queues a job once.
func (r *run) push(j job) {
	key := string(rune('a'+j.kind)) + j.prefix + "\x00" + j.path
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.queued[key] || r.stopped {
		return
	}
	r.queued[key] = true
	r.seq++
	j.seq = r.seq
	heap.Push(&r.q, j)
}

// explore runs the landing page, then the job queue until it is empty,
// the budget is spent or ctx ends.
func (r *run) explore(ctx context.Context) error {
	r.mu.Lock()
	r.limit = r.o.MaxRequests - r.o.MaxRequests/reserveFraction
	r.mu.Unlock()
	// The target's path is where the API is looked for first.
	r.markLive(r.base, "target")
	for _, p := range r.o.Prefixes {
		r.markLive(normPrefix(p), "given")
	}
	r.landing(ctx)
	r.mu.Lock()
	specDone := r.specDone
	r.mu.Unlock()
	if spec := r.result.Spec; spec != nil {
		r.knowSpec(spec)
	}
	if r.o.FindSpec && !specDone {
		rank := 0
		for _, pre := range r.specPrefixes() {
			specs, docs := SpecPaths, DocPages
			if pre != "/" && pre != r.base {
				specs, docs = PrefixSpecPaths, nil // a parent between the root and the target
			}
			for _, p := range specs {
				r.push(job{kind: jobSpec, prio: prioSpec, rank: rank, path: pre + p})
				rank++
			}
			for _, p := range docs {
				r.push(job{kind: jobSpec, prio: prioSpec, rank: rank, path: pre + p})
				rank++
			}
		}
	}
	for _, ep := range r.known {
		if roots := apiRoots(ep.Path); len(roots) > 0 && ep.Source != surface.SourceTarget {
			r.markLive(roots[len(roots)-1], "known endpoints")
		}
	}
	if r.o.Probe {
		r.candidatePrefixes()
	}
	err := r.work(ctx)
	if errors.Is(err, ErrBudget) {
		return nil
	}
	return err
}

// specPrefixes are the target's path, its parents and the root.
func (r *run) specPrefixes() []string {
	out := []string{r.base}
	for p := r.base; p != "/"; {
		p = parentOf(p)
		out = append(out, p)
	}
	return out
}

// candidatePrefixes queues the API prefixes under the target's path and
// the root: each is checked itself, and with a few telling words.
func (r *run) candidatePrefixes() {
	rootLive := r.isLive("/")
	var cands []string
	for _, under := range []string{r.base, "/"} {
		for _, p := range APIPrefixes {
			c := normPrefix(under + p)
			if !slices.Contains(cands, c) {
				cands = append(cands, c)
			}
		}
	}
	for i, c := range cands {
		if r.isLive(c) {
			continue
		}
		r.mu.Lock()
		r.candidates[c] = true
		r.mu.Unlock()
		r.push(job{kind: jobPrefix, prio: prioPrefix, rank: i, prefix: c, path: strings.TrimSuffix(c, "/")})
		if !strings.HasPrefix(c, r.base) && !rootLive {
			continue // the root answers nothing: only the prefix itself is tried there
		}
		for w, word := range LiveWords {
			r.push(job{kind: jobWord, prio: prioLiveWord, rank: w, prefix: c, path: c + word})
		}
	}
}

func (r *run) isLive(prefix string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.live[prefix]
}

// markLive records a live prefix and queues its description locations and
// the wordlist under it.
func (r *run) markLive(prefix, why string) {
	r.mu.Lock()
	if r.live[prefix] {
		r.mu.Unlock()
		return
	}
	r.live[prefix] = true
	specDone := r.specDone
	r.mu.Unlock()
	r.log.Debug("live API prefix", "prefix", prefix, "why", why)
	if r.o.FindSpec && !specDone && prefix != "/" && prefix != r.base {
		for i, p := range PrefixSpecPaths {
			r.push(job{kind: jobSpec, prio: prioPrefixSpec, rank: i, path: prefix + p})
		}
	}
	if !r.o.Probe {
		return
	}
	words := r.o.Wordlist
	builtin := words == nil
	if builtin {
		words = Wordlist()
	}
	for i, w := range words {
		p := prefix + w
		if r.isKnown(p) || (prefix != "/" && (prefix != r.base || isAPIRoot(prefix)) && rootOnly(w)) {
			continue
		}
		r.push(job{kind: jobWord, prio: prioWord, rank: i, prefix: prefix, path: p})
	}
	// Diagnostic routes one level down, after the wordlist, under the
	// target's path only (the root too when it is the target's path).
	if !builtin || prefix != r.base || isAPIRoot(prefix) {
		return
	}
	rank := len(words)
	for _, dir := range DiagnosticDirs {
		for _, leaf := range DiagnosticLeaves {
			if w := dir + "/" + leaf; !slices.Contains(words, w) && !r.isKnown(prefix+w) {
				r.push(job{kind: jobWord, prio: prioWord, rank: rank, prefix: prefix, path: prefix + w})
				rank++
			}
		}
	}
}

// DiagnosticDirs and DiagnosticLeaves make the built-in wordlist probe
// diagnostic routes one level down (/debug/env, /internal/config,
// /admin/settings) under the target's path, after the wordlist (when the
// budget allows). A debug or admin
// blueprint mounts its dumps there while the directory itself is not
// routed: it answers the soft-404 (a 404, or an API gateway's uniform 403
// "Missing Authentication Token" for a resource it does not deploy), so
// probing the directory alone never reveals what is under it.
var (
	DiagnosticDirs   = []string{"debug", "internal", "admin"}
	DiagnosticLeaves = []string{"env", "config", "settings"}
)

// rootWords are words probed only under the root and the target's path:
// server files and consoles, documentation pages and API prefixes, which
// an API prefix does not hold again.
var rootWords = map[string]bool{
	".env": true, "env": true, "backup": true, "backups": true, "dump": true, "server-status": true, "phpinfo.php": true,
	"console": true, "_debug": true, "debug/vars": true, "actuator": true, "actuator/env": true, "actuator/health": true,
	"swagger": true, "docs": true, "redoc": true, "apidocs": true, "graphiql": true, "old": true, "legacy": true,
}

// isAPIRoot reports whether a prefix ends in an API segment (/api/,
// /api/v3/, /rest/).
func isAPIRoot(prefix string) bool {
	return slices.Contains(apiRoots(prefix+"x"), prefix)
}

func rootOnly(w string) bool {
	return rootWords[w] || w == "api" || strings.HasPrefix(w, "api/") || w == "rest" || isVersion(w)
}

// isKnown reports whether a path is an endpoint already known or found.
func (r *run) isKnown(p string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ep := range r.known {
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

// knowSpec makes the description's base and API roots live.
func (r *run) knowSpec(doc *openapi.Document) {
	if r.o.Probe {
		// OPTIONS of the documented paths name the methods the description left out.
		for _, ep := range doc.Endpoints {
			p, ok := ep.Concrete()
			if !ok || ep.IsTemplate() || strings.Contains(p, "?") {
				continue
			}
			r.mu.Lock()
			ask := len(r.optioned) < maxOptions && !r.optioned[p]
			if ask {
				r.optioned[p] = true
			}
			r.mu.Unlock()
			if ask {
				r.push(job{kind: jobOptions, prio: prioOptions, path: p})
			}
		}
	}
	if doc.BasePath != "" {
		r.markLive(normPrefix(doc.BasePath), "spec servers")
	}
	for _, ep := range doc.Endpoints {
		if ep.Base != "" {
			r.markLive(normPrefix(ep.Base), "spec servers")
		}
		if roots := apiRoots(ep.Path); len(roots) > 0 {
			r.markLive(roots[len(roots)-1], "spec paths")
		}
	}
}

// work runs the queued jobs in waves: each wave takes the first jobs of
// the queue (as many as the budget surely allows), sends their requests
// concurrently, then applies what they found in queue order. What is
// found, and where the budget ends, is the same from run to run.
func (r *run) work(ctx context.Context) error {
	for ctx.Err() == nil {
		wave := r.takeWave()
		if len(wave) == 0 {
			return nil
		}
		effects := make([]func(), len(wave))
		errs := make([]error, len(wave))
		var wg sync.WaitGroup
		sem := make(chan struct{}, r.o.Workers)
		for i, j := range wave {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				effects[i], errs[i] = r.exec(ctx, j)
			}()
		}
		wg.Wait()
		stop := false
		for i := range wave {
			if effects[i] != nil {
				effects[i]()
			}
			if errs[i] != nil && (errors.Is(errs[i], ErrBudget) || ctx.Err() != nil) {
				stop = true
			}
		}
		if stop {
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// maxWave bounds the jobs of one wave, maxSpecWave the description
// locations among them.
const (
	maxWave     = 32
	maxSpecWave = 6
)

// takeWave pops the next jobs while their worst cost (a description may
// take three requests; each prefix not yet measured, a soft-404 request)
// fits in the budget left; at least one job while any budget is left.
func (r *run) takeWave() []job {
	left := r.limitLeft()
	r.mu.Lock()
	defer r.mu.Unlock()
	var wave []job
	cost := 0
	measuring := map[string]bool{}
	specs := 0
	for r.q.Len() > 0 && len(wave) < maxWave {
		j := r.q[0]
		c := 1
		if j.kind == jobSpec {
			// Few at a time: once one is read, the others are not asked.
			if specs >= maxSpecWave {
				break
			}
			specs++
			c = 3
		}
		for _, p := range []string{j.prefix, dirOf(j.path), parentOf(j.prefix)} {
			if _, ok := r.bases[p]; !ok && p != "" && !measuring[p] {
				measuring[p] = true
				c++
			}
		}
		if len(wave) > 0 && cost+c > left {
			break
		}
		if left <= 0 {
			r.spent.Store(true) // jobs are left that the budget cannot pay
			break
		}
		cost += c
		wave = append(wave, heap.Pop(&r.q).(job))
	}
	return wave
}

// limitLeft is how many requests explore may still ask for.
func (r *run) limitLeft() int {
	r.mu.Lock()
	limit := r.o.MaxRequests
	if r.limit > 0 {
		limit = r.limit
	}
	r.mu.Unlock()
	return limit - int(r.used.Load())
}

// stageNames name the job kinds in Result.Stages.
var stageNames = map[jobKind]string{
	jobBundle: "scripts", jobSpec: "spec", jobLink: "links", jobPrefix: "prefixes", jobWord: "words", jobOptions: "options",
	jobItem: "items",
}

// exec sends the requests of one job and returns what it found as an
// effect to apply after the wave.
func (r *run) exec(ctx context.Context, j job) (func(), error) {
	ctx = withStage(ctx, stageNames[j.kind])
	switch j.kind {
	case jobBundle:
		return r.execBundle(ctx, j)
	case jobSpec:
		return r.execSpec(ctx, j)
	case jobLink:
		return r.execLink(ctx, j)
	case jobPrefix:
		return r.execPrefix(ctx, j)
	case jobWord:
		return r.execWord(ctx, j)
	case jobOptions:
		return r.execOptions(ctx, j)
	case jobItem:
		return r.execItem(ctx, j)
	}
	return nil, nil
}

// fatal keeps the errors that end discovery (budget, cancellation).
func fatal(ctx context.Context, err error) error {
	if errors.Is(err, ErrBudget) || ctx.Err() != nil {
		return err
	}
	return nil
}

// landing reads the target's page (and the root's): links, scripts, Link
// headers, redirects and a documentation page's description.
func (r *run) landing(ctx context.Context) {
	ctx = withStage(ctx, "landing")
	pages := []string{strings.TrimSuffix(r.base, "/")}
	if pages[0] == "" {
		pages[0] = "/"
	}
	if r.base != "/" {
		pages = append(pages, "/")
	}
	for _, p := range pages {
		resp, err := r.get(ctx, p)
		if err != nil {
			continue
		}
		r.noteOrigin(resp)
		if p == "/" && r.base != "/" {
			if Exists(resp, r.baselineFor(ctx, "/"), "") {
				r.markLive("/", "the root answers")
			}
		} else if Exists(resp, r.baselineFor(ctx, r.base), "") || (resp.Status >= 200 && resp.Status < 300) {
			// The target the user named counts when it answers, even
			// when every path under it answers alike.
			r.mu.Lock()
			r.answered["GET "+p] = r.answered["GET "+p] || surface.Sniff(resp.ContentType(), resp.Body) != "html"
			r.mu.Unlock()
		}
		if isGraphQL(p, resp) && Exists(resp, nil, "") {
			r.addFound(ctx, p, resp, surface.SourceProbe)
		}
		r.readAnswer(ctx, p, resp, 0)
		if h := openapi.ReadHost(resp.Body); surface.Sniff(resp.ContentType(), resp.Body) == "html" && (len(h.Links) > 0 || h.Inline != nil) && r.o.FindSpec {
			r.push(job{kind: jobSpec, prio: prioSpec + 5, path: p})
		}
	}
}

// noteOrigin keeps the target's origin from the first answer.
func (r *run) noteOrigin(resp *transport.Response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.origin != nil || resp == nil || resp.URL == "" {
		return
	}
	if u, err := url.Parse(resp.URL); err == nil {
		r.origin = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}
	}
}

// pageURL is the absolute URL relative links of an answer resolve against.
func (r *run) pageURL(path string, resp *transport.Response) *url.URL {
	if resp != nil && resp.URL != "" {
		if u, err := url.Parse(resp.URL); err == nil {
			return u
		}
	}
	r.mu.Lock()
	o := r.origin
	r.mu.Unlock()
	if o == nil {
		return nil
	}
	u, err := o.Parse(path)
	if err != nil {
		return nil
	}
	return u
}

var linkHeader = regexp.MustCompile(`<([^>]{1,300})>\s*((?:;\s*[a-zA-Z*]+\s*=\s*(?:"[^"]*"|[^;,]*)\s*)*)`)
var relParam = regexp.MustCompile(`(?i)\brel\s*=\s*"?([^";,]+)"?`)

// readAnswer harvests an answer: its links (JSON, HTML, script), Link
// headers (RFC 8288; rel=service-desc/describedby name the description,
// RFC 8631), and the prefix a redirect led to.
func (r *run) readAnswer(ctx context.Context, path string, resp *transport.Response, depth int) {
	base := r.pageURL(path, resp)
	if base == nil {
		return
	}
	if u, err := url.Parse(resp.URL); err == nil && u.Path != "" && strings.TrimSuffix(u.Path, "/") != strings.TrimSuffix(strings.SplitN(path, "?", 2)[0], "/") {
		for _, p := range apiRoots(u.Path + "x") {
			r.markLive(p, "redirect")
		}
	}
	for _, lh := range resp.Header.Values("Link") {
		for _, m := range linkHeader.FindAllStringSubmatch(lh, 16) {
			ref, err := base.Parse(m[1])
			if err != nil || !strings.EqualFold(ref.Host, base.Host) {
				continue
			}
			rel := ""
			if rm := relParam.FindStringSubmatch(m[2]); rm != nil {
				rel = strings.ToLower(rm[1])
			}
			if strings.Contains(rel, "service-desc") || strings.Contains(rel, "describedby") || strings.Contains(rel, "openapi") {
				if r.o.FindSpec {
					r.push(job{kind: jobSpec, prio: prioSpec + 5, path: ref.RequestURI()})
				}
				continue
			}
			r.addLinks(ctx, []surface.Link{{Path: ref.RequestURI(), Kind: "link"}}, depth)
		}
	}
	links := surface.Harvest(resp.ContentType(), resp.Body, base)
	if surface.Sniff(resp.ContentType(), resp.Body) == "json" {
		// The scan's baseline follows JSON links as every identity and
		// templates their ids; here they only name API prefixes.
		for _, l := range links {
			for _, p := range apiRoots(strings.SplitN(l.Path, "?", 2)[0]) {
				r.addCandidate(p)
			}
		}
		return
	}
	r.addLinks(ctx, links, depth)
}

// addLinks queues what harvested links lead to: scripts are read (once,
// a few), concrete GET links are checked, templates and other methods are
// kept for the end; every API root they name becomes a candidate.
func (r *run) addLinks(ctx context.Context, links []surface.Link, depth int) {
	for _, l := range links {
		path := l.Path
		clean := strings.SplitN(path, "?", 2)[0]
		if l.Kind == "script" || l.Kind == "style" || l.Kind == "page" {
			// Files and pages the landing page and its scripts load are
			// part of what the app serves: they join the surface unasked;
			// scripts are read.
			r.mu.Lock()
			if depth == 0 {
				r.assets = append(r.assets, l)
			}
			n := r.bundles
			read := l.Kind == "script" && strings.HasSuffix(strings.ToLower(clean), ".js") && r.o.Probe && n < maxBundles
			if read {
				r.bundles++
			}
			r.mu.Unlock()
			if read {
				r.push(job{kind: jobBundle, prio: prioBundle, rank: n, path: path})
			}
			continue
		}
		if surface.IsStaticAsset(clean) || !r.o.Probe {
			continue
		}
		for _, p := range apiRoots(clean) {
			r.addCandidate(p)
		}
		if l.Method != "" || strings.Contains(path, "{") {
			r.mu.Lock()
			r.links = append(r.links, l)
			r.mu.Unlock()
			continue
		}
		if depth >= maxLinkDepth || r.isKnown(path) {
			continue
		}
		r.push(job{kind: jobLink, prio: prioLink - depth, depth: depth + 1, path: path})
	}
}

// addCandidate queues a prefix seen in links as a candidate API prefix.
func (r *run) addCandidate(p string) {
	r.mu.Lock()
	if r.live[p] || r.candidates[p] {
		r.mu.Unlock()
		return
	}
	r.candidates[p] = true
	r.mu.Unlock()
	r.push(job{kind: jobPrefix, prio: prioPrefix, prefix: p, path: strings.TrimSuffix(p, "/")})
}

func (r *run) execBundle(ctx context.Context, j job) (func(), error) {
	resp, err := r.get(ctx, j.path)
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if resp.Status != http.StatusOK || surface.Sniff(resp.ContentType(), resp.Body) == "html" {
		return nil, nil
	}
	base := r.pageURL(j.path, resp)
	if base == nil {
		return nil, nil
	}
	links := surface.HarvestScript(resp.Body, base)
	return func() { r.addLinks(ctx, links, 0) }, nil
}

func (r *run) execSpec(ctx context.Context, j job) (func(), error) {
	r.mu.Lock()
	done := r.specDone
	r.mu.Unlock()
	if done {
		return nil, nil
	}
	resp, err := r.do(ctx, http.MethodGet, j.path, openapi.Accept.Clone())
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if resp.Status != http.StatusOK {
		return nil, nil
	}
	base, err := r.baselineErr(ctx, dirOf(j.path))
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if !Exists(resp, base, lastSegment(j.path)) {
		return nil, nil
	}
	kind := surface.Sniff(resp.ContentType(), resp.Body)
	host := openapi.ReadHost(resp.Body)
	looksLikeDoc := (kind == "html" || kind == "script") && (host.Inline != nil || len(host.Links) > 0 || len(host.Scripts) > 0)
	looksLikeSpec := (kind == "json" || kind == "yaml") && specWord.Match(resp.Body[:min(len(resp.Body), 4096)])
	if !looksLikeDoc && !looksLikeSpec {
		return nil, nil
	}
	doc, err := openapi.LoadURL(ctx, &countingFetcher{r: r}, j.path)
	if err != nil {
		if f := fatal(ctx, err); f != nil {
			return nil, f
		}
		return func() {
			r.mu.Lock()
			if !r.specDone {
				r.result.SpecProblems = append(r.result.SpecProblems, err.Error())
			}
			r.mu.Unlock()
			r.log.Warn("API description found but unreadable", "url", j.path, "err", err)
		}, nil
	}
	return func() {
		r.setSpec(doc, j.path)
		r.knowSpec(doc)
		r.mu.Lock()
		for _, p := range []string{j.path, doc.Location} {
			if strings.HasPrefix(p, "/") {
				r.assets = append(r.assets, surface.Link{Path: p, Kind: "spec"})
			}
		}
		r.mu.Unlock()
	}, nil
}

var specWord = regexp.MustCompile(`(?i)["']?(openapi|swagger)["']?\s*:`)

func (r *run) execLink(ctx context.Context, j job) (func(), error) {
	resp, err := r.get(ctx, j.path)
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if !Exists(resp, nil, "") {
		return nil, nil
	}
	base, err := r.baselineErr(ctx, dirOf(j.path))
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if !Exists(resp, base, lastSegment(j.path)) {
		return nil, nil
	}
	return func() {
		r.addFound(ctx, j.path, resp, surface.SourceHarvest)
		if resp.Status < 300 {
			r.readAnswer(ctx, j.path, resp, j.depth)
		}
	}, nil
}

func (r *run) execPrefix(ctx context.Context, j job) (func(), error) {
	parent, err := r.baselineErr(ctx, parentOf(j.prefix))
	if err != nil {
		return nil, fatal(ctx, err)
	}
	resp, err := r.get(ctx, j.path)
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if Exists(resp, parent, lastSegment(j.path)) && resp.Status != http.StatusMethodNotAllowed {
		return func() {
			r.markLive(j.prefix, "answers")
			if resp.Status < 300 {
				r.readAnswer(ctx, j.path, resp, 0)
			}
		}, nil
	}
	// A not-found of another kind than the parent's (JSON under /api, an
	// HTML page at the root) means another application answers there.
	if parent != nil && parent.resp != nil && resp.Status < 500 && resp.Status == parent.resp.Status &&
		resp.ContentType() != parent.resp.ContentType() {
		return func() { r.markLive(j.prefix, "another application answers under it") }, nil
	}
	return nil, nil
}

func (r *run) execWord(ctx context.Context, j job) (func(), error) {
	if r.isKnown(j.path) {
		return nil, nil
	}
	resp, err := r.get(ctx, j.path)
	if err != nil {
		return nil, fatal(ctx, err)
	}
	item := func() {
		// A collection without a list route may still route its items
		// (/orders/{id}): asked last, if the budget allows.
		if j.prefix != "/" && collectionWord(lastSegment(j.path)) {
			r.push(job{kind: jobItem, prio: prioWord, rank: j.rank + 1, prefix: j.prefix, path: j.path + "/" + randomToken()})
		}
	}
	if !Exists(resp, nil, "") {
		return item, nil // a 404 needs no soft-404 to compare with
	}
	base, err := r.baselineErr(ctx, j.prefix)
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if !Exists(resp, base, lastSegment(j.path)) {
		return item, nil
	}
	return func() {
		r.addFound(ctx, j.path, resp, surface.SourceProbe)
		r.markLive(j.prefix, "a word answers under it")
		if resp.Status < 300 {
			r.readAnswer(ctx, j.path, resp, 1)
		}
	}, nil
}

// collectionWord reports whether a word names a collection (a plural noun
// of the wordlist: orders, receipts), whose items may be routed without a
// list route.
func collectionWord(w string) bool {
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.Contains(w, "/") && !strings.Contains(w, ".") && !rootOnly(w) && !strings.HasSuffix(w, "ss")
}

// execItem asks for an id that cannot exist under a collection word: an
// answer of another status or type than the prefix's soft-404 (a JSON
// "order not found" where unknown paths get the framework's HTML 404 or a
// gateway's 403) shows a handler routing /collection/{id}.
func (r *run) execItem(ctx context.Context, j job) (func(), error) {
	resp, err := r.get(ctx, j.path)
	if err != nil {
		return nil, fatal(ctx, err)
	}
	base, err := r.baselineErr(ctx, j.prefix)
	if err != nil || base == nil || base.resp == nil {
		return nil, fatal(ctx, err)
	}
	if resp.Status >= 500 || (resp.Status == base.resp.Status && resp.ContentType() == base.resp.ContentType()) {
		return nil, nil
	}
	if resp.Status != http.StatusNotFound && !Exists(resp, base, lastSegment(j.path)) {
		return nil, nil
	}
	tmpl := dirOf(j.path) + "{id}"
	return func() {
		ep := surface.Endpoint{Method: http.MethodGet, Path: tmpl, Source: surface.SourceProbe, Status: resp.Status,
			Params: []surface.Param{{Name: "id", In: "path", Required: true}}}
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, ok := r.found[ep.Key()]; !ok {
			r.found[ep.Key()] = len(r.result.Endpoints)
			r.result.Endpoints = append(r.result.Endpoints, ep)
		}
	}, nil
}

// standardHeaders are request headers browsers and clients send anyway; any
// other name in Access-Control-Allow-Headers that speaks of a token, key or
// auth is a custom credential header.
var standardHeaders = map[string]bool{
	"accept": true, "accept-language": true, "content-language": true, "content-type": true, "origin": true,
	"x-requested-with": true, "cache-control": true, "pragma": true, "authorization": true, "cookie": true,
	"x-amz-date": true, "x-amz-user-agent": true, "x-amz-security-token": true, "x-amz-content-sha256": true, "if-match": true, "if-none-match": true, "range": true,
}

var credentialHeader = regexp.MustCompile(`(?i)(token|auth|api-?key|apikey|key|secret|session|signature|jwt|bearer|credential|password)`)

func (r *run) execOptions(ctx context.Context, j job) (func(), error) {
	h := http.Header{"Access-Control-Request-Method": {"GET"}}
	r.mu.Lock()
	if r.origin != nil {
		h.Set("Origin", strings.TrimSuffix(r.origin.String(), "/"))
	}
	r.mu.Unlock()
	resp, err := r.do(ctx, http.MethodOptions, j.path, h)
	if err != nil {
		return nil, fatal(ctx, err)
	}
	if resp.Status >= 400 && resp.Status != http.StatusMethodNotAllowed {
		return nil, nil // a 405 to OPTIONS still names the methods in Allow
	}
	return func() { r.noteMethods(j.path, resp) }, nil
}

// noteMethods reads Allow and Access-Control-Allow-Methods for the other
// methods of a path (added as operations, never sent by discovery) and
// Access-Control-Allow-Headers for custom credential headers.
func (r *run) noteMethods(path string, resp *transport.Response) {
	var methods []string
	for _, name := range []string{"Allow", "Access-Control-Allow-Methods"} {
		for _, v := range resp.Header.Values(name) {
			for _, m := range strings.Split(v, ",") {
				m = strings.ToUpper(strings.TrimSpace(m))
				switch m {
				case "POST", "PUT", "PATCH", "DELETE":
					if !slices.Contains(methods, m) {
						methods = append(methods, m)
					}
				}
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range resp.Header.Values("Access-Control-Allow-Headers") {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" || name == "*" || standardHeaders[strings.ToLower(name)] || !credentialHeader.MatchString(name) {
				continue
			}
			r.authHeaders[http.CanonicalHeaderKey(name)] = true
		}
	}
	for _, m := range methods {
		ep := surface.Endpoint{Method: m, Path: path, Source: surface.SourceProbe}
		if _, ok := r.found[ep.Key()]; !ok {
			r.found[ep.Key()] = len(r.result.Endpoints)
			r.result.Endpoints = append(r.result.Endpoints, ep)
		}
	}
}

// addFound records a path that answered like a real route. A 405 is the
// route of another method: the first the Allow header names, else POST.
func (r *run) addFound(ctx context.Context, path string, resp *transport.Response, src surface.Source) {
	ep := surface.Endpoint{Method: http.MethodGet, Path: path, Source: src, Status: resp.Status}
	if resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
		ep.AuthRequired = surface.BoolPtr(true)
	}
	if resp.Status == http.StatusMethodNotAllowed {
		ep.Method = http.MethodPost
		for _, m := range strings.Split(resp.Header.Get("Allow"), ",") {
			m = strings.ToUpper(strings.TrimSpace(m))
			if m != "" && m != "GET" && m != "HEAD" && m != "OPTIONS" {
				ep.Method = m
				break
			}
		}
	}
	r.mu.Lock()
	r.answered[ep.Key()] = r.answered[ep.Key()] || surface.Sniff(resp.ContentType(), resp.Body) != "html"
	if _, ok := r.found[ep.Key()]; ok {
		r.mu.Unlock()
		return
	}
	r.found[ep.Key()] = len(r.result.Endpoints)
	r.result.Endpoints = append(r.result.Endpoints, ep)
	ask := len(r.optioned) < maxOptions && !r.optioned[path] && ep.Method == http.MethodGet
	if ask {
		r.optioned[path] = true
	}
	// Only the deepest prefix the path lives under is proved live.
	deepest := ""
	for p := range r.candidates {
		if strings.HasPrefix(path, p) && len(p) > len(deepest) {
			deepest = p
		}
	}
	for _, p := range apiRoots(path) {
		if len(p) > len(deepest) {
			deepest = p
		}
	}
	r.mu.Unlock()
	if resp.Status == http.StatusMethodNotAllowed {
		r.noteMethods(path, resp)
	}
	if isGraphQL(path, resp) {
		// GraphQL takes its queries by POST; a bare GET only says it is there.
		r.mu.Lock()
		post := surface.Endpoint{Method: http.MethodPost, Path: path, Source: src}
		if _, ok := r.found[post.Key()]; !ok {
			r.found[post.Key()] = len(r.result.Endpoints)
			r.result.Endpoints = append(r.result.Endpoints, post)
		}
		r.mu.Unlock()
	}
	if deepest != "" {
		r.markLive(deepest, "an endpoint answers under it")
	}
	if ask {
		r.push(job{kind: jobOptions, prio: prioOptions, path: path})
	}
}

var graphQLError = regexp.MustCompile(`(?i)"errors"\s*:\s*\[|must provide (a )?query|graphql`)

// isGraphQL reports whether an answer is a GraphQL endpoint's: a path
// ending in graphql or gql, or a 400 that names a missing query in a
// GraphQL error list.
func isGraphQL(path string, resp *transport.Response) bool {
	last := strings.ToLower(lastSegment(path))
	if last == "graphql" || last == "gql" {
		return true
	}
	return resp.Status == http.StatusBadRequest && graphQLError.Match(resp.Body[:min(len(resp.Body), 2048)]) && strings.Contains(strings.ToLower(string(resp.Body[:min(len(resp.Body), 2048)])), "query")
}

// finish keeps the harvested templates and non-GET routes that sit next to
// a route found alive (same first segment), and sorts the result.
func (r *run) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	firstSeg := func(p string) string {
		s := strings.Trim(strings.SplitN(p, "?", 2)[0], "/")
		seg, _, _ := strings.Cut(s, "/")
		return seg
	}
	alive := map[string]bool{}
	for _, ep := range r.result.Endpoints {
		alive[firstSeg(ep.Path)] = true
	}
	for _, ep := range r.known {
		alive[firstSeg(ep.Path)] = true
	}
	if r.result.Spec != nil {
		for _, ep := range r.result.Spec.Endpoints {
			alive[firstSeg(ep.Path)] = true
		}
	}
	keep := func(l surface.Link) bool {
		return l.Kind == "script" || l.Kind == "style" || l.Kind == "page" || l.Kind == "spec" ||
			(alive[firstSeg(l.Path)] && !strings.HasPrefix(firstSeg(l.Path), "{"))
	}
	for _, l := range append(append([]surface.Link(nil), r.links...), r.assets...) {
		if !keep(l) {
			continue
		}
		ep := surface.EndpointFromLink(l.Path)
		if l.Method != "" {
			ep.Method = l.Method
		}
		if _, ok := r.found[ep.Key()]; ok || r.coveredByKnown(ep) {
			continue
		}
		r.found[ep.Key()] = len(r.result.Endpoints)
		r.result.Endpoints = append(r.result.Endpoints, ep)
	}
	sort.SliceStable(r.result.Endpoints, func(i, j int) bool {
		a, b := r.result.Endpoints[i], r.result.Endpoints[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Method < b.Method
	})
	for k, ep := range r.result.Endpoints {
		r.found[ep.Key()] = k
	}
	var live []string
	for p := range r.live {
		if p == "/" || p == r.base || r.hasEndpointUnder(p) {
			live = append(live, p)
		}
	}
	r.result.Prefixes = sortPrefixes(toSet(live))
	r.result.AuthHeaders = nil
	for h := range r.authHeaders {
		r.result.AuthHeaders = append(r.result.AuthHeaders, h)
	}
	sort.Strings(r.result.AuthHeaders)
	sort.Strings(r.result.CatchAll)
	r.result.Stages = map[string]int{}
	for k, v := range r.stages {
		r.result.Stages[k] = v
	}
}

func (r *run) coveredByKnown(ep surface.Endpoint) bool {
	all := r.known
	if r.result.Spec != nil {
		all = append(append([]surface.Endpoint(nil), all...), r.result.Spec.Endpoints...)
	}
	for _, k := range all {
		if k.Method == ep.Method && (k.Path == ep.Path || k.Matches(ep.Path)) {
			return true
		}
	}
	return false
}

func (r *run) hasEndpointUnder(p string) bool {
	all := append(append([]surface.Endpoint(nil), r.result.Endpoints...), r.known...)
	if r.result.Spec != nil {
		all = append(all, r.result.Spec.Endpoints...)
	}
	for _, ep := range all {
		if strings.HasPrefix(ep.Path, p) {
			return true
		}
	}
	return false
}

func toSet(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

func lastSegment(p string) string {
	p = strings.SplitN(p, "?", 2)[0]
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}
