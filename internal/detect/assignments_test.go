package detect

import (
	"strings"
	"testing"
)

func TestMaskTextHidesWeakSecretsUnderSecretNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, raw string }{
		{"SECRET_KEY=changeme\n", "changeme"},
		{`{"JWT_SECRET_KEY": "jwt-secret", "DEBUG": true}`, "jwt-secret"},
		{"    SECRET_KEY = 'dev'\n", "'dev'"},
		{"db_password: hunter2", "hunter2"},
		{"/reset?token=abc123def", "abc123def"},
		{`"api_key":"k-12345-xyz"`, "k-12345-xyz"},
	} {
		got := MaskText(tc.in)
		if strings.Contains(got, strings.Trim(tc.raw, "'")) {
			t.Errorf("%q: masked text still holds the value: %q", tc.in, got)
		}
	}
	for _, keep := range []string{
		`{"token_type": "bearer", "expires_in": 3600}`,
		`{"password_reset_enabled": true}`,
		`{"tokens": 12}`,
		`{"name": "Secretariat", "colour": "brown"}`,
	} {
		if got := MaskText(keep); got != keep {
			t.Errorf("%q changed to %q", keep, got)
		}
	}
}

// FuzzAssignments checks that the keyword windows find what the regular
// expression finds on the whole text, for ASCII text whose names fit the
// window (the regular expression also folds a few non-ASCII letters, such
// as the Kelvin sign, that the keyword automaton does not).
func FuzzAssignments(f *testing.F) {
	for _, s := range []string{
		"SECRET_KEY=changeme\n", `{"JWT_SECRET_KEY": "jwt-secret", "a_token":"x"}`,
		"/reset?token=abc123def&api-key=k1", "db.PASSWORD = 'p' ; x_pwd:y", "tokentoken=1 secret:2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > assignmentAfter-16 {
			return
		}
		run := 0
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return
			}
			if c := lower(s[i]); c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' {
				if run++; run > assignmentBefore/2 {
					return
				}
			} else {
				run = 0
			}
		}
		want := secretAssignment.FindAllSubmatchIndex([]byte(s), -1)
		got := assignments([]byte(s), -1)
		if len(want) != len(got) {
			t.Fatalf("%q: %d matches, want %d (%v, want %v)", s, len(got), len(want), got, want)
		}
		for i := range want {
			for j := range want[i] {
				if want[i][j] != got[i][j] {
					t.Fatalf("%q: match %d is %v, want %v", s, i, got[i], want[i])
				}
			}
		}
	})
}

// BenchmarkAssignments reads a 1 MiB JSON body with a secret assignment
// near its end, by keyword windows and by the regular expression alone.
func BenchmarkAssignments(b *testing.B) {
	body := []byte(strings.Repeat(`{"id":12345,"name":"Alice Example","email":"a@example.org"},`, 1<<20/60) + `{"api_key":"k-12345-xyz"}`)
	b.Run("windows", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if len(assignments(body, -1)) != 1 {
				b.Fatal("missed the assignment")
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if len(secretAssignment.FindAllSubmatchIndex(body, -1)) != 1 {
				b.Fatal("missed the assignment")
			}
		}
	})
}
