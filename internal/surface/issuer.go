package surface

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// loginWords name an operation that exchanges credentials for a token
// (POST /login, /auth/token, signIn, createSession). Refresh and
// sign-out operations are not issuers of a first token.
var (
	loginWords    = []string{"login", "signin", "logon", "token", "tokens", "session", "sessions", "auth", "authenticate", "oauth"}
	notLoginWords = []string{"logout", "signout", "logoff", "refresh", "revoke", "reset", "forgot", "register", "signup"}
	// tokenMembers are the answer members that carry an issued token:
	// OAuth 2.0 (RFC 6749 §5.1) access_token and id_token, and the usual
	// token, jwt and their camelCase forms.
	tokenMembers = map[string]bool{"token": true, "access token": true, "accesstoken": true, "id token": true, "idtoken": true, "jwt": true, "auth token": true, "authtoken": true}
)

// IssuesTokens reports whether ep is a documented login operation: a POST
// whose path, operationId or summary names a login (login, signin, token,
// session, auth) and whose documented 2xx answer declares or shows a token
// member (token, access_token, id_token, jwt) at its top level or under
// data. GraphQL operations are not judged here.
func IssuesTokens(ep Endpoint) bool {
	if ep.Method != http.MethodPost || ep.GraphQL != nil {
		return false
	}
	var words []string
	for _, s := range []string{ep.Path, ep.OperationID, ep.Summary} {
		words = append(words, nameTokens(s)...)
	}
	if !slices.ContainsFunc(words, func(w string) bool { return slices.Contains(loginWords, w) }) ||
		slices.ContainsFunc(words, func(w string) bool { return slices.Contains(notLoginWords, w) }) {
		return false
	}
	for _, r := range ep.Responses {
		if !strings.HasPrefix(r.Status, "2") {
			continue
		}
		if r.Schema != nil {
			for name, prop := range r.Schema.ObjectProperties() {
				if isTokenMember(name) {
					return true
				}
				if strings.EqualFold(name, "data") && prop != nil {
					for inner := range prop.ObjectProperties() {
						if isTokenMember(inner) {
							return true
						}
					}
				}
			}
		}
		for _, ex := range r.Examples {
			var v map[string]any
			if json.Unmarshal(ex, &v) != nil {
				continue
			}
			if d, ok := v["data"].(map[string]any); ok {
				for k := range d {
					v[k] = d[k]
				}
			}
			for k := range v {
				if isTokenMember(k) {
					return true
				}
			}
		}
	}
	return false
}

func isTokenMember(name string) bool {
	return tokenMembers[strings.Join(nameTokens(name), " ")]
}

// TokenIssuer returns the one operation of eps that issues tokens
// (IssuesTokens): the operation whose answer carried a token an identity
// was given without its login flow. ok is false when none or several do.
func TokenIssuer(eps []Endpoint) (Endpoint, bool) {
	var found []Endpoint
	for _, ep := range eps {
		if IssuesTokens(ep) && !slices.ContainsFunc(found, func(f Endpoint) bool { return f.Path == ep.Path }) {
			found = append(found, ep)
		}
	}
	if len(found) != 1 {
		return Endpoint{}, false
	}
	return found[0], true
}
