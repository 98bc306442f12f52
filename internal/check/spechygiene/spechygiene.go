// Package spechygiene reports weaknesses of the API description itself: no
// security scheme at all, real-looking secrets in examples, and credential
// or regulated fields declared in response schemas. It reads the loaded
// spec only and sends no request.
package spechygiene

import (
	"context"
	"encoding/json"
	"github.com/leakhound/leakhound/internal/detect"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the spec-hygiene check.
type Check struct{}

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check.
func New() *Check { return &Check{} }

// SiteWide: the check runs once, over the whole description.
func (*Check) SiteWide() bool { return true }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "spec-hygiene",
		Title:       "API description hygiene",
		Severity:    finding.Low,
		CWE:         []string{"CWE-1059"},
		OWASP:       "API9:2023",
		Description: "The API description itself shows a weakness: it declares no security at all, carries real-looking credentials in its examples, or documents credential and regulated fields in responses.",
		Remediation: "Declare security schemes and apply them globally (`security:` at the root, `security: []` only on public operations); use obvious placeholders in examples (`<password>`, `sk_test_…`) and scan specs for secrets in CI; never return password hashes, tokens, full card or identity numbers, and remove them from response schemas.",
	}
}

// Run inspects the documented endpoints of the surface.
func (c *Check) Run(_ context.Context, root surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	var spec []surface.Endpoint
	for _, ep := range env.Endpoints() {
		if ep.Documented() {
			spec = append(spec, ep)
		}
	}
	if len(spec) == 0 {
		return nil, nil
	}
	var out []finding.Finding
	if f, ok := c.noSecurity(root, spec); ok {
		out = append(out, f)
	}
	for _, ep := range spec {
		out = append(out, c.secretsInExamples(ep)...)
		if f, ok := c.sensitiveFields(ep); ok {
			out = append(out, f)
		}
	}
	return out, nil
}

func (c *Check) noSecurity(root surface.Endpoint, spec []surface.Endpoint) (finding.Finding, bool) {
	for _, ep := range spec {
		for _, alt := range ep.Security {
			if len(alt) > 0 {
				return finding.Finding{}, false
			}
		}
	}
	f := check.New(c.Meta(), root, nil, transport.Anonymous())
	f.Method, f.Path = http.MethodGet, "/"
	f.Subject = "no-security"
	f.Title = "API description declares no security scheme"
	f.Description = "No operation of the API description requires any security scheme: either the API is entirely public, or its authentication is undocumented, so clients, gateways and contract tests cannot tell which operations must be protected."
	f.Confidence = finding.ConfidenceMedium
	f.CWE = []string{"CWE-1059", "CWE-306"}
	f.Evidence = finding.NewEvidence("API description", 0, "no security requirement on any of the "+strconv.Itoa(len(spec))+" documented operations", nil)
	return f, true
}

var tokenPattern = regexp.MustCompile(`AKIA[0-9A-Z]{16}|sk_live_[0-9A-Za-z]{10,}|rk_live_[0-9A-Za-z]{10,}|ghp_[A-Za-z0-9]{30,}|xox[abpr]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----`)

var placeholder = regexp.MustCompile(`(?i)^$|[<>{}]|x{3,}|\*{3,}|\.\.\.|…|example|changeme|change_me|your[-_ ]|redacted|dummy|sample|placeholder|^test|^(string|secret|password|passwd|token|pass|pwd|apikey|api_key|null|none|abc123?|123456\d*|qwerty|foo|bar)$`)

// realSecret reports a value that looks like a real credential for a field
// called name.
func realSecret(name, value string) bool {
	if tokenPattern.MatchString(value) {
		return true
	}
	if detect.CategoryOf(detect.KeyType(name)) != detect.Secret || len(value) < 6 || placeholder.MatchString(value) {
		return false
	}
	switch strings.ToLower(name) {
	case "cvv", "cvc", "pin":
		return false // card data: the response checks judge these by value
	}
	return true
}

type exampleSecret struct{ where, name, value string }

