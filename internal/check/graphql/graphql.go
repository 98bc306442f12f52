// Package graphql holds the checks that only GraphQL endpoints have:
// introspection left on, field suggestions, batching and alias abuse, and
// credential arguments (me(token:)) that accept forged tokens. Each runs
// once per GraphQL endpoint (on its first operation), except the
// credential-argument check, which runs on every operation taking one.
// Nothing here sends load: one batch of two trivial queries proves
// batching.
package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/surface"
	gql "github.com/leakhound/leakhound/internal/surface/graphql"
	"github.com/leakhound/leakhound/internal/transport"
)

var (
	_ check.Check = (*Introspection)(nil)
	_ check.Check = (*Suggestions)(nil)
	_ check.Check = (*Batching)(nil)
	_ check.Check = (*CredentialArgument)(nil)
)

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

func post(ctx context.Context, env check.Env, path string, body []byte, as transport.Identity) (*transport.Response, error) {
	return env.Do(ctx, transport.Request{Method: http.MethodPost, Path: path, Body: body, Header: jsonHeader.Clone()}, as)
}

// onEndpoint makes a finding on the GraphQL endpoint itself (no operation).
func onEndpoint(m check.Meta, ep surface.Endpoint, resp *transport.Response, as transport.Identity, body []byte) finding.Finding {
	f := check.New(m, surface.Endpoint{Method: http.MethodPost, Path: ep.Path}, resp, as)
	f.Templated = true
	if resp != nil {
		f.Reproduce = transport.Curl(http.MethodPost, resp.URL, as, jsonHeader, body)
		f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodPost, resp.URL)+" "+string(body), resp.Status, "", nil)
		f.GraphQLBody = string(body)
	}
	return f
}

// endpointProbe is the one request a check of the GraphQL endpoint itself
// sends: anonymously, once per endpoint (on its first operation).
type endpointProbe struct {
	// body builds the request body; called only on the first operation.
	body func() []byte
	// shown is the body the finding shows and reproduces, when it is
	// shorter than the one sent (the introspection query); nil for body.
	shown []byte
	// anyStatus judges error answers too (validation errors are 400s);
	// otherwise only answers below 400 are judged.
	anyStatus bool
	// judge reports whether the answer proves the weakness, and completes
	// the finding made on the endpoint (details, severity, title).
	judge func(resp *transport.Response, f *finding.Finding) bool
}

// run sends the probe and returns the finding judge accepted, if any.
// Transport errors are no finding: the endpoint could not be judged.
func (p endpointProbe) run(ctx context.Context, m check.Meta, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if !authz.FirstGraphQLOp(ep, env) {
		return nil, nil
	}
	anon := transport.Anonymous()
	body := p.body()
	resp, err := post(ctx, env, ep.Path, body, anon)
	if err != nil || resp.Status >= 400 && !p.anyStatus {
		return nil, nil
	}
	if p.shown != nil {
		body = p.shown
	}
	f := onEndpoint(m, ep, resp, anon, body)
	if !p.judge(resp, &f) {
		return nil, nil
	}
	return []finding.Finding{f}, nil
}

// Introspection reports a GraphQL endpoint that answers the introspection
// query (https://spec.graphql.org/October2021/#sec-Introspection).
type Introspection struct{}

// NewIntrospection returns the check.
func NewIntrospection() *Introspection { return &Introspection{} }

// Meta describes the check.
func (*Introspection) Meta() check.Meta {
	return check.Meta{
		ID:          "graphql-introspection",
		Title:       "GraphQL introspection is enabled",
		Severity:    finding.Low,
		CWE:         []string{"CWE-200"},
		OWASP:       "API8:2023",
		Description: "The GraphQL endpoint answers the introspection query (__schema) to an anonymous caller: the whole schema, including administrative mutations and every personal field, is handed to anyone mapping the API.",
		Remediation: "Disable introspection in production (graphene: a validation rule rejecting __schema/__type, or `introspection=False` in Strawberry/Apollo), and keep the schema for authenticated developer tooling.",
	}
}

// Run sends the introspection query once per endpoint, anonymously.
func (c *Introspection) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	return endpointProbe{
		body: func() []byte {
			b, _ := json.Marshal(map[string]string{"query": gql.IntrospectionQuery})
			return b
		},
		shown: []byte(`{"query":"query IntrospectionQuery { __schema { … } }"}`),
		judge: func(resp *transport.Response, f *finding.Finding) bool {
			s, err := gql.Parse(resp.Body)
			if err != nil {
				return false
			}
			fields := gql.RootFields(s)
			mutations := 0
			for _, f := range fields {
				if strings.HasPrefix(f, "mutation ") {
					mutations++
				}
			}
			f.Operation = "query __schema"
			if mutations > 0 {
				f.Severity = finding.Medium
				f.Title = fmt.Sprintf("GraphQL introspection is enabled: %d root fields, %d of them mutations, listed to anyone", len(fields), mutations)
			}
			f.Evidence.Details = map[string]string{"root_fields": fmt.Sprint(len(fields)), "mutations": fmt.Sprint(mutations), "types": fmt.Sprint(len(s.Types))}
			return true
		},
	}.run(ctx, c.Meta(), ep, env)
}

