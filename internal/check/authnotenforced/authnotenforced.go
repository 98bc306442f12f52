// Package authnotenforced reports documented operations that require
// authentication but answer anonymous callers with data.
package authnotenforced

import (
	"context"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/live"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the auth-not-enforced check.
type Check struct{}

var _ check.Check = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "auth-not-enforced",
		Title:       "Operation documented as authenticated answers anonymous callers",
		Severity:    finding.High,
		CWE:         []string{"CWE-306", "CWE-862"},
		OWASP:       "API2:2023",
		Description: "The API description requires a security scheme for this operation, but a request without any credentials got a successful answer with data. The documented protection is not enforced by the server.",
		Remediation: "Enforce authentication in the server for every operation the spec marks as secured, with a default-deny guard rather than per-route opt-in (Flask: a `before_request` hook that rejects requests without a valid token except for an explicit allow-list of public routes), and add a contract test that calls every secured operation anonymously and expects 401.",
	}
}

// Run sends the operation anonymously (the baseline's answer is reused).
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if !ep.Documented() || ep.AuthRequired == nil || !*ep.AuthRequired {
		return nil, nil
	}
	anon := transport.Anonymous()
	resp, ok, err := live.Get(ctx, env, ep, anon)
	if err != nil || !ok || !live.HasData(resp) {
		return nil, err
	}
	f := check.New(c.Meta(), ep, resp, anon)
	f.Evidence = finding.NewEvidence(check.RequestLine(ep.Method, resp.URL), resp.Status, "anonymous request answered: "+live.Shape(resp), nil)
	f.Evidence.Details = map[string]string{"documented_security": schemes(ep.Security)}
	return []finding.Finding{f}, nil
}

func schemes(sec [][]string) string {
	s := ""
	for i, alt := range sec {
		if i > 0 {
			s += " or "
		}
		for j, n := range alt {
			if j > 0 {
				s += "+"
			}
			s += n
		}
	}
	return s
}
