package surface

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// SourceGraphQL marks an operation built from a GraphQL schema
// (introspection, a --graphql-schema file, field suggestions or recorded
// queries).
const SourceGraphQL Source = "graphql"

// GraphQL operation kinds (GraphQLOp.Kind), as the GraphQL specification
// names them (https://spec.graphql.org/October2021/#sec-Language.Operations).
const (
	GraphQLQuery    = "query"
	GraphQLMutation = "mutation"
)

// GraphQLOp is the GraphQL part of an operation: one root field of the
// schema's query or mutation type, called with its arguments as variables.
// An Endpoint with a GraphQL part is POST {path} with the JSON body
// {"query": Document, "variables": {...}}; each argument is a body
// parameter at /variables/{name}, so the operation model's value sources
// and request synthesis fill it like any JSON member.
type GraphQLOp struct {
	// Kind is query or mutation.
	Kind string `json:"kind"`
	// Field is the root field called (paste, pastes, login).
	Field string `json:"field"`
	// Args are the field's arguments with their GraphQL types ("ID!",
	// "Boolean", "[String!]").
	Args []GraphQLArg `json:"args,omitempty"`
	// Variant tells two requests of one field apart when fixed argument
	// values make them different operations ("public:false"): part of Key.
	Variant string `json:"variant,omitempty"`
	// Document is the generated GraphQL document: the field with its
	// arguments bound to variables and a selection set of scalar leaves.
	Document string `json:"document"`
}

// GraphQLArg is one argument of a root field.
type GraphQLArg struct {
	Name string `json:"name"`
	// Type is the GraphQL type as written in SDL: ID!, [Int], Boolean.
	Type string `json:"type"`
	// Default is the default value in GraphQL syntax ("true", "20"), when
	// the schema gives one.
	Default string `json:"default,omitempty"`
}

// Name is "query paste" or "mutation login", with the variant when there
// is one ("query pastes(public:false)"): the operation in keys, findings
// and reports.
func (g *GraphQLOp) Name() string {
	if g == nil {
		return ""
	}
	n := g.Kind + " " + g.Field
	if g.Variant != "" {
		n += "(" + g.Variant + ")"
	}
	return n
}

// GraphQLError is one entry of a GraphQL answer's errors list.
type GraphQLError struct {
	Message    string          `json:"message"`
	Path       []any           `json:"path,omitempty"`
	Extensions json.RawMessage `json:"extensions,omitempty"`
}

// GraphQLAnswer is a GraphQL response envelope
// (https://spec.graphql.org/October2021/#sec-Response-Format).
type GraphQLAnswer struct {
	Data   json.RawMessage `json:"data"`
	Errors []GraphQLError  `json:"errors"`
}

// ParseGraphQLAnswer reads a GraphQL envelope: a JSON object whose only
// top-level members are data, errors and extensions, with data or errors
// present. ok is false for any other body (an ordinary JSON answer, HTML).
func ParseGraphQLAnswer(body []byte) (GraphQLAnswer, bool) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil || len(raw) == 0 {
		return GraphQLAnswer{}, false
	}
	for k := range raw {
		if k != "data" && k != "errors" && k != "extensions" {
			return GraphQLAnswer{}, false
		}
	}
	_, hasData := raw["data"]
	errs, hasErrors := raw["errors"]
	if !hasData && !hasErrors {
		return GraphQLAnswer{}, false
	}
	var a GraphQLAnswer
	a.Data = raw["data"]
	if hasErrors && json.Unmarshal(errs, &a.Errors) != nil {
		return GraphQLAnswer{}, false
	}
	return a, true
}

// Refused reports whether a GraphQL answer is a refusal: it carries errors
// and no field resolved to a value (data null, or every root field null).
// {"errors":[{"message":"Not authorised"}],"data":{"me":null}} is a
// refusal, not data.
func (a GraphQLAnswer) Refused() bool {
	if len(a.Errors) == 0 {
		return false
	}
	return !a.HasData()
}

// HasData reports whether at least one root field resolved to a non-null,
// non-empty value.
func (a GraphQLAnswer) HasData() bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(a.Data, &fields) != nil {
		// Not an object of root fields: a REST envelope's data array or
		// scalar is data unless it is null.
		d := strings.TrimSpace(string(a.Data))
		return d != "" && d != "null" && d != "[]"
	}
	for _, v := range fields {
		s := strings.TrimSpace(string(v))
		if s != "null" && s != "[]" && s != "{}" && s != "" {
			return true
		}
	}
	return false
}

