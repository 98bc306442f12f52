// Package scan runs checks over endpoints and identities through one
// transport client and assembles the report.
package scan

import (
	"github.com/vektah/gqlparser/v2/ast"

	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/score"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/transport"
)

// ErrUnreachable means no request reached the target at all.
var ErrUnreachable = errors.New("target unreachable")

// parseBytes bounds the bytes of answers parsed at once, by the passive
// checks and by the baseline's harvest of links, ids and item routes (a
// body larger than this is parsed alone), so that ten 8 MiB answers in
// flight do not all cost their parsing at the same time: parsing holds
// several times the size of the answer.
const parseBytes = 16 << 20

// ErrMaxTime means the scan reached Options.MaxTime and stopped.
var ErrMaxTime = errors.New("scan reached its time limit")

// Options configure one scan.
type Options struct {
	Client     transport.Config
	Identities []transport.Identity // the user's; anonymous is added first
	Endpoints  []surface.Endpoint   // known endpoints; the target path is always added
	// Values are known parameter values with their provenance (the
	// answers of a HAR recording): they fill parameters like the values
	// the scan learns from its own answers.
	Values  []surface.Candidate
	Checks  []check.Check
	Passive []check.Passive
	Tool    finding.Tool
	Logger  *slog.Logger
	// Workers is how many (check, endpoint) pairs run at once.
	Workers int
	// HarvestDepth is how many levels of links found in answers the
	// baseline follows beyond the known surface (0 means DefaultHarvestDepth).
	HarvestDepth int
	// Discovery, when set, maps the target before the baseline: the API
	// description at its conventional locations and a probe of common
	// paths, within its own small request budget.
	Discovery *discover.Options
	// GraphQLSchema is the schema of the target's GraphQL endpoint, when
	// the user gave one (--graphql-schema); otherwise it is introspected
	// or rebuilt from field suggestions.
	GraphQLSchema *ast.Schema
	// Progress, when set, is called after each (check, endpoint) pair ends,
	// never concurrently. It must return quickly (a progress display).
	Progress func(Progress)
	// MaxTime bounds the whole scan (0: no bound). When it is reached the
	// scan stops sending and returns its partial report.
	MaxTime time.Duration
}

// Progress is a snapshot of a running scan.
type Progress struct {
	EndpointsDone, EndpointsTotal int
	// PairsDone and PairsTotal count (check, endpoint) pairs.
	PairsDone, PairsTotal int
	Requests              int
	// Findings counts distinct findings so far: what the report will hold
	// before suppressions and the baseline.
	Findings int
	Elapsed  time.Duration
}

type env struct {
	client *transport.Client
	// parsing weighs the answers being parsed at once (parseBytes).
	parsing    *semaphore.Weighted
	identities []transport.Identity
	// allIdentities keeps every identity, those who-am-I dropped included
	// (the cleanup acts as the creator of each object).
	allIdentities []transport.Identity
	dead          []transport.Identity // left out by who-am-I, still read offline
	mu            sync.RWMutex
	endpoints     []surface.Endpoint
	knowledge     *surface.Knowledge
	discovered    *discover.Result
	harvestDepth  int
	progress      *tracker // nil without Options.Progress
	values        []surface.Candidate
	warnings      []string          // under mu
	notTested     map[string]string // OWASP category → reason, under mu
	// graphQLProbes counts the discovery requests that looked for GraphQL
	// endpoints.
	graphQLProbes int

	amu sync.Mutex
	// answered holds the endpoints (method and template) that answered
	// with something other than a 404, a soft-404 or a server error; the
	// value is true when some such answer was not an HTML page.
	answered map[string]bool
}

// noteAnswer records what an exchange says about the coverage.
func (e *env) noteAnswer(ex *transport.Exchange) {
	if ex.Err != "" || ex.Status == 0 || ex.Status == http.StatusNotFound || ex.Status == http.StatusGone || ex.Status >= 500 || (ex.Redirect != "" && ex.CrossOrigin) {
		return
	}
	u, err := url.Parse(ex.URL)
	if err != nil {
		return
	}
	resp := &transport.Response{Status: ex.Status, Header: ex.Header, Body: ex.Body}
	target := ex.Status >= 200 && ex.Status < 300 && strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(e.client.Target().Path, "/")
	if !target && e.SoftNotFound(u.Path, resp) {
		return // the target the user named counts when it answers, catch-all or not
	}
	method := ex.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	api := surface.Sniff(resp.ContentType(), ex.Body) != "html"
	key := method + " " + ex.Template
	e.amu.Lock()
	defer e.amu.Unlock()
	if e.answered == nil {
		e.answered = map[string]bool{}
	}
	e.answered[key] = e.answered[key] || api
}

