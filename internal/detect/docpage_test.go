package detect

import (
	"strings"
	"testing"
)

// TestDocumentationPageExamplesAreNoData: an OpenAPI description inlined
// in a swagger-ui page carries example phone numbers and IBANs; they are
// masked but are no personal data. The same values in an ordinary page,
// or in a swagger-ui page that only links to its description, are.
func TestDocumentationPageExamplesAreNoData(t *testing.T) {
	const values = `"phone": {"type": "string", "example": "+1 202 555 0143"}, "iban": {"type": "string", "example": "GB33BUKB20201555555555"}`
	inline := `<html><body><div id="swagger-ui"></div><script>
const ui = SwaggerUIBundle({dom_id: "#swagger-ui", spec: {"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"Account": {"properties": {` + values + `}}}}}});
</script></body></html>`
	linked := `<html><body><script>SwaggerUIBundle({url: "/openapi.json"})</script><p>Call us: +1 202 555 0143, IBAN GB33BUKB20201555555555</p></body></html>`
	plain := `<html><body><p>Call us: +1 202 555 0143, IBAN GB33BUKB20201555555555</p></body></html>`
	personal := func(body string) []string {
		var out []string
		for _, m := range Find([]byte(body), "text/html") {
			if m.Category == PII {
				out = append(out, string(m.Type))
			}
		}
		return out
	}
	if got := personal(inline); len(got) > 0 {
		t.Errorf("inline description's examples reported as personal data: %v", got)
	}
	for name, body := range map[string]string{"linked": linked, "plain": plain} {
		if got := personal(body); len(got) == 0 {
			t.Errorf("%s page: no personal data found, want the phone and IBAN", name)
		}
	}
	if masked := MaskText(inline); strings.Contains(masked, "GB33BUKB20201555555555") {
		t.Error("the examples are still masked in evidence")
	}
}
