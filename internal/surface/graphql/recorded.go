package graphql

import (
	"regexp"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/leakhound/leakhound/internal/surface"
)

// Split turns recorded GraphQL requests (HAR, Postman: a POST whose JSON
// body holds a query) into one operation per root field they call, so
// that the operations of one /graphql endpoint stay distinct (their Key
// includes the operation). The recorded body is kept and replayed as
// recorded, its variables becoming body parameters with their recorded
// values. Other endpoints are returned unchanged.
func Split(eps []surface.Endpoint) []surface.Endpoint {
	var out []surface.Endpoint
	seen := map[string]bool{}
	for _, ep := range eps {
		ops := FromRequest(ep)
		if len(ops) == 0 {
			out = append(out, ep)
			continue
		}
		for _, op := range ops {
			if k := op.Key(); !seen[k] {
				seen[k] = true
				out = append(out, op)
			}
		}
	}
	return out
}

// FromRequest returns the operations of a recorded GraphQL request (nil
// when ep is not one).
func FromRequest(ep surface.Endpoint) []surface.Endpoint {
	if ep.GraphQL != nil || ep.Body == nil || len(ep.Body.Example) == 0 || !strings.EqualFold(ep.Method, "POST") {
		return nil
	}
	reqs, ok := surface.ParseGraphQLRequests(ep.Body.Example)
	if !ok || len(reqs) != 1 {
		return nil
	}
	r := reqs[0]
	doc, err := parser.ParseQuery(&ast.Source{Input: r.Query})
	if err != nil {
		return nil
	}
	var op *ast.OperationDefinition
	for _, o := range doc.Operations {
		if r.OperationName == "" || o.Name == r.OperationName {
			op = o
			break
		}
	}
	if op == nil {
		return nil
	}
	kind := string(op.Operation)
	if kind == "" {
		kind = surface.GraphQLQuery
	}
	var out []surface.Endpoint
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || strings.HasPrefix(f.Name, "__") {
			continue
		}
		g := &surface.GraphQLOp{Kind: kind, Field: f.Name, Document: r.Query}
		var params []surface.Param
		for _, a := range f.Arguments {
			arg := surface.GraphQLArg{Name: a.Name}
			if a.Value != nil && a.Value.Kind == ast.Variable {
				if vd := op.VariableDefinitions.ForName(a.Value.Raw); vd != nil {
					arg.Type = vd.Type.String()
					p := Param(&ast.Schema{Types: map[string]*ast.Definition{}}, vd.Variable, vd.Type, vd.DefaultValue)
					p.Required = true
					if v, ok := r.Variables[vd.Variable]; ok {
						if s := surface.Scalar(v); s != "" {
							p.Values, p.From = []string{s}, surface.FromRecording
						}
					}
					params = append(params, p)
				}
			}
			g.Args = append(g.Args, arg)
		}
		n := ep
		n.GraphQL = g
		n.Params = params
		n.OperationID = f.Name
		n.Summary = kind + " " + f.Name
		out = append(out, n)
	}
	return out
}

// Merge puts operations generated from a schema into a surface: a
// generated operation replaces the recorded one of the same key, keeping
// the recorded values of its arguments as known values.
func Merge(have, generated []surface.Endpoint) []surface.Endpoint {
	idx := map[string]int{}
	for i, ep := range have {
		idx[ep.Key()] = i
	}
	out := append([]surface.Endpoint(nil), have...)
	for _, g := range generated {
		i, ok := idx[g.Key()]
		if !ok {
			idx[g.Key()] = len(out)
			out = append(out, g)
			continue
		}
		old := out[i]
		for j := range g.Params {
			if p, ok := old.Param(surface.InBody, g.Params[j].Name); ok && len(p.Values) > 0 && len(g.Params[j].Values) == 0 {
				g.Params[j].Values, g.Params[j].From = p.Values, p.From
			}
		}
		if old.Source != surface.SourceGraphQL {
			out[i] = g
		}
	}
	return out
}

var (
	didYouMean = regexp.MustCompile(`(?i)did you mean (.+?)\?`)
	quoted     = regexp.MustCompile(`"([_A-Za-z][_0-9A-Za-z]*)"|'([_A-Za-z][_0-9A-Za-z]*)'`)
	// Cannot query field "pastex" on type "Query".
	onType = regexp.MustCompile(`(?i)on type "([_A-Za-z][_0-9A-Za-z]*)"`)
)

// Suggestions returns the field names an error message suggests ("Cannot
// query field \"pastex\" on type \"Query\". Did you mean \"paste\" or
// \"pastes\"?") with the type they belong to, "" when unnamed.
func Suggestions(msg string) (typ string, names []string) {
	m := didYouMean.FindStringSubmatch(msg)
	if m == nil {
		return "", nil
	}
	if t := onType.FindStringSubmatch(msg); t != nil {
		typ = t[1]
	}
	seen := map[string]bool{}
	for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
		n := q[1] + q[2]
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return typ, names
}

var (
	// Field "paste" argument "id" of type "ID!" is required, but it was not provided.
	requiredArg = regexp.MustCompile(`(?i)argument "([_A-Za-z][_0-9A-Za-z]*)" of type "([^"]+)" is required`)
	// Field "paste" of type "Paste" must have a selection of subfields.
	needsSelection = regexp.MustCompile(`(?i)must have a selection of subfields`)
)

// RequiredArgument reads an error naming a missing required argument.
func RequiredArgument(msg string) (name, typ string, ok bool) {
	m := requiredArg.FindStringSubmatch(msg)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// NeedsSelection reports whether an error says the field is an object that
// needs a selection set.
func NeedsSelection(msg string) bool { return needsSelection.MatchString(msg) }
