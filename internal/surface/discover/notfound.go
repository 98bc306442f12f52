package discover

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"

	"github.com/leakhound/leakhound/internal/transport"
)

// baseline is how the target answers a path that cannot exist under one
// prefix: the soft-404 reference probes are compared with.
type baseline struct {
	ready chan struct{}
	err   error
	resp  *transport.Response
	token string
}

func randomToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "lh-" + hex.EncodeToString(b)
}

var volatile = regexp.MustCompile(`[0-9a-fA-F]{8,}|\d+`)

// normalize removes what differs between two answers of one catch-all: the
// requested word, numbers, hex ids and timestamps.
func normalize(body []byte, word string) []byte {
	if word != "" {
		body = bytes.ReplaceAll(body, []byte(word), nil)
	}
	return volatile.ReplaceAll(body, nil)
}

// Exists decides whether a probe answer shows a real route. 404 and 410
// never do; an answer like the baseline's (same status, same type, a body
// that is the same once the requested word and numbers are removed, or of
// nearly the same size) is a soft 404.
func Exists(resp *transport.Response, base *baseline, word string) bool {
	switch {
	case resp == nil:
		return false
	case resp.Status == http.StatusNotFound, resp.Status == http.StatusGone,
		resp.Status == http.StatusMethodNotAllowed && base != nil && base.resp != nil && base.resp.Status == http.StatusMethodNotAllowed,
		resp.Status >= 500:
		return false
	case resp.Redirect != "" && resp.CrossOrigin:
		return false
	}
	if base == nil || base.resp == nil {
		return resp.Status < 400 || resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden || resp.Status == http.StatusMethodNotAllowed
	}
	b := base.resp
	if resp.Status != b.Status {
		return resp.Status < 400 || resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden || resp.Status == http.StatusMethodNotAllowed
	}
	if resp.ContentType() != b.ContentType() {
		return true
	}
	nb, np := normalize(b.Body, base.token), normalize(resp.Body, word)
	if bytes.Equal(nb, np) {
		return false
	}
	d := len(np) - len(nb)
	if d < 0 {
		d = -d
	}
	return d > max(16, len(nb)/20)
}
