package finding

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ typ, raw, want string }{
		{"email", "alice.moreau@proton.me", "a***@proton.me"},
		{"card", "4242 4242 4242 4242", "**** **** **** 4242"},
		{"card", "4242424242424242", "**** **** **** 4242"},
		{"ssn", "123-45-6789", "***-**-6789"},
		{"aws_access_key", "AKIAIOSFODNN7EXAMPLE", "AKIA…"},
		{"password_hash", "pbkdf2:sha256:600000$abc$def", "pbkd…"},
		{"phone", "+1 415-555-0132", "*********32"},
		{"name", "Alice", "A…"},
		{"secret", "abc", "****"},
		{"email", "not-an-email", "not-…"},
	} {
		if got := Mask(tc.typ, tc.raw); got != tc.want {
			t.Errorf("Mask(%s) = %q, want %q", tc.typ, got, tc.want)
		}
	}
}

func TestEvidenceIsMaskedUntilRevealed(t *testing.T) {
	t.Parallel()
	v := NewValue("email", "$.users[0].email", "alice.moreau@proton.me")
	f := Finding{Check: "x", Evidence: NewEvidence("GET /users", 200, `{"email":"alice.moreau@proton.me"}`, []Value{v})}
	b, _ := json.Marshal(f)
	if strings.Contains(string(b), "alice.moreau") {
		t.Fatalf("masked finding serialises the raw value: %s", b)
	}
	if !strings.Contains(string(b), "a***@proton.me") {
		t.Fatalf("masked value missing: %s", b)
	}
	f.Reveal()
	b, _ = json.Marshal(f)
	if !strings.Contains(string(b), "alice.moreau@proton.me") {
		t.Fatalf("Reveal did not show the raw value: %s", b)
	}
}

func TestDedupe(t *testing.T) {
	t.Parallel()
	mk := func(id, url string, sev Severity) Finding {
		return Finding{Check: "c", Method: "GET", Path: "/users/{id}", CWE: []string{"CWE-639"}, URL: url, Identity: id, Severity: sev}
	}
	in := []Finding{
		mk("bob", "http://h/users/2", Medium),
		mk("alice", "http://h/users/1", High),
		mk("bob", "http://h/users/2", Medium),
		{Check: "c", Method: "GET", Path: "/other", CWE: []string{"CWE-639"}, URL: "http://h/other", Severity: Low},
	}
	out := Dedupe(in)
	if len(out) != 2 {
		t.Fatalf("want 2 findings, got %d", len(out))
	}
	if out[0].Severity != High || out[0].Identity != "alice" || out[0].Occurrences != 2 || len(out[0].Instances) != 2 {
		t.Fatalf("representative: %+v", out[0])
	}
	again := Dedupe([]Finding{in[3], in[2], in[1], in[0]})
	for i := range out {
		if out[i].Fingerprint != again[i].Fingerprint || out[i].Identity != again[i].Identity {
			t.Fatal("dedupe depends on input order")
		}
	}
	if out[0].Fingerprint == out[1].Fingerprint || len(out[0].Fingerprint) != 16 {
		t.Fatalf("fingerprints: %q %q", out[0].Fingerprint, out[1].Fingerprint)
	}
}

func TestParseSeverity(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"critical", "HIGH", " medium ", "low", "info"} {
		if _, err := ParseSeverity(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("unknown severity accepted")
	}
	if Critical <= High || High <= Medium || Medium <= Low || Low <= Info {
		t.Error("severity order")
	}
}
