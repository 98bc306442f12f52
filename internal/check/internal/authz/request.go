package authz

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// GET returns the request for a GET of path.
func GET(path string) transport.Request {
	return transport.Request{Method: http.MethodGet, Path: path}
}

// Fetch sends req as id (GETs through the scan's cache) and returns the
// answer with its flattened JSON, or a nil Flat when it is not a 2xx JSON
// answer with data.
func Fetch(ctx context.Context, env check.Env, req transport.Request, id transport.Identity) (*transport.Response, Flat) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	resp, err := env.Do(ctx, req, id)
	if err != nil || resp == nil {
		return nil, nil
	}
	if resp.Status < 200 || resp.Status > 299 {
		return resp, nil
	}
	if a, ok := surface.ParseGraphQLAnswer(resp.Body); ok && !a.HasData() && surface.GraphQLOperationOf(req.Method, req.Path, req.Body) != "" {
		// {"errors":[{"message":"Not authorised"}],"data":{"me":null}}
		// is a refusal, not data.
		return resp, nil
	}
	f := Flatten(resp.Body)
	if IsErrorOrEmpty(f) {
		return resp, nil
	}
	return resp, f
}

// RequestKey identifies a request by method, path and body.
func RequestKey(req transport.Request) string {
	m := req.Method
	if m == "" {
		m = http.MethodGet
	}
	if len(req.Body) == 0 {
		if m == http.MethodGet {
			return req.Path
		}
		return m + " " + req.Path
	}
	return m + " " + req.Path + " " + string(req.Body)
}

// RequestLine names a request for evidence: "POST /profile/get".
func RequestLine(req transport.Request) string {
	m := req.Method
	if m == "" {
		m = http.MethodGet
	}
	return check.RequestLine(m, req.Path)
}

// RequestIDs returns the references of a request: the ids of its path and
// query (IDs) and the members of its JSON body that are owner or object
// references (surface.RoleOf) holding a scalar.
func RequestIDs(req transport.Request) []IDRef {
	out := IDs(req.Path)
	if len(req.Body) == 0 {
		return out
	}
	var doc any
	if json.Unmarshal(req.Body, &doc) != nil {
		return out
	}
	var walk func(v any, ptr, name string, depth int)
	walk = func(v any, ptr, name string, depth int) {
		if depth > 6 {
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
				walk(t[k], ptr+"/"+surface.PointerEscape(k), k, depth+1)
			}
		case []any:
			for i, e := range t {
				if i >= 8 {
					break
				}
				walk(e, ptr+"/"+strconv.Itoa(i), name, depth+1)
			}
		default:
			s := surface.Scalar(t)
			if s == "" || name == "" || !surface.RoleOf(name, surface.InBody, nil).IsReference() {
				return
			}
			out = append(out, IDRef{In: surface.InBody, Name: name, Pointer: ptr, Value: s})
		}
	}
	walk(doc, "", "", 0)
	return out
}

// ReplaceIn returns req with the reference r set to value: a path segment,
// a query parameter or a JSON body member (a number stays a number when
// value is one).
func ReplaceIn(req transport.Request, r IDRef, value string) transport.Request {
	if r.In != surface.InBody {
		req.Path = Replace(req.Path, r, value)
		return req
	}
	var doc any
	if json.Unmarshal(req.Body, &doc) != nil {
		return req
	}
	var v any = value
	if old, ok := surface.GetPointer(doc, r.Pointer); ok {
		if _, num := old.(float64); num {
			if n, err := strconv.ParseFloat(value, 64); err == nil {
				v = n
			}
		}
	}
	doc = surface.SetPointer(doc, r.Pointer, v)
	b, err := json.Marshal(doc)
	if err != nil {
		return req
	}
	req.Body = b
	return req
}

// ReadOperations returns the operations of the surface that read without
// changing anything (safety.Classify: read, read-POST) and take a
// reference in any location other than the path alone: an owner reference
// in the query (/profile?user_id=), an object reference in a header, a
// cookie or a JSON body (POST /profile/get {"id":…}). Path-only GET
// templates are filled by the surface as before.
func ReadOperations(env check.Env) []surface.Endpoint {
	var out []surface.Endpoint
	for _, ep := range env.Endpoints() {
		if ep.GraphQL != nil {
			// GraphQL operations share a path and answer in an envelope:
			// GraphQLLeaks judges them.
			continue
		}
		v := safety.Classify(ep)
		if v.Class != safety.Read && v.Class != safety.ReadPOST {
			continue
		}
		if ep.Method != http.MethodGet && ep.Method != http.MethodPost {
			continue
		}
		for _, p := range ep.Params {
			if p.Role.IsReference() && (p.In != surface.InPath || ep.Method != http.MethodGet) {
				out = append(out, ep)
				break
			}
		}
	}
	return out
}

// keyOf returns the last key of a JSON path context: $.notes.note_title →
// note_title.
func keyOf(context string) string {
	if i := strings.LastIndexAny(context, ".["); i >= 0 {
		return strings.Trim(context[i+1:], "]")
	}
	return context
}
