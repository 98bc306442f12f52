package credentialexposure_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/credentialexposure"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

func exchange(body string) *transport.Exchange {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &transport.Exchange{Method: "GET", URL: "http://127.0.0.1/api/config", Template: "/api/config", Identity: "alice", Status: 200, Header: h, Body: []byte(body)}
}

func TestCredentialExposure(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       finding.Severity
		fire       bool
	}{
		{"aws key pair", `{"aws":{"AccessKeyId":"AKIA2E5A7F3B2Q4C7XYZ","SecretAccessKey":"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"}}`, finding.Critical, true},
		{"werkzeug hashes", `{"users":[{"username":"alice","password_hash":"pbkdf2:sha256:600000$Xk2Lr8Qp$8f1c0d2e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"}]}`, finding.High, true},
		{"plaintext password", `{"username":"alice","password":"Tr0ub4dor&3"}`, finding.Critical, true},
		{"other users' tokens", `{"sessions":[{"user":"a","token":"q8Zr3Lm2Np7Rt5Wx9Yb4Cd6F"},{"user":"b","token":"Z7fG2kL9mN4pQ8rS3tV6wX1y"}]}`, finding.High, true},
		{"own login token (fixed)", `{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIn0.c2lnbmF0dXJlc2lnbmF0dXJl","token_type":"Bearer","expires_in":3600}`, 0, false},
		{"documentation example key (fixed)", `{"example":"AKIAIOSFODNN7EXAMPLE"}`, 0, false},
		{"public profile (fixed)", `{"users":[{"username":"alice","display_name":"Alice M."}]}`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := credentialexposure.New().Inspect(exchange(tc.body), nil)
			if !tc.fire {
				if len(fs) != 0 {
					t.Fatalf("want nothing, got %s: %s", fs[0].Severity, fs[0].Evidence.Details["types"])
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != tc.want {
				t.Fatalf("want one %s finding, got %d", tc.want, len(fs))
			}
			f := fs[0]
			if f.CWE[0] != "CWE-522" || f.Check != "credential-exposure" {
				t.Errorf("cwe %v check %s", f.CWE, f.Check)
			}
			for _, raw := range []string{"9drTJvcXLB89Qw3Ls9KsAB8Rz4Ga6Xz1XhRpDm2f", "Tr0ub4dor&3", "8f1c0d2e9a7b6c5d4e3f2a1b0c9d8e7f", "q8Zr3Lm2Np7Rt5Wx9Yb4Cd6F"} {
				if strings.Contains(f.Evidence.Excerpt, raw) {
					t.Errorf("excerpt shows a raw secret (%s)", finding.Mask("secret", raw))
				}
				for _, v := range f.Evidence.Values {
					if strings.Contains(v.Masked, raw) {
						t.Errorf("sample shows a raw secret (%s)", finding.Mask("secret", raw))
					}
				}
			}
		})
	}
}

func TestTextServedAsOctetStreamIsScanned(t *testing.T) {
	ex := exchange("APP_ENV=production\nAWS_ACCESS_KEY_ID=AKIAQ4XN7Z2MBV5KR3TW\nAWS_SECRET_ACCESS_KEY=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\n")
	ex.Header.Set("Content-Type", "application/octet-stream")
	fs := credentialexposure.New().Inspect(ex, nil)
	if len(fs) != 1 || fs[0].Severity != finding.Critical {
		t.Fatalf("a .env served as octet-stream: want one critical finding, got %d", len(fs))
	}
	bin := exchange("\x00\x01\x02AKIAQ4XN7Z2MBV5KR3TW")
	bin.Header.Set("Content-Type", "application/octet-stream")
	if fs := credentialexposure.New().Inspect(bin, nil); len(fs) != 0 {
		t.Fatal("binary body scanned")
	}
}
