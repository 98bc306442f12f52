package authz

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/surface/shape"
	"github.com/leakhound/leakhound/internal/transport"
)

// Marker is a value seen only in one identity's own responses: its id, its
// email, its username, the ids of its objects. Finding a marker of A in what
// B received is the evidence of ownership.
type Marker struct {
	Value string
	// Path is the JSON path or URL the marker was learnt from.
	Path string
	// Kind is "id" or a sensitive type (email, username, name, ...).
	Kind string
	// Context names what the id is of: the JSON path without indices
	// ("$.orders.id") or the placeholder of the URL it came from
	// ("order_id"). It matches ids to template parameters.
	Context string
}

// Object is a concrete URL reached from an identity's own responses whose
// answer holds that identity's data.
type Object struct {
	Owner transport.Identity
	Path  string // request URI on the target's origin
	// Req is the request that reads the object: a GET of Path, or another
	// read operation (a read-POST with the reference in its body, a GET
	// with the reference in a header).
	Req      transport.Request
	Template string
	IDs      []IDRef
	Resp     *transport.Response
	Flat     Flat
	Volatile map[string]bool
	// Markers are the owner's markers present in the answer.
	Markers []Marker
}

// Stable returns the answer without its volatile fields.
func (o *Object) Stable() Flat { return o.Flat.Without(o.Volatile) }

// Knowledge is what the authorization checks know about identities and the
// objects they own.
type Knowledge struct {
	// Users are the authenticated identities, in the scan's order.
	Users []transport.Identity
	// Markers maps an identity name to its markers by value.
	Markers map[string]map[string]Marker
	// Objects are the learnt objects of every user, in a stable order.
	Objects []*Object
	// Anchors maps an identity name to the identity-specific URLs (/me,
	// /orders/mine) its markers come from.
	Anchors map[string][]string
	// Refs maps an identity name to its own references whatever their
	// size: the ids of its who-am-I answer (user_id: 2, account_id: 2)
	// and the values under owner-reference keys (account_id, owner_id,
	// user_id) of its per-user anchors. A small number is in anyone's
	// answers, so Refs are never evidence in an answer (Markers are); they
	// fill the parameters of the identity's own requests, and a request
	// naming one under the same key is the identity's object.
	Refs map[string][]Marker
}

// ownRef returns the own reference a leaf of a per-user anchor of an
// identity is, if any: an id under an id key of a who-am-I answer, or any
// id under an owner-reference key (account_id, owner_id, user_id).
func ownRef(anchor, path, value string) (Marker, bool) {
	k := Key(path)
	v := strings.TrimSpace(value)
	if v == "" || strings.ContainsAny(v, "*•") || !shape.IsID(v) {
		return Marker{}, false
	}
	idKey := k == "id" || k == "uid" || k == "uuid" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "id")
	// Only the top-level ids of a who-am-I answer are the identity's own:
	// nested ones name its appointments, orders, links.
	self := surface.IsSelfPath(anchor) && idKey && strings.Count(jsonContext(path), ".") == 1
	if !self && surface.RoleOf(k, surface.InBody, nil) != surface.RoleOwner {
		return Marker{}, false
	}
	if !self && !idKey {
		return Marker{}, false // an email or a username is a marker, not a reference
	}
	return Marker{Value: v, Path: anchor + " " + path, Kind: "id", Context: anchorContext(anchor, path)}, true
}

// refOf returns the own reference of identity name that value is under a
// parameter named param: the same key (account_id), or the thing the
// parameter names ({account_id}, an {id} after /accounts).
func (k *Knowledge) refOf(name, tmpl, param, value string) (Marker, bool) {
	for _, m := range k.Refs[name] {
		if m.Value != value {
			continue
		}
		if surface.KeyMatches(keyOf(m.Context), param, "") {
			return m, true
		}
		if st := stem(tmpl, param); st != "" && idStem(m.Context) == st {
			return m, true
		}
	}
	return Marker{}, false
}

// LooksLikeSmallInt reports numbers below 1000: quantities, ranks, page
// numbers and the first ids of every table, which any identity's answers
// may hold by chance. They are never markers.
func LooksLikeSmallInt(v string) bool {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return err == nil && n > -1000 && n < 1000
}

// addMarker records m as a marker of identity name unless its value can
// prove nothing (a small integer, an empty or masked value).
func (k *Knowledge) addMarker(name string, m Marker) bool {
	v := strings.TrimSpace(m.Value)
	if v == "" || LooksLikeSmallInt(v) || strings.ContainsAny(v, "*•") {
		return false
	}
	k.Markers[name][m.Value] = m
	return true
}

// personStems name ids of people: an id learnt as a user's proves a
// patient_id, an owner_id or an author_id of the same person.
var personStems = map[string]bool{"": true, "user": true, "me": true, "profile": true, "account": true, "self": true,
	"owner": true, "customer": true, "member": true, "patient": true, "author": true, "person": true, "people": true,
	"client": true, "employee": true, "student": true, "buyer": true, "seller": true, "whoami": true, "current": true,
	"userinfo": true, "creator": true, "uid": true}

