// Package jwtweakness inspects JSON Web Tokens carried by identities and
// found in responses: HMAC secrets from a weak-key list (offline), personal
// data in claims, missing or very long expiry, unsigned tokens, suspicious
// kid/jku/x5u headers, and, online with a single GET, whether the API
// accepts the token re-issued with alg "none".
package jwtweakness

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
	"github.com/leakhound/leakhound/internal/weakkey"
)

// Options configure the check.
type Options struct {
	// Wordlist is tried after the built-in weak secrets.
	Wordlist []string
}

// Check is the jwt-weakness check.
type Check struct {
	keys []string

	mu   sync.Mutex
	done map[string][]finding.Finding // offline results by token and source
}

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
	_ check.Passive  = (*Check)(nil)
)

// New returns the check.
func New(o Options) *Check {
	return &Check{keys: weakkey.Merge(weakkey.Builtin(), o.Wordlist), done: map[string][]finding.Finding{}}
}

// SiteWide makes the engine run the active part once.
func (*Check) SiteWide() bool { return true }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "jwt-weakness",
		Title:       "JWT weakness",
		Severity:    finding.High,
		CWE:         []string{"CWE-347", "CWE-798", "CWE-312"},
		OWASP:       "API2:2023",
		Description: "A JSON Web Token is weak: guessable signing secret, unsigned tokens accepted, readable personal data in its claims, or no bounded lifetime.",
		Remediation: "Sign with a long random secret from the environment, pin the algorithm, require expiry, and keep personal data out of claims:\n\n```python\nimport jwt, datetime, os\nSECRET = os.environ[\"JWT_SECRET\"]  # secrets.token_hex(32)\ntoken = jwt.encode({\"sub\": str(user.id), \"exp\": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=15)}, SECRET, algorithm=\"HS256\")\nclaims = jwt.decode(token, SECRET, algorithms=[\"HS256\"], options={\"require\": [\"exp\", \"sub\"]})\n```",
	}
}

const (
	remediationSecret = "Replace the signing secret with a random 32-byte value from the environment (`secrets.token_hex(32)`), rotate it now so every issued token dies, and decode with an explicit algorithm list:\n\n```python\nSECRET = os.environ[\"JWT_SECRET\"]\nclaims = jwt.decode(token, SECRET, algorithms=[\"HS256\"])\n```"
	remediationNone   = "Never let the token choose its algorithm. With PyJWT always pass the allowed list, and never decode with `verify_signature=False`:\n\n```python\nclaims = jwt.decode(token, SECRET, algorithms=[\"HS256\"], options={\"require\": [\"exp\", \"sub\"]})\n```"
	remediationPII    = "JWT claims are only base64: put an opaque user id in `sub` and look personal data up server-side.\n\n```python\njwt.encode({\"sub\": str(user.id), \"exp\": expiry}, SECRET, algorithm=\"HS256\")  # no email, SSN or profile\n```"
	remediationExp    = "Issue short-lived tokens and require the claim when decoding:\n\n```python\npayload[\"exp\"] = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=15)\njwt.decode(token, SECRET, algorithms=[\"HS256\"], options={\"require\": [\"exp\"]})\n```"
	remediationKid    = "Treat `kid`, `jku` and `x5u` as untrusted: map `kid` to keys through a fixed dictionary, never to file paths or queries, and ignore key URLs from the token:\n\n```python\nKEYS = {\"2024-01\": os.environ[\"JWT_SECRET\"]}\nkey = KEYS[jwt.get_unverified_header(token)[\"kid\"]]  # KeyError → reject\n```"
)

// standard claims that are never personal data on their own.
var registered = map[string]bool{"iss": true, "sub": true, "aud": true, "exp": true, "nbf": true, "iat": true, "jti": true, "typ": true, "azp": true, "scope": true, "sid": true}

