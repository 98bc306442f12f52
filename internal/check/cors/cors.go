// Package cors sends cross-origin GETs with crafted Origin headers and
// reports policies that let other sites read responses: any origin
// reflected, the null origin, wildcard with credentials and origin checks
// fooled by prefix or suffix tricks.
package cors

import (
	"context"
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the cors-misconfig check.
type Check struct{}

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check.
func New() *Check { return &Check{} }

// SiteWide makes the engine run the check once; it picks its endpoints.
func (*Check) SiteWide() bool { return true }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "cors-misconfig",
		Title:       "Permissive CORS policy",
		Severity:    finding.High,
		CWE:         []string{"CWE-942", "CWE-346"},
		OWASP:       "API8:2023",
		Description: "The API's CORS policy lets pages on other origins read its responses, with the visitor's cookies when credentials are allowed.",
		Remediation: "List the exact origins that may call the API and never reflect the request's Origin:\n\n```python\nfrom flask_cors import CORS\nCORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)\n```\n\nDo not use `origins=\"*\"` together with credentials, do not allow `null`, and compare whole origins, never prefixes, suffixes or regexes without anchors.",
	}
}

// variant is one crafted Origin.
type variant struct {
	name   string
	origin func(host string) string
	title  string
	why    string
}

var variants = []variant{
	{"arbitrary", func(string) string { return "https://leakhound-attacker.example" }, "Arbitrary Origin reflected", "an unrelated origin is reflected in Access-Control-Allow-Origin"},
	{"null", func(string) string { return "null" }, "null Origin allowed", "the `null` origin (sandboxed iframes, data: URLs, local files) is allowed"},
	{"suffix-match", func(h string) string { return "https://leakhound-attacker-" + h }, "Origin check only matches the end of the origin", "an origin that merely ends with the API's host name (attacker-HOST) is allowed"},
	{"prefix-match", func(h string) string { return "https://" + h + ".leakhound-attacker.example" }, "Origin check only matches the start of the origin", "an origin that merely starts with the API's host name (HOST.attacker) is allowed"},
}

// maxEndpoints bounds the endpoints tested.
const maxEndpoints = 3

// Run picks the root and the first endpoints that serve an identity's data.
func (c *Check) Run(ctx context.Context, root surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	id := transport.Anonymous()
	for _, i := range env.Identities() {
		if !i.IsAnonymous() {
			id = i
			break
		}
	}
	host := env.Target().Hostname()
	var out []finding.Finding
	for _, ep := range pick(ctx, env, id) {
		p, _ := ep.Concrete()
		found, reflected := false, false
		for _, v := range variants {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			if reflected && strings.HasSuffix(v.name, "-match") {
				continue // implied by reflecting any origin
			}
			origin := v.origin(host)
			resp, err := env.Do(ctx, transport.Request{Path: p, Header: http.Header{"Origin": {origin}}}, id)
			if err != nil {
				continue
			}
			if f, ok := c.judge(ep, resp, id, v, origin); ok {
				out = append(out, f)
				found = true
				reflected = reflected || f.Subject == "arbitrary"
			}
		}
		if found {
			break // the policy is proven; other endpoints share it
		}
	}
	return out, ctx.Err()
}

// pick returns the root and up to maxEndpoints-1 GET endpoints that answer
// the identity with 2xx, preferring those that refuse anonymous callers.
func pick(ctx context.Context, env check.Env, id transport.Identity) []surface.Endpoint {
	eps := env.Endpoints()
	var authOnly, other []surface.Endpoint
	for _, ep := range eps[min(1, len(eps)):] {
		if ep.Method != http.MethodGet {
			continue
		}
		p, ok := ep.Concrete()
		if !ok {
			continue
		}
		resp, err := env.Do(ctx, transport.Request{Path: p}, id)
		if err != nil || resp.Status < 200 || resp.Status >= 300 {
			continue
		}
		anon, err := env.Do(ctx, transport.Request{Path: p}, transport.Anonymous())
		if err == nil && (anon.Status == http.StatusUnauthorized || anon.Status == http.StatusForbidden) {
			authOnly = append(authOnly, ep)
		} else {
			other = append(other, ep)
		}
	}
	out := append(authOnly, other...)
	if len(out) > maxEndpoints-1 {
		out = out[:maxEndpoints-1]
	}
	if len(eps) > 0 {
		out = append(out, eps[0])
	}
	return out
}

func (c *Check) judge(ep surface.Endpoint, resp *transport.Response, id transport.Identity, v variant, origin string) (finding.Finding, bool) {
	acao := strings.TrimSpace(resp.Header.Get("Access-Control-Allow-Origin"))
	creds := strings.EqualFold(strings.TrimSpace(resp.Header.Get("Access-Control-Allow-Credentials")), "true")
	if acao == "" {
		return finding.Finding{}, false
	}
	f := check.New(c.Meta(), ep, resp, id)
	f.Reproduce = transport.Curl(http.MethodGet, resp.URL, id, http.Header{"Origin": {origin}}, nil)
	// Labelled with the operation the request went to, as its
	// reproduction is: one finding per policy all the same, since Run stops
	// at the first endpoint that proves it.
	f.Method = http.MethodGet
	lines := "Origin: " + origin + "\nAccess-Control-Allow-Origin: " + acao
	if creds {
		lines += "\nAccess-Control-Allow-Credentials: true"
	}
	f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodGet, resp.URL), resp.Status, lines, nil)
	f.Evidence.Details = map[string]string{"origin_sent": origin, "allow_origin": acao, "allow_credentials": boolString(creds), "tested_on": ep.Path}
	switch {
	case acao == "*" && creds && v.name == "arbitrary":
		f.Subject = "wildcard-credentials"
		f.Severity = finding.Medium
		f.Title = "CORS wildcard combined with credentials"
		f.Description = "Access-Control-Allow-Origin is `*` while Access-Control-Allow-Credentials is true. Browsers refuse this pair today, but it shows the policy was widened without thought and one proxy rewrite turns it into reflection."
		return f, true
	case acao == origin:
		f.Subject = v.name
		f.Title = v.title
		f.Description = "The CORS policy is unsafe: " + v.why + "."
		if creds {
			f.Severity = finding.High
			f.Title += " with credentials"
			f.Description += " With credentials allowed, any web page the victim visits can read their data from the API with their cookies."
		} else {
			f.Severity = finding.Low
			f.Description += " Credentials are not allowed, so only data readable without cookies is exposed to other sites."
		}
		return f, true
	}
	return finding.Finding{}, false
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
