// Package authbypass finds login operations that ignore the password: a
// known username with a wrong password gets a token or a session, like the
// real login (CWE-287, OWASP API2:2023).
//
// For each login operation the scan knows (the login flow of a configured
// identity, or a documented POST whose body takes an account and a
// password), the check sends exactly one attempt with a username the scan
// knows to exist and a random wrong password, and one negative control with
// a random unknown username. It fires only when the wrong password is
// answered with a credential (a JWT or a token field in the body, a token
// header, a session cookie) that the control does not get; when the real
// login of an identity is known, the credential must sit where the real one
// does and have its shape (JWT or opaque, similar length). Without a flow,
// a cookie alone (it may hold a flash message) must open an operation that
// refuses anonymous callers.
//
// A login that hands a credential to unknown usernames as well is judged
// apart: the control's credential is tried once on an operation that
// refuses anonymous callers (a GET from the scan's cache). If it opens it,
// the login accepts any account (reported here, subject "any-account");
// if not, it is a guest session and nothing is reported.
//
// Like the login probes of user-enumeration, the attempts are POSTs that
// move lockout counters: they are sent only with --allow-write, through the
// transport's safety policy, never twice per operation.
package authbypass

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/login"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// ID is the check's id.
const ID = "authentication-bypass"

// Check is the authentication-bypass check.
type Check struct{ authz.Shared }

var (
	_ check.Check    = (*Check)(nil)
	_ check.SiteWide = (*Check)(nil)
)

// New returns the check sharing what learner learns about the identities
// (their usernames and email addresses).
func New(l *authz.Learner) *Check { return &Check{authz.Share(l)} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:       ID,
		Title:    "Login accepts a wrong password",
		Severity: finding.Critical,
		CWE:      []string{"CWE-287"},
		OWASP:    "API2:2023",
		Description: "The login operation issued a credential (a JWT, a token field, a session cookie) to a known username with a random wrong password, " +
			"while a random unknown username got none: the password is not verified, and anyone who knows or guesses a username can act as that user. " +
			"When a login issues credentials to unknown usernames too, the credential is tried once on an operation that refuses anonymous callers; " +
			"if it opens it, the login accepts any account. Each login operation gets one wrong-password attempt and one control (POSTs: --allow-write only).",
		Remediation: "Verify the password against the stored hash before issuing anything, and issue nothing when it fails:\n\n" +
			"```python\n" +
			"from werkzeug.security import check_password_hash\n\n" +
			"@app.post(\"/api/login\")\n" +
			"def login():\n" +
			"    body = request.get_json(silent=True) or {}\n" +
			"    user = users.get_item(Key={\"username\": body.get(\"username\", \"\")}).get(\"Item\")\n" +
			"    if not user or not check_password_hash(user[\"password_hash\"], body.get(\"password\", \"\")):\n" +
			"        return jsonify(error=\"invalid credentials\"), 401\n" +
			"    return jsonify(access_token=issue_token(user[\"id\"]))\n" +
			"```\n\n" +
			"Look for debug or demo shortcuts (a master password, `if DEBUG: return token`), a comparison that accepts an empty or missing hash, " +
			"and a fallback that creates or accepts the account when verification fails. Add a test that a wrong password gets 401 and no token.",
	}
}

// target is one login operation and what the check sends to it.
type target struct {
	method, path string
	header       http.Header
	// fields is the login body with the account and password fields;
	// form says it is sent form-encoded rather than as JSON.
	fields   map[string]any
	form     bool
	account  string // the account field
	kind     string // email or username
	password string // the password field
	username string // a username the scan knows to exist
	// flow and real come from a configured identity's login flow: where
	// its token is, and the token its real login issued.
	flow     *login.Flow
	identity string
	real     string
}

func (t *target) key() string { return t.method + " " + t.path }

// Run tests every login operation once.
func (c *Check) Run(ctx context.Context, _ surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if !env.AllowWrite() {
		return nil, nil // login attempts move lockout counters
	}
	targets := c.targets(ctx, env)
	var out []finding.Finding
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		if f, ok := c.test(ctx, env, t); ok {
			out = append(out, f)
		}
	}
	return out, ctx.Err()
}

// loginWords name login operations; the others (sign-up, reset) issue
// credentials to new accounts by design or take no password.
var (
	loginWords = []string{"login", "signin", "sign-in", "sign_in", "auth", "token", "session", "logon"}
	otherWords = []string{"register", "signup", "sign-up", "sign_up", "reset", "forgot", "recover", "change", "logout", "refresh", "verify", "otp", "mfa"}
)

