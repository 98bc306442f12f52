package cli

import (
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/internal/login"
)

func buildFromYAML(t *testing.T, yml string, flags ...string) (*Config, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "leakhound.yaml")
	if err := os.WriteFile(p, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	var f scanFlags
	scanHelp(&f).bind(fs, io.Discard)
	if err := fs.Parse(append([]string{"--config", p}, flags...)); err != nil {
		t.Fatal(err)
	}
	return f.build(fs, "http://127.0.0.1:5000")
}

func TestConfigIdentities(t *testing.T) {
	t.Setenv("LH_ALICE_PASSWORD", "pw-alice")
	t.Setenv("LH_BOB_SESSION", "sess-bob")
	cfg, err := buildFromYAML(t, `
identities:
  - name: alice
    role: user
    login:
      method: post
      path: /api/login
      json: {username: alice, password: "${LH_ALICE_PASSWORD}", remember: true}
      token: {json: data.access_token}
  - name: bob
    cookies: {session: "$LH_BOB_SESSION"}
    headers: {X-Tenant: clinic-1}
  - name: carol
    role: admin
    basic: {username: carol, password: hunter2}
`, "--identity", "dave:admin=X-Api-Key: k-123")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for i, id := range cfg.Identities {
		got[id.Name] = i
	}
	alice := cfg.Identities[got["alice"]]
	flow, ok := alice.Login.(*login.Flow)
	if !ok || alice.Role != "user" || alice.IsAnonymous() {
		t.Fatalf("alice = %+v", alice)
	}
	if !strings.Contains(string(flow.Body), `"password":"pw-alice"`) || flow.Method != "POST" || flow.Header.Get("Content-Type") != "application/json" {
		t.Errorf("login flow = %s %s %q", flow.Method, flow.Header, flow.Body)
	}
	bob := cfg.Identities[got["bob"]]
	if bob.Header.Get("Cookie") != "session=sess-bob" || bob.Header.Get("X-Tenant") != "clinic-1" {
		t.Errorf("bob headers = %v", bob.Header)
	}
	carol := cfg.Identities[got["carol"]]
	if carol.Role != "admin" || carol.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("carol:hunter2")) {
		t.Errorf("carol = %+v", carol)
	}
	if dave := cfg.Identities[got["dave"]]; dave.Role != "admin" || dave.Header.Get("X-Api-Key") != "k-123" {
		t.Errorf("dave = %+v", dave)
	}
}

func TestConfigIdentityErrors(t *testing.T) {
	for name, yml := range map[string]string{
		"unset variable": "identities: [{name: a, login: {path: /login, json: {password: \"${LH_SURELY_UNSET_VAR}\"}, token: {json: t}}}]",
		"no token":       "identities: [{name: a, login: {path: /login}}]",
		"two tokens":     "identities: [{name: a, login: {path: /login, token: {json: t, header: X-T}}}]",
		"no credentials": "identities: [{name: a, role: user}]",
		"bad format":     "identities: [{name: a, login: {path: /login, token: {json: t}, send: {format: Bearer}}}]",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := buildFromYAML(t, yml)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "LH_SURELY") && !strings.Contains(err.Error(), "is not set") {
				t.Errorf("err = %v", err)
			}
		})
	}
}
