package scan

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/transport"
)

// bounded returns ctx limited by maxTime (when positive) and a stop
// function that cancels it with a cause: the transport's circuit breaker
// calls it when it opens. The first cause wins; stop(nil) only releases
// the context.
func bounded(ctx context.Context, maxTime time.Duration) (context.Context, func(error)) {
	ctx, cancel := context.WithCancelCause(ctx)
	if maxTime <= 0 {
		return ctx, cancel
	}
	tctx, tcancel := context.WithTimeoutCause(ctx, maxTime, ErrMaxTime)
	return tctx, func(err error) {
		cancel(err)
		if err == nil {
			tcancel()
		}
	}
}

// judgeAnswers adds to the report how the target answered, and marks the
// scan incomplete when its verdicts rest on too few answers: most requests
// went unjudged, the circuit breaker opened, or a bound of the scan
// stopped it before any check ran. halt is why the scan stopped early
// (nil when it ran to its end or the caller cancelled it).
func judgeAnswers(rep *finding.Report, client *transport.Client, halt error, checksRan bool, maxTime time.Duration, log *slog.Logger) {
	a := client.Answers()
	rep.Answers = &a
	m := client.Memory()
	rep.Memory = &m
	if m.EvictedResponses > 0 || m.EvictedExchanges > 0 {
		log.Info("memory budget reached: older cached answers were evicted", "budget_bytes", m.BudgetBytes, "evicted_responses", m.EvictedResponses, "evicted_exchanges", m.EvictedExchanges)
	}
	switch {
	case errors.Is(halt, transport.ErrCircuitOpen):
		rep.Partial = true
		rep.Errors = append(rep.Errors, halt.Error())
		rep.MarkIncomplete(halt.Error())
	case errors.Is(halt, ErrMaxTime):
		msg := fmt.Sprintf("stopped at --max-time %s: some checks did not run fully", maxTime)
		rep.Partial = true
		rep.Errors = append(rep.Errors, msg)
		log.Warn("time limit reached: the report is partial", "max_time", maxTime)
	}
	switch {
	case halt != nil && !checksRan:
		rep.MarkIncomplete(fmt.Sprintf("the scan stopped before any check ran (%v)", halt))
	case !checksRan && client.BudgetSpent():
		rep.MarkIncomplete("the request budget was spent before any check ran (raise --max-requests)")
	}
	if a.MostlyUnjudged() {
		rep.MarkIncomplete(fmt.Sprintf("%d of %d requests got no answer that could be judged (%s)", a.Unjudged, a.Requests, unjudgedBreakdown(a)))
	}
}

func unjudgedBreakdown(a finding.Answers) string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{
		{a.RateLimited, "rate-limited (429)"},
		{a.Unavailable, "unavailable (503)"},
		{a.Timeouts, "timed out"},
		{a.ConnectionErrors, "connection errors"},
		{a.Truncated, "truncated bodies"},
		{a.Undecodable, "undecodable bodies"},
	} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, ", ")
}

// discoveryCheck is the check id discovery tags its requests with.
const discoveryCheck = "discovery"

// heldFindings keeps the passive findings on discovery's answers until
// discovery has judged which probes are real routes. Findings on an answer
// judged not to exist (a 404, or a soft 404: the catch-all page every
// unknown path gets) are one root cause, not one weakness per probed path:
// the findings keyed on the probed path move to PREFIX{any}, so
// deduplication reports each once, with the probes as instances.
type heldFindings struct {
	mu   sync.Mutex
	held []held
	// catchAll maps the SHA-256 of each answer judged a soft 404 to the
	// catch-all prefix it came from: later answers with the same body on
	// paths that are no known endpoint (an exposed-file probe, say) are
	// the same page again.
	catchAll map[[32]byte]string
	// released is set once discovery's result judged the held findings;
	// until then the findings on every answer wait, so that a known
	// endpoint answering with the catch-all page (the root of a single-page
	// app) joins the catch-all finding, whichever stage asked first.
	released bool
}

type held struct {
	path, template string
	body           [32]byte
	fs             []finding.Finding
	probe          bool // an answer to one of discovery's probes
	status         int
}

// hold keeps the findings on one of discovery's answers until release.
func (h *heldFindings) hold(ex *transport.Exchange, fs []finding.Finding) {
	if len(fs) == 0 {
		return
	}
	x := newHeld(ex, fs, true)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held = append(h.held, x)
}

// judge returns the findings on an answer outside discovery: none while
// discovery has not been judged (they are held until release), else the
// findings as catchAllPage rewrites them.
func (h *heldFindings) judge(ex *transport.Exchange, fs []finding.Finding) []finding.Finding {
	if len(fs) == 0 {
		return nil
	}
	x := newHeld(ex, fs, false)
	h.mu.Lock()
	if !h.released {
		h.held = append(h.held, x)
		h.mu.Unlock()
		return nil
	}
	h.mu.Unlock()
	return h.catchAllPage(ex, fs)
}

func newHeld(ex *transport.Exchange, fs []finding.Finding, probe bool) held {
	p := ex.URL
	if u, err := url.Parse(ex.URL); err == nil {
		p = u.Path
	}
	return held{path: p, template: ex.Template, body: sha256.Sum256(ex.Body), fs: fs, probe: probe, status: ex.Status}
}

