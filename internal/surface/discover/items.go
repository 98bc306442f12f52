package discover

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// itemKeys are the keys that identify an item of a list, in order of
// preference: REST item routes take the id, else a slug or a name.
var itemKeys = []string{"id", "uuid", "slug", "key", "username", "handle", "code", "name"}

// maxItemValues bounds the values kept from one list.
const maxItemValues = 8

// ItemValues returns the identifying values of the items of a list answer
// (a JSON array of objects, or an object with one such array: {"users":
// [...]}, {"data": [...]}, {"Items": [...]}): for each item its id, else
// its uuid, slug, key, username, handle, code or name. Values that cannot
// be one path segment are left out. nil when the answer is not a list.
func ItemValues(body []byte) []string {
	var v any
	if len(body) == 0 || len(body) > 4<<20 || json.Unmarshal(body, &v) != nil {
		return nil
	}
	items := listOf(v)
	if len(items) == 0 {
		return nil
	}
	var out []string
	for _, key := range itemKeys {
		for _, it := range items {
			obj, ok := it.(map[string]any)
			if !ok {
				continue
			}
			val, ok := lookupFold(obj, key)
			if !ok {
				continue
			}
			s, ok := segmentValue(val)
			if !ok {
				continue
			}
			if !contains(out, s) {
				out = append(out, s)
			}
			if len(out) >= maxItemValues {
				return out
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func listOf(v any) []any {
	switch t := v.(type) {
	case []any:
		return t
	case map[string]any:
		var found []any
		for _, c := range t {
			if l, ok := c.([]any); ok && len(l) > 0 {
				if _, isObj := l[0].(map[string]any); isObj {
					if found != nil {
						return nil // two lists: not a plain collection
					}
					found = l
				}
			}
		}
		return found
	}
	return nil
}

func lookupFold(obj map[string]any, key string) (any, bool) {
	if v, ok := obj[key]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func segmentValue(v any) (string, bool) {
	switch t := v.(type) {
	case float64:
		if t >= 0 && t == float64(int64(t)) {
			return strconv.FormatInt(int64(t), 10), true
		}
	case string:
		if t != "" && len(t) <= 64 && !strings.ContainsAny(t, " /?#%\\\t\r\n") {
			return t, true
		}
	}
	return "", false
}

// Guess is a collection whose item route may be tried with values seen in
// an answer: List is the collection's path (/api/users), Values its ids.
type Guess struct {
	List   string
	Values []string
}

// selfWords are last segments of paths that answer the caller's own
// object (/users/me): its id is an item of the parent collection.
var selfWords = map[string]bool{"me": true, "self": true, "current": true, "whoami": true, "mine": true}

// idKey is a key naming the id of another collection: userId, user_id,
// accountID.
var idKey = regexp.MustCompile(`^([A-Za-z][A-Za-z]*?)[_-]?(?:id|Id|ID)$`)

// noiseIDs are id keys that name no collection of the API.
var noiseIDs = map[string]bool{"request": true, "trace": true, "correlation": true, "session": true, "client": true, "tenant": true, "message": true, "transaction": true, "span": true, "parent": true, "external": true}

// ItemGuesses returns the collections an answer to path names ids of,
// under prefix (the API prefix the answer lives under, "/api/v1/"): the
// caller's own id under the parent of a self path (/users/me with
// {"id": 7} → /users), ids under keys that name their collection
// ({"userId": 7} → /users), and lists of objects under a plural key
// ({"orders": [{"id": 5}]} → /orders).
func ItemGuesses(path, prefix string, body []byte) []Guess {
	var v any
	if len(body) == 0 || len(body) > 1<<20 || json.Unmarshal(body, &v) != nil {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	path = strings.TrimSuffix(strings.SplitN(path, "?", 2)[0], "/")
	prefix = normPrefix(prefix)
	byList := map[string][]string{}
	var order []string
	add := func(list, val string) {
		if list == "" || strings.Contains(list, "{") {
			return
		}
		if _, ok := byList[list]; !ok {
			order = append(order, list)
		}
		if !contains(byList[list], val) && len(byList[list]) < maxItemValues {
			byList[list] = append(byList[list], val)
		}
	}
	if selfWords[strings.ToLower(lastSegment(path))] {
		parent := strings.TrimSuffix(dirOf(path), "/")
		if parent+"/" != prefix && collectionWord(strings.ToLower(lastSegment(parent))) {
			for _, k := range []string{"id", "uuid"} {
				if val, ok := lookupFold(obj, k); ok {
					if s, ok := segmentValue(val); ok {
						add(parent, s)
					}
				}
			}
		}
	}
	for k, val := range obj {
		if m := idKey.FindStringSubmatch(k); m != nil && !noiseIDs[strings.ToLower(m[1])] {
			if s, ok := segmentValue(val); ok {
				add(prefix+plural(strings.ToLower(m[1])), s)
			}
			continue
		}
		if l, ok := val.([]any); ok && collectionWord(strings.ToLower(k)) {
			for _, s := range ItemValues(mustJSON(map[string]any{k: l})) {
				add(prefix+strings.ToLower(k), s)
			}
		}
	}
	sort.Strings(order)
	out := make([]Guess, 0, len(order))
	for _, l := range order {
		out = append(out, Guess{List: l, Values: byList[l]})
	}
	return out
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// plural makes a collection name of a singular noun: user → users,
// category → categories, address → addresses.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "s") || strings.HasSuffix(s, "x") || strings.HasSuffix(s, "ch") || strings.HasSuffix(s, "sh"):
		return s + "es"
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	}
	return s + "s"
}

// ItemRoute guesses the item route of a collection REST-style (/users →
// /users/{id}) from values an answer seen as identity as named (a list's
// ItemValues, or an ItemGuesses). It asks, as that identity and within discovery's budget, for the
// first value and for a value that cannot exist; the route is returned
// when the first answers 2xx unlike the second. ok is false when the list
// names no values, the route is not there or the budget is spent.
func (res *Result) ItemRoute(ctx context.Context, f Fetcher, list string, values []string, as transport.Identity) (surface.Endpoint, bool) {
	if res == nil || res.run == nil || strings.ContainsAny(list, "{?") || len(values) == 0 {
		return surface.Endpoint{}, false
	}
	r := res.run
	list = strings.TrimSuffix(list, "/")
	try := list + "/" + url.PathEscape(values[0])
	ctx = transport.WithCheck(ctx, "discovery")
	send := func(p string) (*transport.Response, error) {
		if v := safety.ClassifyRequest(http.MethodGet, p); v.Class != safety.Read {
			return nil, errUnsafe
		}
		r.mu.Lock()
		if int(r.used.Load()) >= r.o.MaxRequests {
			r.mu.Unlock()
			r.spent.Store(true)
			return nil, ErrBudget
		}
		r.used.Add(1)
		r.stages["items"]++
		r.mu.Unlock()
		resp, err := f.Do(transport.WithEndpoint(ctx, list+"/{id}"), transport.Request{Path: p}, as)
		if errors.Is(err, transport.ErrRefused) {
			r.mu.Lock()
			r.used.Add(-1) // the safety policy kept it off the wire
			r.stages["items"]--
			r.mu.Unlock()
		}
		return resp, err
	}
	resp, err := send(try)
	if err != nil || resp.Status < 200 || resp.Status >= 300 {
		return surface.Endpoint{}, false
	}
	token := randomToken()
	ghost, err := send(list + "/" + token)
	if err != nil || sameAnswer(resp, referenceOf(ghost, token), values[0]) {
		return surface.Endpoint{}, false
	}
	ep := surface.Endpoint{
		Method: http.MethodGet, Path: list + "/{id}", Source: surface.SourceProbe, Status: resp.Status,
		Params: []surface.Param{{Name: "id", In: "path", Required: true, Values: values}},
	}
	r.mu.Lock()
	r.answered[ep.Key()] = r.answered[ep.Key()] || surface.Sniff(resp.ContentType(), resp.Body) != "html"
	if _, dup := r.found[ep.Key()]; !dup {
		r.found[ep.Key()] = len(r.result.Endpoints)
		r.result.Endpoints = append(r.result.Endpoints, ep)
	}
	r.mu.Unlock()
	return ep, true
}

// Used returns how many requests discovery has asked for so far, item
// routes included.
func (res *Result) Used() int {
	if res == nil {
		return 0
	}
	if res.run == nil {
		return res.Requests
	}
	return int(res.run.used.Load())
}

// Answered returns the endpoints (method and path, "GET /api/users")
// discovery saw answer like real routes, each true when an answer was not
// an HTML page. Safe for concurrent use.
func (res *Result) Answered() map[string]bool {
	out := map[string]bool{}
	if res == nil || res.run == nil {
		return out
	}
	res.run.mu.Lock()
	defer res.run.mu.Unlock()
	for k, v := range res.run.answered {
		out[k] = v
	}
	return out
}
