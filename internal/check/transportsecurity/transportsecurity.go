// Package transportsecurity is the `transport` check: session cookies
// without Secure, HttpOnly or SameSite, weak HSTS, mixed content on https
// pages, and APIs served over plain HTTP.
//
// The scope guard keeps every request on the target's origin, so the
// http→https redirect of an https target (another origin) is not probed;
// an http target that answers instead of redirecting is reported.
package transportsecurity

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/itsdangerous"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/transport"
)

// Options configure the check.
type Options struct {
	// CleartextOnLoopback reports plain HTTP even for loopback targets
	// (tests); by default a local target is assumed to be a development run.
	CleartextOnLoopback bool
}

// Check is the transport check.
type Check struct {
	opts Options
}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New(o Options) *Check { return &Check{opts: o} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "transport",
		Title:       "Weak transport or cookie security",
		Severity:    finding.Medium,
		CWE:         []string{"CWE-319", "CWE-614", "CWE-1004"},
		OWASP:       "API8:2023",
		Description: "Credentials or session cookies can travel in clear text or be read by scripts: missing cookie flags, plain HTTP, weak HSTS or mixed content.",
		Remediation: "Serve only HTTPS, redirect HTTP, and lock the session cookie down:\n\n```python\napp.config.update(\n    SESSION_COOKIE_SECURE=True,\n    SESSION_COOKIE_HTTPONLY=True,\n    SESSION_COOKIE_SAMESITE=\"Lax\",\n)\n# resp.set_cookie(\"token\", value, secure=True, httponly=True, samesite=\"Lax\")\n```\n\nBehind a proxy, redirect port 80 to https and send `Strict-Transport-Security: max-age=63072000; includeSubDomains`.",
	}
}

var sessionName = regexp.MustCompile(`(?i)sess|sid|token|auth|jwt|remember|login|user`)

// Inspect reads every response.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Status == 0 {
		return nil
	}
	var out []finding.Finding
	id := check.Identity(env, ex.Identity)
	out = append(out, c.cookies(ex, id)...)
	u, err := url.Parse(ex.URL)
	if err != nil {
		return out
	}
	if u.Scheme == "https" {
		if f, ok := c.hsts(ex, id); ok {
			out = append(out, f)
		}
		if f, ok := c.mixed(ex, id); ok {
			out = append(out, f)
		}
	} else if ex.Check == "baseline" && ex.Status < 300 && (c.opts.CleartextOnLoopback || !loopback(u.Hostname())) {
		f := check.FromExchange(c.Meta(), ex, id)
		f.Method, f.Path, f.Subject = http.MethodGet, "/", "cleartext-http"
		f.CWE = []string{"CWE-319"}
		f.Title = "API served over plain HTTP"
		f.Description = "The API answers on http:// instead of redirecting to https://: tokens, cookies and personal data cross the network readable and alterable."
		f.Severity = finding.Medium
		if ex.Identity != transport.AnonymousName {
			f.Severity = finding.High
			f.Description += " Credentials of the identity were accepted over this connection."
		}
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, "scheme: http, status "+strconv.Itoa(ex.Status)+" (no redirect to https)", nil)
		out = append(out, f)
	}
	return out
}

