// Package authz is the shared toolkit of leakhound's authorization checks
// (bola, bola-adjacent-id, missing-authentication, bfla, user-enumeration and
// the write probes): it learns which objects belong to which identity from
// each identity's own responses, compares JSON answers structurally, and
// turns a verdict into masked, reproducible evidence.
package authz

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Flat is a JSON document flattened to its leaves: "$.orders[0].id" → "5001".
// Strings keep their text, numbers their literal, booleans and null their
// JSON spelling.
type Flat map[string]string

// maxLeaves bounds how much of one document is kept.
const maxLeaves = 5000

// Flatten parses body as JSON and returns its leaves, or nil when the body
// is not JSON (or is a bare scalar).
func Flatten(body []byte) Flat {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || (body[0] != '{' && body[0] != '[') {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	out := Flat{}
	var walk func(path string, v any, depth int)
	walk = func(path string, v any, depth int) {
		if depth > 64 || len(out) >= maxLeaves {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(path+"."+k, t[k], depth+1)
			}
		case []any:
			for i, c := range t {
				walk(path+"["+strconv.Itoa(i)+"]", c, depth+1)
			}
		case string:
			out[path] = t
		case json.Number:
			out[path] = t.String()
		case bool:
			out[path] = strconv.FormatBool(t)
		case nil:
			out[path] = "null"
		}
	}
	walk("$", v, 0)
	return out
}

// Key returns the last object key of a leaf path, lower-cased:
// "$.orders[0].card_number" → "card_number".
func Key(path string) string {
	p := path
	for strings.HasSuffix(p, "]") {
		i := strings.LastIndexByte(p, '[')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		p = p[i+1:]
	}
	return strings.ToLower(p)
}

// Without returns f minus the volatile paths.
func (f Flat) Without(volatile map[string]bool) Flat {
	if len(volatile) == 0 {
		return f
	}
	out := make(Flat, len(f))
	for k, v := range f {
		if !volatile[k] {
			out[k] = v
		}
	}
	return out
}

// Volatile returns the paths whose values differ between two answers to
// the same request (timestamps, request ids, nonces), plus paths present in
// only one of them.
func Volatile(a, b Flat) map[string]bool {
	out := map[string]bool{}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out[k] = true
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out[k] = true
		}
	}
	return out
}

// Similarity compares two flattened documents: shape is the share of leaf
// paths they have in common, values the share of paths of a whose value b
// repeats exactly.
func Similarity(a, b Flat) (shape, values float64) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0
	}
	common, equal := 0, 0
	for k, v := range a {
		if w, ok := b[k]; ok {
			common++
			if w == v {
				equal++
			}
		}
	}
	union := len(a) + len(b) - common
	return float64(common) / float64(union), float64(equal) / float64(len(a))
}

// Values returns the set of leaf values.
func (f Flat) Values() map[string]bool {
	out := make(map[string]bool, len(f))
	for _, v := range f {
		out[v] = true
	}
	return out
}

// errorKeys are keys an error document is made of.
var errorKeys = map[string]bool{"error": true, "errors": true, "message": true, "detail": true, "details": true, "code": true, "status": true, "msg": true, "title": true, "type": true, "success": true, "ok": true, "description": true, "reason": true}

// IsErrorOrEmpty reports whether a 2xx body carries no data: not JSON, an
// empty object or list, or a small document made only of error-like keys.
func IsErrorOrEmpty(f Flat) bool {
	if len(f) == 0 {
		return true
	}
	if len(f) > 6 {
		return false
	}
	for k, v := range f {
		if v == "null" || v == "" {
			continue
		}
		if !errorKeys[Key(k)] {
			return false
		}
	}
	return true
}
