package scan

import (
	"net/http"

	"github.com/leakhound/leakhound/internal/authz"
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
	return authz.Send(built), true
}

// emptyAnswer reports whether a JSON answer carries nothing: no leaf, or
// only zeros, empty strings, nulls and false ({"results": [], "count": 0}).
func emptyAnswer(body []byte) bool {
	f := authz.Flatten(body)
	if f == nil {
		return false // not JSON: nothing to judge
	}
	for _, v := range f {
		switch v {
		case "0", "", "null", "false":
		default:
			return false
		}
	}
	return true
}
