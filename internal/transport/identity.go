package transport

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// AnonymousName is the name of the identity that sends no credentials. It
// always exists.
const AnonymousName = "anonymous"

// Identity is a named set of credential headers (bearer token, API key,
// cookie, Basic auth) and an optional role label. Its headers are only ever
// sent to the scan target's origin.
//
// Header keys are kept exactly as the user typed them (JWT_TOKEN, not
// Jwt_token) and sent that way on HTTP/1.1: servers that read the literal
// name (API Gateway stand-ins, Lambda handlers reading
// event["headers"]["JWT_TOKEN"]) see what the user meant. Read them with
// Values, which ignores case, never with Header.Get.
type Identity struct {
	Name   string
	Role   string
	Header http.Header
	// Login, when set, obtains more headers (a session token) by running a
	// login flow; the client runs it before the identity's first request
	// and again when a session that worked answers 401.
	Login Authenticator
	// Synthetic marks a credential the scan forged itself (an alg-none
	// JWT, a Flask session re-signed with a cracked key): findings name
	// it as its own identity, never as anonymous, and reproductions print
	// it, since it is what proves the weakness and belongs to nobody.
	Synthetic bool
}

// Authenticator runs a login flow. Send delivers the login request to the
// target's origin without credentials; the exchange is recorded with its
// bodies redacted. Login returns the headers to send (never logged).
type Authenticator interface {
	Login(ctx context.Context, send func(context.Context, Request) (*Response, error)) (http.Header, error)
	// HeaderNames lists the headers Login returns, for placeholders in
	// reproduction commands.
	HeaderNames() []string
}

// Issuer is implemented by an Authenticator whose token is the answer of
// one request: Operation names it as configured (POST, /api/login), so
// that what the token carries is reported at the operation that issued it.
type Issuer interface {
	Operation() (method, path string)
}

// Anonymous returns the identity without credentials.
func Anonymous() Identity { return Identity{Name: AnonymousName} }

// IsAnonymous reports whether the identity carries no credentials.
func (id Identity) IsAnonymous() bool { return len(id.Header) == 0 && id.Login == nil }

// CredentialHeaders lists the names of the headers the identity sends,
// static and from its login flow, as typed, sorted; names that differ only
// in case are listed once.
func (id Identity) CredentialHeaders() []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if l := strings.ToLower(k); !seen[l] {
			seen[l] = true
			out = append(out, k)
		}
	}
	for k := range id.Header {
		add(k)
	}
	if id.Login != nil {
		for _, k := range id.Login.HeaderNames() {
			add(k)
		}
	}
	sort.Strings(out)
	return out
}

// Values returns the values of the identity's static header name, whatever
// the case it was typed in.
func (id Identity) Values(name string) []string { return HeaderValues(id.Header, name) }

// HeaderValues returns the values of every key of h equal to name without
// regard to case: http.Header.Get only finds canonical keys, and identity
// headers keep the case they were typed in.
func HeaderValues(h http.Header, name string) []string {
	var out []string
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			out = append(out, vs...)
		}
	}
	return out
}

// SetRaw replaces every key of h equal to name without regard to case by
// name exactly as given, with values. net/http writes such keys unchanged
// on HTTP/1.1 (HTTP/2 lower-cases every name anyway).
func SetRaw(h http.Header, name string, values ...string) {
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
	if len(values) > 0 {
		h[name] = append([]string(nil), values...)
	}
}

// AddRaw appends a value under name exactly as given, joining a key that
// differs only in case.
func AddRaw(h http.Header, name, value string) {
	for k := range h {
		if strings.EqualFold(k, name) {
			h[k] = append(h[k], value)
			return
		}
	}
	h[name] = []string{value}
}

var identityName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ParseIdentity reads NAME=HEADER: VALUE or NAME:ROLE=HEADER: VALUE, as
// given to --identity.
func ParseIdentity(s string) (Identity, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok {
		return Identity{}, fmt.Errorf("identity %q: want NAME=HEADER: VALUE", redactIdentity(s))
	}
	name, role, _ := strings.Cut(strings.TrimSpace(name), ":")
	name, role = strings.TrimSpace(name), strings.TrimSpace(role)
	// A malformed flag may be a credential typed in the wrong place
	// (--identity 'Authorization: Basic …'): errors never echo it.
	if !identityName.MatchString(name) || strings.EqualFold(name, AnonymousName) {
		return Identity{}, fmt.Errorf("identity %q: want NAME=HEADER: VALUE with NAME of letters, digits, '.', '_' or '-' (not %q)", redactIdentity(s), AnonymousName)
	}
	if role != "" && !identityName.MatchString(role) {
		return Identity{}, fmt.Errorf("identity %q: the role after ':' may hold letters, digits, '.', '_' or '-' only", name)
	}
	h, v, ok := strings.Cut(rest, ":")
	h, v = strings.TrimSpace(h), strings.TrimSpace(v)
	if !ok || h == "" || v == "" {
		return Identity{}, fmt.Errorf("identity %q: want NAME=HEADER: VALUE", name)
	}
	if !validHeaderName(h) {
		return Identity{}, fmt.Errorf("identity %q: %q is not a valid header name", name, h)
	}
	if strings.ContainsAny(v, "\r\n") {
		return Identity{}, fmt.Errorf("identity %q: header value has a line break", name)
	}
	// The name is kept as typed: see Identity.
	return Identity{Name: name, Role: role, Header: http.Header{h: {v}}}, nil
}

// ValidateName checks an identity name.
func ValidateName(name string) error {
	if !identityName.MatchString(name) {
		return fmt.Errorf("identity name %q: use letters, digits, '.', '_' or '-'", name)
	}
	if strings.EqualFold(name, AnonymousName) {
		return fmt.Errorf("identity name %q is reserved", name)
	}
	return nil
}

func validHeaderName(h string) bool {
	for _, r := range h {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r) {
			return false
		}
	}
	return h != ""
}

// redactIdentity hides a malformed identity flag but for its first
// characters when they can only be a name.
func redactIdentity(s string) string {
	if len(s) > 8 && identityName.MatchString(s[:4]) {
		return s[:4] + "…"
	}
	return "…"
}

// Placeholder is the shell variable that stands for an identity's header in
// reproduction commands: alice + Authorization → $ALICE_AUTHORIZATION.
func Placeholder(identity, header string) string { return "$" + PlaceholderName(identity, header) }

// PlaceholderName is Placeholder without the "$".
func PlaceholderName(identity, header string) string {
	up := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z':
				return r - 'a' + 'A'
			case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
				return r
			}
			return '_'
		}, s)
	}
	return up(identity) + "_" + up(header)
}
