package authz

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/surface"
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
	Owner    transport.Identity
	Path     string // request URI on the target's origin
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
	resp, err := env.Do(ctx, transport.Request{Method: http.MethodGet, Path: path}, id)
	if err != nil || resp == nil {
		return nil, nil
	}
	if resp.Status < 200 || resp.Status > 299 {
		return resp, nil
	}
	f := Flatten(resp.Body)
	if IsErrorOrEmpty(f) {
		return resp, nil
	}
	return resp, f
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
	if (k == "id" || k == "uid" || k == "uuid" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "id")) && LooksLikeID(value) {
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
	k := &Knowledge{Markers: map[string]map[string]Marker{}, Anchors: map[string][]string{}}
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
	var anchors []string
	for _, p := range ConcreteGETs(env) {
		if len(IDs(p)) == 0 {
			anchors = append(anchors, p)
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
			resp, f := Get(ctx, env, p, id)
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
			if !perUser[p][u.Name] && surface.IsSelfPath(p) {
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
				if notMine[v] {
					continue
				}
				if kind := markerKind(path, v); kind != "" {
					if k.addMarker(u.Name, Marker{Value: v, Path: p + " " + path, Kind: kind, Context: anchorContext(p, path)}) {
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
				k.Anchors[u.Name] = append(k.Anchors[u.Name], p)
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

	// 2. Objects: URLs with ids reached from each user's own answers.
	all := ConcreteGETs(env)
	type candidate struct {
		u    transport.Identity
		p    string
		resp *transport.Response
		f    Flat
	}
	var pending []candidate
	for _, u := range k.Users {
		var queue []string
		seen := map[string]bool{}
		push := func(p string) {
			if !seen[p] && len(IDs(p)) > 0 {
				seen[p] = true
				queue = append(queue, p)
			}
		}
		for _, l := range links[u.Name] {
			push(l)
		}
		// Templates of the surface (from a spec) filled with u's own ids.
		for _, ep := range env.Endpoints() {
			if ep.Method == http.MethodGet && ep.IsTemplate() {
				for _, p := range k.fillFor(u.Name, ep) {
					push(p)
				}
			}
		}
		// Every known URL with an id is a candidate: its answer as u (from
		// the baseline's cache) decides.
		for _, p := range all {
			push(p)
		}
		count := 0
		for depth := 0; depth < maxDepth && len(queue) > 0; depth++ {
			level := queue
			queue = nil
			for _, p := range level {
				if count >= maxObjectsPerUser || ctx.Err() != nil {
					break
				}
				resp, f := Get(ctx, env, p, u)
				if f == nil {
					continue
				}
				if !k.consider(env, u, p, resp, f) {
					pending = append(pending, candidate{u, p, resp, f})
					continue
				}
				count++
				for _, l := range surface.HarvestLinks(resp.Body, target) {
					push(l)
				}
			}
		}
		k.claimObjectIDs(u.Name)
	}
	// A second look at the answers that had data but no marker yet: the
	// ids of every user's objects are known now (a lab result that names
	// its patient by the id learnt from /patients/u_1001).
	for _, c := range pending {
		k.consider(env, c.u, c.p, c.resp, c.f)
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
		resp, err := env.Do(ctx, transport.Request{Method: http.MethodGet, Path: o.Path, NoCache: true}, o.Owner)
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

// maxFills bounds the concrete paths made from one template per identity.
const maxFills = 3

// fillFor fills a template's path and required query parameters with the
// ids of identity name: ids learnt in the context the parameter names
// first (an order_id gets the ids of orders), then ids of the same format
// as the parameter's known values.
func (k *Knowledge) fillFor(name string, ep surface.Endpoint) []string {
	var ids []Marker
	for _, m := range k.Markers[name] {
		if m.Kind == "id" || Key(m.Context) == "id" || strings.HasSuffix(m.Context, "_id") {
			if LooksLikeID(m.Value) {
				ids = append(ids, m)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].Value < ids[j].Value })
	params := map[string]bool{}
	for _, m := range placeholderRe.FindAllStringSubmatch(ep.Path, -1) {
		params[m[1]] = true
	}
	for _, p := range ep.Params {
		if p.In == "query" && (p.Required || idParam(p.Name)) {
			params[p.Name] = true
		}
	}
	choices := map[string][]string{}
	for pname := range params {
		st := stem(ep.Path, pname)
		var known string
		for _, p := range ep.Params {
			if p.Name == pname && len(p.Values) > 0 {
				known = p.Values[0]
			}
		}
		var related, shaped []string
		for _, m := range ids {
			switch {
			case st != "" && strings.Contains(m.Context, st):
				related = append(related, m.Value)
			case known != "" && Shape(known) == Shape(m.Value):
				shaped = append(shaped, m.Value)
			}
		}
		c := append(related, shaped...)
		if len(c) == 0 {
			if known == "" {
				return nil // nothing of this identity fits
			}
			c = []string{known}
		}
		choices[pname] = c
	}
	var out []string
	seen := map[string]bool{}
	for i := 0; i < maxFills; i++ {
		over := map[string]string{}
		for pname, c := range choices {
			over[pname] = c[min(i, len(c)-1)]
		}
		if p, ok := ep.With(over); ok && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
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
func (k *Knowledge) consider(env check.Env, u transport.Identity, p string, resp *transport.Response, f Flat) bool {
	for _, o := range k.Objects {
		if o.Owner.Name == u.Name && o.Path == p {
			return true
		}
	}
	ms := k.MarkersAt(u.Name, p, f)
	ownedByURL := false
	for _, r := range IDs(p) {
		if m, ok := k.Markers[u.Name][r.Value]; ok && (m.Kind != "id" || sameKind(m.Context, r.Name)) {
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
	k.Objects = append(k.Objects, &Object{Owner: u, Path: p, Template: TemplateOf(env, p), IDs: IDs(p), Resp: resp, Flat: f, Markers: ms})
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
