// Package piiunauthenticated reports personal data served to a caller that
// sent no credentials at all.
package piiunauthenticated

import (
	"fmt"
	"github.com/leakhound/leakhound/internal/detect"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/exposure"
	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the pii-unauthenticated check.
type Check struct{}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:       "pii-unauthenticated",
		Title:    "Personal data served without authentication",
		Severity: finding.High,
		CWE:      []string{"CWE-306", "CWE-359"},
		OWASP:    "API2:2023",
		Description: "An anonymous request, with no credentials at all, received personal data. Anyone on the " +
			"network can harvest it, and automated scrapers will.",
		Remediation: "Require authentication on every endpoint that returns personal data, and authorise each " +
			"object against the caller. In Flask, make it the default rather than a decorator to remember:\n\n" +
			"```python\n" +
			"PUBLIC_ENDPOINTS = {\"health\", \"login\"}\n\n" +
			"@app.before_request\n" +
			"def require_login():\n" +
			"    if request.endpoint not in PUBLIC_ENDPOINTS and current_user() is None:\n" +
			"        abort(401)\n" +
			"```\n\n" + exposure.RemediationPII,
	}
}

// Inspect reports personal data in a response to the anonymous identity.
// The severity is one step above pii-exposure's for the same data, and a
// single person's contact data already counts.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if !exposure.Anonymous(ex, env) {
		return nil
	}
	res := exposure.Analyze(ex)
	ms := exposure.PII(res)
	if len(ms) == 0 {
		return nil
	}
	sev, ok := piiexposure.Severity(ms, res.People, res.Records)
	// Names and usernames alone (a staff directory) are not raised: only
	// data that reaches or identifies a person is worse without a login.
	identityOnly := !slices.ContainsFunc(ms, func(m detect.Match) bool { return detect.LevelOf(m.Type) > detect.LevelIdentity })
	switch {
	case identityOnly && !ok:
		sev = finding.Low
	case identityOnly:
	case !ok:
		sev = finding.Medium
	case sev < finding.Critical:
		sev++
	}
	f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
	f.Severity = sev
	f.Confidence = exposure.Confidence(ms)
	f.Subject = "personal-data"
	types := exposure.Types(ms)
	f.Title = "Personal data served without authentication: " + strings.Join(types, ", ")
	f.Description += fmt.Sprintf(" Seen: %s in %d record(s) describing %d distinct people.", strings.Join(types, ", "), max(1, res.Records), max(1, res.People))
	f.Evidence = exposure.Evidence(ex, res, ms)
	return []finding.Finding{f}
}
