package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Problem is something wrong with an identity, found before the checks run.
type Problem struct {
	Identity string
	// Kind is "dead" (not authenticated), "duplicate" (the same account as
	// another identity) or "unverified" (nothing told it from anonymous).
	Kind    string
	Message string
}

// Drop reports whether the identity should not be used by the checks.
func (p Problem) Drop() bool { return p.Kind == "dead" || p.Kind == "duplicate" }

// maxWhoAmIPaths bounds the endpoints the who-am-I step looks at.
const maxWhoAmIPaths = 40

type seen struct {
	status int
	doc    any // the decoded JSON answer, nil when it is none
	err    error
	// soft is true when the answer is the target's soft-404 for the path
	// (a gateway's uniform 403): it tells nothing about the caller.
	soft bool
}

// whoAmI checks that each identity is really authenticated and distinct,
// from the answers of /me-like endpoints first, then of any endpoint that
// answers the anonymous caller 401 or 403. An answer that is the target's
// soft-404 for its path (check.SoftNotFound, such as a gateway's uniform
// 403) proves nothing either way: an identity is dead only when answers
// that differ from the soft-404 say so. Requests go through the scan's
// GET cache, so after the baseline it costs almost nothing.
func whoAmI(ctx context.Context, env check.Env) []Problem {
	var users []transport.Identity
	anon := transport.Anonymous()
	for _, id := range env.Identities() {
		if id.IsAnonymous() {
			anon = id
		} else {
			users = append(users, id)
		}
	}
	if len(users) == 0 {
		return nil
	}
	paths := surface.ConcreteGETs(env.Endpoints())
	sort.SliceStable(paths, func(i, j int) bool { return surface.IsSelfPath(paths[i]) && !surface.IsSelfPath(paths[j]) })
	if len(paths) > maxWhoAmIPaths {
		paths = paths[:maxWhoAmIPaths]
	}
	ask := func(p string, id transport.Identity) seen {
		resp, err := env.Do(ctx, transport.Request{Method: http.MethodGet, Path: p}, id)
		if err != nil {
			return seen{err: err}
		}
		return seen{status: resp.Status, doc: decodeJSON(resp.Body), soft: check.IsSoftNotFound(env, p, resp)}
	}
	anonAt := map[string]seen{}
	for _, p := range paths {
		anonAt[p] = ask(p, anon)
	}
	var out []Problem
	ok := map[string]bool{}
	at := map[string]map[string]seen{}
	for _, u := range users {
		at[u.Name] = map[string]seen{}
		var loginErr error
		var denied []string // needs a login, and u was refused too
		for _, p := range paths {
			s := ask(p, u)
			at[u.Name][p] = s
			if s.err != nil {
				if errors.Is(s.err, transport.ErrLogin) {
					loginErr = s.err
					break
				}
				continue
			}
			a := anonAt[p]
			if a.soft || s.soft {
				continue // a soft-404 says nothing about who is calling
			}
			needsLogin := a.status == http.StatusUnauthorized || a.status == http.StatusForbidden
			if s.status >= 200 && s.status < 300 && (needsLogin || (surface.IsSelfPath(p) && !reflect.DeepEqual(s.doc, a.doc))) {
				ok[u.Name] = true
			}
			if needsLogin && (s.status == http.StatusUnauthorized || s.status == http.StatusForbidden) {
				denied = append(denied, fmt.Sprintf("GET %s → %d", p, s.status))
			}
		}
		switch {
		case ctx.Err() != nil:
			return out
		case loginErr != nil:
			out = append(out, Problem{u.Name, "dead", fmt.Sprintf("identity %s is not authenticated: %v; it is left out of the authorization checks", u.Name, loginErr)})
		case ok[u.Name]:
		case len(denied) > 0:
			out = append(out, Problem{u.Name, "dead", fmt.Sprintf("identity %s is not authenticated: endpoints that need a login refuse it as they refuse an anonymous caller (%s); its credentials are wrong or expired, and it is left out of the authorization checks", u.Name, strings.Join(denied[:min(2, len(denied))], ", "))})
		default:
			out = append(out, Problem{u.Name, "unverified", fmt.Sprintf("identity %s could not be verified: no endpoint answered it differently from an anonymous caller; add a /me-like endpoint to the surface", u.Name)})
		}
	}
	// Duplicates: the same credentials, or the same answer on every /me-like
	// endpoint both can read.
	dropped := map[string]bool{}
	for i, u := range users {
		for _, v := range users[i+1:] {
			if !ok[u.Name] || !ok[v.Name] || dropped[u.Name] || dropped[v.Name] {
				continue
			}
			why := ""
			if sameHeaders(u.Header, v.Header) && u.Login == nil && v.Login == nil {
				why = "they send the same credentials"
			} else {
				var same []string
				differ := false
				for _, p := range paths {
					a, b := at[u.Name][p], at[v.Name][p]
					if !surface.IsSelfPath(p) || a.err != nil || b.err != nil || a.status/100 != 2 || b.status/100 != 2 || empty(a.doc) {
						continue
					}
					if reflect.DeepEqual(a.doc, b.doc) {
						same = append(same, "GET "+p)
					} else {
						differ = true
					}
				}
				if len(same) > 0 && !differ {
					why = "they get the same answer from " + strings.Join(same[:min(2, len(same))], ", ")
				}
			}
			if why != "" {
				dropped[v.Name] = true
				out = append(out, Problem{v.Name, "duplicate", fmt.Sprintf("identities %s and %s are the same account (%s); %s is left out of the authorization checks — give each identity its own account", u.Name, v.Name, why, v.Name)})
			}
		}
	}
	return out
}

func sameHeaders(a, b http.Header) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for k, vs := range a {
		if !slices.Equal(vs, b[k]) {
			return false
		}
	}
	return true
}

// decodeJSON returns the JSON value of an answer, nil when it is not JSON.
func decodeJSON(body []byte) any {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	return v
}

// empty reports an answer without data: not JSON, null, {} or [].
func empty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}
