// Package cachesensitive reports responses that carry personal data or
// credentials but may be stored by browsers and shared caches because they
// lack Cache-Control: no-store.
package cachesensitive

import (
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/pathshape"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the cacheable-sensitive-response check.
type Check struct {
}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "cacheable-sensitive-response",
		Title:       "Sensitive response may be cached",
		Severity:    finding.Medium,
		CWE:         []string{"CWE-525", "CWE-524"},
		OWASP:       "API8:2023",
		Description: "A response with personal data or credentials comes without `Cache-Control: no-store`, so browsers, proxies and CDNs may keep it on disk and hand it to the next user of a shared machine or cache.",
		Remediation: "Mark every response that carries user data as not storable:\n\n```python\n@app.after_request\ndef no_store(resp):\n    if request.path.startswith(\"/api/\"):\n        resp.headers[\"Cache-Control\"] = \"no-store\"\n        resp.headers[\"Pragma\"] = \"no-cache\"\n    return resp\n```",
	}
}

// Inspect reads the answers of the baseline (the API's normal responses).
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Check != "baseline" || ex.Method != http.MethodGet || ex.Status < 200 || ex.Status >= 300 || len(ex.Body) == 0 {
		return nil
	}
	cc := strings.ToLower(ex.Header.Get("Cache-Control"))
	if strings.Contains(cc, "no-store") {
		return nil
	}
	ms := detect.Find(ex.Body, ex.Header.Get("Content-Type"))
	var hits []detect.Match
	for _, m := range ms {
		if (m.Category == detect.PII && detect.LevelOf(m.Type) >= detect.LevelPersonal) || m.Category == detect.Secret {
			hits = append(hits, m)
		}
	}
	if len(hits) == 0 {
		return nil
	}
	f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
	// One finding per endpoint shape: /api/items/5001 and /5002 are one.
	f.Path, _, _ = strings.Cut(pathshape.Of(ex.Template), "?")
	shared := !strings.Contains(cc, "private") && ex.Identity != transport.AnonymousName
	if strings.Contains(cc, "public") || (strings.Contains(cc, "max-age") && !strings.Contains(cc, "max-age=0")) {
		f.Description += " The response is explicitly cacheable (" + ex.Header.Get("Cache-Control") + ")."
	}
	var values []finding.Value
	for i, m := range hits {
		if i >= 5 {
			break
		}
		values = append(values, m.Value())
	}
	header := "Cache-Control: " + ex.Header.Get("Cache-Control")
	if ex.Header.Get("Cache-Control") == "" {
		header = "Cache-Control: (absent)"
	}
	f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, header, values)
	f.Evidence.Details = map[string]string{"cache_control": ex.Header.Get("Cache-Control"), "sensitive_types": detect.JoinTypes(detect.Types(hits))}
	if shared {
		f.Evidence.Details["note"] = "authenticated response without `private`: a shared cache may serve it to others"
	}
	return []finding.Finding{f}
}