func isLogin(ep surface.Endpoint) bool {
	s := strings.ToLower(ep.Path + " " + ep.OperationID + " " + ep.Summary)
	for _, w := range otherWords {
		if strings.Contains(s, w) {
			return false
		}
	}
	for _, w := range loginWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// targets lists the login operations: first the login flows of the
// configured identities (their usernames exist), then documented login
// operations with a username learnt from the identities' answers. One
// target per operation.
func (c *Check) targets(ctx context.Context, env check.Env) []*target {
	seen := map[string]bool{}
	var out []*target
	creds := check.CredentialsOf(env)
	for _, id := range env.Identities() {
		flow, ok := id.Login.(*login.Flow)
		if !ok || flow == nil {
			continue
		}
		t := fromFlow(flow)
		if t == nil || seen[t.key()] {
			continue
		}
		t.identity = id.Name
		for _, cr := range creds {
			if cr.Identity.Name == id.Name {
				t.real = flow.SentToken(cr.Header)
			}
		}
		seen[t.key()] = true
		out = append(out, t)
	}
	// Documented login operations take a username the scan learnt.
	known := map[string][]string{}
	for _, t := range out {
		known[t.kind] = append(known[t.kind], t.username)
	}
	var documented []surface.Endpoint
	for _, ep := range env.Endpoints() {
		if ep.Method == http.MethodPost && ep.GraphQL == nil && !ep.IsTemplate() && ep.Body != nil &&
			strings.Contains(ep.Body.ContentType, "json") && isLogin(ep) && !seen[http.MethodPost+" "+ep.Path] {
			documented = append(documented, ep)
		}
	}
	if len(documented) == 0 {
		return out
	}
	if k, err := c.Learner().Learn(ctx, env); err == nil {
		for _, u := range k.Users {
			var vs []string
			for v, m := range k.Markers[u.Name] {
				if m.Kind == "email" || m.Kind == "username" {
					vs = append(vs, m.Kind+"\x00"+v)
				}
			}
			sort.Strings(vs)
			for _, kv := range vs {
				kind, v, _ := strings.Cut(kv, "\x00")
				known[kind] = append(known[kind], v)
			}
		}
	}
	for _, ep := range documented {
		built, ok := ep.Build(nil)
		if !ok {
			continue
		}
		var fields map[string]any
		if json.Unmarshal(built.Body, &fields) != nil || fields == nil {
			continue
		}
		t := &target{method: http.MethodPost, path: ep.Path, fields: fields,
			header: http.Header{"Content-Type": {"application/json"}}}
		if !t.pickFields() || len(known[t.kind]) == 0 {
			continue
		}
		t.username = known[t.kind][0]
		seen[t.key()] = true
		out = append(out, t)
	}
	return out
}

// fromFlow reads a login flow's request: a JSON object or a form with an
// account field and a password field. The flow's own password is never
// sent by this check.
func fromFlow(f *login.Flow) *target {
	method, path := f.Operation()
	if method != http.MethodPost || strings.Contains(path, "?") {
		return nil
	}
	t := &target{method: method, path: path, header: f.Header.Clone(), flow: f}
	if t.header == nil {
		t.header = http.Header{}
	}
	ct := strings.ToLower(t.header.Get("Content-Type"))
	switch {
	case strings.Contains(ct, "x-www-form-urlencoded"):
		q, err := url.ParseQuery(string(f.Body))
		if err != nil {
			return nil
		}
		t.form, t.fields = true, map[string]any{}
		for k := range q {
			t.fields[k] = q.Get(k)
		}
	default:
		if json.Unmarshal(f.Body, &t.fields) != nil || t.fields == nil {
			return nil
		}
		if ct == "" {
			t.header.Set("Content-Type", "application/json")
		}
	}
	if !t.pickFields() {
		return nil
	}
	u, ok := t.fields[t.account].(string)
	if !ok || strings.TrimSpace(u) == "" {
		return nil
	}
	t.username = u
	return t
}

// pickFields finds the account and password fields of the body.
func (t *target) pickFields() bool {
	keys := make([]string, 0, len(t.fields))
	for k := range t.fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t.password == "" && login.PasswordField(k) {
			t.password = k
		} else if t.account == "" && login.AccountKind(k) != "" {
			t.account, t.kind = k, login.AccountKind(k)
		}
	}
	return t.account != "" && t.password != ""
}

