package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"syscall"

	"github.com/leakhound/leakhound/internal/finding"
)

// Errors of requests that got no answer. Both wrap the network's message.
var (
	// ErrNoAnswer means a request got no HTTP answer (refused or reset
	// connection, header block over MaxWireHeaderBytes, malformed answer,
	// timeout).
	ErrNoAnswer = errors.New("no answer")
	// ErrTimeout means no answer came within the per-request timeout. It
	// is also an ErrNoAnswer.
	ErrTimeout = errors.New("timed out")
)

// sendError is a request that got no answer; its text is the request line
// and the network's message.
type sendError struct {
	msg     string
	timeout bool
}

func (e *sendError) Error() string { return e.msg }

func (e *sendError) Is(target error) bool {
	return target == ErrNoAnswer || e.timeout && target == ErrTimeout
}

// observe feeds one request's outcome (its last attempt) to the circuit
// breaker and halts the client when the breaker opens.
func (c *Client) observe(ctx context.Context, u *url.URL, resp *Response, err error) {
	if ctx.Err() != nil {
		return
	}
	kind := ""
	switch {
	case errors.Is(err, ErrTimeout):
		kind = failTimeout
	case errors.Is(err, ErrNoAnswer):
		kind = failConnection
	case err != nil:
		return // refused before sending: not the target's doing
	case resp.timedOut:
		kind = failTimeout
	case resp.Status >= 500 && resp.Header.Get("Retry-After") != "":
		kind = failRetryAfter
	case resp.Status == http.StatusTooManyRequests:
		// Still rate limited after its retries, or asked to wait longer
		// than --max-retry-wait: either way no answer (a target that
		// answers 429 to everything, even after a short Retry-After,
		// would otherwise cost a minute a request for the whole budget).
		kind = failRateLimited
	}
	if opened := c.breaker.observe(kind, u.Path); opened != nil {
		c.log.Warn("circuit breaker open: no more requests are sent", "reason", opened.Error())
		c.halt(opened)
	}
}

// refused reports whether err means nothing listens at the target (a
// refused connection, an unknown host, a dial that timed out): no
// answer, not even a bad one.
func refused(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.As(err, &dns) ||
		errors.As(err, &op) && op.Op == "dial" // no connection at all, timeouts included
}

// Reached reports whether the target ever answered anything, even an
// error, a bad header block or a timeout after connecting.
func (c *Client) Reached() bool { return c.reached.Load() }

// halt tells the scan that nothing more can be sent.
func (c *Client) halt(err error) {
	if c.cfg.OnHalt != nil {
		c.cfg.OnHalt(err)
	}
}

// settle counts the last outcome of one request (after its retries).
func (c *Client) settle(ctx context.Context, resp *Response, err error) {
	if ctx.Err() != nil || (err != nil && !errors.Is(err, ErrNoAnswer)) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	a := &c.answers
	a.Requests++
	unjudged := true
	switch {
	case errors.Is(err, ErrTimeout):
		a.Timeouts++
	case err != nil:
		a.ConnectionErrors++
	case resp.timedOut:
		a.Timeouts++
	case resp.undecodable:
		a.Undecodable++
	case resp.Truncated:
		a.Truncated++
	case resp.Status == http.StatusTooManyRequests:
		a.RateLimited++
	case resp.Status == http.StatusServiceUnavailable:
		a.Unavailable++
	default:
		unjudged = false
	}
	if unjudged {
		a.Unjudged++
	}
	if resp != nil && resp.headersCapped {
		a.HeadersCapped++
	}
}

// Answers returns how the target answered so far.
func (c *Client) Answers() finding.Answers {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.answers
}

// Memory returns the memory budget's figures so far.
func (c *Client) Memory() finding.Memory {
	c.mu.Lock()
	defer c.mu.Unlock()
	return finding.Memory{
		BudgetBytes:      c.mem.limit,
		PeakBytes:        c.mem.peak,
		EvictedResponses: c.mem.evictedResponses,
		EvictedExchanges: c.mem.evictedExchanges,
	}
}

// BudgetSpent reports whether a request was refused for want of budget.
func (c *Client) BudgetSpent() bool { return c.spent.Load() }

// Halted returns the error the circuit breaker opened with, or nil.
func (c *Client) Halted() error { return c.breaker.check() }

// Concurrency returns how many requests may be in flight at once.
func (c *Client) Concurrency() int { return c.cfg.Concurrency }
