// Package flasksession decodes Flask session cookies (itsdangerous format)
// seen in responses or carried by identities, reports personal data and
// roles stored in them, and tests their signature offline against weak and
// default SECRET_KEYs. With the forge option, and only then, it proves a
// cracked key by replaying a re-signed copy of the session on a GET.
package flasksession

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/itsdangerous"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
	"github.com/leakhound/leakhound/internal/weakkey"
)

// Options configure the check.
type Options struct {
	// Wordlist is tried after the built-in weak keys.
	Wordlist []string
	// Forge permits replaying a re-signed session on a GET to prove a
	// cracked key.
	Forge bool
	// Harvest, shared with the other key-cracking checks, collects the
	// secrets the scan reads; they are tried as SECRET_KEY once every
	// other check ran. Nil means the check keeps its own.
	Harvest *weakkey.Harvest
}

// Check is the flask-session-cookie check.
type Check struct {
	keys    []string
	forge   bool
	harvest *weakkey.Harvest

	mu      sync.Mutex
	cracked map[string]crackResult // by cookie value
	held    []heldCookie           // every session cookie seen, for Finish
}

// heldCookie is a session cookie and where it was first seen.
type heldCookie struct {
	name, where string
	ck          *itsdangerous.Cookie
}

// Crack tries candidates as the cookie's SECRET_KEY (weakkey.Signed).
func (h heldCookie) Crack(candidates []string) (string, bool) { return h.ck.Crack(candidates) }

type crackResult struct {
	key string
	ok  bool
}

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
	return &Check{keys: weakkey.Merge(weakkey.Builtin(), o.Wordlist), forge: o.Forge, harvest: h, cracked: map[string]crackResult{}}
}

// SiteWide makes the engine run the active part once.
func (*Check) SiteWide() bool { return true }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:          "flask-session-cookie",
		Title:       "Flask session cookie weakness",
		Severity:    finding.High,
		CWE:         []string{"CWE-315", "CWE-312"},
		OWASP:       "API2:2023",
		Description: "Flask keeps the whole session in a cookie that is signed, not encrypted: anyone can read it, and anyone who knows SECRET_KEY can forge it.",
		Remediation: "Load a long random key from the environment and keep only an opaque id in the session:\n\n```python\n# python -c 'import secrets; print(secrets.token_hex(32))'\napp.config[\"SECRET_KEY\"] = os.environ[\"FLASK_SECRET_KEY\"]\nsession[\"uid\"] = user.id  # no email, role or profile data\n```\n\nFor data that must stay private, use server-side sessions (Flask-Session). Rotate the key now if it was guessable: every existing session becomes invalid.",
	}
}

const crackRemediation = "Replace SECRET_KEY with a random 32-byte value loaded from the environment and rotate it now (all sessions are invalidated):\n\n```python\n# python -c 'import secrets; print(secrets.token_hex(32))'\napp.config[\"SECRET_KEY\"] = os.environ[\"FLASK_SECRET_KEY\"]\n```\n\nNever commit the key, never reuse tutorial values, and fail start-up when it is missing."

func (c *Check) crack(ck *itsdangerous.Cookie) (string, bool) {
	c.mu.Lock()
	r, ok := c.cracked[ck.Raw]
	c.mu.Unlock()

	if ok {
		return r.key, r.ok
	}
	key, found := ck.Crack(c.keys)
	c.mu.Lock()
	c.cracked[ck.Raw] = crackResult{key, found}
	c.mu.Unlock()
	return key, found
}

// base builds the fixed part of a finding; where says where the cookie was seen.
type base func() finding.Finding