// body returns the login body with the account and a password set. The
// other fields keep their values (a client id); secret-named ones are sent
// as they are but never shown (see shown).
func (t *target) body(account, password string) []byte {
	if t.form {
		q := url.Values{}
		for k, v := range t.fields {
			q.Set(k, fmt.Sprint(v))
		}
		q.Set(t.account, account)
		q.Set(t.password, password)
		return []byte(q.Encode())
	}
	m := make(map[string]any, len(t.fields))
	for k, v := range t.fields {
		m[k] = v
	}
	m[t.account], m[t.password] = account, password
	b, _ := json.Marshal(m)
	return b
}

// random returns a value no account or password can be: prefix and 16 hex
// digits from crypto/rand.
func random(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// answer is one login attempt.
type answer struct {
	resp  *transport.Response
	body  []byte // the request body
	creds []credential
}

// credential is something a login answer issues: where it is ("json
// $.access_token", "header X-Auth-Token", "cookie session") and its value.
type credential struct {
	where, value string
}

func (c *Check) send(ctx context.Context, env check.Env, t *target, account, password string) (answer, error) {
	b := t.body(account, password)
	resp, err := env.Do(ctx, transport.Request{Method: t.method, Path: t.path, Header: t.header.Clone(), Body: b}, transport.Anonymous())
	if err != nil {
		return answer{}, err
	}
	return answer{resp: resp, body: b, creds: issued(resp, t.flow)}, nil
}

// test sends the wrong-password attempt and, when it issued a credential,
// the control.
func (c *Check) test(ctx context.Context, env check.Env, t *target) (finding.Finding, bool) {
	wrong, err := c.send(ctx, env, t, t.username, random("leakhound-wrong-"))
	if err != nil {
		if !errors.Is(err, transport.ErrRefused) {
			check.Warn(env, fmt.Sprintf("%s: %s %s not tested: %v", ID, t.method, t.path, err))
		}
		return finding.Finding{}, false
	}
	if wrong.resp.RateLimited() {
		check.Warn(env, fmt.Sprintf("%s: %s %s not judged: the target rate-limited the login attempt (%d)", ID, t.method, t.path, wrong.resp.Status))
		return finding.Finding{}, false
	}
	if len(wrong.creds) == 0 {
		return finding.Finding{}, false // no credential for a wrong password: the login works
	}
	unknown := random("leakhound-nx-")
	if t.kind == "email" {
		unknown += "@example.invalid"
	}
	control, err := c.send(ctx, env, t, unknown, random("leakhound-wrong-"))
	if err != nil {
		return finding.Finding{}, false
	}
	if control.resp.RateLimited() {
		check.Warn(env, fmt.Sprintf("%s: %s %s not judged: the target rate-limited the control attempt (%d)", ID, t.method, t.path, control.resp.Status))
		return finding.Finding{}, false
	}
	// What the known username got and an unknown one did not.
	got := map[string]bool{}
	for _, cr := range control.creds {
		got[cr.where] = true
	}
	var only []credential
	for _, cr := range wrong.creds {
		if !got[cr.where] {
			only = append(only, cr)
		}
	}
	if len(only) == 0 {
		return c.anyAccount(ctx, env, t, wrong, control, unknown)
	}
	// The real login's credential, when known: the same place and shape.
	if t.real != "" {
		if !sameShape(t.real, only[0].value) {
			return finding.Finding{}, false
		}
	}
	opened := ""
	if t.flow == nil && !tokens(only) {
		// A cookie alone, from a login the scan never saw succeed, may
		// be a flash message ("wrong password"): it must open an
		// operation that refuses anonymous callers.
		var ok bool
		if opened, ok = c.opens(ctx, env, t, only[0], "the credential issued for the wrong password"); !ok {
			return finding.Finding{}, false
		}
	}
	return c.report(t, wrong, control, only, unknown, opened), true
}

// tokens reports whether creds hold a token (a JSON member or a header),
// not only cookies.
func tokens(creds []credential) bool {
	for _, cr := range creds {
		if !strings.HasPrefix(cr.where, "cookie ") {
			return true
		}
	}
	return false
}

// opens sends cr once on the first GET that refuses anonymous callers (from
// the scan's cache) and reports whether it was served, with a line for the
// evidence.
func (c *Check) opens(ctx context.Context, env check.Env, t *target, cr credential, what string) (string, bool) {
	h := http.Header{}
	switch {
	case strings.HasPrefix(cr.where, "cookie "):
		h.Set("Cookie", strings.TrimPrefix(cr.where, "cookie ")+"="+cr.value)
	case t.flow != nil:
		h = t.flow.Send(cr.value)
	default:
		h.Set("Authorization", "Bearer "+cr.value)
	}
	as := transport.Identity{Name: "login-bypass", Header: h, Synthetic: true}
	for _, ep := range check.RefusingAnonymous(ctx, env, false) {
		p, ok := ep.Concrete()
		if !ok {
			continue
		}
		resp, err := env.Do(ctx, transport.Request{Path: p}, as)
		if err != nil || resp.Status >= 300 || resp.RateLimited() || check.IsSoftNotFound(env, p, resp) {
			return "", false // one try
		}
		return fmt.Sprintf("%s %s, refused without credentials, answered %d to %s", http.MethodGet, p, resp.Status, what), true
	}
	return "", false
}

// anyAccount judges a login that issued a credential to the unknown
// username too: it reports only when that credential opens an operation
// refusing anonymous callers.
func (c *Check) anyAccount(ctx context.Context, env check.Env, t *target, wrong, control answer, unknown string) (finding.Finding, bool) {
	if len(control.creds) == 0 {
		return finding.Finding{}, false
	}
	if opened, ok := c.opens(ctx, env, t, control.creds[0], "the credential issued to the unknown username"); ok {
		f := c.report(t, wrong, control, control.creds, unknown, opened)
		f.Subject = "any-account"
		f.Title = fmt.Sprintf("%s %s issues a working credential for any username and password", t.method, t.path)
		return f, true
	}
	check.Warn(env, fmt.Sprintf("%s: %s %s issues a credential to unknown usernames too; it opened no protected operation, so it was taken for a guest session", ID, t.method, t.path))
	return finding.Finding{}, false
}

// report builds the finding; every value the scan typed or received is
// masked, the raw ones kept for --reveal.
func (c *Check) report(t *target, wrong, control answer, creds []credential, unknown, opened string) finding.Finding {
	anon := transport.Anonymous()
	m := c.Meta()
	f := check.New(m, surface.Endpoint{Method: t.method, Path: t.path}, wrong.resp, anon)
	f.Subject = "wrong-password"
	f.Title = fmt.Sprintf("%s %s accepts a wrong password", t.method, t.path)
	values := []finding.Value{finding.NewValue(t.kind, t.account, t.username)}
	if enc := url.QueryEscape(t.username); enc != t.username {
		values = append(values, finding.NewValue(t.kind, "", enc))
	}
	// Secret-named fields of the login body (client_secret) are masked.
	for k, v := range t.fields {
		if s, ok := v.(string); ok && k != t.account && k != t.password && s != "" && secretField(k) {
			values = append(values, finding.NewValue("credential", k, s))
		}
	}
	var got []string
	for _, cr := range creds {
		typ := "credential"
		if _, err := jwt.Parse(cr.value); err == nil {
			typ = string(detect.TypeJWT)
		}
		values = append(values, finding.NewValue(typ, cr.where, cr.value))
		got = append(got, fmt.Sprintf("%s (%s) %s", cr.where, shape(cr.value), cr.value))
	}
	ctype := http.Header{"Content-Type": {t.header.Get("Content-Type")}}
	rawRepro := transport.Curl(t.method, wrong.resp.URL, anon, ctype, wrong.body)
	f.Reproduce = finding.MaskText(rawRepro, values)
	var b strings.Builder
	fmt.Fprintf(&b, "known %s %s, random wrong password → %d, issues %s\n", t.kind, t.username, wrong.resp.Status, strings.Join(got, "; "))
	fmt.Fprintf(&b, "unknown %s %s, random password → %d", t.kind, unknown, control.resp.Status)
	if len(control.creds) == 0 {
		fmt.Fprintf(&b, ", issues nothing: %s", oneLine(control.resp.Body))
	} else {
		var cw []string
		for _, cr := range control.creds {
			cw = append(cw, cr.where)
		}
		fmt.Fprintf(&b, ", issues %s", strings.Join(cw, "; "))
	}
	if t.real != "" {
		fmt.Fprintf(&b, "\nreal login of identity %s issues %s (%s): same place and shape", t.identity, where(t.flow), shape(t.real))
	}
	if opened != "" {
		b.WriteString("\n" + opened)
	}
	f.Evidence = finding.NewEvidence(check.RequestLine(t.method, wrong.resp.URL), wrong.resp.Status, b.String(), values)
	f.Evidence.Details = map[string]string{
		"account_field":     t.account,
		"password_field":    t.password,
		"status_wrong":      fmt.Sprint(wrong.resp.Status),
		"status_control":    fmt.Sprint(control.resp.Status),
		"reproduce_control": finding.MaskText(transport.Curl(t.method, control.resp.URL, anon, ctype, control.body), values),
	}
	f.KeepRaw(f.URL, rawRepro, f.Evidence.Request)
	return f
}

// secretField names body fields whose values are never shown
// (client_secret, api_key), by the one key classifier.
func secretField(k string) bool {
	t := detect.KeyType(k)
	return t != "" && detect.CategoryOf(t) == detect.Secret
}

// where names the place a flow reads its token from.
func where(f *login.Flow) string {
	switch {
	case f == nil:
		return "a credential"
	case f.TokenHeader != "":
		return "header " + f.TokenHeader
	case f.TokenCookie != "":
		return "cookie " + f.TokenCookie
	}
	return "json " + f.TokenJSON
}

// shape is "jwt" or "opaque, N characters".
func shape(v string) string {
	if _, err := jwt.Parse(v); err == nil {
		return "jwt"
	}
	return fmt.Sprintf("opaque, %d characters", len(v))
}

// sameShape reports whether a credential looks like the real one: both
// JWTs, or both opaque with lengths within a factor of two.
func sameShape(real, got string) bool {
	_, e1 := jwt.Parse(real)
	_, e2 := jwt.Parse(got)
	if (e1 == nil) != (e2 == nil) {
		return false
	}
	if e1 == nil {
		return true
	}
	return len(got)*2 >= len(real) && len(real)*2 >= len(got)
}

// tokenKeys are the JSON members a login answer puts a credential in
// (compared without case, "_" or "-").
var tokenKeys = map[string]bool{
	"token": true, "accesstoken": true, "idtoken": true, "authtoken": true, "jwt": true, "sessiontoken": true,
	"sessionid": true, "session": true, "refreshtoken": true, "bearer": true, "apikey": true, "authorization": true,
}

// issued lists the credentials a login answer carries. With a flow, only
// the flow's own token counts; otherwise a token member of the JSON body
// (or any JWT in it), a token header, or a session cookie. Answers outside
// 2xx-3xx issue nothing.
func issued(resp *transport.Response, flow *login.Flow) []credential {
	if resp == nil || resp.Status < 200 || resp.Status > 399 {
		return nil
	}
	if flow != nil {
		v, err := flow.Token(resp)
		if err != nil || len(strings.TrimSpace(v)) < 8 {
			return nil
		}
		return []credential{{where(flow), v}}
	}
	var out []credential
	var doc any
	if json.Unmarshal(resp.Body, &doc) == nil {
		walk(doc, "$", &out)
	}
	for _, h := range []string{"Authorization", "X-Auth-Token", "X-Access-Token", "X-Session-Token"} {
		if v := strings.TrimSpace(strings.TrimPrefix(resp.Header.Get(h), "Bearer ")); len(v) >= 16 {
			out = append(out, credential{"header " + h, v})
		}
	}
	for _, ck := range (&http.Response{Header: resp.Header}).Cookies() {
		n := strings.ToLower(ck.Name)
		if ck.Value == "" || ck.MaxAge < 0 || strings.Contains(n, "csrf") || strings.Contains(n, "xsrf") || len(ck.Value) < 8 {
			continue
		}
		out = append(out, credential{"cookie " + ck.Name, ck.Value})
	}
	return out
}

func walk(v any, path string, out *[]credential) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := path + "." + k
			if s, ok := t[k].(string); ok {
				n := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(k))
				_, err := jwt.Parse(s)
				if err == nil || tokenKeys[n] && len(s) >= 16 && !strings.ContainsAny(s, " \t\n") {
					*out = append(*out, credential{"json " + p, s})
				}
				continue
			}
			walk(t[k], p, out)
		}
	case []any:
		for i, x := range t {
			walk(x, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// oneLine shows an answer on one line with every detected value masked.
func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(detect.MaskBytes(bytes.TrimSpace(b), ""))), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}
