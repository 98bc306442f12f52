package scan

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/surface/graphql"
	"github.com/leakhound/leakhound/internal/transport"
)

// graphQLDiscoveryRequests bounds the requests that look for GraphQL
// endpoints (two per candidate path).
const graphQLDiscoveryRequests = 16

// graphQLEndpoints finds the GraphQL endpoints of the target: recorded
// GraphQL requests are split by operation (their paths are endpoints);
// with discovery, the conventional paths and the surface's paths that name
// graphql are probed; without it, only the latter. It returns the paths
// and the discovery requests it sent.
func graphQLEndpoints(ctx context.Context, e *env, o Options) (map[string]bool, int) {
	ctx = transport.WithCheck(ctx, "discovery")
	e.mu.Lock()
	e.endpoints = graphql.Split(e.endpoints)
	paths := map[string]bool{}
	var candidates []string
	for _, ep := range e.endpoints {
		if ep.GraphQL != nil {
			paths[ep.Path] = true
		} else if discover.IsGraphQLPath(ep.Path) {
			candidates = append(candidates, ep.Path)
		}
	}
	e.mu.Unlock()
	// Without discovery, only the paths the surface names are probed.
	budget := 2 * len(candidates)
	if o.Discovery != nil {
		candidates = append(append([]string(nil), discover.GraphQLPaths...), candidates...)
		budget = min(graphQLDiscoveryRequests, max(2, DiscoveryBudget(o.Discovery.MaxRequests, e.client.MaxRequests())/4))
	}
	found, used := discover.GraphQL(ctx, e.client, candidates, budget)
	for _, ep := range found {
		paths[ep.Path] = true
	}
	return paths, used
}

// graphQLSurface turns each GraphQL endpoint into operations: its schema
// comes from the user's schema file, or introspection, or, when
// introspection is off, field suggestions; one operation per root field
// joins the surface, replacing the bare endpoint.
func graphQLSurface(ctx context.Context, e *env, o Options, paths map[string]bool, log *slog.Logger) {
	ctx = transport.WithCheck(ctx, "graphql-schema")
	if len(paths) == 0 && o.GraphQLSchema != nil {
		paths = map[string]bool{"/graphql": true}
	}
	var sorted []string
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	for _, p := range sorted {
		schema, how := o.GraphQLSchema, "schema file"
		if schema == nil {
			schema, how = introspect(ctx, e, p)
		}
		if schema == nil {
			schema, how = fromSuggestions(ctx, e, p)
		}
		if schema == nil {
			log.Info("graphql endpoint without a schema", "path", p)
			continue
		}
		ops := graphql.Operations(schema, p)
		log.Info("graphql operations", "path", p, "schema", how, "operations", len(ops))
		e.client.Learn(ops)
		e.mu.Lock()
		// The bare probe of the endpoint is replaced by its operations.
		kept := e.endpoints[:0]
		for _, ep := range e.endpoints {
			if ep.Path == p && ep.GraphQL == nil && ep.Method == http.MethodPost {
				continue
			}
			kept = append(kept, ep)
		}
		e.endpoints = graphql.Merge(kept, ops)
		e.mu.Unlock()
	}
}

// introspect asks the endpoint for its schema, anonymously first, then as
// each identity.
func introspect(ctx context.Context, e *env, path string) (*ast.Schema, string) {
	body, _ := json.Marshal(map[string]string{"query": graphql.IntrospectionQuery})
	for _, id := range e.identities {
		resp, err := e.client.Do(ctx, transport.Request{Method: http.MethodPost, Path: path, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}, id)
		if err != nil {
			if errors.Is(err, transport.ErrBudget) || ctx.Err() != nil {
				return nil, ""
			}
			continue
		}
		if resp.Status >= 500 {
			continue
		}
		if s, err := graphql.Parse(resp.Body); err == nil {
			return s, "introspection"
		}
	}
	return nil, ""
}

// suggestionProbes are root field names tried misspelt, so that a server
// with suggestions on names its real fields ("Did you mean …").
var suggestionProbes = []string{"user", "users", "me", "viewer", "node", "item", "items", "post", "posts", "paste", "pastes", "order", "orders", "account", "profile", "product", "products", "search", "login", "create", "update", "note", "notes", "message", "messages", "file", "files", "project", "projects", "team", "customer", "invoice"}

// leafProbes are leaf names tried misspelt inside an object's selection.
var leafProbes = []string{"id", "name", "title", "email", "username", "content", "owner", "status", "created", "phone", "address", "token", "role", "body", "text", "public"}

