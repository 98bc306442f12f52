// Package jwtweakness inspects JSON Web Tokens carried by identities and
// found in responses: HMAC secrets from a weak-key list (offline), personal
// data in claims, missing or very long expiry, unsigned tokens, suspicious
// kid/jku/x5u headers, and, online with a single GET, whether the API
// accepts the token re-issued with alg "none".
package jwtweakness

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
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
	// Harvest, shared with the other key-cracking checks, collects the
	// secrets the scan reads; they are tried as signing keys once every
	// other check ran. Nil means the check keeps its own.
	Harvest *weakkey.Harvest
}

// Check is the jwt-weakness check.
type Check struct {
	keys    []string
	harvest *weakkey.Harvest

	mu   sync.Mutex
	done map[string][]finding.Finding // offline results by token and source
	held []heldToken                  // every HMAC token seen, for Finish
	seen map[string]bool
}

// heldToken is an HMAC token and where it was first seen.
type heldToken struct {
	tok   *jwt.Token
	where string
}

// Crack tries candidates as the token's HMAC secret (weakkey.Signed).
func (h heldToken) Crack(candidates []string) (string, bool) { return h.tok.Crack(candidates) }

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
	_ check.Passive  = (*Check)(nil)
	_ check.Finisher = (*Check)(nil)
)

// New returns the check.
func New(o Options) *Check {
	h := o.Harvest
	if h == nil {
		h = weakkey.NewHarvest()
	}
	return &Check{keys: weakkey.Merge(weakkey.Builtin(), o.Wordlist), harvest: h, done: map[string][]finding.Finding{}, seen: map[string]bool{}}
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
		f.Subject = subject
		f.Severity, f.CWE, f.Title, f.Description, f.Remediation = sev, cwe, title, desc, rem
		f.Evidence = e
		out = append(out, f)
	}

	if t.IsHMAC() {
		c.hold(t, source)
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
		e := ev("lifetime " + lifetime(exp-iat))
		add("long-lifetime", finding.Medium, []string{"CWE-613"}, "JWT lifetime over 30 days",
			"Tokens stay valid for a very long time, so a leaked token is useful for long.", remediationExp, e)
	case hasIat && exp-iat > 24*3600:
		e := ev("lifetime " + lifetime(exp-iat))
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

// lifetime writes a positive number of seconds for people: 15m0s, 3 days,
// 120 years. It never overflows (time.Duration stops at 292 years).
func lifetime(seconds int64) string {
	const day = 24 * 3600
	switch {
	case seconds >= 2*365*day:
		return fmt.Sprintf("%d years", seconds/(365*day))
	case seconds >= 2*day:
		return fmt.Sprintf("%d days", seconds/day)
	}
	return (time.Duration(seconds) * time.Second).String()
}

// hold keeps an HMAC token for the harvested-key trials of Finish.
func (c *Check) hold(t *jwt.Token, where string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[t.Raw] {
		return
	}
	c.seen[t.Raw] = true
	c.held = append(c.held, heldToken{tok: t, where: where})
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

// Inspect reads the secrets of every answer into the harvest and analyses
// the tokens the API issued: in bodies, Set-Cookie and other response
// headers. A token the request carried (an echo of the caller's own
// credential, a token in the URL or body) is not issued by the API and is
// left to the analysis of the identity holding it.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Status == 0 {
		return nil
	}
	where := "response of " + ex.Method + " " + ex.Template
	c.harvest.Observe(ex.Body, ex.Header.Get("Content-Type"), weakkey.Origin{Method: ex.Method, Path: ex.Template, URL: ex.URL, Identity: ex.Identity, Where: where})
	raw := jwt.Find.FindAllString(string(ex.Body[:min(len(ex.Body), 1<<20)]), 10)
	for k, vs := range ex.Header {
		if strings.EqualFold(k, "Content-Type") || strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range vs {
			raw = append(raw, jwt.Find.FindAllString(v, 2)...)
		}
	}
	if len(raw) == 0 {
		return nil
	}
	id := check.Identity(env, ex.Identity)
	sent := sentBy(ex, env)
	var out []finding.Finding
	seen := map[string]bool{}
	for _, r := range raw {
		if seen[r] || strings.Contains(sent, r) {
			continue
		}
		seen[r] = true
		t, err := jwt.Parse(r)
		if err != nil {
			continue
		}
		mk := func() finding.Finding {
			f := check.FromExchange(c.Meta(), ex, id)
			f.Reproduce = transport.Curl(ex.Method, ex.URL, id, ex.ReqHeader, ex.ReqBody)
			return f
		}
		out = append(out, c.analyse(t, mk, where, true)...)
	}
	return out
}

