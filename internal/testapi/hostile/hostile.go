// Package hostile serves the broken and hostile answers a scanner must
// survive: decompression bombs, huge headers, huge answers full of new
// links, endless streams, rate limits that never lift, bodies that trickle,
// servers that never answer, undecodable bodies, terminal escapes in JSON
// keys and catch-all pages. Each Kind is an http.Handler for a loopback
// httptest server; tests measure the scanner against them.
package hostile

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind names one hostile behaviour.
type Kind string

// The behaviours, as listed in the issue that measured them.
const (
	GzipBomb       Kind = "gzip-bomb"        // 64 MiB of zeros in 64 KiB of gzip, every answer
	HugeHeaders    Kind = "huge-headers"     // 9 MB of headers on every answer
	BigLinks       Kind = "big-links"        // 8 MiB JSON with 50 new links on every answer
	EndlessStream  Kind = "endless-stream"   // a body that never ends
	RateLimitDay   Kind = "rate-limit-day"   // 429 with Retry-After: 86400
	RetryOverflow  Kind = "retry-overflow"   // 429 with Retry-After: 2002000000000
	RateLimitShort Kind = "rate-limit-short" // 429 with Retry-After: 1, on every request
	Unavailable    Kind = "unavailable"      // 503 with Retry-After: 1
	Trickle        Kind = "trickle"          // headers, then one byte a second
	NeverAnswers   Kind = "never-answers"    // accepts the request, never answers
	Undecodable    Kind = "undecodable"      // Content-Encoding: gzip on plain text
	EscapeKeys     Kind = "escape-keys"      // terminal escapes and bad UTF-8 in JSON keys and values
	CatchAll       Kind = "catch-all"        // every path answers the same page, with a stack trace
	Slow           Kind = "slow"             // every answer after 200 ms
	ControlHeaders Kind = "control-headers"  // control characters in header values
)

// BigAnswerSize is the size of each BigLinks answer: just under the default
// --max-body of 8 MiB, so that it is read whole.
const BigAnswerSize = 8<<20 - 4096

var bomb = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zero)
	}
	zw.Close()
	return b.Bytes()
})

// Server is a hostile handler that counts the requests it received.
type Server struct {
	Kind Kind
	hits atomic.Int64
	next atomic.Int64
}

// New returns the handler of kind k.
func New(k Kind) *Server { return &Server{Kind: k} }

// Hits returns how many requests reached the server.
func (s *Server) Hits() int { return int(s.hits.Load()) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	// The body is read first: net/http notices a client that hung up
	// (and cancels r.Context()) only once the request body is consumed,
	// so a handler that waits on the context for a POST it never read
	// would outlive its client.
	io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	h := w.Header()
	switch s.Kind {
	case GzipBomb:
		h.Set("Content-Type", "application/json")
		h.Set("Content-Encoding", "gzip")
		w.Write(bomb())
	case HugeHeaders:
		h.Set("Content-Type", "application/json")
		h.Set("X-Padding", strings.Repeat("a", 9_000_000))
		w.Write([]byte(`{"ok":true}`))
	case BigLinks:
		s.bigLinks(w)
	case EndlessStream:
		h.Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(`{"a":1},`), 8192)
		w.Write([]byte("["))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case RateLimitDay:
		h.Set("Retry-After", "86400")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case RateLimitShort:
		h.Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case RetryOverflow:
		h.Set("Retry-After", "2002000000000")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case Unavailable:
		h.Set("Retry-After", "1")
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	case Trickle:
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		for i := 0; r.Context().Err() == nil; i++ {
			w.Write([]byte("["))
			w.(http.Flusher).Flush()
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			}
		}
	case NeverAnswers:
		<-r.Context().Done()
	case Undecodable:
		h.Set("Content-Type", "application/json")
		h.Set("Content-Encoding", "gzip")
		w.Write([]byte(`{"this":"is not gzip"}`))
	case EscapeKeys:
		h.Set("Content-Type", "application/json")
		// Valid JSON whose keys and values carry terminal escapes, C1
		// controls and a bidirectional override as \u escapes.
		fmt.Fprint(w, `{"users":[`)
		for i := range 5 {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"id":%d,"\u001b]2;TITLE\u0007ssn":"123-45-67%02d","\u001b[2Jemail":"user%d@example.org","name\u202e":"N\u009b31m%d","phone":"+1 202 555 01%02d"}`, i+1, 10+i, i, i, i)
		}
		fmt.Fprint(w, `]}`)
	case CatchAll:
		// A single-page app's catch-all: every path answers 200 with the
		// same page, which embeds personal data.
		h.Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"page":"app","users":[{"id":1,"email":"alice@example.org","ssn":"123-45-6789","phone":"+1 202 555 0101"},{"id":2,"email":"bob@example.org","ssn":"987-65-4321","phone":"+1 202 555 0102"}]}`)
	case Slow:
		select {
		case <-time.After(200 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		h.Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	case ControlHeaders:
		h.Set("Content-Type", "application/json")
		h.Set("Server", "evil\xff\xfe\xc2\x9b31m \xe2\x80\xae")
		w.Write([]byte(`{"ok":true}`))
	default:
		http.NotFound(w, r)
	}
}

// bigLinks writes an 8 MiB JSON answer holding 50 links never seen before.
func (s *Server) bigLinks(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(BigAnswerSize))
	var b bytes.Buffer
	b.Grow(BigAnswerSize)
	b.WriteString(`{"items":[`)
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		n := s.next.Add(1)
		fmt.Fprintf(&b, `{"id":%d,"href":"/items/%d"}`, n, n)
	}
	b.WriteString(`],"padding":"`)
	pad := BigAnswerSize - b.Len() - len(`"}`)
	b.Write(bytes.Repeat([]byte("x"), pad))
	b.WriteString(`"}`)
	w.Write(b.Bytes())
}