// analyse returns the offline findings of one token; mk builds the base.
func (c *Check) analyse(t *jwt.Token, mk func() finding.Finding, source string, issuedByServer bool) []finding.Finding {
	c.mu.Lock()
	cacheKey := t.Raw + "\x00" + source
	if fs, ok := c.done[cacheKey]; ok {
		c.mu.Unlock()
		return fs
	}
	c.mu.Unlock()

	var out []finding.Finding
	tokenValue := finding.NewValue("jwt", "", t.Raw)
	ev := func(excerpt string, values ...finding.Value) finding.Evidence {
		e := finding.NewEvidence(source, 0, excerpt, append([]finding.Value{tokenValue}, values...))
		e.Details = map[string]string{"alg": t.Alg(), "source": source}
		return e
	}
	add := func(subject string, sev finding.Severity, cwe []string, title, desc, rem string, e finding.Evidence) {
		f := mk()
		f.Method, f.Path, f.Subject = http.MethodGet, "/", subject
		f.Severity, f.CWE, f.Title, f.Description, f.Remediation = sev, cwe, title, desc, rem
		f.Evidence = e
		out = append(out, f)
	}

	if key, ok := t.Crack(c.keys); ok {
		v := finding.NewValue("jwt_secret", "", key)
		add("weak-hmac-secret", finding.Critical, []string{"CWE-798", "CWE-1391", "CWE-347"},
			"JWT signed with a guessable "+t.Alg()+" secret",
			"The token's HMAC signature verifies offline with a secret from a list of weak and default values: anyone can mint tokens for any user or role.",
			remediationSecret, ev("signature verified offline with secret "+key, v))
	}
	if strings.EqualFold(t.Alg(), "none") && issuedByServer {
		add("unsigned-token", finding.High, []string{"CWE-347"},
			"The API issues unsigned JWTs (alg none)",
			"A token from the API carries alg \"none\" and no signature: its claims can be changed at will.",
			remediationNone, ev("header alg: none"))
	}

	claims := map[string]any{}
	for k, v := range t.Claims {
		if !registered[k] {
			claims[k] = v
		}
	}
	if ms := detect.FindValues(claims); len(ms) > 0 {
		var values []finding.Value
		var fields []string
		sev := finding.Low
		if detect.Serious(ms) {
			sev = finding.Medium
		}
		for _, m := range ms {
			values = append(values, m.Value())
			fields = append(fields, m.Path)
			if detect.LevelOf(m.Type) >= detect.LevelCritical {
				sev = finding.High
			}
		}
		e := ev(detect.Excerpt(t.RawClaims, "application/json", 0, 600), values...)
		e.Details["fields"] = strings.Join(fields, ", ")
		add("pii-claims", sev, []string{"CWE-312", "CWE-359"},
			"JWT claims carry "+strings.ReplaceAll(detect.JoinTypes(detect.Types(ms)), "_", " "),
			"JWT claims are base64, not encrypted: every holder, log and proxy that sees the token reads them.",
			remediationPII, e)
	}

	exp, hasExp := t.NumericClaim("exp")
	iat, hasIat := t.NumericClaim("iat")
	switch {
	case !hasExp:
		add("no-expiry", finding.Medium, []string{"CWE-613"},
			"JWT has no expiry (exp)",
			"The token never expires: once leaked it works until the signing secret changes.",
			remediationExp, ev("claims without exp"))
	case hasIat && exp-iat > 30*24*3600:
		e := ev(fmt.Sprintf("lifetime %s", time.Duration(exp-iat)*time.Second))
		add("long-lifetime", finding.Medium, []string{"CWE-613"}, "JWT lifetime over 30 days",
			"Tokens stay valid for a very long time, so a leaked token is useful for long.", remediationExp, e)
	case hasIat && exp-iat > 24*3600:
		e := ev(fmt.Sprintf("lifetime %s", time.Duration(exp-iat)*time.Second))
		add("long-lifetime", finding.Low, []string{"CWE-613"}, "JWT lifetime over a day",
			"Access tokens usually live minutes; a long lifetime widens the window of a leaked token.", remediationExp, e)
	}

	if kid := t.HeaderString("kid"); kid != "" && suspiciousKid(kid) {
		e := ev("kid: " + kid[:min(len(kid), 120)])
		add("kid", finding.Medium, []string{"CWE-347", "CWE-20"}, "JWT kid header looks like a path, query or URL",
			"The key id names a file path, a query fragment or a URL; servers that resolve it that way can be made to verify with an attacker-chosen key.", remediationKid, e)
	}
	for _, h := range []string{"jku", "x5u"} {
		if v := t.HeaderString(h); v != "" {
			e := ev(h + ": " + v[:min(len(v), 200)])
			add(h, finding.Medium, []string{"CWE-347"}, "JWT header names a key URL ("+h+")",
				"Tokens point at the URL of their own verification key; a server that fetches it lets anyone sign tokens with their own key.", remediationKid, e)
		}
	}

	c.mu.Lock()
	c.done[cacheKey] = out
	c.mu.Unlock()
	return out
}