// sentBy returns everything the request of ex carried, identity
// credentials included, as one string to search tokens in.
func sentBy(ex *transport.Exchange, env check.Env) string {
	var b strings.Builder
	b.WriteString(ex.URL)
	b.Write(ex.ReqBody)
	for _, vs := range ex.ReqHeader {
		for _, v := range vs {
			b.WriteString("\n" + v)
		}
	}
	for _, cr := range check.CredentialsOf(env) {
		if cr.Identity.Name != ex.Identity {
			continue
		}
		for _, vs := range cr.Header {
			for _, v := range vs {
				b.WriteString("\n" + v)
			}
		}
	}
	return b.String()
}

// tokenSource is a token and how to send it.
type tokenSource struct {
	tok *jwt.Token
	// cred is the identity carrying it; its Header is nil for a token found
	// in a response.
	cred   check.Credential
	header string // the header carrying it, as typed
	where  string
}

// credentialSources lists the JWTs every identity sends, static or from its
// login flow, dead identities included, in a stable order.
func credentialSources(env check.Env) []tokenSource {
	var out []tokenSource
	for _, cr := range check.CredentialsOf(env) {
		names := make([]string, 0, len(cr.Header))
		for k := range cr.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fromLogin := slices.ContainsFunc(cr.Login, func(n string) bool { return strings.EqualFold(n, k) })
			for _, v := range cr.Header[k] {
				for _, r := range jwt.Find.FindAllString(v, 4) {
					t, err := jwt.Parse(r)
					if err != nil {
						continue
					}
					where := "identity " + cr.Identity.Name + " (" + k + " header)"
					if fromLogin {
						where = "login flow of " + cr.Identity.Name + " (" + k + " header)"
					}
					if cr.Dead {
						where += ", an identity left out of the checks"
					}
					out = append(out, tokenSource{tok: t, cred: cr, header: k, where: where})
				}
			}
		}
	}
	return out
}

