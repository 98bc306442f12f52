// Package userenum finds responses that reveal whether an account or email
// address exists.
package userenum

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the user-enumeration check.
type Check struct{ authz.Shared }

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check sharing what learner learns.
func New(l *authz.Learner) *Check { return &Check{authz.Share(l)} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "user-enumeration",
		Title:       "Response reveals whether an account exists",
		Severity:    finding.Medium,
		CWE:         []string{"CWE-204"},
		OWASP:       "API2:2023",
		Description: "The same request answers differently for a registered account (one of the scan's identities) than for addresses that surely do not exist, while two non-existent ones get the same answer. An attacker can test lists of emails or usernames to learn who has an account, then target them with credential stuffing or phishing. GET parameters are always probed; login, reset and sign-up bodies (POST) only with --allow-write, with one surely wrong password per account.",
		Remediation: "Answer identically, in status, body and timing, whether the account exists or not:\n\n```python\n@app.get(\"/api/password-reset\")\ndef password_reset():\n    email = request.args.get(\"email\", \"\").strip().lower()\n    user = users.get_item(Key={\"email\": email}).get(\"Item\")\n    if user:\n        send_reset_link(user)          # queue it; do not make the caller wait\n    return jsonify(status=\"If an account exists for this address, a reset link is on its way.\"), 202\n```\n\nDo the same on login (one generic \"invalid credentials\" message) and sign-up (confirm by email), and rate-limit these endpoints per client and per target address.",
	}
}

// Values that surely name no account.
var absent = map[string][2]string{
	"email":    {"leakhound-nx-7f3a9c@example.invalid", "leakhound-nx-2b8e41@example.invalid"},
	"username": {"leakhound_nx_7f3a9c", "leakhound_nx_2b8e41"},
}

// paramKind says what an account parameter holds, or "".
func paramKind(name string) string { return login.AccountKind(name) }

// Run probes every account-taking GET parameter with an existing and two
// absent values, as the anonymous identity.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	gql := c.graphQL(ctx, env)
	k, err := c.Learner().Learn(ctx, env)
	if err != nil {
		return gql, err
	}
	known := map[string][]string{} // kind → existing values
	for _, u := range k.Users {
		for v, m := range k.Markers[u.Name] {
			if m.Kind == "email" || m.Kind == "username" {
				known[m.Kind] = append(known[m.Kind], v)
			}
		}
	}
	for kind := range known {
		sort.Strings(known[kind])
	}
	anon := check.Identity(env, transport.AnonymousName)
	out := gql
	done := map[string]bool{}
	for _, ep := range env.Endpoints() {
		if ep.GraphQL != nil {
			continue // graphQL probes them
		}
		switch ep.Method {
		case http.MethodGet:
			out = append(out, c.getProbes(ctx, env, ep, known, anon, done)...)
		case http.MethodPost:
			if env.AllowWrite() {
				out = append(out, c.postProbes(ctx, env, ep, known, anon, done)...)
			}
		}
	}
	return out, ctx.Err()
}

