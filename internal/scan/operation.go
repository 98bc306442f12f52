package scan

import (
	"encoding/json"
	"net/http"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/safety"
	"github.com/leakhound/leakhound/internal/transport"
)

// mode is what the scan may send (safety.Mode).
func (e *env) mode() safety.Mode { return e.client.Mode() }

// readRequest builds the baseline request of an operation that reads: a
// GET (with its query, headers, cookies), or a read-POST (safety.Classify)
// with a schema-valid body, when the scan's mode sends read-POSTs. ok is
// false for other operations and when a path placeholder has no value.
func (e *env) readRequest(ep surface.Endpoint) (transport.Request, bool) {
	switch ep.Method {
	case http.MethodGet:
	case http.MethodPost:
		v := safety.Classify(ep)
		if v.Class != safety.ReadPOST || !v.Allowed(e.mode()) {
			return transport.Request{}, false
		}
	default:
		return transport.Request{}, false
	}
	built, ok := ep.Build(nil)
	if !ok {
		return transport.Request{}, false
	}
	return check.Request(built), true
}

// emptyAnswer reports whether a JSON answer carries nothing: no leaf, or
// only zeros, empty strings, nulls and false ({"results": [], "count": 0}).
func emptyAnswer(body []byte) bool {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return false // not JSON: nothing to judge
	}
	var empty func(v any, depth int) bool
	empty = func(v any, depth int) bool {
		if depth > 32 {
			return false
		}
		switch t := v.(type) {
		case map[string]any:
			for _, c := range t {
				if !empty(c, depth+1) {
					return false
				}
			}
		case []any:
			for _, c := range t {
				if !empty(c, depth+1) {
					return false
				}
			}
		case string:
			return t == ""
		case float64:
			return t == 0
		case bool:
			return !t
		}
		return true
	}
	return empty(v, 0)
}
