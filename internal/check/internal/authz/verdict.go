package authz

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Verdict is the outcome of requesting an owner's object as another identity.
type Verdict struct {
	Leak       bool
	Confidence finding.Confidence
	// Markers are the owner's markers in the other identity's answer.
	Markers []Marker
	// Leaked are the sensitive leaves the other identity received that equal
	// the owner's.
	Leaked []Sensitive
	// Similarity is the share of the owner's stable leaves repeated exactly.
	Similarity float64
	Resp       *transport.Response
	Flat       Flat
	// Control describes the negative control.
	Control string
	// Public is true when the anonymous identity gets the same answer:
	// the object is public, and reading it is no BOLA.
	Public bool
}

// NoControl is Verdict.Control when no negative control was available.
const NoControl = "none available"

// Confirmed reports whether a negative control backs the verdict (the
// other identity's own object of the same template differs).
func (v Verdict) Confirmed() bool { return v.Control != "" && v.Control != NoControl }

// Judge requests object o as identity as and decides whether as received
// the owner's data. Not a leak: a non-2xx answer, an error or empty body,
// an answer without the owner's markers (such as as's own data), or an
// endpoint that gives as's own object the same content as o (shared data).
func (k *Knowledge) Judge(ctx context.Context, env check.Env, o *Object, req transport.Request, as transport.Identity) Verdict {
	resp, f := Fetch(ctx, env, req, as)
	path := req.Path
	v := Verdict{Resp: resp}
	if f == nil {
		return v
	}
	other := f.Without(o.Volatile)
	v.Flat = f
	// An id of the requested URL echoed in the answer proves nothing.
	echo := map[string]bool{}
	for _, r := range RequestIDs(req) {
		echo[r.Value] = true
	}
	if RequestKey(req) == RequestKey(o.Req) {
		for _, r := range o.IDs {
			echo[r.Value] = true
		}
	}
	all := k.MarkersAt(o.Owner.Name, path, other)
	for _, m := range all {
		if !echo[m.Value] {
			v.Markers = append(v.Markers, m)
		}
	}
	if len(all) == 0 {
		return v
	}
	// The attacker's own identifying values (e-mail, name) without any of
	// the owner's: the endpoint answered with the caller's own data, whatever
	// the id (a coincidental number is no evidence against that).
	if identifying(k.MarkersAt(as.Name, path, other)) && !identifying(all) {
		return v
	}
	// What the anonymous identity gets identically is public.
	for _, id := range env.Identities() {
		if id.IsAnonymous() && id.Name != as.Name {
			if _, af := Fetch(ctx, env, req, id); af != nil && equalFlat(af.Without(o.Volatile), other) {
				v.Public = true
				return v
			}
		}
	}
	own := o.Stable()
	v.Control = NoControl
	c := k.Counterpart(as.Name, o.Template)
	// Requests of one template differ in their path, query or body (a
	// read-POST names its object in the body).
	self := c != nil && RequestKey(c.Req) == RequestKey(req)
	if c != nil && !self {
		if _, same := Similarity(own, c.Stable()); same >= 0.95 {
			return v // the endpoint serves the same content to every owner
		}
		what := c.Path
		if len(c.Req.Body) > 0 {
			// A read-POST names its object in the body: {"account_id":3}.
			what += " " + string(MaskBody(c.Req.Body))
		}
		v.Control = fmt.Sprintf("%s's own object %s differs from %s's", as.Name, what, o.Owner.Name)
	}
	absentControl := false
	if c == nil {
		// The other identity owns no object of this template: a
		// nonexistent id asked by it is the negative control. Content it
		// gets for any id is shared, not the owner's.
		switch control, shared := k.absentControl(ctx, env, o, req, as, other); {
		case shared:
			return v
		case control != "":
			v.Control, absentControl = control, true
		}
	}
	if len(v.Markers) == 0 {
		// Only the requested ids came back: a leak only if the content is
		// the owner's, that is, differs from the other user's own object
		// beyond ids (an order's items and address, not a public page).
		if c == nil || self || !ownerSpecific(own, c.Stable(), echo, c.IDs) {
			return v
		}
		v.Markers = all
		v.Control += " beyond ids"
	}
	_, v.Similarity = Similarity(own, other)
	strong := len(v.Markers) >= 2 || v.Control != NoControl
	for _, m := range v.Markers {
		if m.Kind != "id" {
			strong = true
		}
	}
	if v.Control != NoControl && len(v.Markers) > 0 && allEcho(v.Markers, echo) {
		strong = false // ids and content, no identifying value
	}
	switch {
	case v.Similarity >= 0.9 && strong && !absentControl:
		v.Confidence = finding.ConfidenceHigh
	case v.Similarity >= 0.5:
		v.Confidence = finding.ConfidenceMedium
	default:
		v.Confidence = finding.ConfidenceLow
	}
	for _, s := range SensitiveIn(resp.Body, other) {
		if own[s.Path] == s.Value {
			v.Leaked = append(v.Leaked, s)
		}
	}
	v.Leak = true
	return v
}