// GraphQLRequest is a GraphQL request as sent over HTTP: the JSON body of a
// POST, or the query parameters of a GET.
type GraphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// ParseGraphQLRequests reads the GraphQL requests of a JSON body: one
// object with a query string, or a batch (an array of them). ok is false
// when the body is neither.
func ParseGraphQLRequests(body []byte) ([]GraphQLRequest, bool) {
	b := strings.TrimSpace(string(body))
	if strings.HasPrefix(b, "[") {
		var batch []GraphQLRequest
		if json.Unmarshal(body, &batch) != nil || len(batch) == 0 {
			return nil, false
		}
		for _, r := range batch {
			if strings.TrimSpace(r.Query) == "" {
				return nil, false
			}
		}
		return batch, true
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return nil, false
	}
	q, ok := raw["query"]
	if !ok {
		return nil, false
	}
	var r GraphQLRequest
	if json.Unmarshal(q, &r.Query) != nil {
		return nil, false
	}
	_ = json.Unmarshal(raw["operationName"], &r.OperationName)
	_ = json.Unmarshal(raw["variables"], &r.Variables)
	return []GraphQLRequest{r}, true
}

// GraphQLOperationOf names the GraphQL operation a request sends ("query
// paste", "mutation login"): the kind and first root field of the operation
// its body (or a GET's query parameter) selects; a batch is named by its
// first request. "" when the request carries no GraphQL document that
// parses.
func GraphQLOperationOf(method, rawURL string, body []byte) string {
	var reqs []GraphQLRequest
	if strings.EqualFold(method, http.MethodGet) {
		u, err := url.Parse(rawURL)
		if err != nil || u.Query().Get("query") == "" {
			return ""
		}
		reqs = []GraphQLRequest{{Query: u.Query().Get("query"), OperationName: u.Query().Get("operationName")}}
	} else {
		var ok bool
		if reqs, ok = ParseGraphQLRequests(body); !ok {
			return ""
		}
	}
	r := reqs[0]
	doc, err := parser.ParseQuery(&ast.Source{Input: r.Query})
	if err != nil {
		return ""
	}
	for _, op := range doc.Operations {
		if r.OperationName != "" && op.Name != r.OperationName {
			continue
		}
		kind := string(op.Operation)
		if kind == "" {
			kind = GraphQLQuery
		}
		for _, s := range op.SelectionSet {
			if f, ok := s.(*ast.Field); ok && !strings.HasPrefix(f.Name, "__") {
				return kind + " " + f.Name
			}
		}
		if len(op.SelectionSet) > 0 {
			if f, ok := op.SelectionSet[0].(*ast.Field); ok {
				return kind + " " + f.Name
			}
		}
		return ""
	}
	return ""
}

// RedactGraphQLBody replaces the credential variables of a GraphQL request
// body (password, token, apiKey: RoleOf) with "REDACTED", so that a body
// shown in a report never carries a secret. Other bodies are returned
// unchanged.
func RedactGraphQLBody(body []byte) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	changed := false
	redact := func(r any) {
		m, ok := r.(map[string]any)
		if !ok {
			return
		}
		vars, ok := m["variables"].(map[string]any)
		if !ok {
			return
		}
		q, _ := m["query"].(string)
		bound := credentialVariables(q)
		for k := range vars {
			if RoleOf(k, InBody, nil) == RoleCredential || bound[k] {
				vars[k] = "REDACTED"
				changed = true
			}
		}
	}
	if batch, ok := v.([]any); ok {
		for _, r := range batch {
			redact(r)
		}
	} else {
		redact(v)
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// credentialVariables names the variables of a document that are passed to
// credential arguments (login(password: $p) → p).
func credentialVariables(q string) map[string]bool {
	out := map[string]bool{}
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		return out
	}
	var walk func(set ast.SelectionSet, depth int)
	walk = func(set ast.SelectionSet, depth int) {
		if depth > 10 {
			return
		}
		for _, s := range set {
			switch t := s.(type) {
			case *ast.Field:
				for _, a := range t.Arguments {
					if a.Value != nil && a.Value.Kind == ast.Variable && RoleOf(a.Name, InBody, nil) == RoleCredential {
						out[a.Value.Raw] = true
					}
				}
				walk(t.SelectionSet, depth+1)
			case *ast.InlineFragment:
				walk(t.SelectionSet, depth+1)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet, 0)
	}
	return out
}
