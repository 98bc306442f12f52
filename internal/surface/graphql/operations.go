package graphql

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leakhound/leakhound/internal/surface"
)

// MaxDepth is how deep a generated selection set goes below the root field
// (paste { owner { email } } is depth 2).
const MaxDepth = 3

// maxLeaves bounds the fields of one generated selection set.
const maxLeaves = 60

// Operations returns one operation per root field of the schema's query
// and mutation types, served at path (POST, JSON body). A Boolean argument
// also gets a variant with the opposite of its default (pastes with
// public:false), since a flag flipped by the client is a classic way to
// list what should stay private.
func Operations(s *ast.Schema, path string) []surface.Endpoint {
	var out []surface.Endpoint
	for _, root := range []struct {
		kind string
		def  *ast.Definition
	}{{surface.GraphQLQuery, s.Query}, {surface.GraphQLMutation, s.Mutation}} {
		if root.def == nil {
			continue
		}
		for _, f := range root.def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			ep, ok := operation(s, path, root.kind, f, nil)
			if !ok {
				continue
			}
			out = append(out, ep)
			if root.kind != surface.GraphQLQuery {
				continue
			}
			for _, a := range f.Arguments {
				if a.Type.NamedType != "Boolean" {
					continue
				}
				flip := "false"
				if a.DefaultValue != nil && a.DefaultValue.Raw == "false" {
					flip = "true"
				}
				if v, ok := operation(s, path, root.kind, f, map[string]string{a.Name: flip}); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// operation builds the operation of one root field; fixed sets argument
// values that make a variant.
func operation(s *ast.Schema, path, kind string, f *ast.FieldDefinition, fixed map[string]string) (surface.Endpoint, bool) {
	sel, ok := Selection(s, f.Type, MaxDepth)
	if !ok {
		return surface.Endpoint{}, false
	}
	g := &surface.GraphQLOp{Kind: kind, Field: f.Name}
	var decls, binds []string
	vars := map[string]any{}
	var params []surface.Param
	var variant []string
	for _, a := range f.Arguments {
		arg := surface.GraphQLArg{Name: a.Name, Type: a.Type.String()}
		if a.DefaultValue != nil {
			arg.Default = a.DefaultValue.String()
		}
		g.Args = append(g.Args, arg)
		p := Param(s, a.Name, a.Type, a.DefaultValue)
		if v, ok := fixed[a.Name]; ok {
			p.Values, p.From, p.Required = []string{v}, surface.FromSchema, true
			vars[a.Name] = surface.Typed(v, p)
			variant = append(variant, a.Name+":"+v)
		} else if !p.Required && p.Role != surface.RoleCredential && p.Role != surface.RolePrivilege {
			// Optional arguments keep the server's default: they are not
			// declared, so nothing the scan sends overrides them. An
			// optional credential (me(token:)) or privilege field
			// (signUp(role:)) is declared and left unset: the token and
			// mass-assignment checks fill it.
			continue
		}
		decls = append(decls, "$"+a.Name+": "+a.Type.String())
		binds = append(binds, a.Name+": $"+a.Name)
		params = append(params, p)
	}
	sort.Strings(variant)
	g.Variant = strings.Join(variant, ",")
	var doc strings.Builder
	doc.WriteString(kind)
	doc.WriteString(" ")
	doc.WriteString(operationName(f.Name))
	if len(decls) > 0 {
		doc.WriteString("(" + strings.Join(decls, ", ") + ")")
	}
	doc.WriteString(" { " + f.Name)
	if len(binds) > 0 {
		doc.WriteString("(" + strings.Join(binds, ", ") + ")")
	}
	if sel != "" {
		doc.WriteString(" " + sel)
	}
	doc.WriteString(" }")
	g.Document = doc.String()
	return Endpoint(path, g, params, vars), true
}

// Endpoint makes the surface operation of a GraphQL operation: POST path
// with the JSON body {"query", "variables"}; the arguments are body
// parameters at /variables/{name}.
func Endpoint(path string, g *surface.GraphQLOp, params []surface.Param, vars map[string]any) surface.Endpoint {
	body := map[string]any{"query": g.Document}
	if len(vars) > 0 {
		body["variables"] = vars
	} else if len(params) > 0 {
		body["variables"] = map[string]any{}
	}
	ex, _ := json.Marshal(body)
	return surface.Endpoint{
		Method:      http.MethodPost,
		Path:        path,
		Params:      params,
		Source:      surface.SourceGraphQL,
		OperationID: g.Field,
		Summary:     g.Kind + " " + g.Field,
		Body:        &surface.Body{ContentType: "application/json", Required: true, Example: ex},
		GraphQL:     g,
	}
}

// operationName makes a GraphQL operation name from a field: paste → Paste.
func operationName(field string) string {
	if field == "" {
		return "Op"
	}
	return strings.ToUpper(field[:1]) + field[1:]
}

// Param is the body parameter of an argument: its JSON type from the
// GraphQL type, and its role from its name (surface.RoleOf).
func Param(s *ast.Schema, name string, t *ast.Type, def *ast.Value) surface.Param {
	p := surface.Param{
		Name:     name,
		In:       surface.InBody,
		Pointer:  "/variables/" + surface.PointerEscape(name),
		Required: t.NonNull && def == nil,
		Role:     surface.RoleOf(name, surface.InBody, nil),
	}
	if t.Elem != nil {
		p.Type = "array"
		return p
	}
	switch t.NamedType {
	case "Int":
		p.Type = "integer"
	case "Float":
		p.Type = "number"
	case "Boolean":
		p.Type = "boolean"
	case "ID":
		p.Type, p.Role = "string", idRole(p.Role)
	case "String":
		p.Type = "string"
	default:
		if d := s.Types[t.NamedType]; d != nil {
			switch d.Kind {
			case ast.Enum:
				p.Type = "string"
				for _, v := range d.EnumValues {
					p.Enum = append(p.Enum, v.Name)
				}
				if len(p.Enum) > 0 {
					p.Values, p.From = []string{p.Enum[0]}, surface.FromSpec
				}
			case ast.InputObject:
				p.Type = "object"
			default:
				p.Type = "string"
			}
		}
	}
	return p
}

// idRole: an argument of type ID refers to an object whatever its name.
func idRole(r surface.Role) surface.Role {
	if r == surface.RoleOwner || r == surface.RoleObject {
		return r
	}
	return surface.RoleObject
}

// Selection returns the selection set for a field of type t: its scalar
// and enum leaves, and the leaves of object fields to depth levels, cycles
// cut (a type is not entered again below itself). Fields that take
// required arguments are left out. ok is false when an object type has no
// leaf reachable. A leaf type has the empty selection.
func Selection(s *ast.Schema, t *ast.Type, depth int) (string, bool) {
	d := s.Types[t.Name()]
	if d == nil {
		return "", false
	}
	if d.IsLeafType() {
		return "", true
	}
	n := 0
	sel := selection(s, d, depth, map[string]bool{}, &n)
	return sel, sel != ""
}

func selection(s *ast.Schema, d *ast.Definition, depth int, onPath map[string]bool, n *int) string {
	if depth <= 0 || onPath[d.Name] {
		return ""
	}
	onPath[d.Name] = true
	defer delete(onPath, d.Name)
	var parts []string
	if d.Kind == ast.Union {
		parts = append(parts, "__typename")
		for _, m := range d.Types {
			if md := s.Types[m]; md != nil && depth > 1 {
				if sub := selection(s, md, depth-1, onPath, n); sub != "" {
					parts = append(parts, "... on "+m+" "+sub)
				}
			}
		}
		return "{ " + strings.Join(parts, " ") + " }"
	}
	// Leaves first, then objects: the leaves are what the checks read.
	var objects []*ast.FieldDefinition
	for _, f := range d.Fields {
		if strings.HasPrefix(f.Name, "__") || requiresArgs(f) || *n >= maxLeaves {
			continue
		}
		fd := s.Types[f.Type.Name()]
		if fd == nil {
			continue
		}
		if fd.IsLeafType() {
			parts = append(parts, f.Name)
			*n++
			continue
		}
		objects = append(objects, f)
	}
	for _, f := range objects {
		if *n >= maxLeaves {
			break
		}
		if sub := selection(s, s.Types[f.Type.Name()], depth-1, onPath, n); sub != "" {
			parts = append(parts, f.Name+" "+sub)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func requiresArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}