// SoftNotFound reports whether an answer to path is the soft-404 discovery
// measured for its prefix (a gateway's uniform 403): it says nothing about
// the route or the caller. False without discovery.
func (e *env) SoftNotFound(path string, resp *transport.Response) bool {
	e.mu.RLock()
	d := e.discovered
	e.mu.RUnlock()
	return d.SoftNotFound(path, resp)
}

func (e *env) Do(ctx context.Context, req transport.Request, as transport.Identity) (*transport.Response, error) {
	return e.client.Do(ctx, req, as)
}
func (e *env) Identities() []transport.Identity { return e.identities }

// Warn adds a warning to the report (once per text).
// NotTested records that a category could not be tested (check.Untested).
func (e *env) NotTested(category, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.notTested == nil {
		e.notTested = map[string]string{}
	}
	if prev := e.notTested[category]; prev == "" {
		e.notTested[category] = reason
	} else if !strings.Contains(prev, reason) {
		e.notTested[category] = prev + "; " + reason
	}
}

func (e *env) Warn(msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.warnings, msg) {
		e.warnings = append(e.warnings, msg)
	}
}

// VerifyRestore records in the write journal whether a restore held.
func (e *env) VerifyRestore(seq int, ok bool) { e.client.VerifyRestore(seq, ok) }
func (e *env) Target() *url.URL               { return e.client.Target() }
func (e *env) AllowWrite() bool               { return e.client.AllowWrite() }

// Credentials lists what every identity sends, login-flow headers
// included, dead identities last.
func (e *env) Credentials() []check.Credential {
	var out []check.Credential
	one := func(id transport.Identity, dead bool) {
		if id.IsAnonymous() {
			return
		}
		c := check.Credential{Identity: id, Header: id.Header.Clone(), Dead: dead}
		if c.Header == nil {
			c.Header = http.Header{}
		}
		for k, vs := range e.client.SessionHeader(id.Name) {
			transport.SetRaw(c.Header, k, vs...)
			c.Login = append(c.Login, k)
		}
		out = append(out, c)
	}
	for _, id := range e.identities {
		one(id, false)
	}
	for _, id := range e.dead {
		one(id, true)
	}
	return out
}