// analyse returns the offline findings of one cookie.
func (c *Check) analyse(name string, ck *itsdangerous.Cookie, mk base, where string) []finding.Finding {
	c.hold(name, ck, where)
	var out []finding.Finding
	var payload any
	_ = json.Unmarshal(ck.JSON, &payload)
	ms := detect.FindValues(untag(payload))
	details := func() map[string]string {
		d := map[string]string{"cookie": name, "seen": where, "compressed": fmt.Sprint(ck.Compressed), "signed_at": ck.Timestamp.Format(time.RFC3339)}
		return d
	}
	if len(ms) > 0 {
		f := mk()
		f.Method, f.Path = http.MethodGet, "/"
		f.Subject = "client-side-data:" + name
		f.Title = "Flask session cookie stores " + strings.ReplaceAll(detect.JoinTypes(detect.Types(ms)), "_", " ") + " client-side"
		f.Description = "The `" + name + "` cookie is a Flask session: its payload is only base64 (and zlib), so anyone holding the cookie, or any script or proxy that sees it, reads these fields."
		f.CWE = []string{"CWE-315", "CWE-312"}
		f.Severity = finding.Medium
		if detect.WorstLevel(ms) >= detect.LevelCritical {
			f.Severity = finding.High
		} else if !detect.Serious(ms) {
			f.Severity = finding.Low
			f.Description += " Roles kept client-side are only as safe as SECRET_KEY."
		}
		var values []finding.Value
		var fields []string
		for _, m := range ms {
			values = append(values, m.Value())
			fields = append(fields, m.Path)
		}
		sort.Strings(fields)
		f.Evidence = finding.NewEvidence(name+" cookie", 0, detect.Excerpt(ck.JSON, "application/json", 0, 600), values)
		f.Evidence.Details = details()
		f.Evidence.Details["fields"] = strings.Join(fields, ", ")
		out = append(out, f)
	}
	if key, ok := c.crack(ck); ok {
		f := mk()
		f.Method, f.Path = http.MethodGet, "/"
		f.Subject = "weak-secret-key"
		f.Severity = finding.Critical
		f.Confidence = finding.ConfidenceHigh
		f.CWE = []string{"CWE-798", "CWE-321", "CWE-1391"}
		f.Title = "Flask SECRET_KEY is a guessable value: sessions can be forged"
		f.Description = "The session cookie's HMAC-SHA1 signature (itsdangerous, salt \"cookie-session\") verifies with a key from a list of weak and default secrets. Anyone can sign a session for any user or role."
		f.Remediation = crackRemediation
		v := finding.NewValue("secret_key", "", key)
		f.Evidence = finding.NewEvidence(name+" cookie", 0, "signature verified offline with SECRET_KEY = "+key, []finding.Value{v})
		f.Evidence.Details = details()
		f.Evidence.Details["proof"] = "offline HMAC verification"
		out = append(out, f)
	}
	return out
}

// hold keeps a session cookie for the harvested-key trials of Finish.
func (c *Check) hold(name string, ck *itsdangerous.Cookie, where string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, h := range c.held {
		if h.ck.Raw == ck.Raw {
			return
		}
	}
	if len(c.held) < 64 {
		c.held = append(c.held, heldCookie{name: name, where: where, ck: ck})
	}
}

// untag turns Flask's tagged JSON ({" t": [..]}, {" u": ..}) into plain values.
func untag(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, inner := range t {
				if len(k) == 2 && k[0] == ' ' {
					return untag(inner)
				}
			}
		}
		out := make(map[string]any, len(t))
		for k, inner := range t {
			out[k] = untag(inner)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, inner := range t {
			out[i] = untag(inner)
		}
		return out
	}
	return v
}

// Inspect decodes session cookies set by any response.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Status != 0 {
		c.harvest.Observe(ex.Body, ex.Header.Get("Content-Type"), weakkey.Origin{Method: ex.Method, Path: ex.Template, URL: ex.URL, Identity: ex.Identity, Where: "response of " + ex.Method + " " + ex.Template})
	}
	if len(ex.Header.Values("Set-Cookie")) == 0 {
		return nil
	}
	var out []finding.Finding
	id := check.Identity(env, ex.Identity)
	for _, hc := range (&http.Response{Header: ex.Header}).Cookies() {
		ck, err := itsdangerous.Parse(hc.Value)
		if err != nil {
			continue
		}
		mk := func() finding.Finding {
			f := check.FromExchange(c.Meta(), ex, id)
			f.Reproduce = transport.Curl(ex.Method, ex.URL, id, ex.ReqHeader, ex.ReqBody)
			return f
		}
		out = append(out, c.analyse(hc.Name, ck, mk, "Set-Cookie on "+ex.Method+" "+ex.Template)...)
	}
	return out
}

type seen struct {
	name, where string
	ck          *itsdangerous.Cookie
	as          transport.Identity
}

// Run analyses the cookies identities carry and, with Forge, proves a
// cracked key by replay.
func (c *Check) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	var out []finding.Finding
	var cookies []seen
	// Every identity's cookies, those its login flow set and those of
	// identities left out of the checks included.
	for _, cr := range check.CredentialsOf(env) {
		where := "identity " + cr.Identity.Name
		if len(cr.Login) > 0 {
			where = "identity " + cr.Identity.Name + " (cookies after its login flow)"
		}
		if cr.Dead {
			where += ", an identity left out of the checks"
		}
		for _, line := range transport.HeaderValues(cr.Header, "Cookie") {
			hcs, err := http.ParseCookie(line)
			if err != nil {
				continue
			}
			for _, hc := range hcs {
				if ck, err := itsdangerous.Parse(hc.Value); err == nil {
					cookies = append(cookies, seen{hc.Name, where, ck, cr.Identity})
				}
			}
		}
	}
	for _, s := range cookies {
		id := s.as
		mk := func() finding.Finding {
			return check.New(c.Meta(), surface.Endpoint{Method: http.MethodGet, Path: "/"}, nil, id)
		}
		out = append(out, c.analyse(s.name, s.ck, mk, s.where)...)
	}
	if !c.forge {
		return out, nil
	}
	// Sessions set by responses of the baseline (read back from the scan's cache).
	for _, e := range env.Endpoints() {
		if e.Method != http.MethodGet || len(cookies) >= 8 {
			continue
		}
		p, ok := e.Concrete()
		if !ok {
			continue
		}
		for _, id := range env.Identities() {
			resp, err := env.Do(ctx, transport.Request{Path: p}, id)
			if err != nil {
				continue
			}
			for _, hc := range (&http.Response{Header: resp.Header}).Cookies() {
				if ck, err := itsdangerous.Parse(hc.Value); err == nil {
					cookies = append(cookies, seen{hc.Name, "Set-Cookie on GET " + e.Path, ck, id})
				}
			}
		}
	}
	for _, s := range cookies {
		key, ok := c.crack(s.ck)
		if !ok {
			continue
		}
		if f, ok := c.replay(ctx, env, s, key); ok {
			out = append(out, f)
		}
		break // one proof is enough
	}
	return out, ctx.Err()
}

