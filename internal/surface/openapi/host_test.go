package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

const tinySpec = `{"openapi":"3.0.0","info":{"title":"t","version":"1"},"servers":[{"url":"/api/v1"}],"paths":{"/info":{"get":{"responses":{"200":{"description":"ok"}}}}}}`

// swagger-ui-express serves the spec inside its init script.
const initScript = `
window.onload = function() {
  var url = window.location.search.match(/url=([^&]+)/);
  var options = {
  "swaggerDoc": ` + tinySpec + `,
  "customOptions": {}
};
  var swaggerOptions = { spec: options.swaggerDoc, url: url, dom_id: '#swagger-ui' }
}`

func TestReadHost(t *testing.T) {
	for _, c := range []struct {
		name, body string
		inline     bool
		links      []string
		scripts    []string
	}{
		{name: "swagger-ui-init.js", body: initScript, inline: true},
		{name: "swagger-ui page", body: `<!DOCTYPE html><html><body><div id="swagger-ui"></div><script src="./swagger-ui-bundle.js"></script><script src="./swagger-ui-init.js"></script></body></html>`, scripts: []string{"./swagger-ui-init.js"}},
		{name: "swagger-initializer.js", body: `window.onload = function() { window.ui = SwaggerUIBundle({ url: "/v3/api-docs", dom_id: '#swagger-ui' }); };`, links: []string{"/v3/api-docs"}},
		{name: "urls", body: `SwaggerUIBundle({urls: [{url: "/api/v1/openapi.yaml", name: "v1"}, {url: "/api/v2/openapi.yaml", name: "v2"}]})`, links: []string{"/api/v1/openapi.yaml", "/api/v2/openapi.yaml"}},
		{name: "redoc spec-url", body: `<html><body><redoc spec-url="/static/clinic.yaml"></redoc></body></html>`, links: []string{"/static/clinic.yaml"}},
		{name: "redoc state", body: `<html><script>const __redoc_state = {"menu":{"activeItemIdx":-1},"spec":{"data":` + tinySpec + `},"searchIndex":{}};</script></html>`, inline: true},
		{name: "link rel", body: `<html><head><link rel="service-desc" href="/openapi.json"></head></html>`, links: []string{"/openapi.json"}},
		{name: "plain page", body: `<html><body><p>key: value</p></body></html>`},
	} {
		h := ReadHost([]byte(c.body))
		if (h.Inline != nil) != c.inline || strings.Join(h.Links, " ") != strings.Join(c.links, " ") || strings.Join(h.Scripts, " ") != strings.Join(c.scripts, " ") {
			t.Errorf("%s: inline %v links %v scripts %v", c.name, h.Inline != nil, h.Links, h.Scripts)
		}
	}
}

// TestLoadURLThroughDocumentationHosts: a swagger-ui page leads to its init
// script and the inline description; a page naming nothing is never read as
// YAML, and the error names each URL tried and what came back.
func TestLoadURLThroughDocumentationHosts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api-docs":
			http.Redirect(w, r, "/api-docs/", http.StatusMovedPermanently)
		case "/api-docs/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html><body><script src="./swagger-ui-bundle.js"></script><script src="./swagger-ui-init.js"></script></body></html>`)
		case "/api-docs/swagger-ui-init.js":
			w.Header().Set("Content-Type", "application/javascript")
			fmt.Fprint(w, initScript)
		case "/help":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body><p>title: not yaml</p></body></html>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	c, err := transport.New(transport.Config{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := LoadURL(context.Background(), c, "/api-docs")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Location != "/api-docs/swagger-ui-init.js" || len(doc.Endpoints) != 1 || doc.Endpoints[0].Path != "/api/v1/info" {
		t.Errorf("location %q, endpoints %v", doc.Location, doc.Endpoints)
	}
	_, err = LoadURL(context.Background(), c, "/help")
	if err == nil || !errors.Is(err, surface.ErrMalformed) || !strings.Contains(err.Error(), "GET /help answered 200 text/html: an HTML page naming no API description") {
		t.Errorf("HTML page: err = %v", err)
	}
}

// TestLoadFileEmbedded: the init script given as a spec file is read for
// its inline description; an HTML page file is refused with a clear error.
func TestLoadFileEmbedded(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "swagger-ui-init.js")
	page := filepath.Join(dir, "docs.html")
	os.WriteFile(js, []byte(initScript), 0o600)
	os.WriteFile(page, []byte(`<html><body><redoc spec-url="/static/api.yaml"></redoc></body></html>`), 0o600)
	doc, err := LoadFile(js)
	if err != nil || len(doc.Endpoints) != 1 {
		t.Fatalf("init script: %v", err)
	}
	if _, err := LoadFile(page); err == nil || !strings.Contains(err.Error(), "names its API description at /static/api.yaml") {
		t.Errorf("page: err = %v", err)
	}
	if _, err := Parse([]byte("<!DOCTYPE html><html><body>a: b</body></html>")); err == nil || !strings.Contains(err.Error(), "not an API description") {
		t.Errorf("Parse(html): err = %v", err)
	}
}
