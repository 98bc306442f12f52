// Package transport is the only HTTP client of a scan. Every request a check
// sends goes through Client.Do, which enforces the scope guard (the target's
// origin only), the safety policy (each request classified by
// internal/surface/safety and refused unless the mode allows it, plus the
// user's --include/--exclude rules), one rate limiter, one concurrency cap,
// one request budget, a per-request timeout, a body cap and header caps,
// retries 429/503 after Retry-After, stops sending when its circuit breaker
// opens, shares identical GETs through a per-scan cache, keeps one request
// per (method, URL, identity, body) in flight, journals every write and
// records every exchange, the cache and the records within one memory
// budget.
package transport

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
)

// Errors a check may meet; none of them is a finding.
var (
	ErrOutOfScope      = errors.New("request leaves the target's origin")
	ErrWriteNotAllowed = errors.New("write method needs --allow-write")
	ErrBudget          = errors.New("request budget exhausted")
)

// Config sets the limits of one scan's client.
type Config struct {
	Target      *url.URL
	Rate        float64 // requests per second; <= 0 means unlimited
	Concurrency int
	Timeout     time.Duration
	MaxRequests int
	MaxBody     int64
	// AllowWrite permits writes, and destructive requests to objects the
	// scan created (--allow-write); StrictReadOnly refuses read-POSTs too
	// (--strict-read-only). Never-send operations are refused in any mode.
	AllowWrite     bool
	StrictReadOnly bool
	// Scope holds the --include/--exclude rules; an exclude wins.
	Scope safety.Scope
	// Endpoints are the operations known before the scan starts; more are
	// added with Client.Learn. Each is classified once.
	Endpoints []surface.Endpoint
	// WriteLog, when set, receives the write journal as JSON lines as each
	// write happens (--write-log).
	WriteLog io.Writer
	// MaskURL masks the personal data a URL carries, for the journal (the
	// identity when nil).
	MaskURL   func(string) string
	UserAgent string
	// Header is sent on every request of every identity, the anonymous one
	// included (an API gateway key, a tenant header). Like credentials, it
	// is never recorded with the exchanges.
	Header http.Header
	// Proxy picks the forward proxy of a request (nil: none, whatever the
	// environment says). http.ProxyURL and http.ProxyFromEnvironment fit.
	Proxy func(*http.Request) (*url.URL, error)
	// TLS configures certificate verification and client certificates
	// (nil: the system roots, no client certificate).
	TLS *tls.Config
	// MaxRetries bounds the retries of one request after 429/503.
	MaxRetries int
	// MaxRetryWait bounds how long a Retry-After is honoured: a longer one
	// ends the retries of that request at once.
	MaxRetryWait time.Duration
	// MaxMemory is the memory budget of the scan in bytes (0 means
	// DefaultMaxMemory). Cached answers and recorded exchanges may hold a
	// quarter of it; the rest is for the answers in flight (up to
	// Concurrency × MaxBody), the checks reading them and the scanner.
	MaxMemory int64
	// BreakerThreshold is how many failed requests in a row open the
	// circuit breaker (0 means DefaultBreakerThreshold, < 0 never).
	BreakerThreshold int
	// OnHalt, when set, is called when the client can send no more: the
	// request budget is spent (ErrBudget) or the circuit breaker opened
	// (an error wrapping ErrCircuitOpen). It may be called more than once.
	OnHalt func(error)
	// Logger receives retries and timeouts at Info, the breaker at Warn.
	Logger *slog.Logger
	// MaxRedirects bounds same-origin redirects followed for GET and HEAD.
	MaxRedirects int
	// RoundTripper replaces the network transport (tests).
	RoundTripper http.RoundTripper
	// OnExchange, when set, sees every exchange with its full body, once per
	// request actually sent (passive checks hang here).
	OnExchange func(*Exchange)
}

// Request is what a check asks the client to send. Path is relative to the
// target origin ("/users/2?x=1") or an absolute URL on the same origin.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// NoCache forces a fresh request even for an identical GET.
	NoCache bool
	// Purpose says what a write is for, in the write journal ("restore
	// nickname"); the check's id is added.
	Purpose string
	// Restores is the journal seq of the write this request undoes.
	Restores int

	// credentials marks a login request: its bodies are redacted when
	// recorded and passive checks never see it.
	credentials bool
}

