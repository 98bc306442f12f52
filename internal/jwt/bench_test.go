package jwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"testing"
)

// crackCandidates is the benchmark's list size: 100,000 candidates against
// one HS256 token, none of which matches (the full search).
const crackCandidates = 100_000

func benchToken(b *testing.B) (*Token, []string) {
	b.Helper()
	tok, err := SignHS256("not-in-the-list", nil, map[string]any{"sub": "1042", "email": "a.person@example.org", "role": "user", "iat": 1700000000, "exp": 1700003600})
	if err != nil {
		b.Fatal(err)
	}
	t, err := Parse(tok)
	if err != nil {
		b.Fatal(err)
	}
	cands := make([]string, crackCandidates)
	for i := range cands {
		cands[i] = fmt.Sprintf("candidate-%d", i)
	}
	return t, cands
}

// BenchmarkCrackHS256 measures one op = 100,000 candidates. Target: at
// most 0.25 s per op with -cpu 1.
func BenchmarkCrackHS256(b *testing.B) {
	t, cands := benchToken(b)
	b.ResetTimer()
	for range b.N {
		if _, ok := t.Crack(cands); ok {
			b.Fatal("cracked")
		}
	}
}

// BenchmarkCrackHS256Naive is the same search with crypto/hmac and one new
// MAC per candidate, the implementation Crack replaced: the ratio of the
// two is the gain.
func BenchmarkCrackHS256Naive(b *testing.B) {
	t, cands := benchToken(b)
	b.ResetTimer()
	for range b.N {
		for _, c := range cands {
			m := hmac.New(sha256.New, []byte(c))
			m.Write([]byte(t.signed))
			if hmac.Equal(m.Sum(nil), t.sig) {
				b.Fatal("cracked")
			}
		}
	}
}
