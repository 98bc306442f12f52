// Package piiinurl reports personal data and secrets placed in URLs (query
// strings and path segments), which end up in server and proxy logs, browser
// history and Referer headers.
package piiinurl

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/pathshape"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the pii-in-url check.
type Check struct{}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "pii-in-url",
		Title:       "Personal data or secrets in URLs",
		Severity:    finding.Medium,
		CWE:         []string{"CWE-598", "CWE-359"},
		OWASP:       "API8:2023",
		Description: "The API puts personal data or credentials in URLs. Query strings are written to access logs, proxy logs and browser history, and leak to other sites through the Referer header.",
		Remediation: "Send lookups by personal data in a POST body and refer to people by opaque ids:\n\n```python\n@app.post(\"/api/patients/lookup\")\ndef lookup():\n    email = request.get_json()[\"email\"]  # not request.args\n    ...\n```\n\nNever accept tokens or passwords as query parameters.",
	}
}

var secretParam = map[string]bool{"token": true, "access_token": true, "api_key": true, "apikey": true, "key": true, "password": true, "passwd": true, "secret": true, "session": true, "auth": true, "jwt": true}

// Inspect looks at the URLs the API gave out (the baseline fetches every
// endpoint of the surface, including links harvested from responses).
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Check != "baseline" {
		return nil
	}
	u, err := url.Parse(ex.URL)
	if err != nil {
		return nil
	}
	fields := map[string]string{}
	q := u.Query()
	for k, vs := range q {
		for _, v := range vs {
			fields[k] = v
		}
	}
	for i, seg := range strings.Split(u.Path, "/") {
		if seg != "" {
			fields["path["+strconv.Itoa(i)+"]"] = seg
		}
	}
	var values []finding.Value
	var types []string
	worst := detect.LevelNone
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fields[k]
		if secretParam[strings.ToLower(k)] && len(v) >= 8 {
			values = append(values, finding.NewValue("secret", k, v))
			types = append(types, "secret")
			worst = detect.LevelCritical
			continue
		}
		ms := detect.FindValues(map[string]any{k: v})
		for _, m := range ms {
			if m.Category == detect.PII && detect.LevelOf(m.Type) >= detect.LevelPersonal || m.Category == detect.Secret {
				values = append(values, finding.NewValue(string(m.Type), k, m.Value().Raw()))
				types = append(types, string(m.Type))
				worst = max(worst, detect.LevelOf(m.Type))
			}
		}
	}
	if len(values) == 0 {
		return nil
	}
	f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
	f.Reproduce = ""
	f.Method = http.MethodGet
	f.Path, _, _ = strings.Cut(pathshape.Of(u.Path), "?")
	if ex.Template != "" && strings.Contains(ex.Template, "{") {
		f.Path, _, _ = strings.Cut(ex.Template, "?")
	}
	sort.Strings(types)
	f.Subject = strings.Join(types, ",")
	if worst >= detect.LevelCritical {
		// Government ids, payment data and credentials (detect's level table).
		f.Severity = finding.High
	}
	f.Path = maskEscaped(finding.MaskText(f.Path, values), values)
	f.URL = maskEscaped(finding.MaskText(ex.URL, values), values)
	line := maskEscaped(finding.MaskText(check.RequestLine(ex.Method, ex.URL), values), values)
	f.Evidence = finding.NewEvidence(line, ex.Status, "", values)
	f.Evidence.Details = map[string]string{"parameters": strings.Join(paramNames(values), ", ")}
	return []finding.Finding{f}
}

// maskEscaped masks the URL-encoded forms of the values too.
func maskEscaped(s string, values []finding.Value) string {
	for _, v := range values {
		for _, enc := range []string{url.QueryEscape(v.Raw()), url.PathEscape(v.Raw())} {
			if enc != "" {
				s = strings.ReplaceAll(s, enc, url.QueryEscape(v.Masked))
			}
		}
	}
	return s
}

func paramNames(vs []finding.Value) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(out, v.JSONPath) {
			out = append(out, v.JSONPath)
		}
	}
	return out
}