// Response is what came back. Body is shared between checks through the
// cache: treat it as read-only.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool
	URL       string
	Duration  time.Duration
	// Redirect is the Location of a redirect that was not followed.
	Redirect string
	// CrossOrigin is true when Redirect points outside the target's origin.
	CrossOrigin bool

	timedOut, undecodable, headersCapped bool
	// WriteSeq is the journal seq of this request when it was a write.
	WriteSeq int
}

// RateLimited reports whether the answer is the target's rate limiter
// speaking (429, or 503 with Retry-After; RFC 6585 §4, RFC 9110 §10.2.3)
// rather than the operation: such an answer is never evidence.
func (r *Response) RateLimited() bool { return rateLimited(r.Status, r.Header) }

// RateLimited reports whether the exchange's answer is the target's rate
// limiter speaking (see Response.RateLimited).
func (ex *Exchange) RateLimited() bool { return rateLimited(ex.Status, ex.Header) }

func rateLimited(status int, h http.Header) bool {
	return status == http.StatusTooManyRequests || (status == http.StatusServiceUnavailable && h.Get("Retry-After") != "")
}

// ContentType returns the media type without parameters, lower-cased.
func (r *Response) ContentType() string {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// Exchange is one request and its response, as recorded.
type Exchange struct {
	Check string
	// Template is the path template of the endpoint, when known.
	Template  string
	Identity  string
	Method    string
	URL       string
	ReqHeader http.Header // without identity credentials
	// Forged holds the headers of a synthetic identity (Identity.Synthetic):
	// the forged credential the request carried.
	Forged      http.Header
	ReqBody     []byte
	Status      int
	Header      http.Header
	Body        []byte // full body for OnExchange; an excerpt once recorded
	Truncated   bool
	Duration    time.Duration
	Redirect    string
	CrossOrigin bool
	Err         string

	redacted bool
}

// ExcerptSize is how much of each body the recorder keeps.
const ExcerptSize = 2048

type checkKey struct{}

type endpointKey struct{}

// WithEndpoint tags a context with the path template of the endpoint being
// tested, so that exchanges (and the passive checks reading them) know it.
func WithEndpoint(ctx context.Context, template string) context.Context {
	return context.WithValue(ctx, endpointKey{}, template)
}

// WithCheck tags a context with the id of the check sending requests, so the
// client can count requests per check.
func WithCheck(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, checkKey{}, id)
}

// CheckFrom returns the check id a context was tagged with.
func CheckFrom(ctx context.Context) string {
	s, _ := ctx.Value(checkKey{}).(string)
	if s == "" {
		return "scan"
	}
	return s
}

// Client is safe for concurrent use by many checks.
type Client struct {
	cfg     Config
	origin  string
	http    *http.Client
	limiter *rate.Limiter
	sem     chan struct{}
	// reserved counts requests admitted by the budget, sent those that
	// actually went on the wire.
	reserved atomic.Int64
	sent     atomic.Int64
	spent    atomic.Bool
	reached  atomic.Bool
	breaker  *breaker
	log      *slog.Logger
	refused  atomic.Int64
	policy   *policy
	journal  *journal
	// inflight holds one lock per (method, URL, identity, body) being sent.
	inflight map[string]*inflightLock

	mu        sync.Mutex
	perCheck  map[string]int
	exchanges []Exchange
	cache     map[string]*cacheEntry
	sessions  map[string]*session
	mem       memory
	answers   finding.Answers
}

type cacheEntry struct {
	done chan struct{}
	resp *Response
	err  error
	elem *list.Element // in Client.mem once charged
	// askers are the checks that asked for this answer and sent the
	// number of requests it took (retries and redirects included), under
	// Client.mu. SentByCheck counts them for the earliest stage among the
	// askers (discovery, baseline, who-am-I), else the first check by id,
	// so the attribution of a shared request does not depend on which
	// check happened to ask first.
	askers map[string]bool
	sent   int
}

type entryKey struct{}

// firstAsker is the asker of a shared answer its requests are counted for.
func firstAsker(e *cacheEntry) string {
	first := ""
	for k := range e.askers {
		if first == "" || stageRank(k) < stageRank(first) || (stageRank(k) == stageRank(first) && k < first) {
			first = k
		}
	}
	return first
}

// stageRank orders the askers of a shared answer: the mapping stages in
// the order they run (discovery, the baseline crawl, who-am-I), then every
// check alike.
func stageRank(check string) int {
	switch check {
	case "discovery":
		return 0
	case "baseline":
		return 1
	case "whoami":
		return 2
	}
	return 3
}