func suspiciousKid(kid string) bool {
	l := strings.ToLower(kid)
	for _, s := range []string{"../", "..\\", "/etc/", "/dev/", "'", "\"", ";", "--", " union ", "|", "$(", "`", "http://", "https://", "file:"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	return strings.HasPrefix(kid, "/")
}

// Inspect finds tokens in response bodies and cookies.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Status == 0 {
		return nil
	}
	var raw []string
	raw = append(raw, jwt.Find.FindAllString(string(ex.Body[:min(len(ex.Body), 1<<20)]), 10)...)
	for _, sc := range ex.Header.Values("Set-Cookie") {
		raw = append(raw, jwt.Find.FindAllString(sc, 2)...)
	}
	if len(raw) == 0 {
		return nil
	}
	id := check.Identity(env, ex.Identity)
	var out []finding.Finding
	seen := map[string]bool{}
	for _, r := range raw {
		if seen[r] {
			continue
		}
		seen[r] = true
		t, err := jwt.Parse(r)
		if err != nil {
			continue
		}
		mk := func() finding.Finding {
			f := check.FromExchange(c.Meta(), ex, id)
			f.Reproduce = transport.Curl(ex.Method, ex.URL, id, nil, nil)
			return f
		}
		out = append(out, c.analyse(t, mk, "response of "+ex.Method+" "+ex.Template, true)...)
	}
	return out
}

// tokenSource is a token and how to send it.
type tokenSource struct {
	tok    *jwt.Token
	id     transport.Identity // the identity carrying it, if any
	header string
	where  string
}

// Run analyses identity tokens and tests alg none online.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	var out []finding.Finding
	var sources []tokenSource
	for _, id := range env.Identities() {
		for h, vs := range id.Header {
			for _, v := range vs {
				for _, r := range jwt.Find.FindAllString(v, 2) {
					if t, err := jwt.Parse(r); err == nil {
						sources = append(sources, tokenSource{tok: t, id: id, header: h, where: "identity " + id.Name})
					}
				}
			}
		}
	}
	for _, s := range sources {
		s := s
		mk := func() finding.Finding {
			return check.New(c.Meta(), surface.Endpoint{Method: http.MethodGet, Path: "/"}, nil, s.id)
		}
		out = append(out, c.analyse(s.tok, mk, s.where, false)...)
	}
	// Tokens the API handed out during the baseline, read back from the cache.
	for _, e := range env.Endpoints() {
		if e.Method != http.MethodGet || len(sources) >= 4 {
			continue
		}
		p, ok := e.Concrete()
		if !ok {
			continue
		}
		for _, id := range env.Identities() {
			resp, err := env.Do(ctx, transport.Request{Path: p}, id)
			if err != nil || resp.Status >= 300 {
				continue
			}
			for _, r := range jwt.Find.FindAllString(string(resp.Body[:min(len(resp.Body), 1<<20)]), 2) {
				if t, err := jwt.Parse(r); err == nil && t.IsHMAC() {
					sources = append(sources, tokenSource{tok: t, header: "Authorization", where: "response of GET " + e.Path})
				}
			}
		}
	}
	tested := map[string]bool{}
	for _, s := range sources {
		if len(tested) >= 2 || ctx.Err() != nil {
			break
		}
		if tested[s.tok.Raw] || strings.EqualFold(s.tok.Alg(), "none") {
			continue
		}
		tested[s.tok.Raw] = true
		if f, ok := c.algNone(ctx, env, s); ok {
			out = append(out, f)
			break
		}
	}
	return out, ctx.Err()
}

