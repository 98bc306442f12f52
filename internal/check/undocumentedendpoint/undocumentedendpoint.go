// Package undocumentedendpoint reports live endpoints that the API
// description does not list: shadow APIs found by probing, harvesting or
// recorded traffic.
package undocumentedendpoint

import (
	"context"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/live"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/discover"
)

// Check is the undocumented-endpoint check.
type Check struct{}

var _ check.Check = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "undocumented-endpoint",
		Title:       "Live endpoint missing from the API description",
		Severity:    finding.Low,
		CWE:         []string{"CWE-1059", "CWE-200"},
		OWASP:       "API9:2023",
		Description: "The endpoint answers successfully but the API description does not list it. Shadow endpoints escape review, documentation and often the controls of the documented API; it is worse when they return data or look like debug, admin, internal, export or legacy routes.",
		Remediation: "Either remove the route, or document it and give it the same authentication and authorization as the rest of the API. Generate the spec from the code (flask-smorest, apispec) or test that every registered route (`app.url_map`) is documented, so that no route ships undocumented.",
	}
}

var risky = regexp.MustCompile(`(?i)(^|/)(_?debug|admin\w*|internal|private|legacy|old|export\w*|backup\w*|dump|console|test(ing)?|dev|staging|actuator|env|\.env|config\w*|v0)(/|$)`)

// ignored are paths every site has that nobody documents.
var ignored = map[string]bool{
	"/": true, "/robots.txt": true, "/favicon.ico": true, "/sitemap.xml": true, "/.well-known/security.txt": true,
	"/health": true, "/healthz": true, "/livez": true, "/readyz": true, "/ping": true,
}

// Run reports an undocumented GET endpoint that answers 2xx to any identity.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if ep.Documented() || ep.Source == surface.SourceTarget || ep.Method != http.MethodGet {
		return nil, nil
	}
	eps := env.Endpoints()
	if !live.HasSpec(eps) || isDocumentation(ep.Path) || !inScope(eps, ep.Path) {
		return nil, nil
	}
	concrete, _ := ep.Concrete()
	for _, d := range eps {
		if d.Documented() && d.Method == ep.Method && (d.Matches(concrete) || d.Path == ep.Path || surface.MatchTemplate(ep.Path, d.Path)) {
			return nil, nil
		}
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
		data := live.HasData(resp)
		switch {
		case data && risky.MatchString(ep.Path):
			f.Severity = finding.High
			f.CWE = append(f.CWE, "CWE-215")
		case data:
			f.Severity = finding.Medium
		case !data && len(resp.Body) == 0:
			f.Severity = finding.Info
		}
		f.Evidence = finding.NewEvidence(check.RequestLine(ep.Method, resp.URL), resp.Status, "undocumented endpoint ("+string(ep.Source)+") answered: "+live.Shape(resp), nil)
		f.Evidence.Details = map[string]string{"source": string(ep.Source)}
		return []finding.Finding{f}, nil
	}
	return nil, nil
}

// inScope reports whether a path lies under the base path of a documented
// operation: a description whose servers put it under /api/v1 says nothing
// about /admin or /api/v2, which may be other APIs on the same host.
func inScope(eps []surface.Endpoint, p string) bool {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	for _, d := range eps {
		if !d.Documented() {
			continue
		}
		b := strings.TrimRight(d.Base, "/")
		if b == "" || p == b || strings.HasPrefix(p, b+"/") {
			return true
		}
	}
	return false
}

// isDocumentation reports the API description itself and its viewers.
func isDocumentation(p string) bool {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if ignored[p] {
		return true
	}
	clean := strings.Trim(p, "/")
	for _, s := range discover.SpecPaths {
		if clean == s || strings.HasSuffix(clean, "/"+s) {
			return true
		}
	}
	for _, s := range discover.DocPages {
		s = strings.Trim(s, "/")
		if clean == s || strings.HasSuffix(clean, "/"+s) {
			return true
		}
	}
	base := path.Base(clean)
	return strings.HasPrefix(base, "swagger") || strings.HasPrefix(base, "openapi")
}