// New validates cfg and builds a client.
func New(cfg Config) (*Client, error) {
	if cfg.Target == nil || cfg.Target.Host == "" || (cfg.Target.Scheme != "http" && cfg.Target.Scheme != "https") {
		return nil, errors.New("target must be an absolute http or https URL")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 10
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 8 << 20
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = 5000
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "leakhound"
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 30 * time.Second
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = 3
	}
	if cfg.MaxMemory <= 0 {
		cfg.MaxMemory = DefaultMaxMemory
	}
	if cfg.BreakerThreshold == 0 {
		cfg.BreakerThreshold = DefaultBreakerThreshold
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	rt := cfg.RoundTripper
	if rt == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// Credentials never travel through an ambient proxy: only one the
		// user named (--proxy) is used.
		tr.Proxy = cfg.Proxy
		if cfg.TLS != nil {
			tr.TLSClientConfig = cfg.TLS.Clone()
		}
		tr.DisableCompression = true
		tr.MaxIdleConnsPerHost = cfg.Concurrency
		tr.ResponseHeaderTimeout = cfg.Timeout
		tr.MaxResponseHeaderBytes = MaxWireHeaderBytes
		rt = tr
	}
	limit := rate.Inf
	if cfg.Rate > 0 {
		limit = rate.Limit(cfg.Rate)
	}
	mode := safety.ReadOnly
	switch {
	case cfg.AllowWrite:
		mode = safety.AllowWrite
	case cfg.StrictReadOnly:
		mode = safety.StrictReadOnly
	}
	mask := cfg.MaskURL
	if mask == nil {
		mask = func(s string) string { return s }
	}
	pol := newPolicy(mode, cfg.Scope)
	pol.learn(cfg.Endpoints)
	return &Client{
		policy:   pol,
		journal:  &journal{log: cfg.WriteLog, mask: mask},
		inflight: map[string]*inflightLock{},
		cfg:      cfg,
		origin:   Origin(cfg.Target),
		http: &http.Client{
			Transport: rt,
			// Redirects are never followed by net/http: Do decides.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		limiter:  rate.NewLimiter(limit, max(1, cfg.Concurrency)),
		sem:      make(chan struct{}, cfg.Concurrency),
		perCheck: map[string]int{},
		cache:    map[string]*cacheEntry{},
		sessions: map[string]*session{},
		breaker:  newBreaker(cfg.BreakerThreshold),
		log:      cfg.Logger,
		mem:      memory{limit: cfg.MaxMemory / 4},
	}, nil
}

// Origin returns scheme://host:port with the default port made explicit.
func Origin(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(host, port)
}

// Target returns the scan target.
func (c *Client) Target() *url.URL { u := *c.cfg.Target; return &u }

// AllowWrite reports whether write methods may be sent.
func (c *Client) AllowWrite() bool { return c.cfg.AllowWrite }

// Mode returns the scan's safety mode.
func (c *Client) Mode() safety.Mode { return c.policy.mode }

// Learn classifies operations the scan found after it started (a spec
// found by discovery, harvested links); operations already known are kept
// as they were classified.
func (c *Client) Learn(eps []surface.Endpoint) { c.policy.learn(eps) }

// Skipped lists the operations the safety policy or the scope kept from
// being sent, sorted by path.
func (c *Client) Skipped() []finding.SkippedOperation { return c.policy.skippedList() }

// Refused returns how many requests the policy refused before the wire.
func (c *Client) Refused() int { return int(c.refused.Load()) }

// Allowed reports whether the policy would let a request through now,
// without counting anything.
func (c *Client) Allowed(method, path string, id Identity) bool {
	u, err := c.Resolve(path)
	if err != nil {
		return false
	}
	_, err = c.policy.decide(strings.ToUpper(method), u, nil, id)
	return err == nil
}

// MaxRequests returns the request budget of the scan.
func (c *Client) MaxRequests() int { return c.cfg.MaxRequests }

// Sent returns the number of requests sent so far: requests that went on
// the wire, not those still waiting for a slot.
func (c *Client) Sent() int { return int(c.sent.Load()) }

// SentByCheck returns a copy of the per-check request counts.
func (c *Client) SentByCheck() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.perCheck))
	for _, e := range c.cache {
		if e.sent == 0 {
			continue
		}
		out[firstAsker(e)] += e.sent
	}
	for k, v := range c.perCheck {
		out[k] += v
	}
	return out
}