// with returns an identity that sends token in place of the original.
func (s tokenSource) with(name, token string) transport.Identity {
	h := http.Header{}
	if s.id.Header != nil {
		for k, vs := range s.id.Header {
			for _, v := range vs {
				h.Add(k, strings.ReplaceAll(v, s.tok.Raw, token))
			}
		}
	} else {
		h.Set("Authorization", "Bearer "+token)
	}
	return transport.Identity{Name: name, Header: h, Synthetic: name != "jwt-from-response"}
}

// algNone finds a GET endpoint that needs the token, then replays the token
// with alg none there; a tampered signature is the control.
func (c *Check) algNone(ctx context.Context, env check.Env, s tokenSource) (finding.Finding, bool) {
	anon := transport.Anonymous()
	real := s.id
	if real.Header == nil {
		real = s.with("jwt-from-response", s.tok.Raw)
	}
	tries := 0
	// Endpoints that need the token: when it came from a response, those
	// no configured identity opens are the ones that take it.
	for _, e := range check.RefusingAnonymous(ctx, env, s.id.Header == nil) {
		if tries >= 8 || ctx.Err() != nil {
			break
		}
		p, _ := e.Concrete()
		plain, err := env.Do(ctx, transport.Request{Path: p}, anon)
		if err != nil {
			continue
		}
		tries++
		good, err := env.Do(ctx, transport.Request{Path: p, NoCache: s.id.Header == nil}, real)
		if err != nil || good.Status < 200 || good.Status >= 300 {
			continue
		}
		none, err := env.Do(ctx, transport.Request{Path: p, NoCache: true}, s.with("jwt-alg-none", s.tok.NoneVariant()))
		if err != nil || none.Status < 200 || none.Status >= 300 {
			return finding.Finding{}, false // the endpoint verifies; one endpoint is enough
		}
		tampered, err := env.Do(ctx, transport.Request{Path: p, NoCache: true}, s.with("jwt-bad-signature", s.tok.TamperedVariant()))
		noCheck := err == nil && tampered.Status >= 200 && tampered.Status < 300
		f := check.New(c.Meta(), e, none, anon)
		f.Reproduce = "# the token with header {\"alg\":\"none\"} and an empty signature:\ncurl -H '" + s.header + ": Bearer $ALG_NONE_TOKEN' '" + none.URL + "'"
		if s.id.Name != "" {
			f.Identity = s.id.Name
		}
		f.Subject = "alg-none-accepted"
		f.Severity = finding.Critical
		f.CWE = []string{"CWE-347", "CWE-287"}
		f.Title = "API accepts JWTs with alg none"
		f.Description = fmt.Sprintf("The token re-issued with alg \"none\" and no signature was accepted (anonymous %d, alg none %d): anyone can write their own claims.", plain.Status, none.Status)
		if noCheck {
			f.Title = "API does not verify JWT signatures"
			f.Description += " A token with a corrupted signature was accepted too: signatures are not checked at all."
		}
		f.Remediation = remediationNone
		f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodGet, none.URL), none.Status, s.header+": Bearer <token with alg none>", []finding.Value{finding.NewValue("jwt", "", s.tok.Raw)})
		f.Evidence.Details = map[string]string{"token_source": s.where, "anonymous_status": fmt.Sprint(plain.Status), "alg_none_status": fmt.Sprint(none.Status), "bad_signature_accepted": fmt.Sprint(noCheck), "original_alg": s.tok.Alg()}
		return f, true
	}
	return finding.Finding{}, false
}
