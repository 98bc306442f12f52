package transport

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDeflateIsZlibWithRawFallback(t *testing.T) {
	plain := []byte(`{"ssn":"123-45-6789","padding":"` + strings.Repeat("x", 5000) + `"}`)
	var zb, rb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write(plain)
	zw.Close()
	fw, _ := flate.NewWriter(&rb, flate.BestCompression)
	fw.Write(plain)
	fw.Close()
	bomb := func() []byte {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write(make([]byte, 16<<20))
		w.Close()
		return b.Bytes()
	}()
	for _, tc := range []struct {
		name      string
		body      []byte
		want      []byte
		truncated bool
	}{
		{"zlib (RFC 9110 deflate)", zb.Bytes(), plain, false},
		{"raw deflate", rb.Bytes(), plain, false},
		{"zlib bomb under the cap", bomb, make([]byte, 1<<20), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "deflate")
				w.Write(tc.body)
			}))
			defer ts.Close()
			c := newClient(t, ts.URL, nil) // MaxBody 1 MiB
			resp, err := c.Do(context.Background(), Request{Path: "/"}, Anonymous())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(resp.Body, tc.want) || resp.Truncated != tc.truncated {
				t.Fatalf("body %d bytes (truncated %v), want %d bytes (truncated %v)", len(resp.Body), resp.Truncated, len(tc.want), tc.truncated)
			}
		})
	}
}

func TestUndecodableBodyIsCounted(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte("plain text, not gzip"))
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, nil)
	if _, err := c.Do(context.Background(), Request{Path: "/"}, Anonymous()); err != nil {
		t.Fatal(err)
	}
	if a := c.Answers(); a.Undecodable != 1 || a.Unjudged != 1 || a.Requests != 1 {
		t.Fatalf("answers %+v, want one undecodable", a)
	}
}

func TestRetryAfterIsClamped(t *testing.T) {
	now := time.Now()
	for in, want := range map[string]time.Duration{
		"2002000000000":                 MaxRetryAfter,
		"99999999999999999999999999999": MaxRetryAfter,
		"86400":                         MaxRetryAfter,
		"30":                            30 * time.Second,
		"0":                             0,
		"Fri, 31 Dec 9999 23:59:59 GMT": MaxRetryAfter,
		"Mon, 01 Jan 1990 00:00:00 GMT": 0,
	} {
		got, ok := RetryAfter(in, now)
		if !ok || got != want || got < 0 {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "-5", "soon", "1e9", "0x10"} {
		if _, ok := RetryAfter(bad, now); ok {
			t.Errorf("RetryAfter(%q) accepted", bad)
		}
	}
}

func TestHugeRetryAfterIsNotRetried(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "2002000000000")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, func(c *Config) { c.MaxRetryWait = time.Second })
	resp, err := c.Do(context.Background(), Request{Path: "/"}, Anonymous())
	if err != nil || resp.Status != http.StatusTooManyRequests {
		t.Fatalf("resp %v, err %v", resp, err)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("sent %d times, want once: a Retry-After beyond --max-retry-wait ends the retries", n)
	}
	if a := c.Answers(); a.RateLimited != 1 || a.Retries != 0 {
		t.Fatalf("answers %+v", a)
	}
}

func TestSentCountsOnlyRequestsOnTheWire(t *testing.T) {
	var hits atomic.Int32
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	defer close(release)
	c := newClient(t, ts.URL, func(c *Config) { c.Concurrency = 1 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	for i := range 20 {
		go func() {
			c.Do(ctx, Request{Path: fmt.Sprintf("/%d", i)}, Anonymous())
			done <- struct{}{}
		}()
	}
	for hits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	for range 20 {
		<-done
	}
	if got := c.Sent(); got != int(hits.Load()) {
		t.Fatalf("Sent() = %d, the server received %d", got, hits.Load())
	}
}

func TestMemoryBudgetEvictsOldAnswers(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(bytes.Repeat([]byte("a"), 512<<10))
	}))
	defer ts.Close()
	const budget = 8 << 20 // a quarter, 2 MiB, for the cache: four answers
	c := newClient(t, ts.URL, func(c *Config) { c.MaxMemory = budget })
	ctx := context.Background()
	for i := range 10 {
		if _, err := c.Do(ctx, Request{Path: fmt.Sprintf("/%d", i)}, Anonymous()); err != nil {
			t.Fatal(err)
		}
	}
	m := c.Memory()
	if m.BudgetBytes != budget/4 || m.PeakBytes > m.BudgetBytes || m.EvictedResponses == 0 {
		t.Fatalf("memory %+v: want evictions and a peak within %d bytes", m, budget/4)
	}
	// The newest answer is still cached; the oldest was evicted and is
	// fetched again.
	before := hits.Load()
	c.Do(ctx, Request{Path: "/9"}, Anonymous())
	if hits.Load() != before {
		t.Fatal("the newest answer should still be cached")
	}
	c.Do(ctx, Request{Path: "/0"}, Anonymous())
	if hits.Load() != before+1 {
		t.Fatal("the evicted answer should be fetched again")
	}
}

