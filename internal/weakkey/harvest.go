package weakkey

import (
	"hash/maphash"
	"slices"
	"sync"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/surface"
)

// MaxHarvest bounds how many distinct secrets one scan collects.
const MaxHarvest = 4096

// maxHarvestBody bounds how much of one answer is read for secrets.
const maxHarvestBody = 1 << 20

// Origin is where a harvested secret was first read.
type Origin struct {
	// Method and Path name the operation that returned it (GET,
	// /debug/env); both are empty for a spec example.
	Method, Path string
	// URL is the concrete URL of the answer, when there was one.
	URL string
	// Identity is who received it.
	Identity string
	// Name is the key or variable it was assigned to (JWT_SECRET), if any.
	Name string
	// Where says it in words: "response of GET /debug/env (JWT_SECRET)".
	Where string
}

// Harvest collects the secret-like values a scan reads anywhere (answers,
// spec examples), as detected by internal/detect, so that the JWT and
// Flask session checks try them as signing keys. It is shared by those
// checks and safe for concurrent use; identical bodies are read once.
type Harvest struct {
	seed maphash.Seed

	mu     sync.Mutex
	bodies map[uint64]bool
	origin map[string]Origin
	order  []string
}

// NewHarvest returns an empty harvest.
func NewHarvest() *Harvest {
	return &Harvest{seed: maphash.MakeSeed(), bodies: map[uint64]bool{}, origin: map[string]Origin{}}
}

// Observe reads the secrets of one body. Bodies already observed, by this
// check or another, are skipped.
func (h *Harvest) Observe(body []byte, contentType string, o Origin) {
	if h == nil || len(body) == 0 {
		return
	}
	body = body[:min(len(body), maxHarvestBody)]
	sum := maphash.Bytes(h.seed, body)
	h.mu.Lock()
	if h.bodies[sum] || len(h.order) >= MaxHarvest {
		h.mu.Unlock()
		return
	}
	h.bodies[sum] = true
	h.mu.Unlock()
	for _, s := range detect.Secrets(body, contentType) {
		o := o
		o.Name = s.Name
		if s.Name != "" {
			o.Where += " (" + s.Name + ")"
		}
		h.Add(s.Value, o)
	}
}

// Add records one secret. A value seen in several places keeps one origin
// whatever the order requests ran in: a named assignment before a bare
// value, an anonymous reader before an identity, then the smallest path.
func (h *Harvest) Add(value string, o Origin) {
	if h == nil || value == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if cur, ok := h.origin[value]; ok {
		if o.before(cur) {
			h.origin[value] = o
		}
		return
	}
	if len(h.order) >= MaxHarvest {
		return
	}
	h.origin[value] = o
	h.order = append(h.order, value)
}

// before orders the origins of one value (see Add).
func (o Origin) before(p Origin) bool {
	key := func(x Origin) []string {
		named, anon := "1", "1"
		if x.Name != "" {
			named = "0"
		}
		if x.Identity == "" || x.Identity == "anonymous" {
			anon = "0"
		}
		return []string{named, anon, x.Path, x.Method, x.Identity, x.Where}
	}
	return slices.Compare(key(o), key(p)) < 0
}

// Candidates returns the harvested secrets in the order they were read.
func (h *Harvest) Candidates() []string {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.order...)
}

// Origin returns where value was first read.
func (h *Harvest) Origin(value string) (Origin, bool) {
	if h == nil {
		return Origin{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.origin[value]
	return o, ok
}

// ObserveExamples reads the secrets of an API description's examples:
// request and response bodies, and parameter values (read as name=value,
// so that a parameter named api_key or secret counts by its name).
func (h *Harvest) ObserveExamples(eps []surface.Endpoint) {
	if h == nil {
		return
	}
	for _, ep := range eps {
		if !ep.Documented() {
			continue
		}
		o := Origin{Where: "example of " + ep.Key() + " in the API description"}
		if ep.Body != nil {
			h.Observe(ep.Body.Example, "application/json", o)
		}
		for _, r := range ep.Responses {
			for _, ex := range r.Examples {
				h.Observe(ex, "application/json", o)
			}
		}
		for _, p := range ep.Params {
			if p.Synthetic {
				continue
			}
			for _, v := range p.Values {
				h.Observe([]byte(p.Name+"="+v+"\n"), "text/plain", o)
			}
		}
	}
}
