package errordisclosure

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// graphQLProbes are type-confused values for a GraphQL argument: they pass
// the schema's validation where the type is ID or String and reach the
// resolver (a text id for an integer column, a quote for a SQL string).
var graphQLProbes = []probe{
	{"abc", "text where the resolver expects a number"},
	{"1'\"", "quoting characters"},
	{"-1", "negative number"},
	{"999999999999", "nonexistent id"},
}

// malformedGraphQL are documents the server cannot parse or validate.
var malformedGraphQL = []probe{
	{`{"query":"query { __typename"}`, "malformed GraphQL document"},
	{`{"query":"query ($v: Int!) { __typename }","variables":{"v":"abc"}}`, "variable of the wrong type"},
}

// runGraphQL probes each argument of a GraphQL operation with type-confused
// values, and its endpoint once with malformed documents; it reads the
// error messages and errors[].extensions (stack traces, SQL, file paths).
func (c *Check) runGraphQL(ctx context.Context, ep surface.Endpoint, env check.Env) ([]finding.Finding, error) {
	if ep.GraphQL.Kind != surface.GraphQLQuery {
		// Probes go to reads only: a type-confused mutation could still
		// create or change something.
		return nil, nil
	}
	id := identity(env)
	var hits []hit
	for _, p := range ep.Params {
		if p.In != surface.InBody || p.Type == "boolean" {
			continue
		}
		for _, pr := range graphQLProbes {
			if len(hits) >= maxHits || ctx.Err() != nil {
				break
			}
			r, _ := ep.Build(func(q surface.Param) (string, bool) {
				if q.Key() == p.Key() {
					return pr.value, true
				}
				return "", false
			})
			// The probe value goes in as a string even for an Int: that
			// is the type confusion.
			body := setVariable(r.Body, p.Name, pr.value)
			resp, err := env.Do(ctx, transport.Request{Method: http.MethodPost, Path: r.Path, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}, id)
			if err != nil {
				continue
			}
			if h, ok := c.inspectGraphQL(resp); ok {
				h.method, h.point, h.trigger, h.value = http.MethodPost, "GraphQL argument "+p.Name, pr.why, pr.value
				h.body = body
				hits = append(hits, h)
				break
			}
		}
	}
	if len(hits) == 0 && authz.FirstGraphQLOp(ep, env) {
		for _, pr := range malformedGraphQL {
			resp, err := env.Do(ctx, transport.Request{Method: http.MethodPost, Path: ep.Path, Body: []byte(pr.value), Header: http.Header{"Content-Type": {"application/json"}}}, id)
			if err != nil {
				continue
			}
			if h, ok := c.inspectGraphQL(resp); ok {
				h.method, h.point, h.trigger, h.value = http.MethodPost, "GraphQL document", pr.why, pr.value
				h.body = []byte(pr.value)
				hits = append(hits, h)
				break
			}
		}
	}
	if len(hits) == 0 {
		return nil, ctx.Err()
	}
	f := c.report(ep, id, hits)
	// Each resolver handles its own errors: the finding is on the
	// operation, not on one handler for the whole API.
	f.Path, f.Operation, f.Subject = ep.Path, ep.Operation(), ""
	f.Reproduce = transport.Curl(http.MethodPost, hits[0].resp.URL, id, http.Header{"Content-Type": {"application/json"}}, hits[0].body)
	f.Evidence.Request += " " + string(hits[0].body)
	f.GraphQLBody = string(hits[0].body)
	return []finding.Finding{f}, ctx.Err()
}

// setVariable sets variables.name to a string value in a GraphQL body.
func setVariable(body []byte, name, value string) []byte {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	vars, _ := doc["variables"].(map[string]any)
	if vars == nil {
		vars = map[string]any{}
	}
	vars[name] = value
	doc["variables"] = vars
	b, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return b
}

// inspectGraphQL reads a GraphQL error answer: the detectors on the whole
// body, and the extensions of each error, where servers put stack traces
// (extensions.exception.stacktrace), SQL and file paths.
func (c *Check) inspectGraphQL(resp *transport.Response) (hit, bool) {
	if h, ok := c.inspect(resp); ok {
		return h, true
	}
	a, ok := surface.ParseGraphQLAnswer(resp.Body)
	if !ok {
		return hit{}, false
	}
	var arts []detect.Match
	for _, e := range a.Errors {
		arts = append(arts, ExtensionArtefacts(e.Extensions)...)
	}
	if len(arts) == 0 {
		return hit{}, false
	}
	return hit{resp: resp, arts: arts}, true
}

