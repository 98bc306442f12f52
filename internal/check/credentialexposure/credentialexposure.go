// Package credentialexposure reports secrets in API responses: cloud and
// SaaS keys, private keys, passwords and password hashes, tokens of other
// users.
package credentialexposure

import (
	"fmt"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/exposure"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the credential-exposure check.
type Check struct{}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:       "credential-exposure",
		Title:    "Credentials or password hashes exposed in API response",
		Severity: finding.High,
		CWE:      []string{"CWE-522", "CWE-798"},
		OWASP:    "API3:2023",
		Description: "The response carries secrets: cloud or service keys, a private key, passwords or password hashes, " +
			"or other users' tokens. Keys give direct access to the systems they unlock; hashes can be cracked offline.",
		Remediation: "Revoke and rotate every exposed key now (AWS: deactivate the access key in IAM and issue a new one; " +
			"GitHub/Stripe/Slack: revoke the token), then stop returning secrets:\n\n" +
			"- Never store keys in the records or settings an endpoint serialises; read them from the environment or a secrets manager, server-side only.\n" +
			"- Keep password hashes out of every response: project them away in the query and serialise explicitly.\n\n" +
			"```python\n" +
			"# boto3: fetch only public attributes, never password_hash or api_key\n" +
			"item = table.get_item(Key={\"id\": user_id}, ProjectionExpression=\"id, username, display_name\").get(\"Item\")\n\n" +
			"# Flask: an explicit serialiser instead of jsonify(item)\n" +
			"def public_user(item):\n" +
			"    return {\"id\": item[\"id\"], \"username\": item[\"username\"], \"display_name\": item.get(\"display_name\")}\n" +
			"```\n\n" +
			"- Turn off the Werkzeug debugger in production (`app.run(debug=False)`, `FLASK_DEBUG=0`): its console runs code.",
	}
}

// critical types unlock systems directly. Google API keys are not among
// them: browser keys (Maps, Firebase) are public by design and restricted
// by referrer.
var critical = map[detect.Type]bool{
	detect.TypeAWSKeyID: true, detect.TypeAWSSecret: true, detect.TypeGitHub: true, detect.TypeStripe: true,
	detect.TypeSlack: true, detect.TypePrivateKey: true, detect.TypePassword: true,
}

// sessionToken is a token the caller legitimately receives: a single JWT
// or token at the top of the document (a login or refresh response), not
// one inside a list of records.
func sessionToken(m detect.Match, tokens int) bool {
	if m.Type != detect.TypeJWT && m.Type != detect.TypeAPIKey {
		return false
	}
	return tokens <= 1 && (m.Record == "$" || strings.HasPrefix(m.Record, "line "))
}

// Secrets returns the secrets of res worth reporting.
func Secrets(res *detect.Result) []detect.Match {
	if res == nil {
		return nil
	}
	all := res.Filter(detect.Secret, finding.ConfidenceMedium)
	tokens := 0
	for _, m := range all {
		if m.Type == detect.TypeJWT || m.Type == detect.TypeAPIKey {
			tokens++
		}
	}
	var out []detect.Match
	for _, m := range all {
		if !sessionToken(m, tokens) {
			out = append(out, m)
		}
	}
	return out
}

// Inspect reports the secrets of one response.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	res := exposure.Analyze(ex)
	ms := Secrets(res)
	if len(ms) == 0 || ownGraphQLToken(ex, ms) {
		return nil
	}
	sev := finding.High
	hashes := 0
	for _, m := range ms {
		if critical[m.Type] {
			sev = finding.Critical
		}
		if m.Type == detect.TypePasswordHash {
			hashes++
		}
	}
	if hashes >= 10 {
		sev = finding.Critical
	}
	f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
	f.Severity = sev
	f.Confidence = exposure.Confidence(ms)
	f.Subject = "credentials"
	kinds := Kinds(ms)
	f.Title = "Credentials exposed in API response: " + strings.Join(kinds, ", ")
	f.Description += fmt.Sprintf(" Seen: %d secret value(s) of %d kind(s): %s.", len(ms), len(kinds), strings.Join(kinds, ", "))
	f.Evidence = exposure.Evidence(ex, res, ms)
	f.Evidence.Values, f.Evidence.Details["secrets"] = listed(ms)
	f.Evidence.Details["kinds"] = strings.Join(kinds, ", ")
	return []finding.Finding{f}
}

// Kinds lists the distinct kinds of secrets in ms (detect.SecretKind),
// sorted: a configuration dump's AWS key, JWT secret, Flask SECRET_KEY and
// database password are four kinds, not one "api_key".
func Kinds(ms []detect.Match) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		if k := detect.SecretKind(m); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// maxListed bounds the secrets an evidence lists one by one; a dump of
// thousands of hashes is summed up by the counts.
const maxListed = 32

// listed returns every secret of ms (up to maxListed, one per distinct
// value) as masked values typed by kind, and their list as text: one line
// per secret, "WHERE kind masked" (its JSON path, or in text the variable
// it is assigned to or its line).
func listed(ms []detect.Match) ([]finding.Value, string) {
	var vals []finding.Value
	var lines []string
	seen := map[string]bool{}
	for _, m := range ms {
		v := m.Value()
		if seen[v.Raw()] {
			continue
		}
		seen[v.Raw()] = true
		if len(vals) == maxListed {
			lines = append(lines, fmt.Sprintf("… not all listed (%d matches in all)", len(ms)))
			break
		}
		kind := detect.SecretKind(m)
		vals = append(vals, finding.NewValue(kind, v.JSONPath, v.Raw()))
		name := m.Path // $.users[2].password_hash, $.env.JWT_SECRET
		if name == "" {
			name = m.Key // DATABASE_URL=… in text
		}
		if name == "" {
			name = m.Record
		}
		lines = append(lines, strings.TrimSpace(fmt.Sprintf("%s %s %s", name, kind, v.Masked)))
	}
	return vals, strings.Join(lines, "\n")
}

// ownGraphQLToken reports whether the secrets of a GraphQL answer are the
// caller's own session material. A query answering an authenticated
// identity with one token or API key value, however often it repeats (its
// own key on each of its pastes: myPastes { owner { apiKey } }), is like a
// lone token at the top of a REST answer; other users' keys come as
// several values, and a query gives an anonymous caller nothing of its
// own. A mutation (login, signUp) answering with one token and at most one
// API key issues them to the caller.
func ownGraphQLToken(ex *transport.Exchange, ms []detect.Match) bool {
	if _, ok := surface.ParseGraphQLAnswer(ex.Body); !ok || surface.GraphQLOperationOf(ex.Method, ex.URL, ex.ReqBody) == "" {
		return false
	}
	mutation := strings.HasPrefix(surface.GraphQLOperationOf(ex.Method, ex.URL, ex.ReqBody), surface.GraphQLMutation+" ")
	if !mutation && (ex.Identity == "" || ex.Identity == transport.AnonymousName) {
		return false
	}
	values := map[detect.Type]map[string]bool{}
	for _, m := range ms {
		if m.Type != detect.TypeJWT && m.Type != detect.TypeAPIKey {
			return false
		}
		if m.Start < 0 || m.End > len(ex.Body) || m.Start >= m.End {
			return false
		}
		if values[m.Type] == nil {
			values[m.Type] = map[string]bool{}
		}
		values[m.Type][string(ex.Body[m.Start:m.End])] = true
	}
	if mutation {
		return len(values[detect.TypeJWT]) <= 1 && len(values[detect.TypeAPIKey]) <= 1
	}
	return len(values[detect.TypeJWT])+len(values[detect.TypeAPIKey]) == 1
}