func TestHeadersAreCapped(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/many":
			for i := range 1000 {
				w.Header().Add(fmt.Sprintf("X-H%d", i), "v")
			}
		case "/huge":
			w.Header().Set("X-Huge", strings.Repeat("a", 2<<20))
		}
		w.Header().Set("Content-Type", "application/json")
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, nil)
	resp, err := c.Do(context.Background(), Request{Path: "/many"}, Anonymous())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, vs := range resp.Header {
		n += len(vs)
	}
	if n > MaxHeaderValues || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d header values (want at most %d, Content-Type kept: %q)", n, MaxHeaderValues, resp.Header.Get("Content-Type"))
	}
	if a := c.Answers(); a.HeadersCapped != 1 {
		t.Fatalf("answers %+v", a)
	}
	if _, err := c.Do(context.Background(), Request{Path: "/huge"}, Anonymous()); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("a header block over %d bytes: err %v, want ErrNoAnswer", MaxWireHeaderBytes, err)
	}
}

func TestCircuitBreakerStopsSending(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer ts.Close()
	var halted atomic.Value
	c := newClient(t, ts.URL, func(c *Config) {
		c.BreakerThreshold = 5
		c.OnHalt = func(err error) { halted.Store(err) }
	})
	ctx := context.Background()
	var last error
	for i := range 20 {
		_, last = c.Do(ctx, Request{Path: fmt.Sprintf("/%d", i)}, Anonymous())
	}
	if n := hits.Load(); n != 5 {
		t.Fatalf("the server received %d requests, want 5 (the threshold)", n)
	}
	if !errors.Is(last, ErrCircuitOpen) {
		t.Fatalf("last error %v, want ErrCircuitOpen", last)
	}
	if err, _ := halted.Load().(error); !errors.Is(err, ErrCircuitOpen) || !strings.Contains(err.Error(), "5xx answers with Retry-After") {
		t.Fatalf("OnHalt got %v", err)
	}
}

func TestHealthyAnswersCloseTheStreak(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1)%3 == 0 {
			return // one healthy answer in three
		}
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, func(c *Config) { c.BreakerThreshold = 3 })
	for i := range 30 {
		if _, err := c.Do(context.Background(), Request{Path: fmt.Sprintf("/%d", i)}, Anonymous()); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
}

// TestRateLimitedEverywhereOpensTheBreaker: a host that answers 429 to
// every request, even with a short Retry-After that is retried, opens the
// breaker once its requests on different paths are still refused after
// their retries; one rate-limited path asked again and again does not.
func TestRateLimitedEverywhereOpensTheBreaker(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/healthy" {
			return
		}
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, func(c *Config) { c.BreakerThreshold = 5 })
	ctx := context.Background()
	// One rate-limited path, asked 20 times between healthy answers: the
	// breaker stays closed.
	for i := range 20 {
		if _, err := c.Do(ctx, Request{Path: fmt.Sprintf("/login?attempt=%d", i)}, Anonymous()); errors.Is(err, ErrCircuitOpen) {
			t.Fatal("one rate-limited path opened the breaker")
		}
	}
	if n := hits.Load(); n < 20 {
		t.Fatalf("the rate-limited path was asked %d times, want at least 20", n)
	}
	if _, err := c.Do(ctx, Request{Path: "/healthy"}, Anonymous()); err != nil {
		t.Fatal(err)
	}
	var last error
	for i := range 20 {
		_, last = c.Do(ctx, Request{Path: fmt.Sprintf("/%d", i)}, Anonymous())
	}
	if !errors.Is(last, ErrCircuitOpen) || !strings.Contains(last.Error(), "429") {
		t.Fatalf("last error %v, want ErrCircuitOpen for 429 answers", last)
	}
}

// TestOnePathThatStoppedAnsweringOpensTheBreaker: an API behind a single
// path (GraphQL, RPC) that times out on every request opens the breaker,
// though every failure is on one path.
func TestOnePathThatStoppedAnsweringOpensTheBreaker(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so that a hang-up cancels r.Context()
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, func(c *Config) { c.BreakerThreshold = 4; c.Timeout = 50 * time.Millisecond })
	var last error
	for i := range 8 {
		_, last = c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/graphql", Body: []byte(fmt.Sprintf(`{"query":"{q%d}"}`, i))}, Anonymous())
	}
	if !errors.Is(last, ErrCircuitOpen) {
		t.Fatalf("last error %v, want ErrCircuitOpen", last)
	}
}
