// Package checktest runs checks against a hermetic test server: an Env backed
// by the real transport client, a baseline pass like the engine's, and the
// passive checks fed with every exchange.
package checktest

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Env is a check.Env for tests.
type Env struct {
	client     *transport.Client
	identities []transport.Identity
	dead       []transport.Identity
	endpoints  []surface.Endpoint
	allowWrite bool

	mu        sync.Mutex
	exchanges []*transport.Exchange
}

var _ check.Env = (*Env)(nil)

// Options configure an Env.
type Options struct {
	Identities []transport.Identity // the user's; anonymous is added first
	// Dead are identities the who-am-I step would have left out: checks
	// see them only through check.Credentials.
	Dead       []transport.Identity
	Endpoints  []surface.Endpoint // "/" is always first
	AllowWrite bool
}

// New builds an Env on baseURL (a loopback httptest server).
func New(t testing.TB, baseURL string, o Options) *Env {
	t.Helper()
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{
		identities: append([]transport.Identity{transport.Anonymous()}, o.Identities...),
		endpoints:  append([]surface.Endpoint{{Method: http.MethodGet, Path: "/", Source: surface.SourceTarget}}, o.Endpoints...),
		allowWrite: o.AllowWrite,
		dead:       o.Dead,
	}
	e.client, err = transport.New(transport.Config{
		Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 2000, AllowWrite: o.AllowWrite,
		OnExchange: func(ex *transport.Exchange) {
			cp := *ex
			cp.Body = append([]byte(nil), ex.Body...)
			e.mu.Lock()
			e.exchanges = append(e.exchanges, &cp)
			e.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Do sends through the client.
func (e *Env) Do(ctx context.Context, req transport.Request, as transport.Identity) (*transport.Response, error) {
	return e.client.Do(ctx, req, as)
}

// Identities lists anonymous first.
func (e *Env) Identities() []transport.Identity { return e.identities }

// Target is the base URL.
func (e *Env) Target() *url.URL { return e.client.Target() }

// Endpoints is the surface.
func (e *Env) Endpoints() []surface.Endpoint { return e.endpoints }

// Credentials lists what every identity sends, login-flow headers once
// logged in, dead identities last (as the engine does).
func (e *Env) Credentials() []check.Credential {
	var out []check.Credential
	for i, id := range append(append([]transport.Identity(nil), e.identities...), e.dead...) {
		if id.IsAnonymous() {
			continue
		}
		c := check.Credential{Identity: id, Header: id.Header.Clone(), Dead: i >= len(e.identities)}
		if c.Header == nil {
			c.Header = http.Header{}
		}
		for k, vs := range e.client.SessionHeader(id.Name) {
			transport.SetRaw(c.Header, k, vs...)
			c.Login = append(c.Login, k)
		}
		out = append(out, c)
	}
	return out
}

// Finish calls a check's Finish, as the engine does after the last phase.
func (e *Env) Finish(c check.Finisher) []finding.Finding {
	return c.Finish(transport.WithCheck(context.Background(), "finish"), e)
}

// AllowWrite reports the write permission.
func (e *Env) AllowWrite() bool { return e.allowWrite }

// Sent is the number of requests sent.
func (e *Env) Sent() int { return e.client.Sent() }

// Exchanges returns the exchanges seen so far, with full bodies.
func (e *Env) Exchanges() []*transport.Exchange {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*transport.Exchange(nil), e.exchanges...)
}

// Baseline GETs every concrete endpoint as every identity, as the engine does.
func (e *Env) Baseline(t testing.TB) {
	t.Helper()
	ctx := transport.WithCheck(context.Background(), "baseline")
	for _, ep := range e.endpoints {
		p, ok := ep.Concrete()
		if ep.Method != http.MethodGet || !ok {
			continue
		}
		for _, id := range e.identities {
			if _, err := e.Do(transport.WithEndpoint(ctx, ep.Path), transport.Request{Path: p}, id); err != nil {
				t.Fatalf("baseline %s as %s: %v", p, id.Name, err)
			}
		}
	}
}

// Run runs an active check on ep (the root for site-wide checks).
func (e *Env) Run(t testing.TB, c check.Check, ep surface.Endpoint) []finding.Finding {
	t.Helper()
	ctx := transport.WithEndpoint(transport.WithCheck(context.Background(), c.Meta().ID), ep.Path)
	fs, err := c.Run(ctx, ep, e)
	if err != nil {
		t.Fatalf("%s on %s: %v", c.Meta().ID, ep.Key(), err)
	}
	return fs
}

// RunAll runs an active check once if site-wide, else on every endpoint.
func (e *Env) RunAll(t testing.TB, c check.Check) []finding.Finding {
	t.Helper()
	if sw, ok := c.(check.SiteWide); ok && sw.SiteWide() {
		return e.Run(t, c, e.endpoints[0])
	}
	var out []finding.Finding
	for _, ep := range e.endpoints {
		out = append(out, e.Run(t, c, ep)...)
	}
	return out
}

// Inspect feeds every exchange so far to a passive check.
func (e *Env) Inspect(p check.Passive) []finding.Finding {
	var out []finding.Finding
	for _, ex := range e.Exchanges() {
		out = append(out, p.Inspect(ex, e)...)
	}
	return out
}

// Subjects returns the subjects of fs, for assertions.
func Subjects(fs []finding.Finding) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range fs {
		if _, ok := out[f.Subject]; !ok || f.Severity > out[f.Subject].Severity {
			out[f.Subject] = f
		}
	}
	return out
}
