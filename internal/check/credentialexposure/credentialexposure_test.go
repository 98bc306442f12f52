package credentialexposure_test

import (
	"encoding/json"
	"net/http"
	"slices"
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

// dumpSecrets are the secrets of a configuration dump, by name, with the
// kind the finding must name them by.
var dumpSecrets = []struct{ name, value, kind string }{
	{"AWS_ACCESS_KEY_ID", "AKIAQ4NSBIX7LPY3KZ2M", "aws_access_key_id"},
	{"AWS_SECRET_ACCESS_KEY", "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", "aws_secret_access_key"},
	{"DATABASE_URL", "postgres://shop:Tr0ub4dor-and-3@db.internal:5432/shop", "connection_string_password"},
	{"JWT_SECRET", "f3c9a1d07e5b4c2a9d8e6f1b0a3c5e7d", "jwt_secret"},
	{"SECRET_KEY", "9s8d7f6g5h4j3k2l1qwe", "secret_key"},
	{"API_TOKEN", "q8Zr3Lm2Np7Rt5Wx9Yb4Cd6F", "token"},
	{"GITHUB_TOKEN", "ghp_R8sWq2Lm4Np6Tv8Xz0Bc2De4Fg6Hj8Kl0Mn2", "github_token"},
}

// The raw part of each secret that must never be shown (the password of
// the connection string, the rest whole).
func rawSecret(value string) string {
	if strings.HasPrefix(value, "postgres://") {
		return "Tr0ub4dor-and-3"
	}
	return value
}

// A configuration dump (GET /debug/env) yields one finding listing every
// secret kind of the answer with its masked value, as JSON and as an
// environment file.
func TestConfigDumpListsEveryKind(t *testing.T) {
	env := map[string]string{"FLASK_ENV": "production", "PATH": "/usr/local/bin:/usr/bin:/bin", "LOG_LEVEL": "info"}
	var lines []string
	for _, s := range dumpSecrets {
		env[s.name] = s.value
		lines = append(lines, s.name+"="+s.value)
	}
	js, _ := json.Marshal(map[string]any{"environment": env, "python": "3.11.2"})
	text := exchange("FLASK_ENV=production\n" + strings.Join(lines, "\n") + "\n")
	text.Header.Set("Content-Type", "text/plain; charset=utf-8")
	for name, ex := range map[string]*transport.Exchange{"json": exchange(string(js)), "env file": text} {
		t.Run(name, func(t *testing.T) {
			fs := credentialexposure.New().Inspect(ex, nil)
			if len(fs) != 1 {
				t.Fatalf("%d findings, want one for the answer", len(fs))
			}
			f := fs[0]
			if f.Severity != finding.Critical {
				t.Errorf("severity %s", f.Severity)
			}
			kinds := strings.Split(f.Evidence.Details["kinds"], ", ")
			listedKinds := map[string]bool{}
			for _, v := range f.Evidence.Values {
				listedKinds[v.Type] = true
			}
			for _, s := range dumpSecrets {
				if !slices.Contains(kinds, s.kind) || !strings.Contains(f.Title, s.kind) {
					t.Errorf("kind %s missing: title %q, kinds %v", s.kind, f.Title, kinds)
				}
				if !listedKinds[s.kind] {
					t.Errorf("no masked value of kind %s among %v", s.kind, f.Evidence.Values)
				}
				if !strings.Contains(f.Evidence.Details["secrets"], s.name+" "+s.kind+" ") {
					t.Errorf("secret %s not listed as %s:\n%s", s.name, s.kind, f.Evidence.Details["secrets"])
				}
			}
			if len(kinds) != len(dumpSecrets) {
				t.Errorf("kinds %v, want exactly %d", kinds, len(dumpSecrets))
			}
			b, _ := json.Marshal(f)
			for _, s := range dumpSecrets {
				if raw := rawSecret(s.value); strings.Contains(string(b)+f.Evidence.Excerpt, raw) {
					t.Errorf("%s shown unmasked (%s)", s.name, finding.Mask("secret", raw))
				}
			}
		})
	}
}

// A dump whose secrets are masked or templated exposes nothing: silent.
// Placeholders (changeme-in-prod, your-…-here, ${VAR}) are the sensitivity
// model's placeholders: they are not the secret, and if the service really
// signs with one, jwt-weakness and flask-session-cookie try the values the
// scan read as keys and report the weak key with proof.
func TestConfigDumpWithoutSecretsIsSilent(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"masked": {"AWS_ACCESS_KEY_ID": "****", "AWS_SECRET_ACCESS_KEY": "****", "DATABASE_URL": "postgres://shop:****@db.internal:5432/shop",
			"JWT_SECRET": "****", "SECRET_KEY": "********", "API_TOKEN": "****"},
		"placeholders": {"JWT_SECRET": "changeme-in-prod", "SECRET_KEY": "your-secret-key-here", "API_TOKEN": "${API_TOKEN}",
			"DATABASE_URL": "postgres://shop:${DB_PASSWORD}@db.internal:5432/shop", "AWS_SECRET_ACCESS_KEY": "<your-aws-secret>"},
	} {
		t.Run(name, func(t *testing.T) {
			js, _ := json.Marshal(map[string]any{"environment": env})
			if fs := credentialexposure.New().Inspect(exchange(string(js)), nil); len(fs) != 0 {
				t.Errorf("want nothing, got %q: %s", fs[0].Title, fs[0].Evidence.Details["secrets"])
			}
		})
	}
}