// Suggestions reports a GraphQL endpoint whose validation errors suggest
// field names ("Did you mean …"), which reveals the schema even with
// introspection off.
type Suggestions struct{}

// NewSuggestions returns the check.
func NewSuggestions() *Suggestions { return &Suggestions{} }

// Meta describes the check.
func (*Suggestions) Meta() check.Meta {
	return check.Meta{
		ID:          "graphql-field-suggestions",
		Title:       "GraphQL errors suggest field names",
		Severity:    finding.Low,
		CWE:         []string{"CWE-209", "CWE-200"},
		OWASP:       "API8:2023",
		Description: "A misspelt field makes the GraphQL server answer \"Did you mean …?\" with the real field names: the schema can be rebuilt field by field even when introspection is disabled.",
		Remediation: "Turn field suggestions off in production (graphql-core: a custom validation error formatter; Apollo: hide suggestions when introspection is disabled; Strawberry: `DisableSuggestions`-style extensions), or return a generic validation error.",
	}
}

// Run sends one query with a misspelt root field, anonymously. Validation
// errors answer 400: every status is judged.
func (c *Suggestions) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	return endpointProbe{
		body: func() []byte {
			name := ep.GraphQL.Field
			if len(name) > 3 {
				name = name[:len(name)-1]
			} else {
				name += "x"
			}
			b, _ := json.Marshal(map[string]string{"query": "query { " + name + " }"})
			return b
		},
		anyStatus: true,
		judge: func(resp *transport.Response, f *finding.Finding) bool {
			a, ok := surface.ParseGraphQLAnswer(resp.Body)
			if !ok {
				return false
			}
			for _, e := range a.Errors {
				if _, names := gql.Suggestions(e.Message); len(names) > 0 {
					f.Evidence.Details = map[string]string{"suggested": strings.Join(names, ", ")}
					return true
				}
			}
			return false
		},
	}.run(ctx, c.Meta(), ep, env)
}

// Batching reports a GraphQL endpoint that executes a JSON array of
// operations in one request. Several operations per request (or many
// aliases of one field) defeat limits that count requests: a login limit
// is bypassed by a batch of guesses. One batch of two __typename queries
// proves it; no load is sent.
type Batching struct{}

// NewBatching returns the check.
func NewBatching() *Batching { return &Batching{} }

// Meta describes the check.
func (*Batching) Meta() check.Meta {
	return check.Meta{
		ID:          "graphql-batching",
		Title:       "GraphQL batching accepted: limits that count requests can be bypassed",
		Severity:    finding.Low,
		CWE:         []string{"CWE-307", "CWE-770"},
		OWASP:       "API4:2023",
		Description: "The GraphQL endpoint executes an array of operations in one HTTP request. Rate limits and failed-login counters that count requests see one request for any number of operations (or aliases of one field), so passwords and tokens can be guessed in bulk.",
		Remediation: "Disable array batching unless a client needs it, cap the operations per request and the aliases per document, and count failed logins per account and per operation, not per HTTP request.",
	}
}

// Run sends one batch of two trivial queries, anonymously.
func (c *Batching) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	return endpointProbe{
		body: func() []byte { return []byte(`[{"query":"query { __typename }"},{"query":"query { __typename }"}]`) },
		judge: func(resp *transport.Response, f *finding.Finding) bool {
			var batch []json.RawMessage
			if json.Unmarshal(resp.Body, &batch) != nil || len(batch) != 2 {
				return false
			}
			for _, b := range batch {
				if a, ok := surface.ParseGraphQLAnswer(b); !ok || !strings.Contains(string(a.Data), "__typename") {
					return false
				}
			}
			// With a credential mutation (login), batching and aliases
			// amplify password guessing: the operation names it.
			if o, ok := loginMutation(env, ep.Path); ok {
				f.Operation = o.Operation()
				f.Severity = finding.Medium
				f.Title = fmt.Sprintf("GraphQL batching accepted: %s can be called many times per request (password guessing past request-based limits)", o.Operation())
			}
			return true
		},
	}.run(ctx, c.Meta(), ep, env)
}

