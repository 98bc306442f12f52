package discover

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"hash/maphash"
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/transport"
)

// baseline is how the target answers a path that cannot exist under one
// prefix: the soft-404 reference probes are compared with.
type baseline struct {
	ready chan struct{}
	err   error
	// resp is the soft-404 answer without its body (Result keeps the
	// baselines for the whole scan: their bodies could be 8 MiB each);
	// ref is what sameAnswer compares.
	resp *transport.Response
	ref  reference
}

// measured records the soft-404 answer resp to a path ending in token.
func (b *baseline) measured(resp *transport.Response, token string) {
	slim := *resp
	slim.Body = nil
	b.resp, b.ref = &slim, referenceOf(resp, token)
}

// reference is what sameAnswer compares of an answer: status, media type,
// and the hash and length of the normalized body.
type reference struct {
	status      int
	contentType string
	sum         uint64
	n           int
}

// referenceOf returns the reference of resp, whose body is normalized
// without word (the random token or value the request named).
func referenceOf(resp *transport.Response, word string) reference {
	sum, n := digest(resp.Body, word)
	return reference{status: resp.Status, contentType: resp.ContentType(), sum: sum, n: n}
}

func randomToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "lh-" + hex.EncodeToString(b)
}

// digest returns the hash and length of body once normalized, without
// building it: a large answer costs no copy unless it holds the word.
// Normalizing removes what differs between two answers of one catch-all:
// the requested word, then what the regular expression
// [0-9a-fA-F]{8,}|\d+ matches (numbers, hex ids, timestamps), in one pass
// (the regular expression read a few MB a second, and discovery compares
// every probe's answer).
func digest(body []byte, word string) (sum uint64, n int) {
	var h maphash.Hash
	h.SetSeed(digestSeed)
	eachKept(body, word, func(b []byte) {
		h.Write(b)
		n += len(b)
	})
	return h.Sum64(), n
}

var digestSeed = maphash.MakeSeed()

// eachKept calls emit with each run of body that normalizing keeps, in
// order (see digest).
func eachKept(body []byte, word string, emit func([]byte)) {
	if word != "" && bytes.Contains(body, []byte(word)) {
		body = bytes.ReplaceAll(body, []byte(word), nil)
	}
	kept := 0 // start of the run kept so far
	for i := 0; i < len(body); {
		j := i
		for j < len(body) && isHex(body[j]) {
			j++
		}
		skip := 0
		switch {
		case j-i >= 8:
			skip = j - i // a hex id
		case body[i] >= '0' && body[i] <= '9':
			for i+skip < len(body) && body[i+skip] >= '0' && body[i+skip] <= '9' {
				skip++ // a number
			}
		}
		if skip == 0 {
			i++ // a letter, maybe of a short hex run
			continue
		}
		if i > kept {
			emit(body[kept:i])
		}
		i += skip
		kept = i
	}
	if len(body) > kept {
		emit(body[kept:])
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// existsStatus are the error statuses that show a route when they differ
// from the soft-404: the route refused the request's shape (400, 415,
// 422), its method (405) or its caller (401, 403).
var existsStatus = map[int]bool{
	http.StatusBadRequest: true, http.StatusUnauthorized: true, http.StatusForbidden: true,
	http.StatusMethodNotAllowed: true, http.StatusUnsupportedMediaType: true, http.StatusUnprocessableEntity: true,
}

// Exists decides whether a probe answer shows a real route, against the
// soft-404 of its prefix (base, nil when unknown). 404, 410 and 5xx never
// do, nor a redirect off the target. An answer like the soft-404 (same
// status and type, and a body that is the same once the requested word
// and numbers are removed, or of nearly the same size) is a soft 404: so a
// gateway's uniform 403 {"message":"Missing Authentication Token"} shows
// nothing. Any other 2xx or 3xx shows a route, and so do 400, 401, 403,
// 405, 415 and 422 answers that differ from the soft-404.
func Exists(resp *transport.Response, base *baseline, word string) bool {
	switch {
	case resp == nil:
		return false
	case resp.Status == http.StatusNotFound, resp.Status == http.StatusGone, resp.Status >= 500:
		return false
	case resp.Redirect != "" && resp.CrossOrigin:
		return false
	case resp.Status >= 400 && !existsStatus[resp.Status]:
		return false
	}
	if base == nil || base.resp == nil {
		return true
	}
	return !sameAnswer(resp, base.ref, word)
}

// sameAnswer reports whether a probe answer, whose request named word, is
// the soft-404 ref.
func sameAnswer(resp *transport.Response, ref reference, word string) bool {
	if resp.Status != ref.status {
		return false
	}
	if resp.ContentType() != ref.contentType {
		return false
	}
	sb, nb := ref.sum, ref.n
	sp, np := digest(resp.Body, word)
	if sb == sp && nb == np {
		return true
	}
	d := np - nb
	if d < 0 {
		d = -d
	}
	return d <= max(16, nb/20)
}

// baselineFor measures once per prefix how a path that cannot exist
// answers; nil when it could not be measured.
func (r *run) baselineFor(ctx context.Context, prefix string) *baseline {
	b, _ := r.baselineErr(ctx, prefix)
	return b
}

// baselineErr is baselineFor that also returns the budget and
// cancellation errors.
func (r *run) baselineErr(ctx context.Context, prefix string) (*baseline, error) {
	r.mu.Lock()
	b, ok := r.bases[prefix]
	if !ok {
		b = &baseline{ready: make(chan struct{})}
		r.bases[prefix] = b
	}
	r.mu.Unlock()
	if ok {
		select {
		case <-b.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if b.resp == nil {
			return nil, b.err
		}
		return b, b.err
	}
	defer close(b.ready)
	token := randomToken()
	resp, err := r.get(withStage(ctx, "soft-404"), prefix+token)
	if err != nil {
		b.err = err
		if !errors.Is(err, ErrBudget) && ctx.Err() == nil {
			b.err = nil // an unreachable baseline only means probes decide alone
		} else {
			// Measure again next time: the budget may be freed for item routes.
			r.mu.Lock()
			delete(r.bases, prefix)
			r.mu.Unlock()
		}
		return nil, b.err
	}
	b.measured(resp, token)
	if resp.Status < 400 || resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
		r.mu.Lock()
		r.result.CatchAll = append(r.result.CatchAll, prefix)
		r.mu.Unlock()
		r.log.Info("soft 404: every path answers alike under this prefix", "prefix", prefix, "status", resp.Status)
	}
	return b, nil
}

// SoftNotFound reports whether an answer to path is the soft-404 measured
// under the longest prefix of path discovery measured one for, such as a
// gateway's uniform 403 for paths it does not route: such an answer says
// nothing about the route or the caller. It is false when no soft-404 of
// that prefix was measured, or for answers with a hard 404 or 410 (those
// are absent routes already). Safe for concurrent use after Run.
func (res *Result) SoftNotFound(path string, resp *transport.Response) bool {
	if res == nil || res.run == nil || resp == nil {
		return false
	}
	r := res.run
	path = strings.SplitN(path, "?", 2)[0]
	r.mu.Lock()
	var best *baseline
	bestLen := -1
	for p, b := range r.bases {
		if strings.HasPrefix(path+"/", p) && len(p) > bestLen {
			select {
			case <-b.ready:
				if b.resp != nil {
					best, bestLen = b, len(p)
				}
			default:
			}
		}
	}
	r.mu.Unlock()
	if best == nil || best.resp.Status == http.StatusNotFound || best.resp.Status == http.StatusGone {
		return false
	}
	return sameAnswer(resp, best.ref, lastSegment(path))
}
