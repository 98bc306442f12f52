package openapi

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/transport"
)

// docs serves fuzzed documents at fixed URLs on one origin and refuses
// every other URL, so $ref resolution can only go where a test lets it.
type docs map[string][]byte

func (d docs) Do(_ context.Context, req transport.Request, _ transport.Identity) (*transport.Response, error) {
	p := req.Path
	if i := strings.Index(p, "://"); i >= 0 {
		if !strings.HasPrefix(p, "http://127.0.0.1:5000/") {
			return nil, transport.ErrOutOfScope
		}
		p = strings.TrimPrefix(p, "http://127.0.0.1:5000")
	}
	b, ok := d[p]
	if !ok {
		return &transport.Response{Status: http.StatusNotFound, Header: http.Header{}}, nil
	}
	return &transport.Response{Status: http.StatusOK, Body: b, Header: http.Header{"Content-Type": {"application/json"}}}, nil
}

const refSpec = `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/users/{id}":{"get":{"parameters":[{"$ref":"common.json#/components/parameters/id"}],"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/User"}}}}}}}},"components":{"schemas":{"User":{"type":"object","properties":{"self":{"$ref":"#/components/schemas/User"}}}}}}`

const refCommon = `{"components":{"parameters":{"id":{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}}}}`

// FuzzLoadRefs resolves $ref across two hostile documents, over HTTP
// (LoadURL, the target's origin only) and on disk (LoadFile): errors,
// never a panic or a hang on cycles.
func FuzzLoadRefs(f *testing.F) {
	f.Add([]byte(refSpec), []byte(refCommon))
	f.Add([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"$ref":"common.json#/x"}}}`), []byte(`{"x":{"$ref":"openapi.json#/paths/~1a"}}`))
	f.Add([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"http://evil.example/r.json"}}}}}}`), []byte(`{}`))
	f.Add([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"file:///etc/passwd"}}}}}}`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, spec, common []byte) {
		d := docs{"/openapi.json": spec, "/common.json": common}
		_, _ = LoadURL(context.Background(), d, "http://127.0.0.1:5000/openapi.json")
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "openapi.json"), spec, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "common.json"), common, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _ = LoadFile(filepath.Join(dir, "openapi.json"))
	})
}
