package transport

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
)

// ErrRefused marks a request the scan's safety policy refused: it never
// reached the wire. A refusal is not a finding and not a failure.
var ErrRefused = errors.New("refused by the safety policy")

// Refusal is the error of a refused request.
type Refusal struct {
	Method string
	// Path is the template of the operation, or the concrete path (without
	// query) of a request to an unknown one.
	Path    string
	Verdict safety.Verdict
	Reason  string
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("%s %s: %s: %s", r.Method, r.Path, ErrRefused, r.Reason)
}

// Is makes errors.Is(err, ErrRefused) true, and ErrWriteNotAllowed too when
// only --allow-write was missing.
func (r *Refusal) Is(target error) bool {
	if target == ErrRefused {
		return true
	}
	return target == ErrWriteNotAllowed && (r.Verdict.Class == safety.Write || r.Verdict.Class == safety.Destructive || r.Verdict.Class == safety.ReadPOST)
}

// policy decides, for every request of a scan, whether it may be sent: the
// classification of the operation it reaches (safety.Classify of a known
// operation, safety.ClassifyRequest of an unknown path), the mode, the
// user's scope, and for destructive requests under --allow-write, whether
// the object is one the scan created.
type policy struct {
	mode  safety.Mode
	scope safety.Scope

	mu  sync.Mutex
	ops []classified
	// index finds the operations a path may fit without trying them all:
	// by method, segment count and the first two segments ("*" for a
	// placeholder).
	index   map[string][]int
	known   map[string]bool
	skipped map[string]*finding.SkippedOperation
	created map[string]createdObject // by path
	// sent marks the operations ("METHOD template") a request went to.
	sent map[string]bool
	// verdicts remembers the verdict of each request line ("METHOD
	// path?query"); learn clears it, as new operations may fit.
	verdicts map[string]cachedVerdict
}

type cachedVerdict struct {
	v     safety.Verdict
	where string
}

type classified struct {
	method, template string
	verdict          safety.Verdict
}

type createdObject struct {
	creator string
	write   int // journal sequence of the creating request
	removed bool
}

func sortCreated(out []CreatedObject) {
	sort.Slice(out, func(i, j int) bool { return out[i].Write < out[j].Write })
}

func newPolicy(mode safety.Mode, scope safety.Scope) *policy {
	return &policy{mode: mode, scope: scope, index: map[string][]int{}, known: map[string]bool{}, skipped: map[string]*finding.SkippedOperation{}, created: map[string]createdObject{}, sent: map[string]bool{}, verdicts: map[string]cachedVerdict{}}
}

// learn classifies operations not seen before and lists, as skipped, those
// the mode or the scope keeps from ever being sent.
func (p *policy) learn(eps []surface.Endpoint) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ep := range eps {
		m := strings.ToUpper(ep.Method)
		if m == "" {
			m = http.MethodGet
		}
		tmpl, _, _ := strings.Cut(ep.Path, "?")
		key := m + " " + tmpl
		if p.known[key] {
			continue
		}
		p.known[key] = true
		clear(p.verdicts)
		v := safety.Classify(ep)
		segs := templateSegments(tmpl)
		k := indexKey(m, len(segs), wildcard(segs, 0), wildcard(segs, 1))
		p.index[k] = append(p.index[k], len(p.ops))
		p.ops = append(p.ops, classified{method: m, template: tmpl, verdict: v})
		if ok, why := p.scope.Allows(m, tmpl); !ok {
			p.skip(m, tmpl, why, false)
			continue
		}
		if !v.Allowed(p.mode) {
			p.skip(m, tmpl, reasonFor(v, p.mode), false)
		}
	}
}

func (p *policy) skip(method, path, reason string, refused bool) {
	key := method + " " + path
	s := p.skipped[key]
	if s == nil {
		s = &finding.SkippedOperation{Method: method, Path: path, Reason: reason}
		p.skipped[key] = s
	}
	if refused {
		s.Refused++
	}
}

// reasonFor says why a verdict keeps an operation unsent in a mode.
func reasonFor(v safety.Verdict, m safety.Mode) string {
	switch v.Class {
	case safety.Never:
		return fmt.Sprintf("never sent: %s (%s)", neverKind(v), v.Reason)
	case safety.Destructive:
		if m == safety.AllowWrite {
			return fmt.Sprintf("destructive (%s): sent only to objects this scan created", v.Reason)
		}
		return fmt.Sprintf("destructive (%s): read-only scan", v.Reason)
	case safety.Write:
		return fmt.Sprintf("write (%s): needs --allow-write", v.Reason)
	case safety.ReadPOST:
		return fmt.Sprintf("read-POST (%s): --strict-read-only", v.Reason)
	}
	return v.Reason
}

func neverKind(v safety.Verdict) string {
	switch v.Word {
	case "logout", "logoff", "signout", "signoff", "revoke":
		return "ends the scan's sessions"
	}
	return "could wipe the target"
}

// verdict classifies a request: the worst of the operations whose template
// fits its path, raised by any action word the concrete request names
// itself (a query ?action=delete).
func (p *policy) verdict(method string, u *url.URL) (safety.Verdict, string) {
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	line := method + " " + path + queryPart(u)
	p.mu.Lock()
	if c, ok := p.verdicts[line]; ok {
		p.mu.Unlock()
		return c.v, c.where
	}
	p.mu.Unlock()
	v, where := p.classifyRequest(method, path, u)
	p.mu.Lock()
	if len(p.verdicts) < maxCachedVerdicts {
		p.verdicts[line] = cachedVerdict{v, where}
	}
	p.mu.Unlock()
	return v, where
}

