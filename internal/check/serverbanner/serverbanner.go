// Package serverbanner reports Server and X-Powered-By headers that disclose
// a product and its version.
package serverbanner

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the server-banner check.
type Check struct{}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "server-banner",
		Title:       "Server software and version disclosed in response headers",
		Severity:    finding.Low,
		CWE:         []string{"CWE-200"},
		OWASP:       "API8:2023",
		Description: "Response headers name the server software and its exact version, which tells an attacker which known vulnerabilities to try.",
		Remediation: "Do not serve production traffic from the Werkzeug development server: run Flask under a WSGI server (gunicorn) behind a proxy, and drop version headers there (nginx: `server_tokens off;` and `proxy_hide_header X-Powered-By;`). In Flask itself:\n\n```python\n@app.after_request\ndef hide_versions(resp):\n    resp.headers.pop(\"X-Powered-By\", None)\n    resp.headers[\"Server\"] = \"api\"\n    return resp\n```",
	}
}

// headers that carry banners; the first two are the common ones.
var bannerHeaders = []string{"Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version", "X-Runtime-Version", "X-Generator"}

var version = regexp.MustCompile(`\d+\.\d+`)

// Inspect reports each banner header once per origin.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	var out []finding.Finding
	for _, h := range bannerHeaders {
		v := strings.TrimSpace(ex.Header.Get(h))
		if v == "" {
			continue
		}
		hasVersion := version.MatchString(v)
		if h == "Server" && !hasVersion {
			continue // a bare product name ("nginx") tells little
		}
		f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
		f.Method, f.Path = http.MethodGet, "/"
		f.Subject = h
		if !hasVersion {
			f.Severity = finding.Info
		}
		if strings.Contains(v, "Werkzeug") {
			f.Title = "Werkzeug development server banner in responses"
			f.Description += " Werkzeug's development server is not meant for production and often comes with debug mode."
		}
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, h+": "+v, nil)
		f.Evidence.Details = map[string]string{"header": h, "value": v}
		out = append(out, f)
	}
	return out
}
