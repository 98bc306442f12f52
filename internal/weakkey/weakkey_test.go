package weakkey

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
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

func TestMACMatchesCryptoHMAC(t *testing.T) {
	long := strings.Repeat("k", 200) // longer than a block: hashed first
	for _, key := range []string{"", "secret", long} {
		for _, nh := range []func() hash.Hash{sha256.New, sha1.New, sha512.New384} {
			want := hmac.New(nh, []byte(key))
			want.Write([]byte("header.claims"))
			m := NewMAC(nh)
			if got := m.Sum(key, []byte("header.claims")); !bytes.Equal(got, want.Sum(nil)) {
				t.Errorf("key %.8q: Sum differs from crypto/hmac", key)
			}
			if got := m.SumKey([]byte(key), []byte("header.claims")); !bytes.Equal(got, want.Sum(nil)) {
				t.Errorf("key %.8q: SumKey differs from crypto/hmac", key)
			}
		}
	}
}

func TestSearchReturnsTheFirstMatchInOrder(t *testing.T) {
	cands := make([]string, 50000)
	for i := range cands {
		cands[i] = fmt.Sprint("c", i)
	}
	hits := map[string]bool{"c30001": true, "c7": true, "c49999": true}
	newTester := func() func(string) bool { return func(s string) bool { return hits[s] } }
	if got, ok := Search(cands, newTester); !ok || got != "c7" {
		t.Errorf("Search = %q, %v; want c7", got, ok)
	}
	delete(hits, "c7")
	if got, ok := Search(cands, newTester); !ok || got != "c30001" {
		t.Errorf("Search = %q, %v; want c30001", got, ok)
	}
	if _, ok := Search(cands, func() func(string) bool { return func(string) bool { return false } }); ok {
		t.Error("Search found a key no tester accepts")
	}
	if _, ok := Search(nil, newTester); ok {
		t.Error("Search of nothing found something")
	}
}

func TestBuiltinIsLargeAndHasKnownWeakKeys(t *testing.T) {
	b := Builtin()
	if len(b) < 10000 {
		t.Fatalf("built-in list has %d entries, want at least 10,000", len(b))
	}
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	// Weak secrets seen on public practice apps, and dictionary words.
	for _, s := range []string{"random", "access", "dvga", "keyboard cat", "shhhhh", "kitten", "Monkey"} {
		if !in[s] {
			t.Errorf("built-in list misses %q", s)
		}
	}
}

func TestHarvestKeepsFirstOriginAndReadsBodiesOnce(t *testing.T) {
	h := NewHarvest()
	env := []byte(`{"JWT_SECRET":"access","HOME":"/root"}`)
	h.Observe([]byte("SECRET_KEY=access\nFLASK_KEY=\n"), "text/plain", Origin{Method: "GET", Path: "/static/.env", Identity: "alice", Where: "response of GET /static/.env"})
	h.Observe(env, "application/json", Origin{Method: "GET", Path: "/debug/env", Where: "response of GET /debug/env"})
	h.Observe(env, "application/json", Origin{Method: "GET", Path: "/a", Where: "response of GET /a"}) // same body: read once
	h.Observe([]byte("SECRET_KEY=access"), "text/plain", Origin{Method: "GET", Path: "/z/.env", Where: "response of GET /z/.env"})
	if got := h.Candidates(); len(got) != 1 || got[0] != "access" {
		t.Fatalf("candidates = %q", got)
	}
	o, ok := h.Origin("access")
	if !ok || o.Path != "/debug/env" || o.Name != "JWT_SECRET" || o.Where != "response of GET /debug/env (JWT_SECRET)" {
		t.Errorf("origin = %+v, want the anonymous answer with the smallest path", o)
	}
	var nilHarvest *Harvest
	nilHarvest.Observe(env, "", Origin{})
	if nilHarvest.Candidates() != nil {
		t.Error("nil harvest collected")
	}
}

func TestHarvestReadsSpecExamples(t *testing.T) {
	h := NewHarvest()
	h.ObserveExamples([]surface.Endpoint{
		{Method: "POST", Path: "/token", Source: surface.SourceSpec, Body: &surface.Body{Example: []byte(`{"client_secret":"tutorial-secret-9"}`)},
			Params: []surface.Param{{Name: "api_key", In: "query", Values: []string{"spec-key-123456"}}, {Name: "page", In: "query", Values: []string{"2"}}}},
		// Recorded traffic is not an example: it is read as answers are.
		{Method: "GET", Path: "/x", Source: surface.SourceHAR, Params: []surface.Param{{Name: "token", In: "query", Values: []string{"har-token-1"}}}},
	})
	got := h.Candidates()
	slices.Sort(got)
	if !slices.Equal(got, []string{"spec-key-123456", "tutorial-secret-9"}) {
		t.Errorf("candidates = %q", got)
	}
	if o, _ := h.Origin("spec-key-123456"); o.Where != "example of POST /token in the API description (api_key)" {
		t.Errorf("origin = %+v", o)
	}
}