// getProbes tries each account-naming query parameter of a GET endpoint.
func (c *Check) getProbes(ctx context.Context, env check.Env, ep surface.Endpoint, known map[string][]string, anon transport.Identity, done map[string]bool) []finding.Finding {
	names := map[string]bool{}
	for _, p := range ep.Params {
		if p.In == "query" {
			names[p.Name] = true
		}
	}
	if p, ok := ep.Concrete(); ok {
		if u, err := url.Parse(p); err == nil {
			for n := range u.Query() {
				names[n] = true
			}
		}
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var out []finding.Finding
	for _, name := range sorted {
		kind := paramKind(name)
		if kind == "" || len(known[kind]) == 0 {
			continue
		}
		base, ok := ep.With(map[string]string{name: known[kind][0]})
		u, err := url.Parse(base)
		if !ok || err != nil || done["GET "+u.Path+"?"+name] {
			continue
		}
		done["GET "+u.Path+"?"+name] = true
		send := func(v string) (*transport.Response, []byte, error) {
			q := u.Query()
			q.Set(name, v)
			uu := *u
			uu.RawQuery = q.Encode()
			resp, err := env.Do(ctx, transport.Request{Method: http.MethodGet, Path: uu.RequestURI()}, anon)
			return resp, nil, err
		}
		tmpl := authz.TemplateOf(env, u.Path) + "?" + name + "={" + kind + "}"
		if f, ok := c.probe(env, probe{method: http.MethodGet, template: tmpl, path: u.Path, param: name, kind: kind, existing: known[kind][0], send: send}, anon); ok {
			out = append(out, f)
		}
	}
	return out
}

var authWords = []string{"login", "signin", "sign-in", "sign_in", "auth", "token", "session", "password", "reset", "forgot", "register", "signup", "sign-up", "recover"}

// postProbes tries login, reset and sign-up bodies (--allow-write only):
// the documented example with the account field set to an existing and
// two absent values, and a password that is surely wrong. One wrong
// password per identity and endpoint.
func (c *Check) postProbes(ctx context.Context, env check.Env, ep surface.Endpoint, known map[string][]string, anon transport.Identity, done map[string]bool) []finding.Finding {
	lower := strings.ToLower(ep.Path + " " + ep.OperationID + " " + ep.Summary)
	hit := false
	for _, w := range authWords {
		if strings.Contains(lower, w) {
			hit = true
		}
	}
	if !hit || ep.IsTemplate() || ep.Body == nil || !strings.Contains(ep.Body.ContentType, "json") {
		return nil
	}
	// A schema-valid body: the documented example, with every required
	// member the example lacks (Endpoint.Build).
	built, ok := ep.Build(nil)
	if !ok {
		return nil
	}
	var example map[string]any
	if err := json.Unmarshal(built.Body, &example); err != nil || example == nil {
		return nil
	}
	var keys []string
	for k := range example {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []finding.Finding
	for _, name := range keys {
		kind := paramKind(name)
		if kind == "" || len(known[kind]) == 0 || done["POST "+ep.Path+" "+name] {
			continue
		}
		done["POST "+ep.Path+" "+name] = true
		send := func(v string) (*transport.Response, []byte, error) {
			body := map[string]any{}
			for k, x := range example {
				if login.PasswordField(k) {
					x = "leakhound-not-the-password-9Q"
				}
				body[k] = x
			}
			body[name] = v
			b, err := json.Marshal(body)
			if err != nil {
				return nil, nil, err
			}
			resp, err := env.Do(ctx, transport.Request{Method: http.MethodPost, Path: ep.Path, Header: http.Header{"Content-Type": {"application/json"}}, Body: b}, anon)
			return resp, b, err
		}
		if f, ok := c.probe(env, probe{method: http.MethodPost, template: ep.Path, path: ep.Path, param: name, kind: kind, existing: known[kind][0], send: send}, anon); ok {
			out = append(out, f)
		}
	}
	return out
}

type answer struct {
	resp *transport.Response
	norm authz.Flat
	raw  []byte
	body []byte // the request body sent, if any
}

// probe is one account-naming input of one endpoint.
type probe struct {
	method, template, path, param, kind, existing string
	send                                          func(v string) (*transport.Response, []byte, error)
}

func (c *Check) probe(env check.Env, p probe, anon transport.Identity) (finding.Finding, bool) {
	ask := func(v string) (answer, bool) {
		resp, body, err := p.send(v)
		if err != nil || resp == nil {
			return answer{}, false
		}
		// The probed value echoed back is not a difference.
		raw := bytes.ReplaceAll(resp.Body, []byte(v), []byte("{value}"))
		raw = bytes.ReplaceAll(raw, []byte(url.QueryEscape(v)), []byte("{value}"))
		return answer{resp, authz.Flatten(raw), raw, body}, true
	}
	yes, ok1 := ask(p.existing)
	no1, ok2 := ask(absent[p.kind][0])
	no2, ok3 := ask(absent[p.kind][1])
	if !ok1 || !ok2 || !ok3 {
		return finding.Finding{}, false
	}
	// A rate limiter answering on either side is not the account speaking
	// (the transport already retried after Retry-After when it was short):
	// the comparison is dropped, with a warning.
	for _, a := range []answer{yes, no1, no2} {
		if a.resp.RateLimited() {
			check.Warn(env, fmt.Sprintf("user-enumeration: comparison on %s %s (%s) dropped: the target rate-limited it (%d)", p.method, p.path, p.param, a.resp.Status))
			return finding.Finding{}, false
		}
	}
	// Control: two absent values must get the same answer, or the endpoint
	// is too noisy to tell anything.
	if no1.resp.Status != no2.resp.Status || !same(no1, no2, nil) {
		return finding.Finding{}, false
	}
	volatile := authz.Volatile(no1.norm, no2.norm)
	statusDiffers := yes.resp.Status != no1.resp.Status
	if !statusDiffers && same(yes, no1, volatile) {
		return finding.Finding{}, false
	}
	f := authz.NewFinding(c.Meta(), p.template, yes.resp, anon)
	f.Method = p.method
	f.Subject = p.param
	if !statusDiffers {
		f.Severity = finding.Low
		f.Confidence = finding.ConfidenceMedium
	}
	masked := finding.Mask(p.kind, p.existing)
	val := finding.NewValue(p.kind, p.param, p.existing)
	enc := finding.NewValue(p.kind, "", url.QueryEscape(p.existing))
	// Neither the URL nor the reproduction may carry the real address;
	// --reveal restores them (KeepRaw below).
	rawURL, rawRepro := f.URL, transport.Curl(p.method, yes.resp.URL, anon, contentType(yes.body), yes.body)
	f.URL = strings.ReplaceAll(strings.ReplaceAll(f.URL, url.QueryEscape(p.existing), masked), p.existing, masked)
	f.Reproduce = finding.MaskText(rawRepro, []finding.Value{val, enc})
	f.Title = fmt.Sprintf("%s %s reveals whether an account exists (%s)", p.method, p.path, p.param)
	excerpt := fmt.Sprintf("existing %s %s → %d %s\nabsent   %s → %d %s\nabsent   %s → %d %s",
		p.kind, p.existing, yes.resp.Status, oneLine(yes.raw),
		absent[p.kind][0], no1.resp.Status, oneLine(no1.raw),
		absent[p.kind][1], no2.resp.Status, oneLine(no2.raw))
	values := []finding.Value{val, enc}
	for _, a := range []answer{yes, no1, no2} {
		// Whatever the answers disclose (a username) is masked too.
		values = append(values, authz.MaskedValues(authz.SensitiveIn(a.raw, a.norm), 8)...)
	}
	f.Evidence = finding.NewEvidence(check.RequestLine(p.method, f.URL), yes.resp.Status, excerpt, values)
	f.KeepRaw(rawURL, rawRepro, check.RequestLine(p.method, rawURL))
	f.Evidence.Details = map[string]string{
		"parameter":          p.param,
		"status_existing":    fmt.Sprint(yes.resp.Status),
		"status_absent":      fmt.Sprint(no1.resp.Status),
		"reproduce_absent":   transport.Curl(p.method, no1.resp.URL, anon, contentType(no1.body), no1.body),
		"reproduce_existing": f.Reproduce,
	}
	return f, true
}

func contentType(body []byte) http.Header {
	if body == nil {
		return nil
	}
	return http.Header{"Content-Type": {"application/json"}}
}

// same compares two answers structurally (JSON) or byte for byte.
func same(a, b answer, volatile map[string]bool) bool {
	if a.norm != nil && b.norm != nil {
		x, y := a.norm.Without(volatile), b.norm.Without(volatile)
		shape, vals := authz.Similarity(x, y)
		return shape == 1 && vals == 1
	}
	return bytes.Equal(a.raw, b.raw)
}

// oneLine shows an answer on one line, every detected value and every
// value under a sensitive key (a username) masked.
func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(detect.MaskBytes(b, ""))), " ")
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}