// CredentialArgument tests the credential arguments of GraphQL operations
// (me(token:), viewer(apiKey:)): each identity's JWT is sent unsigned (alg
// "none") and with a broken signature, by the anonymous caller, against
// two controls (no token, and a malformed one) that must be refused. A
// forged token that is answered with data means the resolver decodes
// tokens without verifying them (RFC 8725 §3.1, §3.2).
type CredentialArgument struct{}

// NewCredentialArgument returns the check.
func NewCredentialArgument() *CredentialArgument { return &CredentialArgument{} }

// Meta describes the check.
func (*CredentialArgument) Meta() check.Meta {
	return check.Meta{
		ID:          "graphql-credential-argument",
		Title:       "GraphQL credential argument accepts forged tokens",
		Severity:    finding.High,
		CWE:         []string{"CWE-347", "CWE-287"},
		OWASP:       "API2:2023",
		Description: "A GraphQL field takes a token as an argument and answers with the token owner's data for a token whose signature was removed (alg \"none\") or broken: anyone can forge a token naming any user.",
		Remediation: "Verify every token with the expected algorithm and key (PyJWT: `jwt.decode(token, key, algorithms=[\"HS256\"])`, never `verify_signature: False`), and prefer the Authorization header to token arguments.",
	}
}

// Run tests each credential argument of a query operation.
func (c *CredentialArgument) Run(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if ep.GraphQL == nil || ep.GraphQL.Kind != surface.GraphQLQuery {
		return nil, nil
	}
	anon := transport.Anonymous()
	for _, p := range ep.Params {
		if p.Role != surface.RoleCredential || p.Type != "string" {
			continue
		}
		send := func(tok string) (*transport.Response, any, transport.Request) {
			args := map[string]string{}
			if tok != "" {
				args[p.Name] = tok
			}
			req := check.GraphQLRequest(ep, args)
			resp, v := check.GraphQLData(ctx, env, ep, req, anon)
			return resp, v, req
		}
		// Controls: no token, and a token that is not one.
		if _, v, _ := send(""); v != nil {
			continue
		}
		if _, v, _ := send("not-a-token"); v != nil {
			continue
		}
		for _, id := range env.Identities() {
			tok := identityJWT(id)
			if tok == nil {
				continue
			}
			for _, forged := range []struct{ value, how string }{
				{tok.NoneVariant(), `alg "none", no signature`},
				{tok.TamperedVariant(), "broken signature"},
			} {
				resp, v, req := send(forged.value)
				if v == nil {
					continue
				}
				f := check.New(c.Meta(), ep, resp, anon)
				f.Method = http.MethodPost
				f.Templated = true
				f.Title = fmt.Sprintf("GraphQL credential argument %s accepts a forged token (%s) and answers as %s (%s)", p.Name, forged.how, id.Name, ep.Operation())
				masked := strings.Replace(string(req.Body), forged.value, "<forged token of "+id.Name+">", 1)
				f.Reproduce = transport.Curl(http.MethodPost, resp.URL, anon, jsonHeader, []byte(masked))
				f.GraphQLBody = masked
				f.Evidence = finding.NewEvidence(check.RequestLine(http.MethodPost, resp.URL)+" "+masked, resp.Status, "", nil)
				f.Evidence.Details = map[string]string{
					"argument":        p.Name,
					"forgery":         forged.how,
					"token_of":        id.Name,
					"control_none":    "no token: no data",
					"control_garbage": "malformed token: no data",
				}
				return []finding.Finding{f}, nil
			}
		}
	}
	return nil, nil
}

// identityJWT returns the JWT an identity sends, if any.
func identityJWT(id transport.Identity) *jwt.Token {
	for _, vs := range id.Header {
		for _, v := range vs {
			if m := jwt.Find.FindString(v); m != "" {
				if t, err := jwt.Parse(m); err == nil {
					return t
				}
			}
		}
	}
	return nil
}

// loginMutation returns the mutation of path that takes a password: a
// login-like name first (login, signIn, authenticate, token), else any.
func loginMutation(env check.Env, path string) (surface.Endpoint, bool) {
	var any surface.Endpoint
	found := false
	for _, o := range env.Endpoints() {
		if o.Path != path || o.GraphQL == nil || o.GraphQL.Kind != surface.GraphQLMutation {
			continue
		}
		for _, p := range o.Params {
			if p.Role != surface.RoleCredential || !strings.Contains(strings.ToLower(p.Name), "pass") {
				continue
			}
			n := strings.ToLower(o.GraphQL.Field)
			for _, w := range []string{"login", "signin", "logon", "authenticate", "token", "auth"} {
				if strings.Contains(n, w) {
					return o, true
				}
			}
			if !found {
				any, found = o, true
			}
		}
	}
	return any, found
}
