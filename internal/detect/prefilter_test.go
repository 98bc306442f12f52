package detect

import (
	"bytes"
	"testing"
)

func TestAutomatonFindsOverlappingKeywordsCaseInsensitively(t *testing.T) {
	t.Parallel()
	a := newAutomaton([]string{"akia", "kia", "eyj", "$2b$"})
	hits := a.find([]byte("xAKIAy eYJ $2B$"), 10, nil)
	var got []string
	for _, h := range hits {
		got = append(got, []string{"akia", "kia", "eyj", "$2b$"}[h.kw])
		if h.end-h.start != a.lengths[h.kw] || h.start < 10 {
			t.Errorf("bad span %+v", h)
		}
	}
	want := []string{"akia", "kia", "eyj", "$2b$"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// BenchmarkPrefilter measures the keyword pass alone over text without
// keywords.
func BenchmarkPrefilter(b *testing.B) {
	data := bytes.Repeat([]byte(`{"id":12345,"title":"Quarterly report","tags":["finance","q3"],"views":1024} `), 1<<15)
	s := Default()
	b.SetBytes(int64(len(data)))
	var hits []hit
	for b.Loop() {
		hits = s.ac.find(data, 0, hits[:0])
	}
}
