package weakkey

import (
	"os"
	"path/filepath"
	"testing"
)

func TestBuiltin(t *testing.T) {
	b := Builtin()
	if len(b) < 100 {
		t.Fatalf("built-in list has %d entries", len(b))
	}
	want := map[string]bool{"changeme": false, "secret": false, "dev": false, "development": false, "secret-key": false, "your-secret-key": false, "development key": false, "your-256-bit-secret": false}
	for _, s := range b {
		if _, ok := want[s]; ok {
			want[s] = true
		}
		if s == "" || s[0] == '#' {
			t.Errorf("bad entry %q", s)
		}
	}
	for s, ok := range want {
		if !ok {
			t.Errorf("built-in list misses %q", s)
		}
	}
}

func TestLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(p, []byte("# comment\n\nalpha\r\nbeta gamma\n  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "alpha" || got[1] != "beta gamma" {
		t.Errorf("Load = %q", got)
	}
	empty := filepath.Join(t.TempDir(), "empty.txt")
	_ = os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	if _, err := Load(empty); err == nil {
		t.Error("empty wordlist accepted")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing wordlist accepted")
	}
	if m := Merge([]string{"a", "b"}, []string{"b", "c"}); len(m) != 3 {
		t.Errorf("Merge = %q", m)
	}
}
