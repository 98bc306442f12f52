package weakkey

import (
	"context"
	"net/http"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// Signed is a value signed with an HMAC secret: a JWT (RFC 7519), a Flask
// session cookie (itsdangerous). Crack returns the first candidate, in
// list order, that verifies its signature.
type Signed interface {
	Crack(candidates []string) (string, bool)
}

// Exposure is a secret the scan read (an environment dump, a .env file, a
// spec example) that verifies the signature of values the scan holds: a
// hard-coded key exposed to anyone (CWE-321, CWE-200).
type Exposure[S Signed] struct {
	// Key is the secret, in clear: mask it (finding.NewValue) in evidence.
	Key string
	// Origin is where the key was first read.
	Origin Origin
	// Signed are the values it verifies, in the order they were given.
	Signed []S
}

// Exposures tries the harvested secrets, with those of the examples of the
// API description eps, against each signed value in turn, and returns one
// Exposure per key that verifies any of them, in the order of the first
// value each verifies. Order signed values stably (by where they were
// seen) for a result that does not depend on request timing. When ctx
// ends, it returns what it found so far.
func Exposures[S Signed](ctx context.Context, h *Harvest, eps []surface.Endpoint, signed []S) []Exposure[S] {
	h.ObserveExamples(eps)
	cands := h.Candidates()
	if len(cands) == 0 || len(signed) == 0 {
		return nil
	}
	var out []Exposure[S]
	byKey := map[string]int{}
	for _, s := range signed {
		if ctx.Err() != nil {
			break
		}
		key, ok := s.Crack(cands)
		if !ok {
			continue
		}
		if i, ok := byKey[key]; ok {
			out[i].Signed = append(out[i].Signed, s)
			continue
		}
		o, _ := h.Origin(key)
		byKey[key] = len(out)
		out = append(out, Exposure[S]{Key: key, Origin: o, Signed: []S{s}})
	}
	return out
}

// Finding returns the fixed part of a finding of check m on the key: on the
// operation whose answer showed it (GET / for an example of the API
// description), as the identity that received it, reproduced by fetching
// that answer again.
func (o Origin) Finding(m check.Meta, env check.Env) finding.Finding {
	id := check.Identity(env, o.Identity)
	ep := surface.Endpoint{Method: o.Method, Path: o.Path}
	if ep.Method == "" {
		ep = surface.Endpoint{Method: http.MethodGet, Path: "/"}
	}
	f := check.New(m, ep, nil, id)
	f.URL = o.URL
	if o.URL != "" {
		f.Reproduce = "# the answer that shows the key:\n" + transport.Curl(o.Method, o.URL, id, nil, nil)
	}
	return f
}
