package discover

import (
	"net/http"
	"testing"

	"github.com/leakhound/leakhound/internal/transport"
)

// FuzzSoft404 compares hostile probe answers with a hostile catch-all
// answer: the soft-404 judgement never panics, and an answer equal to the
// baseline is never a real route.
func FuzzSoft404(f *testing.F) {
	f.Add(200, "text/html", []byte("<h1>Not here: lh-1234</h1>"), 200, "text/html", []byte("<h1>Not here: admin</h1>"), "admin")
	f.Add(404, "application/json", []byte(`{"error":"no"}`), 200, "application/json", []byte(`{"ok":1}`), "users")
	f.Add(401, "", []byte{}, 401, "", []byte{}, "")
	f.Fuzz(func(t *testing.T, bs int, bct string, bbody []byte, ps int, pct string, pbody []byte, word string) {
		base := measuredBaseline(&transport.Response{Status: bs, Header: http.Header{"Content-Type": {bct}}, Body: bbody}, "lh-0123456789abcdef")
		probe := &transport.Response{Status: ps, Header: http.Header{"Content-Type": {pct}}, Body: pbody}
		_ = Exists(probe, base, word)
		_ = Exists(probe, nil, word)
		same := &transport.Response{Status: bs, Header: http.Header{"Content-Type": {bct}}, Body: bbody}
		if Exists(same, base, "") && bs < 400 {
			t.Fatalf("the baseline's own answer (status %d) judged a real route", bs)
		}
	})
}
