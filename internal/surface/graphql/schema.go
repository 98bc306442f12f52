// Package graphql turns a GraphQL API into operations of the surface model:
// one operation per root field of the query and mutation types, with its
// argument types and a generated document whose selection set holds scalar
// leaves to a bounded depth. Schemas come from SDL or introspection JSON
// (a --graphql-schema file, or the introspection answer of the target),
// from the field suggestions of a server whose introspection is off, and
// from recorded queries (HAR, Postman).
//
// Parsing and schema validation use github.com/vektah/gqlparser/v2, a
// maintained implementation of the GraphQL specification
// (https://spec.graphql.org/October2021/).
package graphql

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// ErrSchema marks a schema that could not be read.
var ErrSchema = errors.New("unreadable GraphQL schema")

// maxSchemaBytes bounds a schema file or introspection answer (8 MiB).
const maxSchemaBytes = 8 << 20

// IntrospectionQuery is the introspection query sent to the target: the
// types with their fields, arguments (and default values) and the root
// operation types, without descriptions or directives (a smaller answer).
const IntrospectionQuery = `query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } types { kind name fields(includeDeprecated: true) { name args { name type { ...TypeRef } defaultValue } type { ...TypeRef } } inputFields { name type { ...TypeRef } defaultValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name } possibleTypes { ...TypeRef } } } } fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`

// LoadFile reads a schema file: SDL, or introspection JSON (the answer of
// an introspection query, with or without its data envelope).
func LoadFile(path string) (*ast.Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read GraphQL schema %q: %w", path, err)
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("GraphQL schema %q: %w", path, err)
	}
	return s, nil
}

// Parse reads a schema given as SDL or as introspection JSON.
func Parse(b []byte) (*ast.Schema, error) {
	if len(b) > maxSchemaBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrSchema, maxSchemaBytes)
	}
	t := strings.TrimSpace(string(b))
	if strings.HasPrefix(t, "{") {
		sdl, err := IntrospectionSDL(b)
		if err != nil {
			return nil, err
		}
		t = sdl
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema", Input: t})
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrSchema, oneLine(err.Error()))
	}
	if s.Query == nil && s.Mutation == nil {
		return nil, fmt.Errorf("%w: no query or mutation type", ErrSchema)
	}
	return s, nil
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	OfType *typeRef `json:"ofType"`
}

func (t *typeRef) sdl() string {
	if t == nil {
		return "String"
	}
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.sdl() + "!"
	case "LIST":
		return "[" + t.OfType.sdl() + "]"
	}
	return t.Name
}

type inputValue struct {
	Name         string   `json:"name"`
	Type         *typeRef `json:"type"`
	DefaultValue *string  `json:"defaultValue"`
}

type introType struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Fields []struct {
		Name string       `json:"name"`
		Args []inputValue `json:"args"`
		Type *typeRef     `json:"type"`
	} `json:"fields"`
	InputFields   []inputValue            `json:"inputFields"`
	Interfaces    []typeRef               `json:"interfaces"`
	EnumValues    []struct{ Name string } `json:"enumValues"`
	PossibleTypes []typeRef               `json:"possibleTypes"`
}

type introSchema struct {
	QueryType        *struct{ Name string } `json:"queryType"`
	MutationType     *struct{ Name string } `json:"mutationType"`
	SubscriptionType *struct{ Name string } `json:"subscriptionType"`
	Types            []introType            `json:"types"`
}

// IntrospectionSDL converts an introspection answer ({"data":{"__schema":…}}
// or {"__schema":…}) into SDL.
func IntrospectionSDL(b []byte) (string, error) {
	var env struct {
		Data *struct {
			Schema *introSchema `json:"__schema"`
		} `json:"data"`
		Schema *introSchema `json:"__schema"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return "", fmt.Errorf("%w: %v", ErrSchema, err)
	}
	s := env.Schema
	if env.Data != nil && env.Data.Schema != nil {
		s = env.Data.Schema
	}
	if s == nil || len(s.Types) == 0 {
		return "", fmt.Errorf("%w: no __schema types", ErrSchema)
	}
	var w strings.Builder
	w.WriteString("schema {")
	if s.QueryType != nil {
		fmt.Fprintf(&w, " query: %s", s.QueryType.Name)
	}
	if s.MutationType != nil {
		fmt.Fprintf(&w, " mutation: %s", s.MutationType.Name)
	}
	if s.SubscriptionType != nil {
		fmt.Fprintf(&w, " subscription: %s", s.SubscriptionType.Name)
	}
	w.WriteString(" }\n")
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	args := func(vs []inputValue) string {
		if len(vs) == 0 {
			return ""
		}
		parts := make([]string, 0, len(vs))
		for _, a := range vs {
			p := a.Name + ": " + a.Type.sdl()
			if a.DefaultValue != nil && *a.DefaultValue != "" {
				p += " = " + *a.DefaultValue
			}
			parts = append(parts, p)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	for _, t := range s.Types {
		if strings.HasPrefix(t.Name, "__") || builtin[t.Name] || t.Name == "" {
			continue
		}
		switch t.Kind {
		case "SCALAR":
			fmt.Fprintf(&w, "scalar %s\n", t.Name)
		case "ENUM":
			names := make([]string, 0, len(t.EnumValues))
			for _, v := range t.EnumValues {
				names = append(names, v.Name)
			}
			if len(names) == 0 {
				names = []string{"UNKNOWN"}
			}
			fmt.Fprintf(&w, "enum %s { %s }\n", t.Name, strings.Join(names, " "))
		case "UNION":
			names := make([]string, 0, len(t.PossibleTypes))
			for _, v := range t.PossibleTypes {
				names = append(names, v.Name)
			}
			fmt.Fprintf(&w, "union %s = %s\n", t.Name, strings.Join(names, " | "))
		case "INPUT_OBJECT":
			fmt.Fprintf(&w, "input %s {\n", t.Name)
			for _, f := range t.InputFields {
				fmt.Fprintf(&w, "  %s: %s", f.Name, f.Type.sdl())
				if f.DefaultValue != nil && *f.DefaultValue != "" {
					fmt.Fprintf(&w, " = %s", *f.DefaultValue)
				}
				w.WriteString("\n")
			}
			w.WriteString("}\n")
		case "OBJECT", "INTERFACE":
			kw := "type"
			if t.Kind == "INTERFACE" {
				kw = "interface"
			}
			fmt.Fprintf(&w, "%s %s", kw, t.Name)
			if len(t.Interfaces) > 0 {
				names := make([]string, 0, len(t.Interfaces))
				for _, i := range t.Interfaces {
					names = append(names, i.Name)
				}
				fmt.Fprintf(&w, " implements %s", strings.Join(names, " & "))
			}
			w.WriteString(" {\n")
			if len(t.Fields) == 0 {
				w.WriteString("  _empty: String\n")
			}
			for _, f := range t.Fields {
				fmt.Fprintf(&w, "  %s%s: %s\n", f.Name, args(f.Args), f.Type.sdl())
			}
			w.WriteString("}\n")
		}
	}
	return w.String(), nil
}

// RootFields lists the root fields of a schema as "query paste",
// "mutation login", sorted: for reports.
func RootFields(s *ast.Schema) []string {
	var out []string
	for _, root := range []struct {
		kind string
		def  *ast.Definition
	}{{"query", s.Query}, {"mutation", s.Mutation}} {
		if root.def == nil {
			continue
		}
		for _, f := range root.def.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				out = append(out, root.kind+" "+f.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}
