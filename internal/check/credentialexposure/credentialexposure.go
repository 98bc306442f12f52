// Package credentialexposure reports secrets in API responses: cloud and
// SaaS keys, private keys, passwords and password hashes, tokens of other
// users.
package credentialexposure

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/exposure"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
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
	if len(ms) == 0 {
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
	types := exposure.Types(ms)
	f.Title = "Credentials exposed in API response: " + strings.Join(types, ", ")
	f.Description += fmt.Sprintf(" Seen: %d secret value(s) of type %s.", len(ms), strings.Join(types, ", "))
	f.Evidence = exposure.Evidence(ex, res, ms)
	return []finding.Finding{f}
}
