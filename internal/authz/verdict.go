package authz

import (
	"context"
	"fmt"
	"net/http"
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
}

// Judge requests object o as identity as and decides whether as received
// the owner's data. Not a leak: a non-2xx answer, an error or empty body,
// an answer without the owner's markers (such as as's own data), or an
// endpoint that gives as's own object the same content as o (shared data).
func (k *Knowledge) Judge(ctx context.Context, env check.Env, o *Object, path string, as transport.Identity) Verdict {
	resp, f := Get(ctx, env, path, as)
	v := Verdict{Resp: resp}
	if f == nil {
		return v
	}
	other := f.Without(o.Volatile)
	v.Flat = f
	v.Markers = k.MarkersIn(o.Owner.Name, other)
	if len(v.Markers) == 0 {
		return v
	}
	own := o.Stable()
	v.Control = "none available"
	if c := k.Counterpart(as.Name, o.Template); c != nil && c.Path != path {
		if _, same := Similarity(own, c.Stable()); same >= 0.95 {
			return v // the endpoint serves the same content to every owner
		}
		v.Control = fmt.Sprintf("%s's own object %s differs from %s's", as.Name, c.Path, o.Owner.Name)
	}
	_, v.Similarity = Similarity(own, other)
	strong := len(v.Markers) >= 2 || v.Control != "none available"
	for _, m := range v.Markers {
		if m.Kind != "id" {
			strong = true
		}
	}
	switch {
	case v.Similarity >= 0.9 && strong:
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
