package har

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "shop.har")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := Read(bytes.NewReader(data), nil)
		if err == nil {
			for _, ep := range rec.Endpoints {
				ep.Concrete()
			}
		}
	})
}
