package cli

import (
	"testing"

	"github.com/leakhound/leakhound/internal/suppress"
)

// FuzzConfigFile feeds the YAML of a --config file, login flows included,
// through decoding and every validation the file's values meet: errors,
// never a panic.
func FuzzConfigFile(f *testing.F) {
	f.Add([]byte("target: http://127.0.0.1:5000/\nfail_on: low\nrate: 5\ntimeout: 3s\nmax_memory: 64MiB\nmax_time: 1m\n"))
	f.Add([]byte(`identities:
  - name: alice
    role: user
    headers: {Authorization: "Bearer x"}
  - name: bob
    login:
      method: POST
      path: /login
      json: {user: bob, password: "{{env:BOB}}"}
      token: {json: "$.access_token"}
      send: {header: Authorization, format: "Bearer {token}"}
  - name: carol
    basic: {username: carol, password: pw}
    cookies: {session: abc}
suppressions:
  - check: cors
    path: /admin/*
    reason: accepted
    expires: 2030-01-01
`))
	f.Add([]byte("identities: [{name: x, login: {form: {a: b}, token: {cookie: s}}}]"))
	f.Add([]byte("unknown_key: 1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fc, err := decodeConfig(data)
		if err != nil {
			return
		}
		_, _ = identities(fc.Identities, nil)
		_ = suppress.ValidateAll(fc.Suppressions)
		_, _ = parseSize(fc.MaxBody)
		_, _ = parseSize(fc.MaxMemory)
		_, _ = pickDuration(false, 0, fc.MaxTime, "max_time")
		_, _ = pickDuration(false, 0, fc.MaxRetryWait, "max_retry_wait")
	})
}