// maxSuggestionRequests bounds the requests that rebuild a schema from
// suggestions.
const maxSuggestionRequests = 60

// fromSuggestions rebuilds a partial schema from the errors of a server
// whose introspection is off: misspelt root fields reveal the real ones,
// errors on each reveal its required arguments and whether it needs a
// selection, and misspelt leaves inside it reveal its fields.
func fromSuggestions(ctx context.Context, e *env, path string) (*ast.Schema, string) {
	sent := 0
	ask := func(q string) []surface.GraphQLError {
		if sent >= maxSuggestionRequests {
			return nil
		}
		sent++
		body, _ := json.Marshal(map[string]string{"query": q})
		resp, err := e.client.Do(ctx, transport.Request{Method: http.MethodPost, Path: path, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}, e.identities[len(e.identities)-1])
		if err != nil {
			return nil
		}
		a, ok := surface.ParseGraphQLAnswer(resp.Body)
		if !ok {
			return nil
		}
		return a.Errors
	}
	roots := map[string]bool{}
	var misspelt []string
	for _, w := range suggestionProbes {
		misspelt = append(misspelt, w+"x")
	}
	// Several misspelt fields per request: each gets its own error.
	for i := 0; i < len(misspelt); i += 8 {
		j := min(i+8, len(misspelt))
		for _, er := range ask("query { " + strings.Join(misspelt[i:j], " ") + " }") {
			if typ, names := graphql.Suggestions(er.Message); typ == "" || typ == "Query" || strings.HasSuffix(typ, "Query") {
				for _, n := range names {
					roots[n] = true
				}
			}
		}
	}
	if len(roots) == 0 {
		return nil, ""
	}
	var names []string
	for n := range roots {
		names = append(names, n)
	}
	sort.Strings(names)
	var sdl strings.Builder
	var types strings.Builder
	sdl.WriteString("type Query {\n")
	for _, n := range names {
		var args []string
		object := false
		for _, er := range ask("query { " + n + " }") {
			if a, t, ok := graphql.RequiredArgument(er.Message); ok {
				args = append(args, a+": "+builtinType(t))
			}
			if graphql.NeedsSelection(er.Message) {
				object = true
			}
		}
		typ := "String"
		if object {
			var probes []string
			for _, l := range leafProbes {
				probes = append(probes, l+"x")
			}
			leaves := map[string]bool{}
			call := n
			if len(args) > 0 {
				var binds []string
				for _, a := range args {
					an, at, _ := strings.Cut(a, ": ")
					binds = append(binds, an+": "+literalFor(at))
				}
				call += "(" + strings.Join(binds, ", ") + ")"
			}
			for _, er := range ask("query { " + call + " { " + strings.Join(probes, " ") + " } }") {
				_, ns := graphql.Suggestions(er.Message)
				for _, l := range ns {
					leaves[l] = true
				}
			}
			if len(leaves) == 0 {
				leaves["__typename"] = true
			}
			typ = "Partial_" + n
			types.WriteString("type " + typ + " {\n")
			var ls []string
			for l := range leaves {
				ls = append(ls, l)
			}
			sort.Strings(ls)
			for _, l := range ls {
				if l != "__typename" {
					types.WriteString("  " + l + ": String\n")
				}
			}
			if len(ls) == 1 && ls[0] == "__typename" {
				types.WriteString("  _unknown: String\n")
			}
			types.WriteString("}\n")
		}
		sdl.WriteString("  " + n)
		if len(args) > 0 {
			sdl.WriteString("(" + strings.Join(args, ", ") + ")")
		}
		sdl.WriteString(": " + typ + "\n")
	}
	sdl.WriteString("}\n")
	s, err := graphql.Parse([]byte(sdl.String() + types.String()))
	if err != nil {
		return nil, ""
	}
	return s, "field suggestions"
}

// literalFor is a harmless literal of a GraphQL type, for a probe.
func literalFor(t string) string {
	t = strings.TrimSuffix(t, "!")
	switch t {
	case "Int", "Float":
		return "1"
	case "Boolean":
		return "true"
	}
	return `"1"`
}

// builtinType keeps a GraphQL type reference when its named type is a
// built-in scalar, else names String in its place (a partial schema knows
// no other types): [PasteInput!]! → [String!]!.
func builtinType(t string) string {
	name := strings.Trim(t, "[]!")
	switch name {
	case "String", "Int", "Float", "Boolean", "ID":
		return t
	}
	return strings.Replace(t, name, "String", 1)
}
