package userenum

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// graphQL probes login-like mutations (an account argument and a password,
// nothing else required) with --allow-write only: one surely wrong
// password for a registered account (an identity's who-am-I username or
// email) and for two accounts that surely do not exist. Different error
// messages for the registered one, the same for the two absent ones, give
// the account's existence away.
func (c *Check) graphQL(ctx context.Context, env check.Env) []finding.Finding {
	if !env.AllowWrite() {
		return nil
	}
	subjects := authz.GraphQLSubjects(ctx, env)
	var out []finding.Finding
	for _, ep := range env.Endpoints() {
		if ep.GraphQL == nil || ep.GraphQL.Kind != surface.GraphQLMutation || safety.Classify(ep).Class != safety.Write {
			continue
		}
		var account, password string
		kind := ""
		other := false
		for _, p := range ep.Params {
			if !p.Required {
				continue
			}
			switch {
			case p.Role == surface.RoleCredential && strings.Contains(strings.ToLower(p.Name), "pass"):
				password = p.Name
			case paramKind(p.Name) != "" && account == "":
				account, kind = p.Name, paramKind(p.Name)
			default:
				other = true
			}
		}
		if account == "" || password == "" || other {
			continue
		}
		var known string
		for _, s := range subjects {
			if v := s.Values[kind]; v != "" {
				known = v
				break
			}
		}
		if known == "" {
			continue
		}
		msg := func(user string) (string, *transport.Response, transport.Request) {
			r := check.GraphQLRequest(ep, map[string]string{account: user, password: "Lh-surely-wrong-7f3a9c!"})
			r.Purpose = "one wrong password for " + kind + " enumeration"
			resp, err := env.Do(ctx, r, transport.Anonymous())
			if err != nil {
				return "", nil, r
			}
			a, ok := surface.ParseGraphQLAnswer(resp.Body)
			if !ok {
				return fmt.Sprintf("%d", resp.Status), resp, r
			}
			var ms []string
			for _, e := range a.Errors {
				ms = append(ms, strings.ReplaceAll(e.Message, user, "<account>"))
			}
			return fmt.Sprintf("%d %s", resp.Status, strings.Join(ms, "; ")), resp, r
		}
		mk, resp, req := msg(known)
		m1, _, _ := msg(absent[kind][0])
		m2, _, _ := msg(absent[kind][1])
		if resp == nil || m1 != m2 || mk == m1 {
			continue
		}
		f := check.New(c.Meta(), ep, resp, transport.Anonymous())
		f.Method = http.MethodPost
		f.Templated = true
		f.Severity = finding.Low
		f.Title = fmt.Sprintf("%s tells a registered %s from an unknown one by its error message", ep.Operation(), kind)
		body := string(surface.RedactGraphQLBody(req.Body))
		f.GraphQLBody = body
		f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodPost, resp.URL), resp.Status, "", nil)
		f.Evidence.Details = map[string]string{"registered": mk, "unknown": m1, "argument": account}
		out = append(out, f)
	}
	return out
}
