// Package check defines what a check is and what it may do. Each check lives
// in its own package below this one; check/all lists them explicitly.
package check

import (
	"context"
	"net/http"
	"net/url"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Meta describes a check for `leakhound checks`, SARIF rules and findings.
type Meta struct {
	ID          string
	Title       string
	Severity    finding.Severity // default severity
	CWE         []string
	OWASP       string
	Description string
	Remediation string
}

// Check is one behaviour tested on every endpoint; it may send requests.
type Check interface {
	Meta() Meta
	Run(ctx context.Context, ep surface.Endpoint, env Env) ([]finding.Finding, error)
}

// SiteWide is implemented by checks that run once per target instead of once
// per endpoint (exposed files, debug consoles). The engine passes the root
// endpoint.
type SiteWide interface {
	SiteWide() bool
}

// Writer is implemented by checks that change the target's state (write
// probes, --allow-write only). The engine runs them after every other
// active check, so their changes cannot skew the verdicts of the others.
type Writer interface {
	Writes() bool
}

// Passive is a check that only reads exchanges other checks caused. It sends
// nothing, so it costs no requests.
type Passive interface {
	Meta() Meta
	Inspect(ex *transport.Exchange, env Env) []finding.Finding
}

// Env is everything a check may touch.
type Env interface {
	// Do sends a request through the scan's one client.
	Do(ctx context.Context, req transport.Request, as transport.Identity) (*transport.Response, error)
	// Identities lists the anonymous identity first, then the user's.
	Identities() []transport.Identity
	// Target is the scan's base URL.
	Target() *url.URL
	// Endpoints is the whole surface being scanned.
	Endpoints() []surface.Endpoint
	// AllowWrite reports whether write probes are permitted.
	AllowWrite() bool
}

// SoftNotFound is an optional ability of an Env: it tells whether an
// answer to path is the soft-404 the target gives paths it does not route
// under that prefix (a catch-all page, a gateway's uniform 403 {"message":
// "Missing Authentication Token"}). Such an answer says nothing about the
// route or the caller.
type SoftNotFound interface {
	SoftNotFound(path string, resp *transport.Response) bool
}

// IsSoftNotFound asks env when it can tell, and is false otherwise.
func IsSoftNotFound(env Env, path string, resp *transport.Response) bool {
	s, ok := env.(SoftNotFound)
	return ok && resp != nil && s.SoftNotFound(path, resp)
}

// Warner is implemented by an Env that collects warnings for the report:
// what a reader must know that is not a finding (a comparison dropped
// because the target rate-limited it).
type Warner interface {
	Warn(msg string)
}

// Warn passes msg to env's warnings when it collects them.
func Warn(env Env, msg string) {
	if w, ok := env.(Warner); ok {
		w.Warn(msg)
	}
}

// Untested is implemented by an Env that reports what the scan could not
// test: a check that found nothing to exercise (bola without objects learnt
// for two identities) says so, so that its category is not graded clean.
type Untested interface {
	NotTested(category, reason string)
}

// NotTested tells env that category (an OWASP id such as API1:2023) could
// not be tested, and why, when env collects it; the reason is also a
// warning of the report.
func NotTested(env Env, category, reason string) {
	if u, ok := env.(Untested); ok {
		u.NotTested(category, reason)
	}
	Warn(env, reason)
}

// Finisher is implemented by checks that conclude once every other check
// ran: the engine calls Finish after the last phase (offline key trials
// with the secrets the whole scan read).
type Finisher interface {
	Finish(ctx context.Context, env Env) []finding.Finding
}

// Credential is what one identity sends: its static headers and, once it
// logged in, the headers of its login flow, all under their names as
// typed.
type Credential struct {
	Identity transport.Identity
	Header   http.Header
	// Login names the headers that came from the login flow.
	Login []string
	// Dead marks an identity the who-am-I step left out of the checks: its
	// tokens are still read offline.
	Dead bool
}

// Credentials is an optional ability of an Env: every identity's
// credentials, login-flow headers and dead identities included.
type Credentials interface {
	Credentials() []Credential
}

// CredentialsOf returns env's credentials, or the static headers of its
// identities when env cannot tell more.
func CredentialsOf(env Env) []Credential {
	if c, ok := env.(Credentials); ok {
		return c.Credentials()
	}
	var out []Credential
	for _, id := range env.Identities() {
		if !id.IsAnonymous() {
			out = append(out, Credential{Identity: id, Header: id.Header})
		}
	}
	return out
}

// New fills the fixed fields of a finding from a check's metadata.
func New(m Meta, ep surface.Endpoint, resp *transport.Response, id transport.Identity) finding.Finding {
	f := finding.Finding{
		Check:       m.ID,
		Title:       m.Title,
		Description: m.Description,
		Severity:    m.Severity,
		Confidence:  finding.ConfidenceHigh,
		CWE:         append([]string(nil), m.CWE...),
		OWASP:       m.OWASP,
		Method:      ep.Method,
		Path:        ep.Path,
		Identity:    id.Name,
		Remediation: m.Remediation,
		Operation:   ep.Operation(),
	}
	if resp != nil {
		f.URL = resp.URL
		var body []byte
		var h http.Header
		if ep.GraphQL != nil && ep.Body != nil {
			// The GraphQL body is the operation: the reproduction sends it.
			body, h = surface.RedactGraphQLBody(ep.Body.Example), http.Header{"Content-Type": {"application/json"}}
		}
		f.Reproduce = transport.Curl(ep.Method, resp.URL, id, h, body)
		f.GraphQLBody = string(body)
	}
	return f
}

// FromExchange fills the fixed fields of a finding seen by a passive check.
// An exchange sent with a forged credential is attributed to its synthetic
// identity, and the reproduction carries the forged credential.
func FromExchange(m Meta, ex *transport.Exchange, id transport.Identity) finding.Finding {
	if ex.Forged != nil {
		id = transport.Identity{Name: ex.Identity, Header: ex.Forged, Synthetic: true}
	}
	f := finding.Finding{
		Check:       m.ID,
		Title:       m.Title,
		Description: m.Description,
		Severity:    m.Severity,
		Confidence:  finding.ConfidenceHigh,
		CWE:         append([]string(nil), m.CWE...),
		OWASP:       m.OWASP,
		Method:      ex.Method,
		Path:        ex.Template,
		URL:         ex.URL,
		Identity:    ex.Identity,
		Remediation: m.Remediation,
		Reproduce:   transport.Curl(ex.Method, ex.URL, id, ex.ReqHeader, ex.ReqBody),
	}
	if op := surface.GraphQLOperationOf(ex.Method, ex.URL, ex.ReqBody); op != "" {
		// GraphQL operations share one path: the finding names the
		// operation and its reproduction sends the GraphQL body.
		f.Operation = op
		body := surface.RedactGraphQLBody(ex.ReqBody)
		f.Reproduce = transport.Curl(ex.Method, ex.URL, id, ex.ReqHeader, body)
		f.GraphQLBody = string(body)
	}
	return f
}

// Identity returns the identity called name from env, or the anonymous one.
func Identity(env Env, name string) transport.Identity {
	if env == nil {
		return transport.Identity{Name: name}
	}
	for _, id := range env.Identities() {
		if id.Name == name {
			return id
		}
	}
	return transport.Anonymous()
}

// RequestLine returns "METHOD /path?query" for evidence.
func RequestLine(method, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return method + " " + rawURL
	}
	return method + " " + u.RequestURI()
}