// Run analyses every token the identities carry, those of their login
// flows and of dead identities included, and tests alg none online.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	var out []finding.Finding
	sources := credentialSources(env)
	documented, haveDocumented := surface.TokenIssuer(env.Endpoints())
	for _, s := range sources {
		id := s.cred.Identity
		mk := func() finding.Finding {
			return check.New(c.Meta(), surface.Endpoint{Method: http.MethodGet, Path: "/"}, nil, id)
		}
		// A login flow's token was returned by the API without being sent.
		login := strings.HasPrefix(s.where, "login flow")
		issuer, how, ok := issuerOf(s, login, env, documented, haveDocumented)
		for _, f := range c.analyse(s.tok, mk, s.where, login) {
			if ok && issuedClaims[f.Subject] {
				// What the claims hold is the issuer's choice: the
				// finding belongs to the operation whose answer carried
				// the token, not to the site.
				f.Method, f.Path = issuer.Method, issuer.Path
				f.Evidence.Details = maps.Clone(f.Evidence.Details)
				f.Evidence.Details["issued_by"] = issuer.Method + " " + issuer.Path + " (" + how + ")"
			}
			out = append(out, f)
		}
	}
	var live []tokenSource
	for _, s := range sources {
		if !s.cred.Dead {
			live = append(live, s)
		}
	}
	// Tokens the API handed out during the baseline, read back from the cache.
	held := map[string]bool{}
	for _, s := range sources {
		held[s.tok.Raw] = true
	}
	for _, e := range env.Endpoints() {
		if e.Method != http.MethodGet || len(live) >= 4 {
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
				if t, err := jwt.Parse(r); err == nil && t.IsHMAC() && !held[r] {
					held[r] = true
					live = append(live, tokenSource{tok: t, header: "Authorization", where: "response of GET " + e.Path})
				}
			}
		}
	}
	tested := map[string]bool{}
	for _, s := range live {
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

// issuedClaims are the subjects of findings about what a token's claims
// hold: the operation that issued the token chose them.
var issuedClaims = map[string]bool{"pii-claims": true, "no-expiry": true, "long-lifetime": true}

// issuerOf names the operation whose answer carried a source's token: the
// login flow's request when the token came from one, else the API's one
// documented login operation (surface.TokenIssuer) for a token given as a
// static header. ok is false when neither is known.
func issuerOf(s tokenSource, login bool, env check.Env, documented surface.Endpoint, haveDocumented bool) (ep surface.Endpoint, how string, ok bool) {
	if login {
		is, isIssuer := s.cred.Identity.Login.(transport.Issuer)
		if !isIssuer {
			return surface.Endpoint{}, "", false
		}
		method, path := is.Operation()
		path, _, _ = strings.Cut(path, "?")
		for _, e := range env.Endpoints() {
			if e.Method == method && e.Matches(path) {
				return e, "the login flow of " + s.cred.Identity.Name, true
			}
		}
		return surface.Endpoint{Method: method, Path: path}, "the login flow of " + s.cred.Identity.Name, true
	}
	if haveDocumented {
		return documented, "the API's documented login operation", true
	}
	return surface.Endpoint{}, "", false
}

// with returns an identity that sends every credential of the source with
// token in place of the original (without a login flow: the headers are
// final). It is synthetic (transport.Identity.Synthetic) unless it sends
// the API's own token unchanged.
func (s tokenSource) with(name, token string) transport.Identity {
	h := http.Header{}
	forged := token != s.tok.Raw
	if s.cred.Header == nil {
		h["Authorization"] = []string{"Bearer " + token}
		return transport.Identity{Name: name, Header: h, Synthetic: forged}
	}
	for k, vs := range s.cred.Header {
		for _, v := range vs {
			h[k] = append(h[k], strings.ReplaceAll(v, s.tok.Raw, token))
		}
	}
	return transport.Identity{Name: name, Header: h, Synthetic: forged}
}

// without returns an identity that sends every credential of the source
// except the token: the header carrying it is dropped, or only the cookie
// carrying it when the Cookie header holds others.
func (s tokenSource) without(name string) transport.Identity {
	h := http.Header{}
	for k, vs := range s.cred.Header {
		for _, v := range vs {
			if !strings.Contains(v, s.tok.Raw) {
				h[k] = append(h[k], v)
				continue
			}
			if strings.EqualFold(k, "Cookie") {
				var keep []string
				for _, part := range strings.Split(v, ";") {
					if !strings.Contains(part, s.tok.Raw) && strings.TrimSpace(part) != "" {
						keep = append(keep, strings.TrimSpace(part))
					}
				}
				if len(keep) > 0 {
					h[k] = append(h[k], strings.Join(keep, "; "))
				}
			}
		}
	}
	// Not the identity, not anonymous: a credential set the scan made.
	return transport.Identity{Name: name, Header: h, Synthetic: true}
}

// secrets returns the placeholders of a reproduction that sends the source's
// credentials with the token replaced by variable tokenVar: the header that
// carries the token keeps its literal scheme ("Bearer "), the others stand
// for the identity's own values.
func (s tokenSource) secrets(tokenVar, note string) []transport.Secret {
	if s.cred.Header == nil {
		return []transport.Secret{{Header: "Authorization", Prefix: "Bearer ", Var: tokenVar, Note: note}}
	}
	names := make([]string, 0, len(s.cred.Header))
	for k := range s.cred.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []transport.Secret
	for _, k := range names {
		for _, v := range s.cred.Header[k] {
			before, after, found := strings.Cut(v, s.tok.Raw)
			switch {
			case !found:
				out = append(out, transport.Secret{Header: k, Var: transport.PlaceholderName(s.cred.Identity.Name, k), Note: "the " + k + " header " + s.cred.Identity.Name + " sends"})
			case after == "" && literalScheme.MatchString(before):
				out = append(out, transport.Secret{Header: k, Prefix: before, Var: tokenVar, Note: note})
			default:
				// Other credentials share the header: the variable holds it whole.
				out = append(out, transport.Secret{Header: k, Var: tokenVar + "_" + strings.ToUpper(strings.ReplaceAll(k, "-", "_")), Note: "the " + k + " header " + s.cred.Identity.Name + " sends, its token replaced by " + note})
			}
		}
	}
	return out
}

// literalScheme is what may precede a token in a header and be printed:
// an authentication scheme or a single cookie name.
var literalScheme = regexp.MustCompile(`^((?i:bearer|jwt|token) |[A-Za-z0-9_.-]+=)?$`)

// refused reports an answer that denies access for want of a credential.
func refused(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusBadRequest
}

// algNone finds a GET endpoint where the token is what authenticates, then
// replays the token with alg none there; a tampered signature is the
// second probe. Controls: the request without the token (every other
// credential kept) must be refused, and the real token accepted; only then
// does an accepted forged token prove anything.
func (c *Check) algNone(ctx context.Context, env check.Env, s tokenSource) (finding.Finding, bool) {
	anon := transport.Anonymous()
	real := s.cred.Identity // the identity itself: its answers are its own
	if s.cred.Header == nil || s.cred.Dead {
		real = s.with("jwt-from-response", s.tok.Raw)
	} else if real.Login != nil {
		real = s.with(real.Name, s.tok.Raw) // this very token, not a newer login
		real.Synthetic = false
	}
	tries := 0
	// Endpoints that need the token: when it came from a response, those
	// no configured identity opens are the ones that take it.
	for _, e := range check.RefusingAnonymous(ctx, env, s.cred.Header == nil) {
		if tries >= 8 || ctx.Err() != nil {
			break
		}
		p, _ := e.Concrete()
		plain, err := env.Do(ctx, transport.Request{Path: p}, anon)
		if err != nil {
			continue
		}
		tries++
		without := plain
		if s.cred.Header != nil {
			if without, err = env.Do(ctx, transport.Request{Path: p, NoCache: true}, s.without("jwt-removed")); err != nil {
				continue
			}
		}
		if !refused(without.Status) {
			continue // another credential opens it: the token is not what is checked here
		}
		good, err := env.Do(ctx, transport.Request{Path: p, NoCache: true}, real)
		if err != nil || good.Status < 200 || good.Status >= 300 {
			continue
		}
		noneAs, badAs := s.with("jwt-alg-none", s.tok.NoneVariant()), s.with("jwt-bad-signature", s.tok.TamperedVariant())
		none, err := env.Do(ctx, transport.Request{Path: p, NoCache: true}, noneAs)
		if err != nil {
			continue
		}
		noneOK := none.Status >= 200 && none.Status < 300
		tampered, err := env.Do(ctx, transport.Request{Path: p, NoCache: true}, badAs)
		badOK := err == nil && tampered.Status >= 200 && tampered.Status < 300
		if !noneOK && !badOK {
			return finding.Finding{}, false // the endpoint verifies; one endpoint is enough
		}
		// The forged token that worked, its variable and what it is.
		proof, as, tokenVar := none, noneAs, "ALG_NONE_TOKEN"
		how := "# ALG_NONE_TOKEN is the token with its header changed to {\"alg\":\"none\"} and its signature removed:\n" +
			"# base64url('{\"alg\":\"none\",...}') + '.' + the original claims part + '.'\n"
		if !noneOK {
			proof, as, tokenVar = tampered, badAs, "BAD_SIGNATURE_TOKEN"
			how = "# BAD_SIGNATURE_TOKEN is the token with the last byte of its signature changed\n"
		}
		f := check.New(c.Meta(), e, proof, as)
		f.Reproduce = how + transport.CurlSecrets(http.MethodGet, proof.URL, s.secrets(tokenVar, "the forged token (see above)"), nil, nil)
		if s.cred.Identity.Name != "" {
			f.Identity = s.cred.Identity.Name
		}
		f.Severity = finding.Critical
		f.CWE = []string{"CWE-347", "CWE-287"}
		f.Remediation = remediationNone
		switch {
		case noneOK:
			f.Subject = "alg-none-accepted"
			f.Title = "API accepts JWTs with alg none"
			f.Description = fmt.Sprintf("The token re-issued with alg \"none\" and no signature was accepted (without the token %d, with it %d, alg none %d): anyone can write their own claims.", without.Status, good.Status, none.Status)
			if badOK {
				f.Title = "API does not verify JWT signatures"
				f.Description += " A token with a corrupted signature was accepted too: signatures are not checked at all."
			}
		default:
			f.Subject = "bad-signature-accepted"
			f.Title = "API does not verify JWT signatures"
			f.Description = fmt.Sprintf("The token with a corrupted signature was accepted (without the token %d, with it %d, corrupted %d; alg none was refused with %d): signatures are not checked, anyone can write their own claims.", without.Status, good.Status, tampered.Status, none.Status)
		}
		sentAs := "Authorization: Bearer <forged token>"
		for _, sec := range s.secrets(tokenVar, "") {
			if sec.Var == tokenVar {
				sentAs = sec.Header + ": " + sec.Prefix + "<forged token>"
			} else if strings.HasPrefix(sec.Var, tokenVar+"_") {
				sentAs = sec.Header + ": <its other values> <forged token>"
			}
		}
		f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodGet, proof.URL), proof.Status, sentAs, []finding.Value{finding.NewValue("jwt", "", s.tok.Raw)})
		f.Evidence.Details = map[string]string{"token_source": s.where, "anonymous_status": fmt.Sprint(plain.Status), "without_token_status": fmt.Sprint(without.Status), "alg_none_status": fmt.Sprint(none.Status), "bad_signature_accepted": fmt.Sprint(badOK), "original_alg": s.tok.Alg(), "header": s.header}
		return f, true
	}
	return finding.Finding{}, false
}

