package openapi

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no input makes the loader panic or hang.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"v30.yaml", "v31.json", "v20.yaml", "broken-ref.json"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"swagger":"2.0","paths":{"/a/{b}":{"get":{"parameters":[{"name":"b","in":"path"}],"responses":{"200":{"schema":{"$ref":"#/definitions/X"}}}}}},"definitions":{"X":{"$ref":"#/definitions/X"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err == nil {
			for _, ep := range doc.Endpoints {
				ep.Concrete()
				for _, r := range ep.Responses {
					r.Schema.UndocumentedFields(map[string]any{"x": []any{1.0}}, 10)
				}
			}
		}
	})
}
