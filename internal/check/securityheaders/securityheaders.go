// Package securityheaders reports missing hardening headers:
// X-Content-Type-Options on every response, Content-Security-Policy on HTML
// and Strict-Transport-Security on https.
package securityheaders

import (
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the security-headers check.
type Check struct{}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "security-headers",
		Title:       "Missing security headers",
		Severity:    finding.Low,
		CWE:         []string{"CWE-693"},
		OWASP:       "API8:2023",
		Description: "Responses lack headers that stop browsers from sniffing content types, running injected scripts or downgrading to plain HTTP.",
		Remediation: "Set the headers once for every response:\n\n```python\n@app.after_request\ndef security_headers(resp):\n    resp.headers[\"X-Content-Type-Options\"] = \"nosniff\"\n    resp.headers[\"Content-Security-Policy\"] = \"default-src 'none'; frame-ancestors 'none'\"\n    if request.is_secure:\n        resp.headers[\"Strict-Transport-Security\"] = \"max-age=63072000; includeSubDomains\"\n    return resp\n```",
	}
}

type rule struct {
	header string
	why    string
	// applies says whether the header is expected on this response.
	applies func(ex *transport.Exchange) bool
	ok      func(v string) bool
}

var rules = []rule{
	{
		header:  "X-Content-Type-Options",
		why:     "without nosniff a browser may run a JSON or text response as HTML or script",
		applies: func(ex *transport.Exchange) bool { return len(ex.Body) > 0 },
		ok:      func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "nosniff") },
	},
	{
		header:  "Content-Security-Policy",
		why:     "an HTML page without a policy runs any script an attacker manages to inject",
		applies: func(ex *transport.Exchange) bool { return isHTML(ex) },
		ok:      func(v string) bool { return strings.TrimSpace(v) != "" },
	},
	{
		header:  "Strict-Transport-Security",
		why:     "without HSTS a browser can be downgraded to plain HTTP and have its tokens read",
		applies: func(ex *transport.Exchange) bool { return strings.HasPrefix(ex.URL, "https://") },
		ok: func(v string) bool {
			return strings.Contains(strings.ToLower(v), "max-age=") && !strings.Contains(v, "max-age=0")
		},
	},
}

func isHTML(ex *transport.Exchange) bool {
	ct := strings.ToLower(ex.Header.Get("Content-Type"))
	return strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml")
}

// Inspect reports each missing header once per origin, listing where.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Status == 0 || ex.Status == http.StatusNotModified || ex.Method == http.MethodHead {
		return nil
	}
	var out []finding.Finding
	for _, r := range rules {
		if !r.applies(ex) || r.ok(ex.Header.Get(r.header)) {
			continue
		}
		f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
		f.Title = "Missing " + r.header + " header"
		f.Description = "Responses come without " + r.header + ": " + r.why + "."
		f.Method, f.Path, f.Subject = http.MethodGet, "/", r.header
		excerpt := "Content-Type: " + ex.Header.Get("Content-Type")
		if v := ex.Header.Get(r.header); v != "" {
			excerpt += "\n" + r.header + ": " + v
		}
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, excerpt, nil)
		f.Evidence.Details = map[string]string{"missing": r.header}
		out = append(out, f)
	}
	return out
}