// idStem returns what an id is the id of, from its context (a JSON path
// without indices or a URL placeholder): $.basket.id → basket,
// basket_id → basket, $.id → "".
func idStem(ctx string) string {
	ctx = strings.ToLower(ctx)
	segs := strings.FieldsFunc(ctx, func(r rune) bool { return r == '.' || r == '$' || r == '/' })
	if len(segs) == 0 {
		return ""
	}
	last := segs[len(segs)-1]
	n := last
	for _, suf := range []string{"_id", "id", "_uuid", "uuid", "_key", "_ref"} {
		n = strings.TrimSuffix(n, suf)
	}
	n = strings.Trim(n, "_-")
	if n == "" && len(segs) > 1 {
		n = segs[len(segs)-2]
	}
	switch {
	case strings.HasSuffix(n, "ies"):
		n = strings.TrimSuffix(n, "ies") + "y"
	case strings.HasSuffix(n, "sses"):
		n = strings.TrimSuffix(n, "es")
	case strings.HasSuffix(n, "s"):
		n = strings.TrimSuffix(n, "s")
	}
	return n
}

// sameKind reports whether an id learnt in context a can be the id found in
// context b: a basket_id proves baskets only, while the ids of people
// (user, owner, patient…) stand for one another.
func sameKind(a, b string) bool {
	sa, sb := idStem(a), idStem(b)
	if personStems[sa] || personStems[sb] {
		return !(sa != "" && sb != "" && personStems[sa] != personStems[sb])
	}
	return sa == sb
}

// IsMarkerOf reports whether value is a marker of identity name.
func (k *Knowledge) IsMarkerOf(name, value string) bool {
	_, ok := k.Markers[name][value]
	return ok
}

// OwnerOf returns the identity whose marker value is, if any.
func (k *Knowledge) OwnerOf(value string) (string, bool) {
	for _, u := range k.Users {
		if k.IsMarkerOf(u.Name, value) {
			return u.Name, true
		}
	}
	return "", false
}

// MarkersIn returns the markers of identity name found among the values of
// f (volatile paths excluded by the caller), sorted by kind then path.
func (k *Knowledge) MarkersIn(name string, f Flat) []Marker { return k.MarkersAt(name, "", f) }

