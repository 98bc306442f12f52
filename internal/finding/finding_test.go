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

func TestTemplatePath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/api/users/1001":                                  "/api/users/{id}",
		"/api/patients/u_1001/prescriptions/7001":          "/api/patients/{id}/prescriptions/{id2}",
		"/api/statements?email=a@b.example&dob=1990-01-02": "/api/statements?email={email}&dob={dob}",
		"/api/v1/profile":                                  "/api/v1/profile",
		"/api/users/{user_id}":                             "/api/users/{user_id}",
		"/":                                                "/",
		"/logs/app.log":                                    "/logs/app.log",
		"/items/3f2a9c1e-0b7d-4c55-9a1e-2b3c4d5e6f70": "/items/{id}",
		"/api/schedule?doctor_id=d_02":                "/api/schedule?doctor_id={doctor_id}",
		"/api/admin":                                  "/api/admin",
	} {
		if got := TemplatePath(in); got != want {
			t.Errorf("TemplatePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldMakesOneFindingPerEndpoint(t *testing.T) {
	t.Parallel()
	ma := Finding{Check: "missing-authentication", Method: "GET", Path: "/api/patients", Severity: High, CWE: []string{"CWE-306"},
		Evidence: Evidence{Details: map[string]string{"types": "email"}, Values: []Value{NewValue("email", "$.e", "alice.moreau@proton.me")}}}
	pii := Finding{Check: "pii-unauthenticated", Method: "GET", Path: "/api/patients", Severity: Critical, CWE: []string{"CWE-306", "CWE-359"},
		Evidence: Evidence{Details: map[string]string{"types": "ssn, email"}, Values: []Value{NewValue("ssn", "$.s", "412-67-3385")}}}
	other := Finding{Check: "pii-unauthenticated", Method: "GET", Path: "/logs/app.log", Severity: High}
	got := Fold([]Finding{ma, pii, other}, "missing-authentication", "pii-unauthenticated")
	if len(got) != 2 {
		t.Fatalf("got %d findings, want 2", len(got))
	}
	f := got[0]
	if f.Severity != Critical || f.Evidence.Details["types"] != "email, ssn" || len(f.Evidence.Values) != 2 || len(f.CWE) != 2 {
		t.Errorf("folded finding: severity %s, types %q, %d values, CWE %v", f.Severity, f.Evidence.Details["types"], len(f.Evidence.Values), f.CWE)
	}
}
