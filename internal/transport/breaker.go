package transport

import (
	"errors"
	"fmt"
	"sync"
)

// ErrCircuitOpen means the circuit breaker stopped the scan from sending:
// the target failed too many requests in a row. The wrapping error says why.
var ErrCircuitOpen = errors.New("circuit breaker open")

// DefaultBreakerThreshold is how many failures in a row open the breaker.
const DefaultBreakerThreshold = 10

// failure kinds the breaker counts; "" is a healthy answer.
const (
	failTimeout     = "timeouts"
	failConnection  = "connection errors"
	failRetryAfter  = "5xx answers with Retry-After"
	failRateLimited = "429 answers (still rate limited after their retries, or asking to wait longer than --max-retry-wait)"
)

// breaker is a per-host circuit breaker (the scan has one host: the
// target's origin). After threshold consecutive failures (timeouts,
// connection errors, 5xx answers carrying Retry-After, 429 answers still
// refused after their retries) it opens for the rest of the
// scan: every later request fails at once with ErrCircuitOpen. Any other
// answer closes the streak. 429 answers count once per path: one endpoint
// that is rate limited, asked again and again, is that endpoint's trouble,
// not the host's.
type breaker struct {
	threshold int // <= 0: never opens

	mu     sync.Mutex
	streak map[string]int
	paths  map[string]bool // the paths rate limited in this streak
	run    int
	open   error
}

func newBreaker(threshold int) *breaker {
	return &breaker{threshold: threshold, streak: map[string]int{}, paths: map[string]bool{}}
}

// failing reports whether the last few requests all failed: a failing
// host earns no retries, so the breaker decides sooner.
func (b *breaker) failing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.threshold > 0 && b.run >= 3
}

// check returns the error that stops a request when the breaker is open.
func (b *breaker) check() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}

// observe counts one request's outcome on path (kind "" is healthy) and
// returns the error the breaker opened with, the first time it opens. A
// 429 on a path already rate limited in this streak neither counts nor
// closes it.
func (b *breaker) observe(kind, path string) (opened error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open != nil || b.threshold <= 0 {
		return nil
	}
	if kind == "" {
		clear(b.streak)
		clear(b.paths)
		b.run = 0
		return nil
	}
	if kind == failRateLimited {
		// Rate limits are often per endpoint (a throttled login): a 429
		// counts once per path. Timeouts and connection errors count per
		// request, so an API behind one path (GraphQL, RPC) that stopped
		// answering still opens the breaker.
		if b.paths[path] {
			return nil
		}
		b.paths[path] = true
	}
	b.streak[kind]++
	b.run++
	if b.run < b.threshold {
		return nil
	}
	worst, n := "", 0
	for k, v := range b.streak {
		if v > n || v == n && k < worst {
			worst, n = k, v
		}
	}
	b.open = fmt.Errorf("%w: %d failed requests in a row (%d %s): the target stopped answering, so the scan stopped sending", ErrCircuitOpen, b.run, n, worst)
	return b.open
}