// MarkersAt is MarkersIn for the answer of the request URI at: a top-level
// id there is the id of what the URL names (/api/products/1 → a product).
func (k *Knowledge) MarkersAt(name, at string, f Flat) []Marker {
	var out []Marker
	seen := map[string]bool{}
	for p, v := range f {
		m, ok := k.Markers[name][v]
		if !ok || seen[v] {
			continue
		}
		// A marker is its key context and its value: an id learnt as a
		// basket's proves nothing about a product with the same id.
		ctx := jsonContext(p)
		if at != "" && ctx == "$.id" {
			ctx = "$." + idStem(Template(at)) + ".id"
		}
		if m.Kind == "id" && !sameKind(m.Context, ctx) {
			continue
		}
		seen[v] = true
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// ObjectsOf returns the objects of identity name.
func (k *Knowledge) ObjectsOf(name string) []*Object {
	var out []*Object
	for _, o := range k.Objects {
		if o.Owner.Name == name {
			out = append(out, o)
		}
	}
	return out
}

// Counterpart returns an object of identity name with template tmpl.
func (k *Knowledge) Counterpart(name, tmpl string) *Object {
	for _, o := range k.Objects {
		if o.Owner.Name == name && o.Template == tmpl {
			return o
		}
	}
	return nil
}

// Learner learns the knowledge of a scan once and shares it between the
// checks that were built with it.
type Learner struct {
	mu   sync.Mutex
	memo map[any]*learnt
}

type learnt struct {
	done chan struct{}
	k    *Knowledge
	err  error
}

// NewLearner returns a learner with an empty memory.
func NewLearner() *Learner { return &Learner{memo: map[any]*learnt{}} }

// Limits of learning.
const (
	maxObjectsPerUser = 120
	maxDepth          = 3
)

// Learn returns the knowledge of env's scan, learning it on the first call.
func (l *Learner) Learn(ctx context.Context, env check.Env) (*Knowledge, error) {
	if l == nil || !reflect.TypeOf(env).Comparable() {
		return learn(ctx, env)
	}
	l.mu.Lock()
	e, ok := l.memo[env]
	if !ok {
		e = &learnt{done: make(chan struct{})}
		l.memo[env] = e
	}
	l.mu.Unlock()
	if ok {
		select {
		case <-e.done:
			return e.k, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e.k, e.err = learn(transport.WithCheck(ctx, "authz-learn"), env)
	close(e.done)
	return e.k, e.err
}

// Get fetches path as id (through the scan's GET cache) and returns the
// answer with its flattened JSON, or nil when it is not a 2xx JSON answer
// with data.
func Get(ctx context.Context, env check.Env, path string, id transport.Identity) (*transport.Response, Flat) {
	return Fetch(ctx, env, GET(path), id)
}

// ConcreteGETs returns the request paths of the scan's concrete GET endpoints.
func ConcreteGETs(env check.Env) []string { return surface.ConcreteGETs(env.Endpoints()) }

// anchorContext names a leaf of an anchor's answer: its JSON path, and for
// a top-level id the thing the anchor URL names (/api/basket → basket;
// /me → user).
func anchorContext(anchor, path string) string {
	ctx := jsonContext(path)
	if ctx != "$.id" {
		return ctx
	}
	if surface.IsSelfPath(anchor) {
		return "$.user.id"
	}
	u, err := url.Parse(anchor)
	if err != nil {
		return ctx
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if last := strings.ToLower(segs[len(segs)-1]); last != "" {
		return "$." + last + ".id"
	}
	return ctx
}

// markerKind returns the kind of marker a leaf may be, or "".
func markerKind(path, value string) string {
	k := Key(path)
	if LooksLikeSmallInt(value) {
		return "" // a quantity, a rank, the first id of every table
	}
	if (k == "id" || k == "uid" || k == "uuid" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "id")) && shape.IsID(value) {
		return "id"
	}
	// An id under any reference key (account: ACC-20931, invoice_no).
	if shape.IsID(value) && surface.RoleOf(k, surface.InBody, nil).IsReference() {
		return "id"
	}
	switch t := detect.KeyType(k); {
	case t == "" || detect.CategoryOf(t) != detect.PII:
		// Secrets and privilege fields identify nobody.
		return ""
	case strings.TrimSpace(value) == "" || strings.ContainsAny(value, "*•") || LooksLikeSmallInt(value):
		return ""
	default:
		return string(t)
	}
}

func learn(ctx context.Context, env check.Env) (*Knowledge, error) {
	k := &Knowledge{Markers: map[string]map[string]Marker{}, Anchors: map[string][]string{}, Refs: map[string][]Marker{}}
	var anon transport.Identity
	for _, id := range env.Identities() {
		if id.IsAnonymous() {
			anon = id
			continue
		}
		k.Users = append(k.Users, id)
	}
	if len(k.Users) == 0 {
		return k, ctx.Err()
	}
	target := env.Target()

	// 1. Anchors: identical URLs without ids whose answer is the caller's
	// own view.
	// Read-POSTs that take no reference (POST /profile/me, POST
	// /items/list) are anchors too.
	var anchors []string
	anchorReq := map[string]transport.Request{}
	for _, p := range ConcreteGETs(env) {
		if len(IDs(p)) == 0 {
			anchors = append(anchors, p)
			anchorReq[p] = GET(p)
		}
	}
	for _, ep := range env.Endpoints() {
		// GraphQL operations share a path and answer in an envelope:
		// GraphQLLeaks judges them.
		if ep.GraphQL != nil || ep.Method != http.MethodPost || safety.Classify(ep).Class != safety.ReadPOST {
			continue
		}
		built, ok := ep.Build(nil)
		if !ok {
			continue
		}
		// The caller's own view: optional references (a documented
		// example owner: jdoe) are left out.
		req := check.Request(withoutOptionalRefs(ep, built))
		if key := RequestKey(req); len(RequestIDs(req)) == 0 && anchorReq[key].Path == "" {
			anchors = append(anchors, key)
			anchorReq[key] = req
		}
	}
	type answer struct {
		flat Flat
		body []byte
	}
	answers := map[string]map[string]answer{} // path → identity → answer
	for _, p := range anchors {
		answers[p] = map[string]answer{}
		ids := append([]transport.Identity{anon}, k.Users...)
		for _, id := range ids {
			resp, f := Fetch(ctx, env, anchorReq[p], id)
			if f != nil {
				answers[p][id.Name] = answer{f, resp.Body}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// An anchor is per-user for u when u's answer differs from the answer
	// of every other non-admin user (a list everyone gets the same is
	// nobody's), or, for /me-like paths, from the anonymous answer. An
	// administrator's view of everyone's data defines nobody's ownership:
	// its anchors are /me-like paths only.
	perUser := map[string]map[string]bool{}
	for _, p := range anchors {
		perUser[p] = map[string]bool{}
		for _, u := range k.Users {
			a, ok := answers[p][u.Name]
			if !ok {
				continue
			}
			peers, differs := 0, true
			for _, v := range k.Users {
				b, ok := answers[p][v.Name]
				if v.Name == u.Name || !ok || IsAdmin(v) {
					continue
				}
				peers++
				if sameIdentities(a.flat, b.flat) {
					differs = false
				}
			}
			if peers > 0 && differs && !IsAdmin(u) {
				perUser[p][u.Name] = true
			}
			if !perUser[p][u.Name] && surface.IsSelfPath(anchorReq[p].Path) {
				if b, ok := answers[p][anon.Name]; !ok || !equalFlat(a.flat, b.flat) {
					perUser[p][u.Name] = true
				}
			}
		}
	}
	// values that identities other than u saw in per-user anchors
	others := func(u string) map[string]bool {
		out := map[string]bool{}
		for p, byID := range answers {
			for name, a := range byID {
				if name == u || !(perUser[p][name] || (name == anon.Name && perUser[p][u])) || isAdminName(k.Users, name) {
					continue
				}
				for v := range a.flat.Values() {
					out[v] = true
				}
			}
		}
		return out
	}
	links := map[string][]string{}
	for _, u := range k.Users {
		k.Markers[u.Name] = map[string]Marker{}
		notMine := others(u.Name)
		for _, p := range anchors {
			a, ok := answers[p][u.Name]
			if !ok || !perUser[p][u.Name] {
				continue
			}
			used := false
			for _, path := range sortedKeys(a.flat) {
				v := a.flat[path]
				if m, ok := ownRef(anchorReq[p].Path, path, v); ok && !slices.Contains(k.Refs[u.Name], m) {
					k.Refs[u.Name] = append(k.Refs[u.Name], m)
				}
				if notMine[v] {
					continue
				}
				if kind := markerKind(path, v); kind != "" {
					if k.addMarker(u.Name, Marker{Value: v, Path: anchorReq[p].Path + " " + path, Kind: kind, Context: anchorContext(anchorReq[p].Path, path)}) {
						used = true
					}
				}
			}
			for _, l := range surface.HarvestLinks(a.body, target) {
				for _, r := range IDs(l) {
					if !notMine[r.Value] && k.addMarker(u.Name, Marker{Value: r.Value, Path: l, Kind: "id", Context: r.Name}) {
						used = true
					}
				}
				links[u.Name] = append(links[u.Name], l)
			}
			if used {
				k.Anchors[u.Name] = append(k.Anchors[u.Name], anchorReq[p].Path)
			}
		}
	}
	// The subject of each identity's own JWT (sub, email, username) is its
	// own: a marker like those of a who-am-I answer.
	for _, u := range k.Users {
		for v, m := range jwtSubject(u) {
			if _, ok := k.Markers[u.Name][v]; !ok {
				k.Markers[u.Name][v] = m
			}
		}
	}
	// Objects listed with an owner reference (a public index of notes, each
	// with "owner": "alice") belong to the identity the owner reference
	// names: their references (a title, a slug, an id) are its markers.
	// What other identities see in their own anchors (a note shared with
	// the team) stays nobody's.
	seenByOthers := map[string]map[string]bool{}
	for _, u := range k.Users {
		seenByOthers[u.Name] = others(u.Name)
	}
	// Ownership is learnt through chains across anchors (an
	// administrator's user list names alice's id beside her email; the
	// item list names its owner by that id): the anchors are read again
	// until none adds a marker, in a fixed order, so that what is learnt
	// never depends on the order the answers are visited in.
	readers := append([]transport.Identity{anon}, k.Users...)
	for changed := true; changed; {
		changed = false
		for _, p := range anchors {
			for _, id := range readers {
				a, ok := answers[p][id.Name]
				if !ok {
					continue
				}
				for _, u := range k.Users {
					sib := ownedSiblings(a.flat, k.Markers[u.Name])
					for _, v := range slices.Sorted(maps.Keys(sib)) {
						if _, ok := k.Markers[u.Name][v]; ok || seenByOthers[u.Name][v] {
							continue
						}
						m := sib[v]
						// In the anchor's context, like its direct markers:
						// the top-level id of /me is the user's id, not any
						// id (a request_id: 1 elsewhere is no user's).
						m.Context = anchorContext(anchorReq[p].Path, m.Path)
						m.Path = anchorReq[p].Path + " " + m.Path
						k.Markers[u.Name][v] = m
						changed = true
					}
				}
			}
		}
	}
	// A value claimed by two identities identifies neither; one claimed by
	// an administrator and a user stays the user's.
	for _, u := range k.Users {
		for v := range k.Markers[u.Name] {
			for _, w := range k.Users {
				if w.Name == u.Name {
					continue
				}
				if _, dup := k.Markers[w.Name][v]; dup {
					switch {
					case IsAdmin(u) && !IsAdmin(w):
						delete(k.Markers[u.Name], v)
					case IsAdmin(w) && !IsAdmin(u):
						delete(k.Markers[w.Name], v)
					default:
						delete(k.Markers[u.Name], v)
						delete(k.Markers[w.Name], v)
					}
				}
			}
		}
	}

	// A reference two users both hold under the same key (a tenant_id of
	// one company) is neither's; one an administrator shares with a user
	// stays the user's.
	refKey := func(m Marker) string { return keyOf(m.Context) + "=" + m.Value }
	holders := map[string][]transport.Identity{}
	for _, u := range k.Users {
		for _, m := range k.Refs[u.Name] {
			holders[refKey(m)] = append(holders[refKey(m)], u)
		}
	}
	for _, u := range k.Users {
		k.Refs[u.Name] = slices.DeleteFunc(k.Refs[u.Name], func(m Marker) bool {
			for _, w := range holders[refKey(m)] {
				if w.Name != u.Name && (!IsAdmin(w) || IsAdmin(u)) {
					return true
				}
			}
			return false
		})
		sort.Slice(k.Refs[u.Name], func(i, j int) bool { return k.Refs[u.Name][i].Value < k.Refs[u.Name][j].Value })
	}

	// 2. Objects: URLs with ids reached from each user's own answers.
	all := ConcreteGETs(env)
	type candidate struct {
		u    transport.Identity
		q    filled
		resp *transport.Response
		f    Flat
	}
	var pending []candidate
	ops := ReadOperations(env)
	for _, u := range k.Users {
		var queue []filled
		seen := map[string]bool{}
		push := func(f filled) {
			key := RequestKey(f.req)
			if !seen[key] && (len(f.refs) > 0 || len(RequestIDs(f.req)) > 0) {
				seen[key] = true
				queue = append(queue, f)
			}
		}
		for _, l := range links[u.Name] {
			push(filled{req: GET(l)})
		}
		// Templates of the surface (from a spec) filled with u's own
		// references, and the read operations that take a reference
		// elsewhere (query, header, cookie, body).
		for _, ep := range env.Endpoints() {
			if ep.Method == http.MethodGet && ep.IsTemplate() {
				for _, f := range k.fillFor(u.Name, ep) {
					push(f)
				}
			}
		}
		for _, ep := range ops {
			for _, f := range k.fillFor(u.Name, ep) {
				push(f)
			}
			// The operation's own request (recorded or documented values)
			// is a candidate too: its answer as u decides.
			if built, ok := ep.Build(nil); ok {
				push(filled{req: check.Request(built), ep: &ep})
			}
		}
		// Every known URL with an id is a candidate: its answer as u (from
		// the baseline's cache) decides.
		for _, p := range all {
			push(filled{req: GET(p)})
		}
		count := 0
		for depth := 0; depth < maxDepth && len(queue) > 0; depth++ {
			level := queue
			queue = nil
			for _, q := range level {
				if count >= maxObjectsPerUser || ctx.Err() != nil {
					break
				}
				resp, f := Fetch(ctx, env, q.req, u)
				if f == nil {
					continue
				}
				if !k.consider(env, u, q, resp, f) {
					pending = append(pending, candidate{u, q, resp, f})
					continue
				}
				count++
				for _, l := range surface.HarvestLinks(resp.Body, target) {
					push(filled{req: GET(l)})
				}
			}
		}
		k.claimObjectIDs(u.Name)
	}
	// A second look at the answers that had data but no marker yet: the
	// ids of every user's objects are known now (a lab result that names
	// its patient by the id learnt from /patients/u_1001).
	for _, c := range pending {
		k.consider(env, c.u, c.q, c.resp, c.f)
	}
	for _, u := range k.Users {
		k.claimObjectIDs(u.Name)
	}
	k.claimObjectValues()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// 3. Volatile fields: ask for every object a second time.
	for _, o := range k.Objects {
		again := o.Req
		again.NoCache = true
		resp, err := env.Do(ctx, again, o.Owner)
		if err != nil {
			continue
		}
		if again := Flatten(resp.Body); again != nil {
			o.Volatile = Volatile(o.Flat, again)
		}
		// Markers on volatile paths prove nothing.
		stable := o.Stable()
		o.Markers = k.MarkersIn(o.Owner.Name, stable)
	}
	return k, ctx.Err()
}

func equalFlat(a, b Flat) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sortedKeys(f Flat) []string {
	out := make([]string, 0, len(f))
	for k := range f {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var indexRe = regexp.MustCompile(`\[\d+\]`)

// jsonContext drops array indices from a leaf path: $.orders[0].id → $.orders.id.
func jsonContext(path string) string { return strings.ToLower(indexRe.ReplaceAllString(path, "")) }

var placeholderRe = regexp.MustCompile(`\{([^{}/]+)\}`)

// stem returns what a template parameter is the id of: order_id → order,
// {id} after /users → user.
func stem(tmpl, name string) string {
	n := strings.ToLower(name)
	for _, suf := range []string{"_id", "id", "_uuid", "uuid", "_key", "_ref", "ref"} {
		n = strings.TrimSuffix(n, suf)
	}
	n = strings.Trim(n, "_-")
	if n == "" {
		i := strings.Index(tmpl, "{"+name+"}")
		if i <= 0 {
			return ""
		}
		segs := strings.Split(strings.Trim(tmpl[:i], "/"), "/")
		n = strings.ToLower(segs[len(segs)-1])
	}
	return strings.TrimSuffix(strings.TrimSuffix(n, "es"), "s")
}

// maxFills bounds the requests made from one operation per identity.
const maxFills = 3

// filled is a request built for an operation with an identity's own
// references.
type filled struct {
	req transport.Request
	// ep is the operation, nil for a link.
	ep *surface.Endpoint
	// refs are the references filled in, whatever their shape (a title,
	// a slug, a username), so that an echo of them proves nothing.
	refs []IDRef
}

// fillFor builds requests for an operation with the references of
// identity name, in every location: path placeholders, required or
// reference query parameters, reference headers, cookies and body members.
// A parameter takes first the identity's markers learnt under a key of the
// same name (note_title for {note_title}, whatever the value's shape), then
// ids learnt in the context the parameter names (an order_id gets the ids
// of orders), then, for an owner reference, the identity's own subject
// (its id, email or username from a who-am-I answer), then ids of the same
// format as the parameter's known values.
func (k *Knowledge) fillFor(name string, ep surface.Endpoint) []filled {
	var ids, all []Marker
	for _, m := range k.Markers[name] {
		all = append(all, m)
		if m.Kind == "id" || Key(m.Context) == "id" || strings.HasSuffix(m.Context, "_id") {
			if shape.IsID(m.Value) {
				ids = append(ids, m)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].Value < ids[j].Value })
	sort.Slice(all, func(i, j int) bool { return all[i].Value < all[j].Value })
	// Own references (account_id: 2 from /me) fit where the parameter
	// names them, whatever their size, after the markers.
	ids = append(ids, k.Refs[name]...)
	all = append(all, k.Refs[name]...)
	var params []surface.Param
	seenParam := map[string]bool{}
	for _, m := range placeholderRe.FindAllStringSubmatch(ep.Path, -1) {
		p, ok := ep.Param(surface.InPath, m[1])
		if !ok {
			p = surface.Param{Name: m[1], In: surface.InPath, Required: true, Role: surface.RoleOf(m[1], surface.InPath, nil)}
		}
		params = append(params, p)
		seenParam[p.Key()] = true
	}
	for _, p := range ep.Params {
		if seenParam[p.Key()] || p.In == surface.InPath {
			continue
		}
		if p.In == surface.InQuery && (p.Required || idParam(p.Name)) || p.Role.IsReference() && p.In != surface.InPath {
			params = append(params, p)
			seenParam[p.Key()] = true
		}
	}
	choices := map[string][]string{}
	refs := map[string]surface.Param{}
	for _, p := range params {
		st := stem(ep.Path, p.Name)
		known := ""
		if len(p.Values) > 0 {
			known = p.Values[0]
		}
		var named, related, subject, shaped []string
		add := func(list *[]string, v string) {
			if !slices.Contains(*list, v) {
				*list = append(*list, v)
			}
		}
		for _, m := range all {
			if surface.KeyMatches(keyOf(m.Context), p.Name, "") {
				add(&named, m.Value)
			}
		}
		for _, m := range ids {
			switch {
			case st != "" && strings.Contains(m.Context, st):
				add(&related, m.Value)
			case known != "" && shape.Format(known) == shape.Format(m.Value):
				add(&shaped, m.Value)
			}
		}
		if p.Role == surface.RoleOwner {
			for _, m := range k.subject(name) {
				if ownerFits(p, m) {
					add(&subject, m.Value)
				}
			}
		}
		var c []string
		for _, list := range [][]string{named, related, subject, shaped} {
			for _, v := range list {
				if !slices.Contains(c, v) {
					c = append(c, v)
				}
			}
		}
		// The operation's known value (learnt by the baseline) is the last
		// candidate: the identity's answer to it decides whose it is.
		if known != "" && !slices.Contains(c, known) && (p.In == surface.InPath || p.In == surface.InQuery) {
			c = append(c, known)
		}
		if len(c) == 0 {
			if p.In != surface.InPath && p.In != surface.InQuery {
				continue // the operation's default value stays
			}
			if known == "" {
				return nil // nothing of this identity fits
			}
			c = []string{known}
		}
		choices[p.Key()] = c
		refs[p.Key()] = p
	}
	if len(choices) == 0 {
		return nil
	}
	var out []filled
	seen := map[string]bool{}
	for i := 0; i < maxFills; i++ {
		over := map[string]string{}
		for key, c := range choices {
			over[key] = c[min(i, len(c)-1)]
		}
		built, ok := ep.Build(func(p surface.Param) (string, bool) {
			v, found := over[p.Key()]
			return v, found
		})
		if !ok {
			continue
		}
		req := check.Request(built)
		if seen[RequestKey(req)] {
			continue
		}
		seen[RequestKey(req)] = true
		f := filled{req: req, ep: &ep}
		for key, v := range over {
			p := refs[key]
			f.refs = append(f.refs, IDRef{In: p.In, Name: p.Name, Pointer: p.Pointer, Value: v})
		}
		sort.Slice(f.refs, func(i, j int) bool { return f.refs[i].Name < f.refs[j].Name })
		out = append(out, f)
	}
	return out
}

// subject returns the markers of identity name learnt from who-am-I
// answers (its own id, email, username), sorted by value.
func (k *Knowledge) subject(name string) []Marker {
	var out []Marker
	for _, m := range k.Markers[name] {
		anchor, _, _ := strings.Cut(m.Path, " ")
		if surface.IsSelfPath(anchor) || anchor == "jwt-claims" {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	// Then its own references of any size (user_id: 2), after the markers.
	for _, m := range k.Refs[name] {
		if anchor, _, _ := strings.Cut(m.Path, " "); surface.IsSelfPath(anchor) {
			out = append(out, m)
		}
	}
	return out
}

// ownerFits reports whether a subject marker fits an owner reference: an
// email for an email parameter, a username for a username, an id for a
// user_id.
func ownerFits(p surface.Param, m Marker) bool {
	pn := strings.ToLower(p.Name)
	key := strings.ToLower(keyOf(m.Context))
	switch {
	case strings.Contains(pn, "email") || p.Format == "email":
		return strings.Contains(key, "email") || m.Kind == "email"
	case strings.Contains(pn, "name") || pn == "user" || pn == "login" || pn == "owner" || pn == "author":
		return strings.Contains(key, "name") || key == "login" || key == "user" || m.Kind == "username"
	}
	return key == "id" || key == "sub" || key == "uid" || strings.HasSuffix(key, "_id") || strings.HasSuffix(key, "id")
}

// IsAdmin reports whether an identity carries an administrative role: its
// legitimate access to other users' objects is no BOLA.
func IsAdmin(id transport.Identity) bool {
	r := strings.ToLower(id.Role)
	return strings.Contains(r, "admin") || r == "root" || r == "superuser" || r == "staff"
}

// TemplateOf names an object's URL by the surface's template when one
// matches (a spec's /api/lab-results/{result_id}), else by Template.
func TemplateOf(env check.Env, p string) string {
	path, _, _ := strings.Cut(p, "?")
	segs := strings.Split(path, "/")
	for _, ep := range env.Endpoints() {
		if ep.Method != http.MethodGet || !ep.IsTemplate() {
			continue
		}
		tpath, _, _ := strings.Cut(ep.Path, "?")
		ts := strings.Split(tpath, "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i := range ts {
			if !(strings.HasPrefix(ts[i], "{") && strings.HasSuffix(ts[i], "}") && segs[i] != "") && ts[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			t := Template(p)
			if _, q, found := strings.Cut(t, "?"); found {
				return tpath + "?" + q
			}
			return tpath
		}
	}
	return Template(p)
}

// consider adds the answer f of u to path p as an object of u when it
// carries u's markers (or p carries u's ids) and no other user's markers:
// an answer that also holds another user's markers (a doctor's schedule)
// is shared, not owned, and proves nothing.
func (k *Knowledge) consider(env check.Env, u transport.Identity, q filled, resp *transport.Response, f Flat) bool {
	key := RequestKey(q.req)
	for _, o := range k.Objects {
		if o.Owner.Name == u.Name && RequestKey(o.Req) == key {
			return true
		}
	}
	p := q.req.Path
	refs := RequestIDs(q.req)
	for _, r := range q.refs {
		if !slices.ContainsFunc(refs, func(x IDRef) bool { return x.Value == r.Value }) {
			refs = append(refs, r)
		}
	}
	ms := k.MarkersAt(u.Name, p, f)
	ownedByURL := false
	tmpl := TemplateOf(env, p)
	if q.ep != nil {
		tmpl = q.ep.Path // the operation, whatever its parameters' location
	}
	for _, r := range refs {
		if m, ok := k.Markers[u.Name][r.Value]; ok && (m.Kind != "id" || sameKind(m.Context, r.Name)) {
			ownedByURL = true
		}
		if _, ok := k.refOf(u.Name, tmpl, r.Name, r.Value); ok {
			ownedByURL = true
		}
	}
	if len(ms) == 0 && !ownedByURL {
		return false
	}
	for _, v := range k.Users {
		if v.Name != u.Name && len(k.MarkersAt(v.Name, p, f)) > 0 {
			return false
		}
	}
	k.Objects = append(k.Objects, &Object{Owner: u, Path: p, Req: q.req, Template: tmpl, IDs: refs, Resp: resp, Flat: f, Markers: ms})
	return true
}

// claimObjectIDs makes the ids of a user's objects that user's markers,
// unless another identity claims them.
func (k *Knowledge) claimObjectIDs(name string) {
	for _, o := range k.ObjectsOf(name) {
		for _, r := range o.IDs {
			if _, claimed := k.OwnerOf(r.Value); !claimed {
				k.addMarker(name, Marker{Value: r.Value, Path: o.Path, Kind: "id", Context: r.Name})
			}
		}
	}
}

func isAdminName(users []transport.Identity, name string) bool {
	for _, u := range users {
		if u.Name == name {
			return IsAdmin(u)
		}
	}
	return false
}

// sameIdentities reports whether two answers name the same things: the same
// set of ids, emails, names and other identifying values, whatever their
// order, timestamps or request ids.
func sameIdentities(a, b Flat) bool {
	set := func(f Flat) map[string]bool {
		out := map[string]bool{}
		for p, v := range f {
			if markerKind(p, v) != "" {
				out[v] = true
			}
		}
		return out
	}
	x, y := set(a), set(b)
	if len(x) != len(y) {
		return false
	}
	for v := range x {
		if !y[v] {
			return false
		}
	}
	return len(x) > 0 || equalFlat(a, b)
}

// claimObjectValues makes the identifying values of a user's objects (an
// address, a phone number, an email) that user's markers when no other
// user's objects or markers hold them: values seen only in that user's
// answers.
func (k *Knowledge) claimObjectValues() {
	seen := map[string]map[string]bool{} // value → users
	add := func(user, v string) {
		if seen[v] == nil {
			seen[v] = map[string]bool{}
		}
		seen[v][user] = true
	}
	for _, o := range k.Objects {
		for _, v := range o.Flat {
			add(o.Owner.Name, v)
		}
	}
	for name, ms := range k.Markers {
		for v := range ms {
			add(name, v)
		}
	}
	for _, o := range k.Objects {
		if IsAdmin(o.Owner) {
			continue
		}
		for p, v := range o.Flat {
			kind := markerKind(p, v)
			if kind == "" || kind == "id" || len(seen[v]) != 1 {
				continue
			}
			if _, ok := k.Markers[o.Owner.Name][v]; !ok {
				k.addMarker(o.Owner.Name, Marker{Value: v, Path: o.Path + " " + p, Kind: kind, Context: jsonContext(p)})
			}
		}
	}
}

// ownedSiblings returns the object references (title, slug, id) of the
// JSON objects in f that name their owner by one of the given markers
// under an owner-reference key (owner, user, username, author, email,
// user_id), keyed by value.
func ownedSiblings(f Flat, markers map[string]Marker) map[string]Marker {
	out := map[string]Marker{}
	if len(markers) == 0 {
		return out
	}
	owned := map[string]bool{} // object prefixes naming a marker as owner
	for path, v := range f {
		m, ok := markers[v]
		if !ok || (m.Kind == "id" && !shape.IsID(v)) {
			continue
		}
		i := strings.LastIndex(path, ".")
		if i <= 0 || surface.RoleOf(path[i+1:], surface.InBody, nil) != surface.RoleOwner {
			continue
		}
		owned[path[:i]] = true
	}
	for _, path := range sortedKeys(f) {
		v := f[path]
		i := strings.LastIndex(path, ".")
		if i <= 0 || !owned[path[:i]] || len(v) > 64 {
			continue
		}
		key := path[i+1:]
		if _, isMarker := markers[v]; isMarker || surface.RoleOf(key, surface.InBody, nil) != surface.RoleObject || sensitiveKey(key) {
			continue
		}
		if _, dup := out[v]; !dup { // the first path in sorted order names it
			out[v] = Marker{Value: v, Path: path, Kind: "id", Context: jsonContext(path)}
		}
	}
	return out
}

// jwtSubject returns the subject claims (sub, email, username,
// preferred_username) of the bearer JWT an identity sends, as markers of
// kind "subject" in the context of the claim ($.sub, $.email).
func jwtSubject(id transport.Identity) map[string]Marker {
	out := map[string]Marker{}
	for _, vs := range id.Header {
		for _, v := range vs {
			tok := strings.TrimSpace(v)
			if i := strings.IndexByte(tok, ' '); i >= 0 {
				tok = strings.TrimSpace(tok[i+1:])
			}
			t, err := jwt.Parse(tok)
			if err != nil {
				continue
			}
			for _, claim := range []string{"sub", "email", "username", "preferred_username", "user_id", "uid"} {
				val := surface.Scalar(t.Claims[claim])
				// Small numbers (sub: "1") name nothing: any answer holds them.
				if len(val) < 3 || len(val) > 128 || len(val) < 5 && strings.Trim(val, "0123456789") == "" {
					continue
				}
				kind := "subject"
				switch claim {
				case "email":
					kind = "email"
				case "username", "preferred_username":
					kind = "username"
				}
				out[val] = Marker{Value: val, Path: "jwt-claims $." + claim, Kind: kind, Context: "$." + claim}
			}
		}
	}
	return out
}

// withoutOptionalRefs removes from a synthesized JSON body the optional
// owner and object references an example put there.
func withoutOptionalRefs(ep surface.Endpoint, r surface.Request) surface.Request {
	var doc map[string]any
	if len(r.Body) == 0 || json.Unmarshal(r.Body, &doc) != nil {
		return r
	}
	changed := false
	for _, p := range ep.Params {
		if p.In != surface.InBody || p.Required || !p.Role.IsReference() || strings.Count(p.Pointer, "/") != 1 {
			continue
		}
		name := strings.TrimPrefix(p.Pointer, "/")
		if _, ok := doc[name]; ok {
			delete(doc, name)
			changed = true
		}
	}
	if changed {
		r.Body, _ = json.Marshal(doc)
	}
	return r
}

// sensitiveKey reports whether a key names personal data or a secret
// (card_number, ssn): such values are never references.
func sensitiveKey(key string) bool {
	c := detect.CategoryOf(detect.KeyType(key))
	return c == detect.PII || c == detect.Secret
}