func (c *Check) secretsInExamples(ep surface.Endpoint) []finding.Finding {
	var found []exampleSecret
	for _, p := range ep.Params {
		if p.Synthetic {
			continue
		}
		for _, v := range p.Values {
			if realSecret(p.Name, v) {
				found = append(found, exampleSecret{p.In + " parameter " + p.Name, p.Name, v})
			}
		}
	}
	if ep.Body != nil {
		found = append(found, jsonSecrets("request body example", ep.Body.Example)...)
	}
	for _, r := range ep.Responses {
		for _, ex := range r.Examples {
			found = append(found, jsonSecrets("response "+r.Status+" example", ex)...)
		}
	}
	if len(found) == 0 {
		return nil
	}
	var values []finding.Value
	var where []string
	for _, s := range found {
		values = append(values, finding.NewValue("secret", s.where, s.value))
		where = append(where, s.where+" ("+s.name+")")
	}
	f := check.New(c.Meta(), ep, nil, transport.Anonymous())
	f.Subject = "secret-in-example"
	f.Title = "Real-looking credential in an API description example"
	f.Description = "An example of the API description holds a value that looks like a real password, token or key. Specs are published and copied widely; a real credential there is a leaked credential, and an example copied from production data often is one."
	f.CWE = []string{"CWE-798", "CWE-540"}
	f.OWASP = "API8:2023"
	f.Confidence = finding.ConfidenceMedium
	f.Evidence = finding.NewEvidence("API description: "+ep.Key(), 0, "credential-like example in "+strings.Join(where, ", ")+": "+joinRaw(found), values)
	return []finding.Finding{f}
}

func joinRaw(found []exampleSecret) string {
	var parts []string
	for _, s := range found {
		parts = append(parts, s.name+"="+s.value)
	}
	return strings.Join(parts, ", ")
}

func jsonSecrets(where string, raw []byte) []exampleSecret {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []exampleSecret
	var walk func(key string, v any, depth int)
	walk = func(key string, v any, depth int) {
		if depth > 16 || len(out) >= 10 {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(k, t[k], depth+1)
			}
		case []any:
			for _, e := range t {
				walk(key, e, depth+1)
			}
		case string:
			if realSecret(key, t) {
				out = append(out, exampleSecret{where, key, t})
			}
		}
	}
	walk("", v, 0)
	return out
}

// authPath matches operations whose job is to hand out tokens.
var (
	authPath   = regexp.MustCompile(`(?i)(^|/)(login|signin|sign-in|token|tokens|oauth2?|auth|authenticate|session|sessions|refresh)(/|$)`)
	tokenField = regexp.MustCompile(`(?i)token|^jwt$|^bearer$`)
)

func (c *Check) sensitiveFields(ep surface.Endpoint) (finding.Finding, bool) {
	// A login or token endpoint documents the token it issues: that is its
	// purpose, not a leak.
	issuesTokens := authPath.MatchString(ep.Path)
	seen := map[string]bool{}
	var fields []string
	for _, r := range ep.Responses {
		if r.Schema == nil || !strings.HasPrefix(r.Status, "2") {
			continue
		}
		r.Schema.Fields(func(path, name string, prop *surface.Schema) {
			if prop != nil && prop.WriteOnly {
				return
			}
			if detect.KeyLevel(name) >= detect.LevelCritical && !seen[path] && !(issuesTokens && tokenField.MatchString(name)) {
				seen[path] = true
				fields = append(fields, path)
			}
		})
	}
	if len(fields) == 0 {
		return finding.Finding{}, false
	}
	sort.Strings(fields)
	f := check.New(c.Meta(), ep, nil, transport.Anonymous())
	f.Subject = "sensitive-field-documented"
	f.Title = "Credential or regulated field documented in a response"
	f.Description = "The documented response schema declares fields whose names say they hold credentials or regulated identifiers (password hashes, tokens, keys, card or social security numbers). Documented or not, such fields should not be sent to clients."
	f.Severity = finding.Info
	f.CWE = []string{"CWE-213"}
	f.OWASP = "API3:2023"
	f.Confidence = finding.ConfidenceMedium
	f.Evidence = finding.NewEvidence("API description: "+ep.Key(), 0, "documented response fields: "+strings.Join(fields, ", "), nil)
	f.Evidence.Details = map[string]string{"fields": strings.Join(fields, ",")}
	return f, true
}
