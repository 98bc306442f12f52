package bola

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// graphQL judges the GraphQL operations: an identity (or the anonymous
// caller) that receives another identity's private object is BOLA on the
// operation's argument or flag; one that receives another identity's
// contact data or keys is excessive data exposure, and missing
// authentication when the caller is anonymous.
func (c *Check) graphQL(ctx context.Context, env check.Env) []finding.Finding {
	var out []finding.Finding
	for _, l := range authz.GraphQLLeaks(ctx, env) {
		out = append(out, c.graphQLFinding(l))
	}
	return out
}

func (c *Check) graphQLFinding(l authz.GraphQLLeak) finding.Finding {
	m := c.Meta()
	op := l.Op.Operation()
	f := check.New(m, l.Op, l.Resp, l.Attacker)
	f.Method = http.MethodPost
	f.Templated = true
	var values []finding.Value
	keys := make([]string, 0, len(l.Values))
	for k := range l.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		values = append(values, finding.NewValue(k, l.Object.Path+"."+k, l.Values[k]))
	}
	who := l.Attacker.Name
	if l.Attacker.IsAnonymous() {
		who = "an anonymous caller"
	}
	selector := "its list"
	if l.Arg != "" {
		selector = "argument " + l.Arg
	} else if v := l.Op.GraphQL.Variant; v != "" {
		selector = "flag " + v
	}
	switch {
	case l.Private:
		f.Title = fmt.Sprintf("BOLA: %s reads %s's private object through %s (%s)", who, l.Owner, selector, op)
		f.Severity = finding.High
		if len(values) > 0 {
			f.Severity = finding.Critical
		}
	case l.Attacker.IsAnonymous():
		f.Check = "missing-authentication"
		f.CWE = []string{"CWE-306", "CWE-359"}
		f.OWASP = "API2:2023"
		f.Title = fmt.Sprintf("Missing authentication: an anonymous caller reads %s's %s (%s)", l.Owner, strings.Join(keys, ", "), op)
		f.Description = "The GraphQL operation answers anonymous callers with the personal data or keys of registered users: no authentication is required for it."
		f.Remediation = "Require authentication in the resolver (or for the whole endpoint), and resolve personal fields only for their owner or an administrator."
		f.Severity = finding.High
	default:
		f.CWE = []string{"CWE-359", "CWE-639"}
		f.OWASP = "API3:2023"
		f.Title = fmt.Sprintf("Excessive data exposure: %s reads %s's %s (%s)", who, l.Owner, strings.Join(keys, ", "), op)
		f.Description = "The GraphQL operation resolves another user's personal fields (contact data, keys) for any caller: object property level authorization is missing on those fields."
		f.Remediation = "Resolve personal fields (email, phone, IP addresses, API keys) only when the viewer is their owner or an administrator; return null otherwise."
		f.Severity = finding.High
	}
	f.Subject = l.Object.Path
	if i := strings.IndexByte(f.Subject, '['); i >= 0 {
		f.Subject = f.Subject[:i]
	}
	f.Subject = ""
	body := detect.MaskText(string(l.Req.Body))
	f.Reproduce = transport.Curl(http.MethodPost, l.Resp.URL, l.Attacker, http.Header{"Content-Type": {"application/json"}}, []byte(body))
	f.GraphQLBody = body
	f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodPost, l.Resp.URL)+" "+body, l.Resp.Status, "", values)
	f.Evidence.Details = map[string]string{
		"operation": op,
		"owner":     l.Owner,
		"attacker":  l.Attacker.Name,
		"object":    l.Object.Path,
		"private":   fmt.Sprint(l.Private),
	}
	if l.Arg != "" {
		f.Evidence.Details["argument"] = l.Arg
	}
	return f
}
