package safety

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/leakhound/leakhound/internal/surface"
)

// GraphQLDeny are the prefixes of root field names that are never sent as
// reads, even as queries: a resolver named so may act whatever its
// operation type says (systemUpdate, importUsers, uploadFile, execCommand,
// runJob). They add to Words, whose verbs count for GraphQL fields too
// (deletePaste, resetDatabase, logout).
var GraphQLDeny = []Word{
	{Word: "delete", Class: Destructive},
	{Word: "system", Class: Destructive},
	{Word: "import", Class: Destructive},
	{Word: "upload", Class: Destructive},
	{Word: "exec", Class: Destructive},
	{Word: "execute", Class: Destructive},
	{Word: "run", Class: Destructive},
}

// ClassifyGraphQL classifies one root field of a GraphQL operation. A query
// is a read-POST (a read when sent by GET); a mutation is a write; a
// subscription is never sent. The field's verb, from Words and
// GraphQLDeny, raises the class: query deletePaste is destructive, query
// systemInfo too, mutation logout is never sent.
func ClassifyGraphQL(method, kind, field string) Verdict {
	method = strings.ToUpper(method)
	var base Verdict
	switch kind {
	case surface.GraphQLQuery, "":
		base = Verdict{Class: ReadPOST, Reason: "GraphQL query"}
		if method == http.MethodGet {
			base.Class = Read
		}
	case surface.GraphQLMutation:
		base = Verdict{Class: Write, Reason: "GraphQL mutation"}
	default:
		return Verdict{Class: Never, Reason: "GraphQL " + kind}
	}
	toks := tokens(field)
	if len(toks) == 0 {
		return base
	}
	for _, w := range GraphQLDeny {
		if toks[0] == w.Word && w.Class.Rank() > base.Class.Rank() {
			return Verdict{Class: w.Class, Word: w.Word, Reason: fmt.Sprintf("GraphQL field %q: denied prefix %q", field, w.Word)}
		}
	}
	if h, ok := operationIDVerb(field); ok && h.class != Read && h.class.Rank() > base.Class.Rank() {
		return Verdict{Class: h.class, Word: h.word, Reason: fmt.Sprintf("GraphQL field verb %q", h.word)}
	}
	return base
}

// ClassifyGraphQLRequest classifies a GraphQL request from what it really
// sends: the documents of a JSON body (one request or a batch) or of a
// GET's query parameter. Every root field of every operation counts; the
// worst decides. ok is false when the request carries no GraphQL document.
// A document that does not parse executes nothing: it is a read (a
// read-POST over POST).
func ClassifyGraphQLRequest(method string, u *url.URL, body []byte) (Verdict, bool) {
	method = strings.ToUpper(method)
	var reqs []surface.GraphQLRequest
	switch {
	case method == http.MethodGet && u != nil && u.Query().Get("query") != "":
		q := u.Query()
		reqs = []surface.GraphQLRequest{{Query: q.Get("query"), OperationName: q.Get("operationName")}}
	case method == http.MethodPost && len(body) > 0:
		var ok bool
		if reqs, ok = surface.ParseGraphQLRequests(body); !ok {
			return Verdict{}, false
		}
	default:
		return Verdict{}, false
	}
	worst := ClassifyGraphQL(method, surface.GraphQLQuery, "")
	worst.Reason = "GraphQL document that does not parse"
	parsed := false
	for _, r := range reqs {
		doc, err := parser.ParseQuery(&ast.Source{Input: r.Query})
		if err != nil {
			continue
		}
		for _, op := range doc.Operations {
			kind := string(op.Operation)
			roots := rootFields(op.SelectionSet, doc.Fragments, 0)
			if len(roots) == 0 {
				roots = []string{""}
			}
			for _, f := range roots {
				v := ClassifyGraphQL(method, kind, f)
				if !parsed || v.Class.Rank() > worst.Class.Rank() {
					worst = v
					parsed = true
				}
			}
		}
	}
	return worst, true
}

// rootFields lists the root field names of a selection set, through
// fragments and inline fragments.
func rootFields(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int) []string {
	if depth > 8 {
		return nil
	}
	var out []string
	for _, s := range set {
		switch t := s.(type) {
		case *ast.Field:
			if !strings.HasPrefix(t.Name, "__") {
				out = append(out, t.Name)
			}
		case *ast.InlineFragment:
			out = append(out, rootFields(t.SelectionSet, frags, depth+1)...)
		case *ast.FragmentSpread:
			if f := frags.ForName(t.Name); f != nil {
				out = append(out, rootFields(f.SelectionSet, frags, depth+1)...)
			}
		}
	}
	return out
}