// catchAllPage rewrites, like release, the findings on an answer after
// discovery when it is a catch-all page again: the very body of an answer
// judged a soft 404, whatever the path (a known endpoint that answers
// with the catch-all page is that page too).
func (h *heldFindings) catchAllPage(ex *transport.Exchange, fs []finding.Finding) []finding.Finding {
	h.mu.Lock()
	empty := len(h.catchAll) == 0
	h.mu.Unlock()
	if empty || len(fs) == 0 {
		return fs
	}
	u, err := url.Parse(ex.URL)
	if err != nil {
		return fs
	}
	sum := sha256.Sum256(ex.Body)
	h.mu.Lock()
	prefix, ok := h.catchAll[sum]
	h.mu.Unlock()
	if !ok {
		return fs
	}
	out := make([]finding.Finding, 0, len(fs))
	for _, f := range fs {
		if f.Path == u.Path || f.Path == ex.Template {
			f.Path = prefix + "{any}"
		}
		out = append(out, f)
	}
	return out
}

// release returns the held findings judged by discovery's result (all of
// them unchanged when discovery did not finish); answers on known
// endpoints (the target's root among them) are kept as they are.
func (h *heldFindings) release(res *discover.Result, known func(path string) bool) []finding.Finding {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.released = true
	var out []finding.Finding
	if res == nil {
		for _, x := range h.held {
			out = append(out, x.fs...)
		}
		h.held = nil
		return out
	}
	exists := map[string]bool{}
	for _, ep := range res.Endpoints {
		exists[ep.Path] = true
	}
	if u, err := url.Parse(res.SpecURL); err == nil && res.SpecURL != "" {
		exists[u.Path] = true
	}
	catchAll := append([]string(nil), res.CatchAll...)
	sort.Slice(catchAll, func(i, j int) bool { return len(catchAll[i]) > len(catchAll[j]) })
	// One body answered in several directories is one catch-all page,
	// whatever prefixes discovery named.
	dirs := map[[32]byte]map[string]bool{}
	answers := map[[32]byte]int{} // probe answers with each body
	for _, x := range h.held {
		if !x.probe || exists[x.path] || known(x.path) {
			continue
		}
		if dirs[x.body] == nil {
			dirs[x.body] = map[string]bool{}
		}
		dirs[x.body][path.Dir(x.path)] = true
		answers[x.body]++
	}
	// First the prefix of every answer judged not to exist; then the
	// findings move. An answer on a known endpoint (the target's root, say)
	// with the very body of the catch-all page is that page again: its
	// findings join the catch-all's.
	prefixes := make([]string, len(h.held))
	for i, x := range h.held {
		if !x.probe || exists[x.path] || known(x.path) {
			continue
		}
		if x.status >= 500 && answers[x.body] == 1 {
			// A server error of its own (a debug route that crashes, its
			// traceback and environment in the body) is that path's, not a
			// catch-all page: its findings keep the path.
			prefixes[i] = x.path
			continue
		}
		prefix := ""
		if len(dirs[x.body]) > 1 {
			prefix = "/" // one page under several prefixes
		}
		for _, c := range catchAll {
			if prefix != "" {
				break
			}
			if strings.HasPrefix(x.path, c) {
				prefix = c
				break
			}
		}
		if prefix != "" {
			if h.catchAll == nil {
				h.catchAll = map[[32]byte]string{}
			}
			h.catchAll[x.body] = prefix
		} else {
			prefix = strings.TrimSuffix(path.Dir(x.path), "/") + "/"
		}
		prefixes[i] = prefix
	}
	for i, x := range h.held {
		prefix := prefixes[i]
		if prefix == x.path {
			out = append(out, x.fs...)
			continue
		}
		if prefix == "" {
			if prefix = h.catchAll[x.body]; prefix == "" {
				out = append(out, x.fs...) // a known endpoint's own answer
				continue
			}
		}
		for _, f := range x.fs {
			// Only findings keyed on the probed path move; a check that
			// keys its findings elsewhere (site-wide) already reports once.
			if f.Path == x.path || f.Path == x.template {
				f.Path = prefix + "{any}"
			}
			out = append(out, f)
		}
	}
	h.held = nil
	return out
}

// foldCatchAll moves each finding on a catch-all page (PREFIX{any}) to
// PREFIX itself when the same check reported the same weakness there: a
// site-wide finding keyed on the root (a missing header, say) and the same
// finding on the catch-all page every path under it gets are one root
// cause, reported once with all instances.
func foldCatchAll(fs []finding.Finding) []finding.Finding {
	at := map[string]string{} // check, CWE and subject at a path → its method
	key := func(f finding.Finding, p string) string {
		return strings.Join([]string{f.Check, strings.Join(f.CWE, ","), f.Subject, p}, "\x00")
	}
	for _, f := range fs {
		if !strings.HasSuffix(f.Path, "{any}") {
			at[key(f, f.Path)] = f.Method
		}
	}
	for i, f := range fs {
		prefix, ok := strings.CutSuffix(f.Path, "{any}")
		if !ok {
			continue
		}
		if m, ok := at[key(f, prefix)]; ok {
			fs[i].Path, fs[i].Method = prefix, m
		}
	}
	return fs
}