// Exchanges returns a copy of every recorded exchange, in sending order.
func (c *Client) Exchanges() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Exchange(nil), c.exchanges...)
}

// Resolve turns a request path into an absolute URL and checks it stays on
// the target's origin.
func (c *Client) Resolve(p string) (*url.URL, error) {
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("bad request path %q: %w", p, err)
	}
	u := c.cfg.Target.ResolveReference(ref)
	if ref.Scheme == "" && ref.Host == "" && strings.HasPrefix(p, "/") {
		// A path is rooted at the origin, not at the target's path.
		u = c.cfg.Target.ResolveReference(&url.URL{Path: ref.Path, RawPath: ref.RawPath, RawQuery: ref.RawQuery})
	}
	if Origin(u) != c.origin {
		return nil, fmt.Errorf("%w: %s", ErrOutOfScope, Origin(u))
	}
	u.Fragment = ""
	return u, nil
}

// Do sends req as identity id, or returns the shared response of an
// identical GET or HEAD already sent in this scan.
func (c *Client) Do(ctx context.Context, req Request, id Identity) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	req.Method = strings.ToUpper(req.Method)
	u, err := c.Resolve(req.Path)
	if err != nil {
		return nil, err
	}
	v, err := c.policy.check(req.Method, u, req.Body, id, CheckFrom(ctx) == "discovery")
	if err != nil {
		c.refused.Add(1)
		return nil, err
	}
	if req.NoCache || (req.Method != http.MethodGet && req.Method != http.MethodHead) {
		return c.sendOne(ctx, req, u, id, v)
	}
	key := cacheKey(req, u, id)
	c.mu.Lock()
	e, ok := c.cache[key]
	if !ok {
		e = &cacheEntry{done: make(chan struct{}), askers: map[string]bool{}}
		c.cache[key] = e
	}
	e.askers[CheckFrom(ctx)] = true
	c.mu.Unlock()
	if ok {
		select {
		case <-e.done:
			c.mu.Lock()
			c.cacheTouch(e)
			c.mu.Unlock()
			return e.resp, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e.resp, e.err = c.sendOne(context.WithValue(ctx, entryKey{}, e), req, u, id, v)
	c.mu.Lock()
	if e.err != nil && (ctx.Err() != nil || errors.Is(e.err, ErrBudget) || errors.Is(e.err, ErrCircuitOpen)) {
		// A cancelled or refused caller must not poison the cache for others.
		c.perCheck[CheckFrom(ctx)] += e.sent
		e.sent = 0
		c.cacheDrop(key, e)
	} else {
		c.cacheCharge(key, e)
	}
	c.mu.Unlock()
	close(e.done)
	return e.resp, e.err
}

type inflightLock struct {
	mu    sync.Mutex
	users int
}

// sendOne sends one request while no identical one (same method, URL,
// identity and body) is in flight, and journals it when it is a write.
func (c *Client) sendOne(ctx context.Context, req Request, u *url.URL, id Identity, v safety.Verdict) (*Response, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", id.Name, req.Method, u.String())
	h.Write(req.Body)
	key := string(h.Sum(nil))
	c.mu.Lock()
	l := c.inflight[key]
	if l == nil {
		l = &inflightLock{}
		c.inflight[key] = l
	}
	l.users++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if l.users--; l.users == 0 {
			delete(c.inflight, key)
		}
		c.mu.Unlock()
	}()
	l.mu.Lock()
	defer l.mu.Unlock()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if v.Class != safety.Write && v.Class != safety.Destructive {
		return c.sendAs(ctx, req, u, id)
	}
	return c.sendWrite(ctx, req, u, id)
}

// sendWrite journals a write before it goes out and again with its answer,
// and remembers the object it created.
func (c *Client) sendWrite(ctx context.Context, req Request, u *url.URL, id Identity) (*Response, error) {
	purpose := CheckFrom(ctx)
	if req.Purpose != "" {
		purpose += ": " + req.Purpose
	}
	seq := c.journal.add(finding.Write{Time: now(), Method: req.Method, URL: u.String(), Identity: id.Name, Purpose: purpose, Restores: req.Restores})
	if req.Restores > 0 {
		line := req.Method + " " + c.journal.mask(u.String())
		c.journal.update(req.Restores, func(w *finding.Write) { w.RestoreRequest = line })
	}
	resp, err := c.sendAs(ctx, req, u, id)
	if err != nil {
		return nil, err
	}
	resp.WriteSeq = seq
	created := c.createdPath(req, u, resp)
	c.journal.update(seq, func(w *finding.Write) {
		w.Status = resp.Status
		if created != "" {
			w.Created = c.journal.mask(created)
		}
	})
	if created != "" {
		c.policy.addCreated(created, id.Name, seq)
	}
	return resp, nil
}

