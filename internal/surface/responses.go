package surface

import (
	"strconv"
	"strings"
)

// ResponseSchema returns the documented schema of an answer with the given
// status: the exact code, then its class (2XX), then default.
func (e Endpoint) ResponseSchema(status int) *Schema {
	code := strconv.Itoa(status)
	class := code[:1] + "XX"
	for _, want := range []string{code, class, "default"} {
		for _, r := range e.Responses {
			if strings.EqualFold(r.Status, want) && r.Schema != nil {
				return r.Schema
			}
		}
	}
	return nil
}