// RefusingAnonymous returns the concrete GET endpoints that answer the
// anonymous identity with 401 or 403; the answers come from the scan's
// cache. With closedFirst, the endpoints that no configured identity opens
// either come first: they take another credential, such as a session cookie
// or a token found in a response.
func RefusingAnonymous(ctx context.Context, env Env, closedFirst bool) []surface.Endpoint {
	var first, then []surface.Endpoint
	for _, e := range env.Endpoints() {
		if e.Method != http.MethodGet {
			continue
		}
		p, ok := e.Concrete()
		if !ok {
			continue
		}
		plain, err := env.Do(ctx, transport.Request{Path: p}, transport.Anonymous())
		if err != nil || (plain.Status != http.StatusUnauthorized && plain.Status != http.StatusForbidden) {
			continue
		}
		closed := closedFirst
		for _, id := range env.Identities() {
			if !closed {
				break
			}
			if id.IsAnonymous() {
				continue
			}
			if r, err := env.Do(ctx, transport.Request{Path: p}, id); err == nil && r.Status < 400 {
				closed = false
			}
		}
		if closed {
			first = append(first, e)
		} else {
			then = append(then, e)
		}
	}
	return append(first, then...)
}

// Request turns a request synthesized for an operation (surface.Request)
// into a transport request, with the body's content type.
func Request(r surface.Request) transport.Request {
	req := transport.Request{Method: r.Method, Path: r.Path, Body: r.Body}
	if r.Header != nil {
		req.Header = r.Header.Clone()
	}
	if len(r.Body) > 0 && r.ContentType != "" {
		if req.Header == nil {
			req.Header = http.Header{}
		}
		req.Header.Set("Content-Type", r.ContentType)
	}
	return req
}
