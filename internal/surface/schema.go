package surface

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Schema is the part of a JSON Schema that scanning needs: what an answer is
// documented to contain, and what a harmless value of a parameter looks like.
// Schemas loaded from a spec may be cyclic (a Node whose children are Nodes):
// every walk below is bounded.
type Schema struct {
	// Ref is the component the schema came from (#/components/schemas/User).
	Ref        string
	Types      []string // object, array, string, integer, number, boolean, null
	Format     string
	Properties map[string]*Schema
	Required   []string
	Items      *Schema
	// Additional is the additionalProperties schema; AdditionalSet tells
	// whether additionalProperties was written at all, AdditionalAllowed
	// what a boolean value said.
	Additional        *Schema
	AdditionalSet     bool
	AdditionalAllowed bool
	AllOf             []*Schema
	AnyOf             []*Schema
	OneOf             []*Schema
	Enum              []any
	Default           any
	Example           any
	Deprecated        bool
	ReadOnly          bool
	WriteOnly         bool
}

// maxDepth bounds every walk of a (possibly cyclic) schema.
const maxDepth = 32

// Is reports whether the schema allows type t.
func (s *Schema) Is(t string) bool {
	if s == nil {
		return false
	}
	for _, x := range s.Types {
		if x == t {
			return true
		}
	}
	return false
}

// IsEmpty reports whether the schema constrains nothing we can compare an
// answer with (a free-form value).
func (s *Schema) IsEmpty() bool {
	return s == nil || (len(s.Types) == 0 && len(s.Properties) == 0 && s.Items == nil &&
		len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.Additional == nil)
}

// UndocumentedFields returns the JSON paths ($.users[].password_hash) of the
// object members in v that the schema does not declare. It is strict: an
// object schema that declares properties but leaves additionalProperties
// unset is taken as closed. Only an explicit additionalProperties (true or a
// schema) or a free-form schema admits undeclared members. Paths are sorted
// and unique; at most limit are returned (0: no limit).
func (s *Schema) UndocumentedFields(v any, limit int) []string {
	seen := map[string]bool{}
	var walk func(s *Schema, v any, path string, depth int)
	walk = func(s *Schema, v any, path string, depth int) {
		if s == nil || depth > maxDepth || (limit > 0 && len(seen) >= limit) {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			declared, open, children := s.objectView(depth)
			if open {
				return
			}
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				cs, ok := declared[k]
				if !ok && children != nil {
					cs, ok = children, true
				}
				if !ok {
					seen[path+"."+k] = true
					continue
				}
				walk(cs, t[k], path+"."+k, depth+1)
			}
		case []any:
			items := s.itemsView(depth)
			if items == nil {
				return
			}
			for _, e := range t {
				walk(items, e, path+"[]", depth+1)
			}
		}
	}
	walk(s, v, "$", 0)
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// objectView merges the declared properties of s and its compositions. open
// is true when undeclared members are documented as allowed (or the schema
// is free-form); children, when set, is the schema of undeclared members.
func (s *Schema) objectView(depth int) (declared map[string]*Schema, open bool, children *Schema) {
	declared = map[string]*Schema{}
	constrained := false
	var visit func(s *Schema, d int)
	visit = func(s *Schema, d int) {
		if s == nil || d > maxDepth {
			return
		}
		if len(s.Properties) > 0 {
			constrained = true
		}
		for k, v := range s.Properties {
			if _, ok := declared[k]; !ok {
				declared[k] = v
			}
		}
		if s.AdditionalSet {
			constrained = true
			if s.Additional != nil {
				children = s.Additional
			} else if s.AdditionalAllowed {
				open = true
			}
		}
		for _, group := range [][]*Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, c := range group {
				visit(c, d+1)
			}
		}
	}
	visit(s, depth)
	if !constrained {
		open = true
	}
	return declared, open, children
}

func (s *Schema) itemsView(depth int) *Schema {
	if s == nil || depth > maxDepth {
		return nil
	}
	if s.Items != nil {
		return s.Items
	}
	for _, group := range [][]*Schema{s.AllOf, s.AnyOf, s.OneOf} {
		for _, c := range group {
			if it := c.itemsView(depth + 1); it != nil {
				return it
			}
		}
	}
	return nil
}

