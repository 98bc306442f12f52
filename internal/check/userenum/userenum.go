// Package userenum finds responses that reveal whether an account or email
// address exists.
package userenum

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/authz"
	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the user-enumeration check.
type Check struct{ learner *authz.Learner }

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check sharing what learner learns.
func New(l *authz.Learner) *Check {
	if l == nil {
		l = authz.NewLearner()
	}
	return &Check{learner: l}
}

// SiteWide makes the engine run the check once per scan.
func (*Check) SiteWide() bool { return true }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "user-enumeration",
		Title:       "Response reveals whether an account exists",
		Severity:    finding.Medium,
		CWE:         []string{"CWE-204"},
		OWASP:       "API2:2023",
		Description: "The same request answers differently for a registered account (one of the scan's identities) than for addresses that surely do not exist, while two non-existent ones get the same answer. An attacker can test lists of emails or usernames to learn who has an account, then target them with credential stuffing or phishing.",
		Remediation: "Answer identically, in status, body and timing, whether the account exists or not:\n\n```python\n@app.get(\"/api/password-reset\")\ndef password_reset():\n    email = request.args.get(\"email\", \"\").strip().lower()\n    user = users.get_item(Key={\"email\": email}).get(\"Item\")\n    if user:\n        send_reset_link(user)          # queue it; do not make the caller wait\n    return jsonify(status=\"If an account exists for this address, a reset link is on its way.\"), 202\n```\n\nDo the same on login (one generic \"invalid credentials\" message) and sign-up (confirm by email), and rate-limit these endpoints per client and per target address.",
	}
}

// Values that surely name no account.
var absent = map[string][2]string{
	"email":    {"leakhound-nx-7f3a9c@example.invalid", "leakhound-nx-2b8e41@example.invalid"},
	"username": {"leakhound_nx_7f3a9c", "leakhound_nx_2b8e41"},
}

// paramKind says what an account parameter holds, or "".
func paramKind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "email") || n == "mail":
		return "email"
	case n == "username" || n == "user" || n == "login" || n == "user_name" || n == "account" || n == "handle":
		return "username"
	}
	return ""
}

// Run probes every account-taking GET parameter with an existing and two
// absent values, as the anonymous identity.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	k, err := c.learner.Learn(ctx, env)
	if err != nil {
		return nil, err
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
	var out []finding.Finding
	done := map[string]bool{}
	for _, ep := range env.Endpoints() {
		if ep.Method != http.MethodGet {
			continue
		}
		p, ok := ep.Concrete()
		if !ok {
			continue
		}
		u, err := url.Parse(p)
		if err != nil {
			continue
		}
		q := u.Query()
		names := make([]string, 0, len(q))
		for n := range q {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			kind := paramKind(name)
			key := u.Path + "?" + name
			if kind == "" || len(known[kind]) == 0 || done[key] {
				continue
			}
			done[key] = true
			if f, ok := c.probe(ctx, env, u, name, kind, known[kind][0], anon); ok {
				out = append(out, f)
			}
		}
	}
	return out, ctx.Err()
}

type answer struct {
	resp *transport.Response
	norm authz.Flat
	raw  []byte
}

func (c *Check) probe(ctx context.Context, env check.Env, u *url.URL, name, kind, existing string, anon transport.Identity) (finding.Finding, bool) {
	ask := func(v string) (answer, bool) {
		q := u.Query()
		q.Set(name, v)
		uu := *u
		uu.RawQuery = q.Encode()
		resp, err := env.Do(ctx, transport.Request{Method: http.MethodGet, Path: uu.RequestURI()}, anon)
		if err != nil {
			return answer{}, false
		}
		// The probed value echoed back is not a difference.
		raw := bytes.ReplaceAll(resp.Body, []byte(v), []byte("{value}"))
		raw = bytes.ReplaceAll(raw, []byte(url.QueryEscape(v)), []byte("{value}"))
		return answer{resp, authz.Flatten(raw), raw}, true
	}
	yes, ok1 := ask(existing)
	no1, ok2 := ask(absent[kind][0])
	no2, ok3 := ask(absent[kind][1])
	if !ok1 || !ok2 || !ok3 {
		return finding.Finding{}, false
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
	f := authz.NewFinding(c.Meta(), authz.Template(u.Path)+"?"+name+"={"+kind+"}", yes.resp, anon)
	f.Subject = name
	if !statusDiffers {
		f.Severity = finding.Low
		f.Confidence = finding.ConfidenceMedium
	}
	masked := finding.Mask(kind, existing)
	val := finding.NewValue(kind, "query."+name, existing)
	// Neither the URL nor the reproduction may carry the real address.
	f.URL = strings.ReplaceAll(strings.ReplaceAll(f.URL, url.QueryEscape(existing), masked), existing, masked)
	f.Reproduce = finding.MaskText(f.Reproduce, []finding.Value{val, finding.NewValue(kind, "", url.QueryEscape(existing))})
	f.Title = fmt.Sprintf("%s reveals whether an account exists (%s)", u.Path, name)
	excerpt := fmt.Sprintf("existing %s %s → %d %s\nabsent   %s → %d %s\nabsent   %s → %d %s",
		kind, existing, yes.resp.Status, oneLine(yes.raw),
		absent[kind][0], no1.resp.Status, oneLine(no1.raw),
		absent[kind][1], no2.resp.Status, oneLine(no2.raw))
	values := []finding.Value{val}
	for _, a := range []answer{yes, no1, no2} {
		// Whatever the answers disclose (a username) is masked too.
		values = append(values, authz.MaskedValues(authz.SensitiveIn(a.raw, a.norm), 8)...)
	}
	f.Evidence = finding.NewEvidence(check.RequestLine("GET", f.URL), yes.resp.Status, excerpt, values)
	f.Evidence.Details = map[string]string{
		"parameter":          name,
		"status_existing":    fmt.Sprint(yes.resp.Status),
		"status_absent":      fmt.Sprint(no1.resp.Status),
		"reproduce_absent":   transport.Curl("GET", no1.resp.URL, anon, nil, nil),
		"reproduce_existing": f.Reproduce,
	}
	return f, true
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

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}
