package exposedfile

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/transport"
)

// FuzzVerify runs every exposed-file parser (.env, Git metadata, Python,
// requirements, AWS credentials, logs, listings, swap files, dumps,
// compose files, .DS_Store) over hostile bodies, and reports what they
// accept: a value under a secret's name never shows in the evidence.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("SECRET_KEY=s3cr3t-value-123456\nDATABASE_URL=postgres://u:p@h/db\n"))
	f.Add([]byte("ref: refs/heads/main\n"))
	f.Add([]byte("[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = https://x\n"))
	f.Add([]byte("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"))
	f.Add([]byte("\x00\x00\x00\x01Bud1\x00"))
	f.Add([]byte("b0VIM 8.2\x00"))
	f.Add([]byte("services:\n  web:\n    image: x\n"))
	c := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &transport.Response{Status: http.StatusOK, Body: body, Header: http.Header{"Content-Type": {"text/plain"}}}
		for k := kindEnv; k <= kindDSStore; k++ {
			if !verify(k, resp) {
				continue
			}
			fd := c.report("/.env", k, resp, transport.Anonymous())
			if strings.Contains(string(body), "SECRET_KEY=s3cr3t-value-123456") && strings.Contains(fd.Evidence.Excerpt, "s3cr3t-value-123456") {
				t.Fatalf("unmasked secret in the evidence: %q", fd.Evidence.Excerpt)
			}
		}
	})
}
