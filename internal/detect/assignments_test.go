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