// maxCachedVerdicts bounds the verdict cache (a scan of many concrete
// URLs must not grow it without end).
const maxCachedVerdicts = 1 << 16

func (p *policy) classifyRequest(method, path string, u *url.URL) (safety.Verdict, string) {
	onTheFly := safety.ClassifyRequest(method, path+queryPart(u))
	p.mu.Lock()
	defer p.mu.Unlock()
	var best *classified
	methods := []string{method}
	if method == http.MethodHead {
		methods = append(methods, http.MethodGet)
	}
	segs := templateSegments(path)
	for _, m := range methods {
		for _, a := range []string{segment(segs, 0), "*"} {
			for _, b := range []string{segment(segs, 1), "*"} {
				for _, i := range p.index[indexKey(m, len(segs), a, b)] {
					op := &p.ops[i]
					if !surface.MatchTemplate(op.template, path) {
						continue
					}
					if best == nil || op.verdict.Class.Rank() > best.verdict.Class.Rank() {
						best = op
					}
				}
			}
		}
	}
	if best == nil {
		return onTheFly, unescaped(path)
	}
	v := best.verdict
	if onTheFly.Word != "" && onTheFly.Class.Rank() > v.Class.Rank() && onTheFly.Class != safety.ReadPOST {
		v = onTheFly
	}
	return v, best.template
}

// templateSegments splits a path or template as surface.MatchTemplate does.
func templateSegments(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

// wildcard is segment i of a template for the index: "*" when it holds a
// placeholder.
func wildcard(segs []string, i int) string {
	s := segment(segs, i)
	if strings.Contains(s, "{") {
		return "*"
	}
	return s
}

// segment is segment i of a concrete path, unescaped as MatchTemplate
// compares it ("" past the end).
func segment(segs []string, i int) string {
	if i >= len(segs) {
		return ""
	}
	return unescaped(segs[i])
}

func indexKey(method string, n int, a, b string) string {
	return method + "\x00" + strconv.Itoa(n) + "\x00" + a + "\x00" + b
}

func queryPart(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}

func unescaped(p string) string {
	if s, err := url.PathUnescape(p); err == nil {
		return s
	}
	return p
}

// check decides on one request; a refusal is listed, unless it was a
// discovery guess at an unknown path (a wordlist word is not an operation
// of the target: it is only counted).
func (p *policy) check(method string, u *url.URL, id Identity, guess bool) (safety.Verdict, error) {
	v, where, err := p.decideAt(method, u, id)
	p.mu.Lock()
	defer p.mu.Unlock()
	if r, ok := err.(*Refusal); ok && !(guess && !p.known[method+" "+r.Path]) {
		p.skip(method, r.Path, r.Reason, true)
	}
	if err == nil {
		p.sent[method+" "+where] = true
	}
	return v, err
}

// decide is check without the listing.
func (p *policy) decide(method string, u *url.URL, id Identity) (safety.Verdict, error) {
	v, _, err := p.decideAt(method, u, id)
	return v, err
}

// decideAt also returns the operation (template, or concrete path) the
// request goes to.
func (p *policy) decideAt(method string, u *url.URL, id Identity) (safety.Verdict, string, error) {
	v, where := p.verdict(method, u)
	refuse := func(reason string) (safety.Verdict, string, error) {
		return v, where, &Refusal{Method: method, Path: where, Verdict: v, Reason: reason}
	}
	if ok, why := p.scope.Allows(method, u.Path); !ok {
		return refuse(why)
	}
	if !v.Allowed(p.mode) {
		return refuse(reasonFor(v, p.mode))
	}
	if v.Class == safety.Destructive {
		obj, ok := p.createdObject(u.Path)
		switch {
		case !ok:
			return refuse(reasonFor(v, p.mode))
		case method == http.MethodDelete && obj.creator != id.Name:
			return refuse("DELETE of an object this scan created is sent only as its creator")
		}
	}
	return v, where, nil
}

// createdObject finds the scan-created object a path is, or lies under.
func (p *policy) createdObject(path string) (createdObject, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	path = strings.TrimSuffix(path, "/")
	for {
		if o, ok := p.created[path]; ok {
			return o, true
		}
		i := strings.LastIndexByte(path, '/')
		if i <= 0 {
			return createdObject{}, false
		}
		path = path[:i]
	}
}

func (p *policy) addCreated(path, creator string, write int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	path = strings.TrimSuffix(path, "/")
	if path == "" {
		return
	}
	p.created[path] = createdObject{creator: creator, write: write}
}

func (p *policy) skippedList() []finding.SkippedOperation {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]finding.SkippedOperation, 0, len(p.skipped))
	for _, s := range p.skipped {
		out = append(out, *s)
	}
	// Under --allow-write a destructive operation may be sent, but only to
	// an object the scan created: one that never was is skipped too.
	for _, op := range p.ops {
		key := op.method + " " + op.template
		if op.verdict.Class == safety.Destructive && op.verdict.Allowed(p.mode) && !p.sent[key] && p.skipped[key] == nil {
			if ok, _ := p.scope.Allows(op.method, op.template); ok {
				out = append(out, finding.SkippedOperation{Method: op.method, Path: op.template, Reason: reasonFor(op.verdict, p.mode)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}