func cacheKey(req Request, u *url.URL, id Identity) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", id.Name, req.Method, u.String())
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, http.CanonicalHeaderKey(k))
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(h, "%s:%s\x00", k, strings.Join(req.Header.Values(k), ","))
	}
	return string(h.Sum(nil))
}

func (c *Client) send(ctx context.Context, req Request, u *url.URL, id Identity, redirects int) (*Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := c.sendOnce(ctx, req, u, id)
		retry, wait := false, time.Duration(0)
		if err == nil && (resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable) {
			var ok bool
			wait, ok = RetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if !ok {
				wait = time.Duration(attempt+1) * 500 * time.Millisecond
			}
			retry = wait <= c.cfg.MaxRetryWait && !c.breaker.failing()
			if wait > c.cfg.MaxRetryWait {
				c.log.Info("not retrying: Retry-After is beyond --max-retry-wait", "status", resp.Status, "url", u.Redacted(), "retry_after", wait, "max_retry_wait", c.cfg.MaxRetryWait)
			}
		}
		willRetry := retry && attempt < c.cfg.MaxRetries
		if !willRetry {
			// A refusal about to be retried is no outcome yet: the
			// breaker judges the request's last answer.
			c.observe(ctx, u, resp, err)
		}
		if err != nil {
			c.settle(ctx, nil, err)
			return nil, err
		}
		if willRetry {
			c.log.Info("retrying", "status", resp.Status, "url", u.Redacted(), "wait", wait, "attempt", attempt+1)
			c.mu.Lock()
			c.answers.Retries++
			c.mu.Unlock()
			t := time.NewTimer(wait)
			select {
			case <-t.C:
				continue
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			}
		}
		c.settle(ctx, resp, nil)
		if resp.Redirect != "" && !resp.CrossOrigin && redirects < c.cfg.MaxRedirects &&
			(req.Method == http.MethodGet || req.Method == http.MethodHead) {
			next, err := c.Resolve(resp.Redirect)
			if err == nil {
				// A redirect is held by the policy like any request: a
				// GET redirected to /logout is not followed.
				if _, err := c.policy.check(req.Method, next, nil, id, false); err != nil {
					c.refused.Add(1)
					return resp, nil
				}
				return c.send(ctx, Request{Method: req.Method, Path: next.String(), Header: req.Header}, next, id, redirects+1)
			}
		}
		return resp, nil
	}
}

