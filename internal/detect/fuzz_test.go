package detect

import (
	"testing"
	"unicode/utf8"
)

// FuzzScan: no input panics, spans stay inside the body, and masking keeps
// valid UTF-8 valid. Run briefly by hand: go test -fuzz FuzzScan -fuzztime 60s ./internal/detect
func FuzzScan(f *testing.F) {
	for _, r := range Rules() {
		for _, s := range r.Match {
			f.Add([]byte(s))
		}
		for _, s := range r.NoMatch {
			f.Add([]byte(s))
		}
	}
	for _, s := range HardNegatives() {
		f.Add([]byte(s))
	}
	f.Add([]byte("{\"a\":[[[[{\"b\":\"\\u00e9\\\"\\\\\"}]]]]}"))
	f.Add([]byte{0xff, '{', '"', 0xfe, '"', ':', '1'})
	f.Fuzz(func(t *testing.T, body []byte) {
		res := Scan(body, "")
		for _, m := range res.Matches {
			if m.Start < 0 || m.End > len(body) || m.Start > m.End {
				t.Fatalf("span [%d,%d) outside a %d-byte body", m.Start, m.End, len(body))
			}
			_ = m.Value()
		}
		out := MaskBytes(body, "application/json")
		if utf8.Valid(body) && !utf8.Valid(out) {
			t.Fatal("masking broke UTF-8")
		}
	})
}

func TestMaskTextHidesEveryDetectedValue(t *testing.T) {
	t.Parallel()
	body := `{"users":[{"name":"Alice Moreau","email":"alice.moreau@proton.me","ssn":"412-67-3385","card":"4539 1488 0343 6467",` +
		`"password_hash":"pbkdf2:sha256:600000$Xk2Lr8Qp$8f1c0d2e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"}]} ` +
		`and text: call +44 20 7946 0958, key AKIAQ4XN7Z2MBV5KR3TW`
	out := MaskText(body)
	for _, raw := range []string{"alice.moreau@proton.me", "412-67-3385", "4539 1488 0343 6467", "8f1c0d2e9a7b6c5d", "7946 0958", "AKIAQ4XN7Z2MBV5KR3TW"} {
		if contains(out, raw) {
			t.Errorf("MaskText left a value visible (%s)", maskPrefix(raw))
		}
	}
	if res := Scan([]byte(out), ""); len(res.Filter(PII, medium))+len(res.Filter(Secret, medium)) > 0 {
		t.Errorf("the masked text still has detectable values: %d", len(res.Matches))
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func maskPrefix(s string) string {
	if len(s) > 4 {
		return s[:4] + "…"
	}
	return "****"
}

func TestConcurrentScansShareOneScanner(t *testing.T) {
	s := Default()
	bodies := [][]byte{}
	for _, r := range Rules() {
		for _, m := range r.Match {
			bodies = append(bodies, []byte(m))
		}
	}
	done := make(chan int)
	for g := 0; g < 4; g++ {
		go func() {
			n := 0
			for _, b := range bodies {
				n += len(s.Scan(b, "").Matches)
			}
			done <- n
		}()
	}
	first := <-done
	for g := 1; g < 4; g++ {
		if n := <-done; n != first {
			t.Fatalf("concurrent scans disagree: %d vs %d matches", n, first)
		}
	}
}
