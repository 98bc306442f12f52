package authz

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/shape"
	"github.com/leakhound/leakhound/internal/transport"
)

// GraphQL authorization: who each identity is (its who-am-I query: me,
// viewer), which objects of each answer belong to whom (an owner
// reference in the object: owner { id username }, ownerId, or the user
// object itself) and whether they are private (a visibility field: public
// false, private true, visibility "private"). An identity reading a
// private object of another identity is BOLA; reading another identity's
// contact data (the email, phone or key its own who-am-I answered) is
// excessive data exposure, and missing authentication when anonymous.

// GraphQLSubject is what an identity's who-am-I query answered.
type GraphQLSubject struct {
	Identity transport.Identity
	// Values are the scalar leaves of the answer by key (id, username,
	// email, phone, apiKey).
	Values map[string]string
	// Admin is true when the answer names an administrative role.
	Admin bool
}

// GraphQLSubjects runs the who-am-I query as every user identity.
func GraphQLSubjects(ctx context.Context, env check.Env) []GraphQLSubject {
	var who []surface.Endpoint
	for _, ep := range check.GraphQLOps(env) {
		if check.IsWhoAmI(ep) {
			who = append(who, ep)
		}
	}
	var out []GraphQLSubject
	for _, id := range env.Identities() {
		if id.IsAnonymous() {
			continue
		}
		s := GraphQLSubject{Identity: id, Values: map[string]string{}, Admin: IsAdmin(id)}
		for _, ep := range who {
			_, v := check.GraphQLData(ctx, env, ep, check.GraphQLRequest(ep, nil), id)
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			for k, x := range m {
				if sv := surface.Scalar(x); sv != "" && sv != "null" {
					s.Values[k] = sv
				}
			}
			if r := strings.ToLower(s.Values["role"]); strings.Contains(r, "admin") || r == "staff" || r == "root" {
				s.Admin = true
			}
			if strings.EqualFold(s.Values["isAdmin"], "true") || strings.EqualFold(s.Values["is_admin"], "true") {
				s.Admin = true
			}
		}
		if len(s.Values) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// handleKeys are the values that name a user publicly: they identify the
// owner of an object but are not private themselves.
func handleKey(k string) bool {
	switch strings.ToLower(k) {
	case "id", "username", "login", "name", "handle", "sub", "uid", "userid", "user_id", "displayname", "display_name", "role", "plan", "bio", "createdat", "created_at", "__typename":
		return true
	}
	return false
}

// privateKey reports whether a who-am-I leaf is contact data or a
// credential: what another user must not read.
func privateKey(k string) bool {
	if handleKey(k) {
		return false
	}
	l := strings.ToLower(k)
	for _, w := range []string{"email", "mail", "phone", "mobile", "apikey", "api_key", "token", "secret", "password", "ip", "address", "ssn", "card", "birth", "dob"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// GraphQLObject is one object of an answer with its owner and visibility.
type GraphQLObject struct {
	// Path is the JSON path of the object in the root field's value.
	Path   string
	Fields map[string]any
	// Owner is the identity that owns the object ("" when unknown).
	Owner string
	// Private is true when a visibility field says so.
	Private bool
	// Self is true when the object is the owner's user object itself.
	Self bool
}

var ownerKeys = map[string]bool{"owner": true, "user": true, "author": true, "createdby": true, "creator": true, "account": true, "postedby": true, "submitter": true}

var ownerIDKeys = map[string]bool{"ownerid": true, "owner_id": true, "userid": true, "user_id": true, "authorid": true, "author_id": true, "createdbyid": true}

// ownerOf finds the identity a set of leaves names (an id, a username or an
// email of its who-am-I answer, under the same key).
func ownerOf(m map[string]any, subjects []GraphQLSubject) string {
	for _, s := range subjects {
		for k, v := range m {
			sv := surface.Scalar(v)
			if sv == "" || sv == "null" {
				continue
			}
			lk := strings.ToLower(k)
			for sk, svv := range s.Values {
				if svv != sv {
					continue
				}
				lsk := strings.ToLower(sk)
				if lk == lsk && (lk == "id" || lk == "username" || lk == "login" || strings.Contains(lk, "email")) {
					return s.Identity.Name
				}
				if ownerIDKeys[lk] && lsk == "id" {
					return s.Identity.Name
				}
			}
		}
	}
	return ""
}

// GraphQLObjects walks a root field's value and returns its objects that
// have an owner among the subjects.
func GraphQLObjects(v any, subjects []GraphQLSubject) []GraphQLObject {
	var out []GraphQLObject
	var walk func(v any, path string, depth int)
	walk = func(v any, path string, depth int) {
		if depth > 6 || len(out) > 200 {
			return
		}
		switch t := v.(type) {
		case []any:
			for i, e := range t {
				walk(e, fmt.Sprintf("%s[%d]", path, i), depth+1)
			}
		case map[string]any:
			o := GraphQLObject{Path: path, Fields: t}
			for k, x := range t {
				lk := strings.ToLower(k)
				if ownerKeys[lk] {
					if m, ok := x.(map[string]any); ok {
						o.Owner = ownerOf(m, subjects)
					}
				}
				if o.Owner == "" && ownerIDKeys[lk] {
					o.Owner = ownerOf(map[string]any{k: x}, subjects)
				}
				switch lk {
				case "public", "ispublic", "is_public", "shared", "published":
					if b, ok := x.(bool); ok && !b {
						o.Private = true
					}
				case "private", "isprivate", "is_private":
					if b, ok := x.(bool); ok && b {
						o.Private = true
					}
				case "visibility":
					if s, ok := x.(string); ok && strings.EqualFold(s, "private") {
						o.Private = true
					}
				}
			}
			if o.Owner == "" {
				if name := ownerOf(t, subjects); name != "" {
					o.Owner, o.Self = name, true
				}
			}
			if o.Owner != "" {
				out = append(out, o)
			}
			for k, x := range t {
				walk(x, path+"."+k, depth+1)
			}
		}
	}
	walk(v, "$", 0)
	return out
}

// PrivateValues returns the leaves of an object (and its nested objects)
// that hold one of the owner's private who-am-I values: key → value.
func PrivateValues(o GraphQLObject, owner GraphQLSubject) map[string]string {
	out := map[string]string{}
	priv := map[string]string{}
	for k, v := range owner.Values {
		if privateKey(k) && len(v) >= 4 {
			priv[v] = k
		}
	}
	var walk func(v any, key string, depth int)
	walk = func(v any, key string, depth int) {
		if depth > 4 {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				walk(x, k, depth+1)
			}
		case []any:
			for _, x := range t {
				walk(x, key, depth+1)
			}
		default:
			if k, ok := priv[surface.Scalar(t)]; ok {
				out[k] = surface.Scalar(t)
			}
		}
	}
	walk(o.Fields, "", 0)
	return out
}

// GraphQLLeak is one GraphQL answer that gave an identity what belongs to
// another.
type GraphQLLeak struct {
	Op       surface.Endpoint
	Req      transport.Request
	Resp     *transport.Response
	Attacker transport.Identity
	Owner    string
	Object   GraphQLObject
	// Private is true for a private object (BOLA); Values are the owner's
	// private values the attacker received (exposure).
	Private bool
	Values  map[string]string
	// Arg names the argument that selected the object ("" for a list).
	Arg, Value string
}

// maxGraphQLValues bounds the argument values tried per operation.
const maxGraphQLValues = 8

// GraphQLLeaks reads every GraphQL query operation as every identity,
// the anonymous one included, with the ids and handles seen in answers
// (and their neighbours) in its reference arguments, and returns what each
// identity received of the others': private objects and private values.
func GraphQLLeaks(ctx context.Context, env check.Env) []GraphQLLeak {
	ops := check.GraphQLOps(env)
	if len(ops) == 0 {
		return nil
	}
	subjects := GraphQLSubjects(ctx, env)
	if len(subjects) == 0 {
		return nil
	}
	byName := map[string]GraphQLSubject{}
	for _, s := range subjects {
		byName[s.Identity.Name] = s
	}
	var mu sync.Mutex
	var leaks []GraphQLLeak
	seenIDs := map[string]bool{}
	var ids []string
	addID := func(v string) {
		if v != "" && v != "null" && !seenIDs[v] && len(v) <= 64 {
			seenIDs[v] = true
			ids = append(ids, v)
		}
	}
	handles := map[string][]string{}
	for _, s := range subjects {
		for k, v := range s.Values {
			if handleKey(k) || strings.Contains(strings.ToLower(k), "email") {
				handles[strings.ToLower(k)] = append(handles[strings.ToLower(k)], v)
			}
		}
	}
	judge := func(ep surface.Endpoint, req transport.Request, arg, value string) {
		for _, as := range env.Identities() {
			if s, ok := byName[as.Name]; ok && s.Admin {
				continue // an administrator may read others' objects
			}
			resp, v := check.GraphQLData(ctx, env, ep, req, as)
			if v == nil {
				continue
			}
			objs := GraphQLObjects(v, subjects)
			mu.Lock()
			collectIDs(v, addID)
			for _, o := range objs {
				if o.Owner == as.Name {
					continue
				}
				owner := byName[o.Owner]
				l := GraphQLLeak{Op: ep, Req: req, Resp: resp, Attacker: as, Owner: o.Owner, Object: o, Arg: arg, Value: value}
				if o.Private && !o.Self {
					l.Private = true
				}
				l.Values = PrivateValues(o, owner)
				if l.Private || len(l.Values) > 0 {
					leaks = append(leaks, l)
				}
			}
			mu.Unlock()
		}
	}
	// Lists first (operations without required arguments): they teach ids.
	var withArgs []surface.Endpoint
	for _, ep := range ops {
		if check.IsWhoAmI(ep) {
			continue
		}
		if refArgs(ep) == nil {
			judge(ep, check.GraphQLRequest(ep, nil), "", "")
			continue
		}
		withArgs = append(withArgs, ep)
	}
	for _, s := range subjects {
		addID(s.Values["id"])
	}
	base := append([]string(nil), ids...)
	for _, id := range base {
		for _, n := range shape.Neighbours(id) {
			addID(n)
		}
	}
	for _, ep := range withArgs {
		for _, p := range refArgs(ep) {
			var values []string
			name := strings.ToLower(p.Name)
			if p.Type == "integer" || name == "id" || strings.HasSuffix(name, "id") || strings.HasSuffix(name, "_id") {
				values = append(values, ids...)
			} else {
				// A handle: username, email, login, slug.
				for k, hs := range handles {
					if k != "id" && (strings.Contains(name, k) || strings.Contains(k, name)) {
						values = append(values, hs...)
					}
				}
				if len(values) == 0 {
					values = append(values, handles["username"]...)
				}
			}
			values = append(values, p.Values...)
			values = dedupe(values)
			if len(values) > maxGraphQLValues {
				values = values[:maxGraphQLValues]
			}
			for _, v := range values {
				judge(ep, check.GraphQLRequest(ep, map[string]string{p.Name: v}), p.Name, v)
			}
		}
	}
	sort.SliceStable(leaks, func(i, j int) bool { return leaks[i].Op.Key() < leaks[j].Op.Key() })
	return leaks
}

func dedupe(vs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// refArgs are the required reference arguments of an operation (nil when
// it has none).
func refArgs(ep surface.Endpoint) []surface.Param {
	var out []surface.Param
	for _, p := range ep.Params {
		if p.Required && p.In == surface.InBody && (p.Role.IsReference() || p.Type == "integer") && p.Type != "boolean" {
			out = append(out, p)
		}
	}
	return out
}

// collectIDs adds the values under id keys of a GraphQL value.
func collectIDs(v any, add func(string)) {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			collectIDs(e, add)
		}
	case map[string]any:
		for k, x := range t {
			if strings.EqualFold(k, "id") {
				add(surface.Scalar(x))
			}
			collectIDs(x, add)
		}
	}
}

// FirstGraphQLOp reports whether ep is the first GraphQL operation of its
// path in the surface: endpoint-wide probes are sent once per endpoint.
func FirstGraphQLOp(ep surface.Endpoint, env check.Env) bool {
	if ep.GraphQL == nil {
		return false
	}
	for _, o := range env.Endpoints() {
		if o.GraphQL != nil && o.Path == ep.Path {
			return o.Key() == ep.Key()
		}
	}
	return false
}