func (c *Client) sendOnce(ctx context.Context, req Request, u *url.URL, id Identity) (*Response, error) {
	if err := c.breaker.check(); err != nil {
		return nil, err
	}
	if int(c.reserved.Add(1)) > c.cfg.MaxRequests {
		c.reserved.Add(-1)
		c.spent.Store(true)
		c.halt(ErrBudget)
		return nil, ErrBudget
	}
	sent := false
	defer func() {
		if !sent {
			c.reserved.Add(-1) // never sent: the budget is given back
		}
	}()
	check := CheckFrom(ctx)

	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, err
	}
	if err := c.breaker.check(); err != nil {
		return nil, err // opened while this request waited for its slot
	}

	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(rctx, req.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	hreq.Header.Set("User-Agent", c.cfg.UserAgent)
	for k, vs := range c.cfg.Header {
		SetRaw(hreq.Header, k, vs...) // names as typed, like identity headers
	}
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "application/json, */*;q=0.5")
	}
	hreq.Header.Set("Accept-Encoding", "gzip, deflate")
	// The scope check ran on u; identity headers are added last and only
	// here, under their names as typed.
	for k, vs := range id.Header {
		SetRaw(hreq.Header, k, vs...)
	}

	start := time.Now()
	tmpl, _ := ctx.Value(endpointKey{}).(string)
	if tmpl == "" {
		tmpl = u.Path
	}
	ex := Exchange{Check: check, Template: tmpl, Identity: id.Name, Method: req.Method, URL: u.String(), ReqHeader: req.Header.Clone(), ReqBody: req.Body, redacted: req.credentials}
	if id.Synthetic {
		ex.Forged = id.Header.Clone()
	}
	sent = true // the budget is spent, whether or not the request is written
	// requests_sent counts the requests written on the wire: one cancelled
	// (the breaker opened, --max-time) before it was written never reached
	// the target.
	entry, _ := ctx.Value(entryKey{}).(*cacheEntry)
	hreq = hreq.WithContext(httptrace.WithClientTrace(hreq.Context(), &httptrace.ClientTrace{
		WroteRequest: func(w httptrace.WroteRequestInfo) {
			if w.Err != nil {
				return
			}
			c.sent.Add(1)
			c.mu.Lock()
			if entry != nil {
				entry.sent++
			} else {
				c.perCheck[check]++
			}
			c.mu.Unlock()
		},
	}))
	hresp, err := c.http.Do(hreq)
	if err != nil {
		ex.Err = errorText(err)
		ex.Duration = time.Since(start)
		c.record(&ex)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		timeout := isTimeout(err) || rctx.Err() != nil
		if !refused(err) {
			c.reached.Store(true)
		}
		if timeout {
			c.log.Info("request timed out", "method", req.Method, "url", u.Redacted(), "timeout", c.cfg.Timeout)
		}
		return nil, &sendError{msg: fmt.Sprintf("%s %s: %s", req.Method, u.Redacted(), ex.Err), timeout: timeout}
	}
	c.reached.Store(true)
	resp := &Response{Status: hresp.StatusCode, URL: u.String()}
	resp.Header, resp.headersCapped = capHeader(hresp.Header)
	resp.Body, resp.Truncated, err = readBody(hresp, c.cfg.MaxBody)
	hresp.Body.Close()
	resp.Duration = time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A body cut by the timeout, a broken stream or a bad encoding
		// still yields what arrived; the truncation is recorded.
		resp.Truncated = true
		resp.undecodable = errors.Is(err, errUndecodable)
		resp.timedOut = !resp.undecodable && (rctx.Err() != nil || isTimeout(err))
		if resp.timedOut {
			c.log.Info("answer body timed out", "method", req.Method, "url", u.Redacted(), "timeout", c.cfg.Timeout, "bytes", len(resp.Body))
		}
	}
	if loc := hresp.Header.Get("Location"); loc != "" && hresp.StatusCode >= 300 && hresp.StatusCode < 400 {
		resp.Redirect = loc
		if next, err := u.Parse(loc); err != nil || Origin(next) != c.origin {
			resp.CrossOrigin = true
		}
	}
	ex.Status, ex.Header, ex.Body, ex.Truncated, ex.Duration = resp.Status, resp.Header, resp.Body, resp.Truncated, resp.Duration
	ex.Redirect, ex.CrossOrigin = resp.Redirect, resp.CrossOrigin
	c.record(&ex)
	return resp, nil
}

// isTimeout reports whether a network error is a timeout.
func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) && te.Timeout()
}

func errorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

func (c *Client) record(ex *Exchange) {
	if c.cfg.OnExchange != nil && ex.Err == "" && !ex.redacted {
		c.cfg.OnExchange(ex)
	}
	rec := *ex
	if rec.redacted {
		// A login exchange carries credentials both ways.
		rec.ReqBody, rec.Body = []byte(redactedBody), []byte(redactedBody)
		// Tokens may come back in any header: keep only the media type.
		rec.Header = http.Header{}
		if ct := ex.Header.Get("Content-Type"); ct != "" {
			rec.Header.Set("Content-Type", ct)
		}
		rec.ReqHeader = nil
	}
	if len(rec.Body) > ExcerptSize {
		rec.Body = rec.Body[:ExcerptSize]
	}
	if len(rec.ReqBody) > ExcerptSize {
		rec.ReqBody = rec.ReqBody[:ExcerptSize]
	}
	// The record owns its excerpts: it must not pin the whole body.
	rec.Body = bytes.Clone(rec.Body)
	rec.ReqBody = bytes.Clone(rec.ReqBody)
	rec.ReqHeader, _ = capHeader(rec.ReqHeader)
	c.mu.Lock()
	c.exchanges = append(c.exchanges, rec)
	c.exchangeCharge(len(c.exchanges) - 1)
	c.mu.Unlock()
}
