// Package golden compares what a test produced with a golden file, and
// rewrites the file instead when the test runs with -update:
//
//	go test ./internal/report -update
//
// Look at the diff of the rewritten files before committing them.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Updating reports whether the test runs with -update.
func Updating() bool { return *update }

// Assert compares got with the file at path (relative to the test's
// package), or writes got there under -update. It fails the test with a
// diff, and says how to refresh the file.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (refresh with go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Fatalf("%s is stale (refresh with go test -update; -want +got):\n%s", path, d)
	}
}