func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// cookies reports session-like cookies set without protective flags.
func (c *Check) cookies(ex *transport.Exchange, id transport.Identity) []finding.Finding {
	var out []finding.Finding
	for _, line := range ex.Header.Values("Set-Cookie") {
		hc, err := http.ParseSetCookie(line)
		if err != nil || hc.Value == "" || hc.MaxAge < 0 {
			continue
		}
		if !sessionName.MatchString(hc.Name) && !looksLikeToken(hc.Value) {
			continue
		}
		var missing []string
		sev := finding.Low
		if !hc.Secure {
			missing = append(missing, "Secure")
			sev = finding.Medium
		}
		if !hc.HttpOnly {
			missing = append(missing, "HttpOnly")
			sev = finding.Medium
		}
		if hc.SameSite == 0 || hc.SameSite == http.SameSiteDefaultMode || (hc.SameSite == http.SameSiteNoneMode && !hc.Secure) {
			missing = append(missing, "SameSite")
		}
		if len(missing) == 0 {
			continue
		}
		sort.Strings(missing)
		// The request that made the server set the cookie, body included
		// (a login POST sets no cookie without its body).
		f := check.FromExchange(c.Meta(), ex, id)
		f.Method, f.Path, f.Subject = http.MethodGet, "/", "cookie:"+hc.Name
		f.Severity = sev
		f.CWE = []string{"CWE-1004", "CWE-614", "CWE-1275"}
		if !hc.Secure {
			f.CWE = []string{"CWE-614", "CWE-1004", "CWE-1275"}
		}
		f.Title = "Session cookie " + hc.Name + " lacks " + strings.Join(missing, ", ")
		f.Description = "The cookie carries a session or token but is set without " + strings.Join(missing, ", ") + ": without Secure it travels over plain HTTP, without HttpOnly any injected script reads it, without SameSite other sites can send it along."
		v := finding.NewValue("session_cookie", "", hc.Value)
		f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, "Set-Cookie: "+line, []finding.Value{v})
		f.Evidence.Details = map[string]string{"cookie": hc.Name, "missing": strings.Join(missing, ", ")}
		out = append(out, f)
	}
	return out
}

func looksLikeToken(v string) bool {
	if _, err := itsdangerous.Parse(v); err == nil {
		return true
	}
	_, err := jwt.Parse(v)
	return err == nil
}

var maxAge = regexp.MustCompile(`(?i)max-age\s*=\s*"?(\d+)`)

// hsts reports an HSTS policy too short to protect returning visitors.
func (c *Check) hsts(ex *transport.Exchange, id transport.Identity) (finding.Finding, bool) {
	v := ex.Header.Get("Strict-Transport-Security")
	if v == "" {
		return finding.Finding{}, false // security-headers reports a missing header
	}
	m := maxAge.FindStringSubmatch(v)
	age := int64(0)
	if m != nil {
		age, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if age >= 15552000 {
		return finding.Finding{}, false
	}
	f := check.FromExchange(c.Meta(), ex, id)
	f.Method, f.Path, f.Subject = http.MethodGet, "/", "hsts-weak"
	f.Severity = finding.Low
	f.CWE = []string{"CWE-319", "CWE-523"}
	f.Title = "HSTS max-age shorter than six months"
	f.Description = "Strict-Transport-Security expires quickly, so browsers fall back to plain HTTP between visits."
	f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, "Strict-Transport-Security: "+v, nil)
	return f, true
}

var mixedRef = regexp.MustCompile(`(?i)<(?:script|link|img|iframe|form|source|video|audio|embed)\b[^>]*?\b(?:src|href|action)\s*=\s*["']?(http://[^"'\s>]+)`)

// mixed reports https pages that load or post to http:// URLs.
func (c *Check) mixed(ex *transport.Exchange, id transport.Identity) (finding.Finding, bool) {
	if !strings.Contains(strings.ToLower(ex.Header.Get("Content-Type")), "html") {
		return finding.Finding{}, false
	}
	ms := mixedRef.FindAllStringSubmatch(string(ex.Body), 10)
	if len(ms) == 0 {
		return finding.Finding{}, false
	}
	var refs []string
	for _, m := range ms {
		refs = append(refs, m[1])
	}
	f := check.FromExchange(c.Meta(), ex, id)
	f.Subject = "mixed-content"
	f.CWE = []string{"CWE-319"}
	f.Title = "Mixed content on an HTTPS page"
	f.Description = "An HTTPS page loads scripts, styles or forms over plain HTTP, which a network attacker can replace or read."
	f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, strings.Join(refs, "\n"), nil)
	return f, true
}
