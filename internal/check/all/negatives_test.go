package all

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// quietEnv answers nothing: passive checks only read the exchange.
type quietEnv struct{}

func (quietEnv) Do(context.Context, transport.Request, transport.Identity) (*transport.Response, error) {
	return nil, context.Canceled
}
func (quietEnv) Identities() []transport.Identity { return []transport.Identity{transport.Anonymous()} }
func (quietEnv) Target() *url.URL                 { u, _ := url.Parse("http://127.0.0.1/"); return u }
func (quietEnv) Endpoints() []surface.Endpoint    { return nil }
func (quietEnv) AllowWrite() bool                 { return false }

var _ check.Env = quietEnv{}

// contentChecks report what a body holds.
var contentChecks = map[string]bool{
	"pii-exposure": true, "pii-unauthenticated": true, "credential-exposure": true,
	"cacheable-sensitive-response": true, "raw-datastore-response": true,
}

// TestNoCheckReportsMustNotMatchBodies serves every must-not-match sample
// of the personal-data and secret rules, and every hard negative, to the
// anonymous identity with a cacheable answer: the content checks must stay
// silent. Each check once had its own idea of what is sensitive (a
// Luhn-valid order number was a card to one of them, a form's "Password:"
// a password to another); now none may disagree with detect.
func TestNoCheckReportsMustNotMatchBodies(t *testing.T) {
	t.Parallel()
	var bodies []string
	for _, r := range detect.Rules() {
		if c := detect.CategoryOf(r.Type); c == detect.PII || c == detect.Secret {
			bodies = append(bodies, r.NoMatch...)
		}
	}
	bodies = append(bodies, detect.HardNegatives()...)
	passive := Passive()
	for i, b := range bodies {
		if ms := detect.Find([]byte(b), ""); len(detect.Only(ms, detect.PII))+len(detect.Only(ms, detect.Secret)) > 0 {
			continue // a sample that must not match one type may hold another (an e-mail next to a company name)
		}
		ct := "text/plain"
		switch {
		case strings.HasPrefix(b, "{") || strings.HasPrefix(b, "["):
			ct = "application/json"
		case strings.HasPrefix(b, "<"):
			ct = "text/html"
		}
		ex := &transport.Exchange{Check: "baseline", Identity: transport.AnonymousName, Method: http.MethodGet,
			URL: "http://127.0.0.1/api/x", Template: "/api/x", Status: 200,
			Header: http.Header{"Content-Type": {ct}, "Cache-Control": {"public, max-age=600"}}, Body: []byte(b)}
		for _, p := range passive {
			if !contentChecks[p.Meta().ID] {
				continue
			}
			for _, f := range p.Inspect(ex, quietEnv{}) {
				t.Errorf("body %d %.60q: %s reported %q", i, b, f.Check, f.Title)
			}
		}
	}
}