// templateFor names the endpoint an exchange belongs to. Checks tag their
// requests with the endpoint they test, but a request may reach another one
// (a link followed, a file probed from the root): then the most specific
// known template that fits the URL is used, else the concrete path.
func (e *env) templateFor(ex *transport.Exchange) string {
	u, err := url.Parse(ex.URL)
	if err != nil {
		return ex.Template
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	if ex.Template != "" && surface.MatchTemplate(ex.Template, path) {
		return ex.Template
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	best, bestVars := path, -1
	for _, ep := range e.endpoints {
		if !strings.EqualFold(ep.Method, ex.Method) && !(ex.Method == http.MethodHead && ep.Method == http.MethodGet) {
			continue
		}
		tmpl, _, _ := strings.Cut(ep.Path, "?")
		if !surface.MatchTemplate(tmpl, path) {
			continue
		}
		vars := strings.Count(tmpl, "{")
		// A template beats the concrete path; among templates, the one
		// with the fewest placeholders is the most specific.
		if vars > 0 && (bestVars < 0 || vars < bestVars) {
			best, bestVars = tmpl, vars
		}
	}
	return best
}

// known reports whether template is the path of a known endpoint of the
// method (a HEAD counts for the GET).
func (e *env) known(method, template string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, ep := range e.endpoints {
		tmpl, _, _ := strings.Cut(ep.Path, "?")
		if tmpl == template && (strings.EqualFold(ep.Method, method) || (method == http.MethodHead && ep.Method == http.MethodGet)) {
			return true
		}
	}
	return false
}

// knownPath reports whether path is a known GET endpoint, concrete or an
// instance of a template.
func (e *env) knownPath(path string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, ep := range e.endpoints {
		if ep.Method != http.MethodGet {
			continue
		}
		if p, ok := ep.Concrete(); ok && strings.SplitN(p, "?", 2)[0] == path || ep.IsTemplate() && ep.Matches(path) {
			return true
		}
	}
	return false
}

func (e *env) Endpoints() []surface.Endpoint {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return append([]surface.Endpoint(nil), e.endpoints...)
}

// Run scans and returns the report. The report is returned even with an
// error when anything was scanned, and is then marked partial.
func Run(ctx context.Context, o Options) (*finding.Report, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rep := &finding.Report{
		SchemaVersion: finding.SchemaVersion,
		Tool:          o.Tool,
		Target:        o.Client.Target.String(),
		StartedAt:     time.Now().UTC(),
	}
	e := &env{identities: append([]transport.Identity{transport.Anonymous()}, o.Identities...), values: o.Values, parsing: semaphore.NewWeighted(parseBytes)}
	e.allIdentities = e.identities
	scrub := scrubber{ids: o.Identities, header: o.Client.Header, client: func() *transport.Client { return e.client }}
	log = slog.New(scrubHandler{inner: log.Handler(), s: scrub})

	var fmu sync.Mutex
	var found []finding.Finding
	distinct := map[string]bool{} // dedupe keys, for the progress count
	add := func(fs []finding.Finding) {
		if len(fs) == 0 {
			return
		}
		fmu.Lock()
		found = append(found, fs...)
		if o.Progress != nil {
			for _, f := range fs {
				distinct[finding.DedupeKey(f)] = true
			}
		}
		fmu.Unlock()
	}
	held := &heldFindings{}
	cfg := o.Client
	cfg.Endpoints = append(append([]surface.Endpoint(nil), cfg.Endpoints...), o.Endpoints...)
	if cfg.MaskURL == nil {
		cfg.MaskURL = maskLocation
	}
	var cov coverage
	cfg.OnExchange = func(ex *transport.Exchange) {
		ex.Template = e.templateFor(ex)
		cov.record(ex, e.known(ex.Method, ex.Template))
		if ex.Check != "discovery" {
			e.noteAnswer(ex) // discovery judges its own answers (Result.Answered)
		}
		log.Debug("exchange", "check", ex.Check, "identity", ex.Identity, "method", ex.Method, "url", maskLocation(ex.URL), "status", ex.Status, "bytes", len(ex.Body), "ms", ex.Duration.Milliseconds())
		if ex.RateLimited() {
			// The rate limiter spoke, not the operation (RFC 6585 §4): its
			// answer is no evidence of anything, headers included.
			return
		}
		// Passive checks allocate several times the size of the body they
		// read: large bodies are read a few at a time (parseBytes).
		release := e.parse(ex.Body)
		var fs []finding.Finding
		for _, p := range o.Passive {
			fs = append(fs, safeInspect(p, ex, e, log)...)
		}
		release()
		if ex.Check == discoveryCheck {
			held.hold(ex, fs) // judged once discovery tells real routes from soft 404s
			return
		}
		add(held.judge(ex, fs))
	}
	outer := ctx
	ctx, stop := bounded(ctx, o.MaxTime)
	defer stop(nil)
	cfg.OnHalt = func(err error) {
		// A spent budget stops the dispatch of checks (runPhase), not the
		// requests in flight; an open breaker stops everything.
		if !errors.Is(err, transport.ErrBudget) {
			stop(err)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = log
	}
	client, err := transport.New(cfg)
	if err != nil {
		return nil, err
	}
	e.client = client
	if o.Progress != nil {
		e.progress = &tracker{report: o.Progress, client: client, begin: rep.StartedAt, found: func() int {
			fmu.Lock()
			defer fmu.Unlock()
			return len(distinct)
		}}
	}

	checksRan := false
	scanErr := mapSurface(ctx, e, o, log)
	add(held.release(e.discovered, e.knownPath))
	verified := 0
	if scanErr == nil {
		var msgs []string
		msgs, verified = verifyIdentities(ctx, e, log)
		rep.Errors = append(rep.Errors, msgs...)
		checksRan = ctx.Err() == nil && !client.BudgetSpent()
		scanErr = runChecks(ctx, e, o, add, log)
		if scanErr == nil {
			finish(ctx, e, o, add, log)
		}
	}
	finishPassive(context.WithoutCancel(ctx), e, o, add, log)
	cleanup(context.WithoutCancel(ctx), e, log)
	halt := context.Cause(ctx)
	if outer.Err() == nil && ctx.Err() != nil {
		scanErr = nil // stopped by a bound of the scan, not by the caller
		if errors.Is(halt, transport.ErrCircuitOpen) && !client.Reached() {
			// Nothing ever answered, not even late: the target is not
			// there, and there is nothing to report.
			return nil, fmt.Errorf("%w: %v", ErrUnreachable, halt)
		}
	} else {
		halt = nil
	}

	rep.FinishedAt = time.Now().UTC()
	rep.DurationMS = rep.FinishedAt.Sub(rep.StartedAt).Milliseconds()
	rep.RequestsSent = client.Sent()
	rep.RequestsByCheck = client.SentByCheck()
	rep.Endpoints = len(e.Endpoints())
	// Findings on a path of the surface keep it: a documented literal
	// segment (/api/c01) is never re-templated.
	templates := map[string]bool{}
	graphQLPaths := map[string]bool{}
	for _, ep := range e.Endpoints() {
		if ep.Documented() || ep.IsTemplate() {
			templates[ep.Path] = true
		}
		if ep.GraphQL != nil {
			graphQLPaths[ep.Path] = true
		}
	}
	for i := range found {
		found[i].Templated = templates[found[i].Path]
		if !graphQLPaths[found[i].Path] {
			// A site-wide finding (headers on "/") names no operation.
			found[i].Operation = ""
		}
	}
	safetyReport(rep, client)
	e.mu.RLock()
	rep.Warnings = append(rep.Warnings, e.warnings...)
	e.mu.RUnlock()
	rep.Coverage = cov.report()
	if rep.Coverage != nil {
		// Concrete paths carry what any URL may (/people/536-22-…/records).
		for i := range rep.Coverage.Operations {
			rep.Coverage.Operations[i].Path = maskLocation(rep.Coverage.Operations[i].Path)
		}
	}
	// One endpoint, one weakness: personal data served without
	// authentication is part of the missing-authentication finding there,
	// and a login that tells a known account by issuing it a credential
	// for a wrong password is part of the authentication-bypass finding.
	rep.Findings = finding.Fold(finding.Dedupe(foldCatchAll(found)), "missing-authentication", "pii-unauthenticated")
	rep.Findings = finding.Fold(rep.Findings, "authentication-bypass", "user-enumeration")
	scanHeaders := make([]string, 0, len(o.Client.Header))
	for k := range o.Client.Header {
		scanHeaders = append(scanHeaders, k)
	}
	sort.Strings(scanHeaders)
	for i := range rep.Findings {
		f := &rep.Findings[i]
		f.GraphQLBody = detect.MaskText(f.GraphQLBody)
		f.Reproduce = transport.WithScanHeaders(f.Reproduce, scanHeaders)
		for k, v := range f.Evidence.Details {
			if strings.HasPrefix(k, "reproduce") {
				f.Evidence.Details[k] = transport.WithScanHeaders(v, scanHeaders)
			}
		}
	}
	sanitize(rep.Findings, scrub)
	e.fillCoverage(rep.Coverage, len(o.Identities), verified)
	if scanErr == nil {
		for _, why := range incomplete(rep.Coverage) {
			rep.MarkIncomplete(why)
			log.Warn("scan incomplete", "reason", why)
		}
	}
	score.Apply(rep, covered(o))
	e.mu.RLock()
	for id, why := range e.notTested {
		score.MarkNotTested(rep, id, why)
	}
	e.mu.RUnlock()
	if scanErr != nil {
		rep.Partial = true
		rep.Errors = append(rep.Errors, scanErr.Error())
	}
	if client.BudgetSpent() {
		rep.Partial = true
		rep.Errors = append(rep.Errors, fmt.Sprintf("request budget of %d exhausted: partial report, some checks did not run fully (raise --max-requests)", o.Client.MaxRequests))
		log.Warn("request budget exhausted", "max_requests", o.Client.MaxRequests)
	}
	judgeAnswers(rep, client, halt, checksRan, o.MaxTime, log)
	return rep, scanErr
}

// verifyIdentities is the "who am I" step: each identity must really be
// authenticated and distinct from the others. Dead and duplicate identities
// are warned about and left out of the checks, so they cannot produce
// silent garbage; the warnings also go into the report.
// It returns the warnings and how many identities were verified.
func verifyIdentities(ctx context.Context, e *env, log *slog.Logger) ([]string, int) {
	problems := whoAmI(transport.WithCheck(ctx, "whoami"), e)
	drop := map[string]bool{}
	troubled := map[string]bool{}
	var msgs []string
	for _, p := range problems {
		log.Warn(p.Message, "identity", p.Identity, "problem", p.Kind)
		msgs = append(msgs, p.Message)
		troubled[p.Identity] = true
		if p.Drop() {
			drop[p.Identity] = true
		}
	}
	verified := 0
	for _, id := range e.identities {
		if !id.IsAnonymous() && !troubled[id.Name] {
			verified++
		}
	}
	if len(drop) > 0 {
		var kept []transport.Identity
		for _, id := range e.identities {
			if !drop[id.Name] {
				kept = append(kept, id)
			} else {
				e.dead = append(e.dead, id)
			}
		}
		e.identities = kept
	}
	return msgs, verified
}

// fillCoverage counts what the scan reached into c.
func (e *env) fillCoverage(c *finding.Coverage, identities, verified int) {
	c.EndpointsBySource, c.Identities, c.IdentitiesVerified = map[string]int{}, identities, verified
	e.amu.Lock()
	answered := e.answered
	e.amu.Unlock()
	e.mu.RLock()
	if d := e.discovered; d != nil {
		merged := map[string]bool{}
		for k, v := range d.Answered() {
			merged[k] = v
		}
		for k, v := range answered {
			merged[k] = merged[k] || v
		}
		answered = merged
	}
	e.mu.RUnlock()
	for _, ep := range e.Endpoints() {
		src := string(ep.Source)
		if ep.Source == surface.SourceProbe {
			src = "discovery"
		}
		c.EndpointsBySource[src]++
		api, ok := answered[strings.ToUpper(ep.Method)+" "+ep.Path]
		if !ok {
			if p, complete := ep.Concrete(); complete {
				api, ok = answered[strings.ToUpper(ep.Method)+" "+strings.SplitN(p, "?", 2)[0]]
			}
		}
		if ok {
			c.OperationsTested++
			if api {
				c.APIOperations++
			}
		}
	}
	e.mu.RLock()
	if d := e.discovered; d != nil {
		c.DiscoveryRequests = d.Used()
		c.AuthHeaders = d.AuthHeaders
	}
	e.mu.RUnlock()
}

// incomplete returns why a scan cannot vouch for its target: no API
// endpoint answered, or no identity given could be verified.
func incomplete(c *finding.Coverage) []string {
	var out []string
	if c.APIOperations == 0 {
		out = append(out, "no API endpoint found: nothing answered but 404s, soft-404s, errors or HTML pages; point the target at the API's base path or give --spec, --har or --postman")
	}
	if c.Identities > 0 && c.IdentitiesVerified == 0 {
		out = append(out, fmt.Sprintf("no identity could be verified (%d given): the authorization checks had no logged-in caller to compare", c.Identities))
	}
	return out
}

// finish lets the checks that conclude after every other one do so.
func finish(ctx context.Context, e *env, o Options, add func([]finding.Finding), log *slog.Logger) {
	for _, c := range o.Checks {
		f, ok := c.(check.Finisher)
		if !ok {
			continue
		}
		id := c.Meta().ID
		func() {
			defer func() {
				if r := recover(); r != nil {
					log.Error("check panicked", "check", id, "stage", "finish", "panic", fmt.Sprint(r))
				}
			}()
			add(f.Finish(transport.WithCheck(ctx, id), e))
		}()
	}
}

// finishPassive lets the passive checks that hold findings until every
// request was sent (the owner-only verdict of pii-exposure) report them.
// It sends nothing, so it runs even when the scan stopped early.
func finishPassive(ctx context.Context, e *env, o Options, add func([]finding.Finding), log *slog.Logger) {
	for _, p := range o.Passive {
		if f, ok := p.(check.Finisher); ok {
			id := p.Meta().ID
			func() {
				defer func() {
					if r := recover(); r != nil {
						log.Error("passive check panicked", "check", id, "stage", "finish", "panic", fmt.Sprint(r))
					}
				}()
				add(f.Finish(ctx, e))
			}()
		}
	}
}

// covered lists the OWASP categories of the checks that ran, so the report
// scores every category the scan tested, clean ones included.
func covered(o Options) []string {
	out := []string{}
	for _, c := range o.Checks {
		out = append(out, c.Meta().OWASP)
	}
	for _, p := range o.Passive {
		out = append(out, p.Meta().OWASP)
	}
	return out
}

func safeInspect(p check.Passive, ex *transport.Exchange, e check.Env, log *slog.Logger) (fs []finding.Finding) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("passive check panicked", "check", p.Meta().ID, "panic", fmt.Sprint(r))
			fs = nil
		}
	}()
	return p.Inspect(ex, e)
}