// absentControl asks, as identity as, for o's request with the owner's
// ids replaced by nonexistent ones. It returns a description of the
// control when that answer carries no data or other content than got
// (the answer depends on the id), and shared when it repeats got (the
// same content for any id is no one's object).
func (k *Knowledge) absentControl(ctx context.Context, env check.Env, o *Object, req transport.Request, as transport.Identity, got Flat) (control string, shared bool) {
	owned := map[string]bool{}
	for _, r := range o.IDs {
		owned[r.Value] = true
	}
	absent := req
	var changed []string
	for _, r := range RequestIDs(req) {
		if !owned[r.Value] {
			continue
		}
		v := absentValue(r.Value)
		absent = ReplaceIn(absent, r, v)
		changed = append(changed, r.Name+"="+v)
	}
	if len(changed) == 0 || RequestKey(absent) == RequestKey(req) {
		return "", false
	}
	resp, f := Fetch(ctx, env, absent, as)
	if resp == nil {
		return "", false
	}
	if f != nil {
		if _, sim := Similarity(got, f.Without(o.Volatile)); sim >= 0.95 {
			return "", true
		}
		return fmt.Sprintf("a nonexistent id (%s) gets %s other content", strings.Join(changed, ", "), as.Name), false
	}
	if resp.Status == 429 || resp.Status >= 500 {
		return "", false // an answer that cannot be judged proves nothing
	}
	return fmt.Sprintf("a nonexistent id (%s) gets %s no data (status %d)", strings.Join(changed, ", "), as.Name, resp.Status), false
}

// absentValue returns an id of value's shape that surely names nothing:
// 2 → 999999937, u_1001 → u_999999937, a UUID → the nil-like
// 00000000-0000-4000-8000-000000000000.
func absentValue(v string) string {
	if len(v) == 36 && strings.Count(v, "-") == 4 {
		return "00000000-0000-4000-8000-000000000000"
	}
	i := strings.IndexAny(v, "0123456789")
	if i < 0 {
		return v + "-absent"
	}
	return v[:i] + "999999937"
}

// Parallel runs fn for i in [0, n) on a few workers and stops early when ctx
// ends.
func Parallel(ctx context.Context, n, workers int, fn func(i int)) {
	if workers < 1 {
		workers = 1
	}
	ch := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				fn(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		ch <- i
	}
	close(ch)
	wg.Wait()
}

// NewFinding starts a finding on template for a GET of url as identity.
func NewFinding(m check.Meta, template string, resp *transport.Response, as transport.Identity) finding.Finding {
	return check.New(m, surface.Endpoint{Method: http.MethodGet, Path: template}, resp, as)
}

// ownerSpecific reports whether two objects of one template differ in some
// value that is not an id of their URLs.
func ownerSpecific(a, b Flat, echoA map[string]bool, idsB []IDRef) bool {
	echo := map[string]bool{}
	for k := range echoA {
		echo[k] = true
	}
	for _, r := range idsB {
		echo[r.Value] = true
	}
	for p, v := range a {
		if echo[v] {
			continue
		}
		if w, ok := b[p]; ok && w != v && !echo[w] {
			return true
		}
	}
	return false
}

func allEcho(ms []Marker, echo map[string]bool) bool {
	for _, m := range ms {
		if !echo[m.Value] {
			return false
		}
	}
	return true
}

// identifying reports whether markers hold a value that names a person (an
// e-mail, a name, a username), not only ids.
func identifying(ms []Marker) bool {
	for _, m := range ms {
		if m.Kind != "id" {
			return true
		}
	}
	return false
}

// profileFields are what a public profile card shows.
var profileFields = map[string]bool{"id": true, "uid": true, "uuid": true, "username": true, "name": true,
	"display_name": true, "displayname": true, "nickname": true, "handle": true, "avatar": true, "avatar_url": true,
	"avatarurl": true, "picture": true, "photo": true, "photo_url": true, "image": true, "bio": true, "url": true,
	"profile_url": true, "created_at": true, "joined": true, "joined_at": true, "location": true, "website": true}

// ProfileCard reports whether an object is a public-by-design profile card:
// a display name, an avatar and nothing else of the person.
func ProfileCard(f Flat) bool {
	if len(f) == 0 || len(f) > 12 {
		return false
	}
	for p := range f {
		if !profileFields[strings.ToLower(Key(p))] {
			return false
		}
	}
	return true
}
