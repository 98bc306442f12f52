package openapi

import (
	"strings"
	"testing"
)

// FuzzReadHost reads hostile documentation pages and scripts: it never
// panics, an inline description is a JSON object, and links stay short.
func FuzzReadHost(f *testing.F) {
	f.Add([]byte(`<script>SwaggerUIBundle({url: "/openapi.json", dom_id: '#swagger-ui'})</script>`))
	f.Add([]byte(`<redoc spec-url='/v1/spec.yaml'></redoc>`))
	f.Add([]byte(initScript))
	f.Add([]byte(`const __redoc_state = {"spec":{"data":{"openapi":"3.0.0"`))
	f.Fuzz(func(t *testing.T, page []byte) {
		h := ReadHost(page)
		if h.Inline != nil && !strings.HasPrefix(string(h.Inline), "{") {
			t.Fatalf("inline description %.40q", h.Inline)
		}
		for _, l := range append(h.Links, h.Scripts...) {
			if l == "" || len(l) > 300 {
				t.Fatalf("link %q", l)
			}
		}
	})
}