func baseEndpoints(target *url.URL, known []surface.Endpoint) []surface.Endpoint {
	root := target.EscapedPath()
	if root == "" {
		root = "/"
	}
	if target.RawQuery != "" {
		root += "?" + target.RawQuery
	}
	out := []surface.Endpoint{{Method: http.MethodGet, Path: root, Source: surface.SourceTarget}}
	seen := map[string]bool{out[0].Key(): true}
	for _, ep := range known {
		if !seen[ep.Key()] {
			seen[ep.Key()] = true
			out = append(out, ep)
		}
	}
	return out
}

// baseline fetches every concrete GET endpoint as every identity, so passive
// checks see the whole surface and later checks reuse the cached answers.
// Links found in JSON answers of the anonymous and user identities are added
// as endpoints (one level deep beyond the known surface).
func baseline(ctx context.Context, e *env, log *slog.Logger) error {
	ctx = transport.WithCheck(ctx, "baseline")
	if e.knowledge == nil {
		e.knowledge = surface.NewKnowledge()
	}
	e.knowledge.AddValues(e.values)
	status := map[string]int{} // anonymous answer per endpoint, under mu below
	defer func() { e.setStatus(status) }()
	missing := map[string]bool{} // operations every identity got 404 for
	var lists []listAnswer       // answers that may list the items of a collection
	fetch := func(eps []surface.Endpoint) ([]string, error) {
		var mu sync.Mutex
		var links []string
		ok, failed := 0, 0
		var firstErr error
		var wg sync.WaitGroup
		found := map[string]bool{}
		// As many fetches at once as requests in flight: an answer is held
		// while it is harvested, so unbounded fetches of large answers
		// would hold them all (docs/limits.md).
		slots := make(chan struct{}, max(1, e.client.Concurrency()))
		for _, ep := range eps {
			req, complete := e.readRequest(ep)
			if !complete {
				continue
			}
			p := req.Path
			for _, id := range e.identities {
				wg.Add(1)
				go func() {
					defer wg.Done()
					select {
					case slots <- struct{}{}:
					case <-ctx.Done():
						return
					}
					defer func() { <-slots }()
					resp, err := e.Do(transport.WithEndpoint(ctx, ep.Path), req, id)
					e.progress.request()
					var harvested []string
					var guesses []discover.Guess
					if err == nil && resp.Status < 400 {
						release := e.parse(resp.Body)
						// Parsed outside the lock; Knowledge locks itself.
						harvested = surface.HarvestAnswer(resp.ContentType(), resp.Body, pageURL(e.client.Target(), resp))
						e.knowledge.ObserveAs(id.Name, p, resp.Body)
						for _, l := range harvested {
							e.knowledge.ObserveLink(l)
						}
						if resp.Status >= 200 && resp.Status < 300 && ep.Path == p {
							// The guesses, not the answer, are kept:
							// holding every list answer until the next
							// round held dozens of large answers at once.
							guesses = e.itemGuesses(p, resp.Body)
						}
						release()
					}
					mu.Lock()
					defer mu.Unlock()
					if errors.Is(err, transport.ErrRefused) {
						return // never sent: neither an answer nor a failure
					}
					if err != nil {
						failed++
						if firstErr == nil {
							firstErr = err
						}
						log.Debug("baseline request failed", "path", maskQuery(p), "identity", id.Name, "err", maskQuery(err.Error()))
						return
					}
					ok++
					if id.Name == transport.AnonymousName {
						status[ep.Key()] = resp.Status
					}
					switch {
					case resp.Status < 300 && emptyAnswer(resp.Body):
						// A search for a spec example that names nothing.
						if !found[ep.Key()] {
							missing[ep.Key()] = true
						}
					case resp.Status < 400:
						found[ep.Key()] = true
					case resp.Status == http.StatusNotFound && !found[ep.Key()]:
						missing[ep.Key()] = true
					}
					if len(guesses) > 0 {
						lists = append(lists, listAnswer{path: p, id: id, guesses: guesses})
					}
					links = append(links, harvested...)
				}()
			}
		}
		wg.Wait()
		for k := range found {
			delete(missing, k)
		}
		if ok == 0 && failed > 0 {
			return nil, firstErr
		}
		return links, nil
	}
	// Probed paths count as one link away from the known surface, like the
	// links harvested in the first round: they are fetched with them.
	var known, probed []surface.Endpoint
	for _, ep := range e.Endpoints() {
		if ep.Source == surface.SourceProbe {
			probed = append(probed, ep)
		} else {
			known = append(known, ep)
		}
	}
	links, err := fetch(known)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, transport.ErrBudget) {
			return fmt.Errorf("%w: the request budget ran out before any answer (raise --max-requests)", ErrUnreachable)
		}
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	// Ids seen in the answers fill the templates that had no real value;
	// those endpoints are fetched in the next round with the harvested
	// links. Links found in those answers are followed in turn, up to
	// harvestDepth levels beyond the known surface; the last level's links
	// are not added, so nothing unfetched joins the surface.
	//
	// A spec example that answered 404 is a hint that failed: it is
	// replaced by values learnt from the answers, once.
	demoted := map[string]bool{}
	demote := func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		for i := range e.endpoints {
			k := e.endpoints[i].Key()
			if missing[k] && !demoted[k] && surface.Demote(&e.endpoints[i]) {
				demoted[k] = true
			}
		}
	}
	demote()
	added := append(append(probed, e.fillTemplates()...), addHarvested(e, links)...)
	for depth := 1; len(added) > 0; depth++ {
		added = append(added, e.itemRoutes(ctx, lists)...)
		lists = nil
		e.client.Learn(added)
		links, err = fetch(added)
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		if depth >= e.harvestDepth {
			break
		}
		demote()
		added = append(e.fillTemplates(), addHarvested(e, links)...)
	}
	if items := e.itemRoutes(ctx, lists); len(items) > 0 {
		if _, err := fetch(items); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// pageURL is the URL an answer came from (after redirects), against which
// its relative links resolve; the target when unknown.
func pageURL(target *url.URL, resp *transport.Response) *url.URL {
	if u, err := url.Parse(resp.URL); err == nil && resp.URL != "" {
		return u
	}
	return target
}

// parse waits until body may be parsed within parseBytes and returns the
// function that ends the parsing.
func (e *env) parse(body []byte) (release func()) {
	if e.parsing == nil {
		return func() {}
	}
	w := min(max(int64(len(body)), 1), parseBytes)
	_ = e.parsing.Acquire(context.Background(), w)
	return func() { e.parsing.Release(w) }
}

// listAnswer holds the item-route guesses one 2xx answer to a concrete GET
// path gave, as one identity saw it.
type listAnswer struct {
	path    string
	id      transport.Identity
	guesses []discover.Guess
}

// maxItemLists bounds the list answers whose item route is guessed.
const maxItemLists = 24

// itemGuesses returns the item routes a list answer at path suggests: the
// ids it names under path itself, then discovery's guesses (nil without
// discovery, or for a path with a query).
func (e *env) itemGuesses(path string, body []byte) []discover.Guess {
	if e.discovered == nil || strings.Contains(path, "?") {
		return nil
	}
	var out []discover.Guess
	if values := discover.ItemValues(body); values != nil {
		out = append(out, discover.Guess{List: path, Values: values})
	}
	return append(out, discover.ItemGuesses(path, e.prefixOf(path), body)...)
}

// itemRoutes guesses the item route of each list answer whose collection
// has none known yet (/users → /users/{id}, tried with an id the list
// named), within discovery's budget, and adds the routes that answered.
func (e *env) itemRoutes(ctx context.Context, lists []listAnswer) []surface.Endpoint {
	if e.discovered == nil || len(lists) == 0 {
		return nil
	}
	sort.SliceStable(lists, func(i, j int) bool {
		if lists[i].path != lists[j].path {
			return lists[i].path < lists[j].path
		}
		return lists[i].id.Name < lists[j].id.Name
	})
	type guess struct {
		discover.Guess
		id transport.Identity
	}
	var guesses []guess
	for _, l := range lists {
		for _, g := range l.guesses {
			guesses = append(guesses, guess{g, l.id})
		}
	}
	tried := map[string]bool{}
	var out []surface.Endpoint
	for _, g := range guesses {
		if len(tried) >= maxItemLists || ctx.Err() != nil {
			break
		}
		if tried[g.List] || e.hasItemRoute(g.List, g.Values) {
			continue
		}
		tried[g.List] = true
		ep, ok := e.discovered.ItemRoute(ctx, e.client, g.List, g.Values, g.id)
		if !ok {
			continue
		}
		e.mu.Lock()
		known := false
		for _, k := range e.endpoints {
			if k.Key() == ep.Key() {
				known = true
			}
		}
		if !known {
			e.endpoints = append(e.endpoints, ep)
			out = append(out, ep)
		}
		e.mu.Unlock()
	}
	return out
}

// prefixOf returns the longest live API prefix discovery found that path
// lives under ("/" when none).
func (e *env) prefixOf(path string) string {
	best := "/"
	if e.discovered == nil {
		return best
	}
	for _, p := range e.discovered.Prefixes {
		if strings.HasPrefix(path, p) && len(p) > len(best) {
			best = p
		}
	}
	return best
}

// hasItemRoute reports whether the item route below a list path is known:
// a GET template that fits path/{value} (/users/{id}, or
// /users/{user_id}/orders/{order_id} for /users/7/orders), or a concrete
// endpoint at path/value for one of the values.
func (e *env) hasItemRoute(path string, values []string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	base := strings.TrimSuffix(path, "/") + "/"
	shape, _ := surface.Templatize(base + url.PathEscape(values[0]))
	for _, ep := range e.endpoints {
		if ep.Method != http.MethodGet {
			continue
		}
		p, _, _ := strings.Cut(ep.Path, "?")
		if s, _ := surface.Templatize(p); s == shape && strings.Contains(shape, "{") {
			return true // a sibling list's items are known: /users/1001/orders/5001
		}
		for _, v := range values {
			if p == base+url.PathEscape(v) || (ep.IsTemplate() && surface.MatchTemplate(p, base+url.PathEscape(v))) {
				return true
			}
		}
	}
	return false
}

// DefaultHarvestDepth is how many levels of links found in answers are
// followed beyond the known surface. One level keeps every endpoint a check sees
// one link away from a known one; deeper levels also reach links inside
// linked listings (/me → /invoices/mine → /invoice?id=), but then reach
// the caller's own records, which the sensitive-data checks (pii-exposure)
// still flag on the fixed test API: raise it once they tell a caller's own
// data from others'.
const DefaultHarvestDepth = 2

// fillTemplates gives harvested ids to templated endpoints and returns the
// endpoints that became concrete.
func (e *env) fillTemplates() []surface.Endpoint {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []surface.Endpoint
	for _, i := range e.knowledge.Fill(e.endpoints) {
		if _, ok := e.readRequest(e.endpoints[i]); ok {
			out = append(out, e.endpoints[i])
		}
	}
	return out
}

// setStatus records the anonymous identity's answer status per endpoint.
func (e *env) setStatus(status map[string]int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.endpoints {
		if s, ok := status[e.endpoints[i].Key()]; ok {
			e.endpoints[i].Status = s
		}
	}
}

// addHarvested adds the same-origin links found in answers as endpoints,
// concrete as they were found (the checks key their findings and learn
// objects on them). Links that fit a known GET template add nothing: their
// ids already went to the knowledge that fills templates.
func addHarvested(e *env, links []string) []surface.Endpoint {
	e.mu.Lock()
	defer e.mu.Unlock()
	seen := map[string]bool{}
	for _, ep := range e.endpoints {
		seen[ep.Key()] = true
		if p, ok := ep.Concrete(); ok {
			seen["GET "+p] = true
		}
	}
	sort.Strings(links)
	var added []surface.Endpoint
	for _, l := range links {
		ep := surface.EndpointFromLink(l)
		if seen[ep.Key()] || matchesKnown(e.endpoints, ep.Path) {
			continue
		}
		seen[ep.Key()] = true
		added = append(added, ep)
	}
	e.endpoints = append(e.endpoints, added...)
	return added
}

type job struct {
	c  check.Check
	ep surface.Endpoint
}

// runChecks runs the checks in two phases: first every check that only
// reads, then the write probes (check.Writer), so that a probe changing
// state (a role, a nickname) cannot be seen by a read check.
func runChecks(ctx context.Context, e *env, o Options, add func([]finding.Finding), log *slog.Logger) error {
	var reads, writes []job
	root := e.Endpoints()[0]
	for _, c := range o.Checks {
		phase := &reads
		if w, ok := c.(check.Writer); ok && w.Writes() {
			phase = &writes
		}
		if sw, ok := c.(check.SiteWide); ok && sw.SiteWide() {
			*phase = append(*phase, job{c, root})
			continue
		}
		for _, ep := range e.Endpoints() {
			*phase = append(*phase, job{c, ep})
		}
	}
	e.progress.start(append(append([]job(nil), reads...), writes...))
	defer e.progress.finish()
	if err := runPhase(ctx, e, o, reads, add, log); err != nil || len(writes) == 0 {
		return err
	}
	// Write probes run one at a time: two probes changing the same object
	// at once (a write BOLA and a mass assignment through the same PUT)
	// would overwrite each other's change before it is read back.
	o.Workers = 1
	return runPhase(ctx, e, o, writes, add, log)
}

func runPhase(ctx context.Context, e *env, o Options, jobs []job, add func([]finding.Finding), log *slog.Logger) error {
	workers := o.Workers
	if workers <= 0 {
		workers = max(1, o.Client.Concurrency)
	}
	ch := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				fs, err := runOne(ctx, j, e, log)
				add(fs)
				e.progress.pairDone(j)
				if err != nil && !errors.Is(err, context.Canceled) {
					log.Debug("check failed", "check", j.c.Meta().ID, "endpoint", j.ep.Key(), "err", err)
				}
			}
		}()
	}
	for _, j := range jobs {
		if e.client.BudgetSpent() {
			break // checks would only be refused: stop at once
		}
		select {
		case ch <- j:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(ch)
	wg.Wait()
	return ctx.Err()
}

func runOne(ctx context.Context, j job, e *env, log *slog.Logger) (fs []finding.Finding, err error) {
	id := j.c.Meta().ID
	defer func() {
		if r := recover(); r != nil {
			log.Error("check panicked", "check", id, "endpoint", j.ep.Key(), "panic", fmt.Sprint(r))
			fs, err = nil, fmt.Errorf("check %s panicked", id)
		}
	}()
	ctx = transport.WithEndpoint(transport.WithCheck(ctx, id), j.ep.Path)
	return j.c.Run(ctx, j.ep, e)
}

// tracker turns engine events into Progress snapshots. Its methods are
// safe on a nil tracker and report under one lock, so Options.Progress is
// never called concurrently.
type tracker struct {
	mu     sync.Mutex
	p      Progress
	left   map[string]int
	report func(Progress)
	client *transport.Client
	found  func() int
	begin  time.Time
}

// request is called after each baseline request, before the checks start.
func (t *tracker) request() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.emit()
}

// start counts the (check, endpoint) pairs and the endpoints they cover.
func (t *tracker) start(jobs []job) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.left = map[string]int{}
	for _, j := range jobs {
		t.left[j.ep.Key()]++
	}
	t.p.EndpointsTotal, t.p.PairsTotal = len(t.left), len(jobs)
	t.emit()
}

func (t *tracker) pairDone(j job) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.PairsDone++
	if t.left[j.ep.Key()]--; t.left[j.ep.Key()] == 0 {
		t.p.EndpointsDone++
	}
	t.emit()
}

// finish sends a last snapshot once every pair ran.
func (t *tracker) finish() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.emit()
}

func (t *tracker) emit() {
	t.p.Requests = t.client.Sent()
	t.p.Findings = t.found()
	t.p.Elapsed = time.Since(t.begin)
	t.report(t.p)
}