// ExtensionArtefacts finds the internals a GraphQL error's extensions
// carry: a stack trace (a list of frames, or text with "at …(file:line)" or
// "File \"…\", line N"), SQL, or server file paths. Each is one match.
func ExtensionArtefacts(ext json.RawMessage) []detect.Match {
	if len(ext) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(ext, &v) != nil {
		return nil
	}
	var out []detect.Match
	seen := map[string]bool{}
	add := func(typ detect.Type, path, _ string) {
		if !seen[string(typ)] {
			seen[string(typ)] = true
			out = append(out, detect.Match{Type: typ, Category: detect.Artefact, Confidence: finding.ConfidenceHigh, Path: path})
		}
	}
	var walk func(v any, path, key string, depth int)
	walk = func(v any, path, key string, depth int) {
		if depth > 6 {
			return
		}
		lk := strings.ToLower(key)
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				walk(x, path+"."+k, k, depth+1)
			}
		case []any:
			if strings.Contains(lk, "stack") || strings.Contains(lk, "trace") {
				if len(t) > 0 {
					s, _ := t[0].(string)
					add(detect.TypeNodeStack, path, s)
				}
			}
			for i, x := range t {
				if i > 50 {
					break
				}
				walk(x, path, key, depth+1)
			}
		case string:
			ls := strings.ToLower(t)
			switch {
			case strings.Contains(ls, "traceback (most recent call last)") || strings.Contains(t, "File \"") && strings.Contains(t, ", line "):
				add(detect.TypeTraceback, path, t)
			case (strings.Contains(lk, "stack") || strings.Contains(lk, "trace")) && len(t) > 20:
				add(detect.TypeNodeStack, path, t)
			case strings.Contains(t, "    at ") && strings.Contains(t, ".js:"):
				add(detect.TypeNodeStack, path, t)
			}
			if strings.Contains(ls, "select ") && strings.Contains(ls, " from ") || strings.Contains(lk, "sql") {
				add(detect.TypeSQLError, path, t)
			}
			if strings.Contains(t, "/app/") || strings.Contains(t, "/usr/lib/python") || strings.Contains(t, "/site-packages/") || strings.Contains(t, "node_modules/") || strings.Contains(t, "/home/") || strings.Contains(t, "/var/www/") {
				add(detect.TypeServerPath, path, t)
			}
		}
	}
	walk(v, "$.extensions", "", 0)
	return out
}

var _ check.Passive = (*Check)(nil)

// Inspect reads every answer the scan receives, passively. GraphQL errors
// whose extensions carry a stack trace, SQL or server paths are reported
// on the operation that caused them; any other 5xx answer carrying such
// artefacts (a debug route that crashes, found by discovery) joins the
// error-handler finding the active probes make. Other answers are left
// to the active probes.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	if ex.Status >= 500 && surface.GraphQLOperationOf(ex.Method, ex.URL, ex.ReqBody) == "" {
		if ex.Check == c.Meta().ID {
			return nil // a probe's own error: Run judges it
		}
		return c.inspectServerError(ex, env)
	}
	a, ok := surface.ParseGraphQLAnswer(ex.Body)
	if !ok || len(a.Errors) == 0 || surface.GraphQLOperationOf(ex.Method, ex.URL, ex.ReqBody) == "" && !strings.Contains(ex.URL, "query=") {
		return nil
	}
	var arts []detect.Match
	for _, e := range a.Errors {
		arts = append(arts, ExtensionArtefacts(e.Extensions)...)
	}
	if len(arts) == 0 {
		return nil
	}
	f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
	types := detect.JoinTypes(detect.Types(arts))
	f.Title = "GraphQL error extensions disclose " + strings.ReplaceAll(types, "_", " ")
	f.Evidence = finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, excerpt(ex.Body, "application/json", arts), nil)
	f.Evidence.Details = map[string]string{"artefacts": types, "seen": "passively, in errors[].extensions"}
	return []finding.Finding{f}
}

// askedAsIs are the stages whose requests ask an operation as it is, with
// the values it expects.
var askedAsIs = map[string]bool{"discovery": true, "baseline": true, "whoami": true, "authz-learn": true}

// inspectServerError reports a 5xx answer that discloses error artefacts
// though nothing was sent to break the handler.
func (c *Check) inspectServerError(ex *transport.Exchange, env check.Env) []finding.Finding {
	resp := &transport.Response{Status: ex.Status, Header: ex.Header, Body: ex.Body, URL: ex.URL}
	h, ok := c.inspect(resp)
	if !ok {
		return nil
	}
	h.method, h.trigger = ex.Method, "none: the operation answered so when asked as it is"
	if !askedAsIs[ex.Check] {
		h.trigger = "a request of the " + ex.Check + " check"
	}
	path := ex.Template
	if path == "" {
		if u, err := url.Parse(ex.URL); err == nil {
			path = u.Path
		}
	}
	id := check.Identity(env, ex.Identity)
	f := c.report(surface.Endpoint{Method: ex.Method, Path: path}, id, []hit{h})
	f.URL, f.Identity = ex.URL, ex.Identity
	f.Reproduce = transport.Curl(ex.Method, ex.URL, id, ex.ReqHeader, ex.ReqBody)
	f.Evidence.Details["seen"] = "passively, in an answer to another stage's request"
	delete(f.Evidence.Details, "parameter")
	delete(f.Evidence.Details, "value")
	return []finding.Finding{f}
}
