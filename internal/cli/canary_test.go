package cli

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testapi"
)

// TestCanaryNothingRawInAnyOutput plants a unique value of every detected
// type (bodies, headers, URL paths), a one-character security answer, a
// Maestro card, a username and an endpoint echoing request headers. Without
// --reveal, none of them and none of the scan's own credentials may appear
// in any report format or in the -vv log.
func TestCanaryNothingRawInAnyOutput(t *testing.T) {
	srv := httptest.NewServer(testapi.Canary())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	formats := []string{"json", "sarif", "html", "markdown", "junit"}
	args := []string{"scan", srv.URL + "/", "--identity", "user=Authorization: Bearer " + testapi.CanaryToken,
		"--identity", "user=X-Api-Key: " + testapi.CanaryToken + "-key", "--fail-on", "critical", "-vv"}
	for _, f := range formats {
		args = append(args, "--report", f+"="+filepath.Join(dir, f))
	}
	code, stdout, stderr := run(context.Background(), args...)
	// The canary API lets anyone in, so the identity cannot be told from
	// anonymous and the scan may be incomplete (4): masking is what counts.
	if code != 0 && code != 1 && code != 4 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	outputs := map[string]string{"text": stdout, "stderr -vv": stderr}
	for _, f := range formats {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		outputs[f] = string(b)
	}
	if !strings.Contains(stdout, "personal") && !strings.Contains(stdout, "Personal") {
		t.Errorf("the canary scan found no personal data at all:\n%s", stdout)
	}
	answer := regexp.MustCompile(`secret_answer\W{1,12}` + testapi.CanaryAnswer + `\b`)
	for name, out := range outputs {
		for typ, v := range testapi.Canaries {
			for _, form := range []string{v, strings.ReplaceAll(v, "@", "%40"), strings.ReplaceAll(v, " ", "")} {
				if strings.Contains(out, form) {
					t.Errorf("%s: raw %s canary %q", name, typ, form)
				}
			}
		}
		if strings.Contains(out, testapi.CanaryToken) {
			t.Errorf("%s: the scan's own credential appears", name)
		}
		if answer.MatchString(out) {
			t.Errorf("%s: the one-character security answer appears", name)
		}
	}
}

// TestMalformedIdentityNeverEchoesIt: a credential typed where an identity
// belongs is not printed back.
func TestMalformedIdentityNeverEchoesIt(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"Authorization: Basic dXNlcjpodW50ZXIy", "Authorization: Basic dXNlcjpodW50ZXIy==", "alice:Basic dXNlcjpodW50ZXIy=X: y"} {
		code, _, stderr := run(context.Background(), "scan", "http://127.0.0.1:9/", "--identity", v)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", v, code)
		}
		if strings.Contains(stderr, "dXNlcjpodW50ZXIy") {
			t.Errorf("%q: the credential is echoed: %s", v, stderr)
		}
	}
}

// TestTrapsHaveNoHighFinding scans the trap API (public catalogue next to
// baskets with small ids and quantities, a masked card under an
// undocumented key, spec examples with e-mails, an HTML form, a footer
// mailto:) with its spec and two shoppers: nothing may be high.
func TestTrapsHaveNoHighFinding(t *testing.T) {
	srv := httptest.NewServer(testapi.Traps())
	t.Cleanup(srv.Close)
	code, stdout, stderr := run(context.Background(), "scan", srv.URL+"/", "--spec", srv.URL+"/openapi.json",
		"--identity", "alice=Authorization: Bearer "+testapi.TrapAliceToken,
		"--identity", "bob=Authorization: Bearer "+testapi.TrapBobToken, "--fail-on", "high")
	if code != 0 {
		t.Errorf("exit %d, want 0 (no high finding):\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "endpoints") {
		t.Errorf("no scan summary:\n%s", stdout)
	}
}