// Finish tries every secret the scan read (answers, spec examples) as the
// HMAC key of every token seen. A hit is one finding per key, at the
// operation that exposed it, naming what it forges.
func (c *Check) Finish(ctx context.Context, env check.Env) []finding.Finding {
	c.mu.Lock()
	held := append([]heldToken(nil), c.held...)
	c.mu.Unlock()
	// In a stable order, whatever order the requests ran in.
	sort.Slice(held, func(i, j int) bool { a, b := held[i], held[j]; return a.where+a.tok.Raw < b.where+b.tok.Raw })
	var out []finding.Finding
	for _, e := range weakkey.Exposures(ctx, c.harvest, env.Endpoints(), held) {
		h, o, key := e.Signed[0], e.Origin, e.Key
		forges := make([]string, len(e.Signed))
		for i, s := range e.Signed {
			forges[i] = s.where
		}
		f := o.Finding(c.Meta(), env)
		claims := make([]string, 0, len(h.tok.Claims))
		for k := range h.tok.Claims {
			claims = append(claims, k)
		}
		sort.Strings(claims)
		f.Subject = "exposed-signing-key"
		f.Severity = finding.Critical
		f.CWE = []string{"CWE-321", "CWE-200", "CWE-347"}
		f.Title = "JWT signing secret exposed in " + o.Where + ": tokens can be forged"
		f.Description = fmt.Sprintf("A value read in %s is the %s secret that signs the tokens of %s. With it anyone can mint tokens with any claims (%s): any user, any role.", o.Where, h.tok.Alg(), h.where, strings.Join(claims, ", "))
		f.Remediation = "Stop exposing configuration (environment dumps, .env files, debug and status pages, bundles), then rotate the signing secret: every token signed with it must die.\n\n" + remediationSecret
		v := finding.NewValue("jwt_secret", o.Name, key)
		f.Evidence = finding.NewEvidence(o.Where, 0, "the token's signature verifies offline with the value of "+cmpOr(o.Name, "a secret")+" found there: "+key, []finding.Value{v, finding.NewValue("jwt", "", h.tok.Raw)})
		f.Evidence.Details = map[string]string{"key_found_in": o.Where, "forges": strings.Join(forges, "; "), "alg": h.tok.Alg(), "proof": "offline HMAC verification"}
		out = append(out, f)
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
