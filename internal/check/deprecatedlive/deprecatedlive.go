// Package deprecatedlive reports operations the API description marks as
// deprecated that still answer successfully.
package deprecatedlive

import (
	"context"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/live"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
)

// Check is the deprecated-operation-live check.
type Check struct{}

var _ check.Check = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "deprecated-operation-live",
		Title:       "Deprecated operation still answers",
		Severity:    finding.Low,
		CWE:         []string{"CWE-1059"},
		OWASP:       "API9:2023",
		Description: "The API description marks this operation as deprecated, yet it still answers successfully. Deprecated versions tend to miss the fixes and controls added to their replacements, and nobody watches them.",
		Remediation: "Retire deprecated operations on a published schedule: answer 410 Gone (or remove the route) once clients have moved, announce it with the `Deprecation` and `Sunset` headers before, and keep an inventory of which versions are live.",
	}
}

// Run fetches the operation as every identity (cached from the baseline).
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if !ep.Documented() || !ep.Deprecated {
		return nil, nil
	}
	for _, id := range env.Identities() {
		resp, ok, err := live.Get(ctx, env, ep, id)
		if err != nil || !ok {
			return nil, err
		}
		if !live.OK(resp) {
			continue
		}
		f := check.New(c.Meta(), ep, resp, id)
		if live.HasData(resp) {
			f.Severity = finding.Medium
		}
		f.Evidence = finding.NewEvidence(check.RequestLine(ep.Method, resp.URL), resp.Status, "deprecated operation answered: "+live.Shape(resp), nil)
		if s := resp.Header.Get("Sunset"); s != "" {
			f.Evidence.Details = map[string]string{"sunset": s}
		}
		return []finding.Finding{f}, nil
	}
	return nil, nil
}