// Fields calls fn for every property declared anywhere in the schema, with
// its JSON path, each schema node visited once.
func (s *Schema) Fields(fn func(path, name string, prop *Schema)) {
	visited := map[*Schema]bool{}
	var walk func(s *Schema, path string, depth int)
	walk = func(s *Schema, path string, depth int) {
		if s == nil || depth > maxDepth || visited[s] {
			return
		}
		visited[s] = true
		names := make([]string, 0, len(s.Properties))
		for k := range s.Properties {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fn(path+"."+k, k, s.Properties[k])
			walk(s.Properties[k], path+"."+k, depth+1)
		}
		walk(s.Items, path+"[]", depth+1)
		walk(s.Additional, path+".*", depth+1)
		for _, group := range [][]*Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, c := range group {
				walk(c, path, depth+1)
			}
		}
	}
	walk(s, "$", 0)
}

// Scalar turns a JSON-ish value (example, enum member, default) into the text
// sent in a path or query, or "" when it is not a scalar.
func Scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(t), 'f', -1, 32)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case uint64:
		return strconv.FormatUint(t, 10)
	case json.Number:
		return t.String()
	}
	return ""
}

// Synthesize returns a harmless value of the parameter's type: the
// example, default or first enum member when the schema has one, else a
// value shaped by type and format. It never returns destructive input (no
// wildcards, no negative or huge numbers, no path characters).
func Synthesize(name string, s *Schema) string {
	if s != nil {
		for _, v := range []any{s.Example, s.Default} {
			if x := Scalar(v); x != "" {
				return x
			}
		}
		for _, v := range s.Enum {
			if x := Scalar(v); x != "" {
				return x
			}
		}
	}
	typ, format := "", ""
	if s != nil {
		format = s.Format
		for _, t := range s.Types {
			if t != "null" {
				typ = t
				break
			}
		}
	}
	switch strings.ToLower(format) {
	case "uuid":
		return "00000000-0000-4000-8000-000000000001"
	case "email":
		return "leakhound@example.com"
	case "date":
		return "2024-01-01"
	case "date-time":
		return "2024-01-01T00:00:00Z"
	case "uri", "url":
		return "https://example.com/"
	case "ipv4":
		return "192.0.2.1"
	case "int32", "int64":
		return "1"
	}
	switch typ {
	case "integer", "number":
		return "1"
	case "boolean":
		return "true"
	}
	n := strings.ToLower(name)
	switch {
	case n == "id" || strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "id"):
		return "1"
	case strings.Contains(n, "email"):
		return "leakhound@example.com"
	case strings.Contains(n, "page") || strings.Contains(n, "limit") || strings.Contains(n, "size"):
		return "1"
	}
	return "test"
}

// ExampleValue builds a harmless JSON value for a schema: its example when
// it has one, else one built from its properties (required ones and at most
// 20 others), bounded in depth.
func ExampleValue(s *Schema) any {
	return exampleValue(s, 0)
}

func exampleValue(s *Schema, depth int) any {
	if s == nil || depth > 6 {
		return nil
	}
	if s.Example != nil {
		return s.Example
	}
	if s.Default != nil {
		return s.Default
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	if len(s.Properties) == 0 && !s.Is("object") {
		switch {
		case len(s.OneOf) > 0:
			return exampleValue(s.OneOf[0], depth+1)
		case len(s.AnyOf) > 0:
			return exampleValue(s.AnyOf[0], depth+1)
		case len(s.AllOf) == 1:
			return exampleValue(s.AllOf[0], depth+1)
		}
	}
	switch {
	case s.Is("object") || len(s.Properties) > 0 || len(s.AllOf) > 0:
		obj := map[string]any{}
		declared, _, _ := s.objectView(depth)
		names := make([]string, 0, len(declared))
		for k := range declared {
			names = append(names, k)
		}
		sort.Strings(names)
		for i, k := range names {
			if i >= 20 {
				break
			}
			if declared[k] != nil && declared[k].ReadOnly {
				continue
			}
			obj[k] = exampleValue(declared[k], depth+1)
		}
		return obj
	case s.Is("array"):
		if s.Items == nil {
			return []any{}
		}
		return []any{exampleValue(s.Items, depth+1)}
	case s.Is("integer"), s.Is("number"):
		return 1
	case s.Is("boolean"):
		return false
	case s.Is("string"):
		return Synthesize("", &Schema{Types: []string{"string"}, Format: s.Format})
	}
	return nil
}

// String summarises a schema for debugging: its ref or its types.
func (s *Schema) String() string {
	if s == nil {
		return "<nil>"
	}
	if s.Ref != "" {
		return s.Ref
	}
	return fmt.Sprintf("schema%v", s.Types)
}

// ObjectProperties returns the properties an object schema declares,
// compositions (allOf, anyOf, oneOf) merged.
func (s *Schema) ObjectProperties() map[string]*Schema {
	declared, _, _ := s.objectView(0)
	return declared
}