// replay sends a re-signed copy of the session, without any identity, to a
// GET endpoint that refuses anonymous callers.
func (c *Check) replay(ctx context.Context, env check.Env, s seen, key string) (finding.Finding, bool) {
	anon := transport.Anonymous()
	forged := s.ck.Resign(key, time.Now())
	tried := 0
	for _, e := range check.RefusingAnonymous(ctx, env, true) {
		if tried >= 8 || ctx.Err() != nil {
			break
		}
		p, _ := e.Concrete()
		plain, err := env.Do(ctx, transport.Request{Path: p}, anon)
		if err != nil {
			continue
		}
		tried++
		// The forged session is its own identity: findings on its answers
		// name it, and its reproduction carries the forged cookie.
		as := transport.Identity{Name: "forged-flask-session", Header: http.Header{"Cookie": {s.name + "=" + forged}}, Synthetic: true}
		resp, err := env.Do(ctx, transport.Request{Path: p, NoCache: true}, as)
		if err != nil || resp.Status < 200 || resp.Status >= 300 {
			continue
		}
		// The forged session is the synthetic identity's own credential:
		// the reproduction prints it, it proves the weakness.
		f := check.New(c.Meta(), e, resp, as)
		f.Subject = "forged-session-accepted"
		f.Severity = finding.Critical
		f.CWE = []string{"CWE-798", "CWE-321", "CWE-287"}
		f.Title = "Forged Flask session accepted"
		f.Description = fmt.Sprintf("A session re-signed with the cracked SECRET_KEY and sent without any other credential was accepted: anonymous got %d, the forged cookie got %d.", plain.Status, resp.Status)
		f.Remediation = crackRemediation
		v := finding.NewValue("secret_key", "", key)
		f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodGet, resp.URL), resp.Status, "Cookie: "+s.name+"=<re-signed with "+key+">", []finding.Value{v})
		f.Evidence.Details = map[string]string{"cookie": s.name, "anonymous_status": fmt.Sprint(plain.Status), "forged_status": fmt.Sprint(resp.Status), "source": s.where}
		return f, true
	}
	return finding.Finding{}, false
}

// Finish tries every secret the scan read (answers, spec examples) as the
// SECRET_KEY of every session cookie seen. A hit is one finding per key, at
// the operation that exposed it, naming what it forges.
func (c *Check) Finish(ctx context.Context, env check.Env) []finding.Finding {
	c.mu.Lock()
	held := append([]heldCookie(nil), c.held...)
	c.mu.Unlock()
	// In a stable order, whatever order the requests ran in.
	sort.Slice(held, func(i, j int) bool { a, b := held[i], held[j]; return a.where+a.ck.Raw < b.where+b.ck.Raw })
	var out []finding.Finding
	for _, e := range weakkey.Exposures(ctx, c.harvest, env.Endpoints(), held) {
		h, o, key := e.Signed[0], e.Origin, e.Key
		forges := make([]string, len(e.Signed))
		for i, s := range e.Signed {
			forges[i] = s.name + " cookie of " + s.where
		}
		f := o.Finding(c.Meta(), env)
		f.Subject = "exposed-secret-key"
		f.Severity = finding.Critical
		f.CWE = []string{"CWE-321", "CWE-200", "CWE-565"}
		f.Title = "Flask SECRET_KEY exposed in " + o.Where + ": sessions can be forged"
		f.Description = "A value read in " + o.Where + " is the SECRET_KEY that signs the `" + h.name + "` session cookie (" + h.where + "). With it anyone can sign a session for any user or role."
		f.Remediation = "Stop exposing configuration (environment dumps, .env files, debug and status pages), then rotate the key: every session signed with it must die.\n\n" + crackRemediation
		name := o.Name
		if name == "" {
			name = "a secret"
		}
		v := finding.NewValue("secret_key", o.Name, key)
		f.Evidence = finding.NewEvidence(o.Where, 0, "the session's signature verifies offline with the value of "+name+" found there: "+key, []finding.Value{v})
		f.Evidence.Details = map[string]string{"key_found_in": o.Where, "forges": strings.Join(forges, "; "), "proof": "offline HMAC verification"}
		out = append(out, f)
	}
	return out
}
