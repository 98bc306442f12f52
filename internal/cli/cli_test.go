package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/testapi"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	hostPort  = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	timestamp = regexp.MustCompile(`"(started_at|finished_at)": "[^"]+"`)
	duration  = regexp.MustCompile(`"duration_ms": \d+`)
	seconds   = regexp.MustCompile(`requests, \d+\.\ds`)
	peakBytes = regexp.MustCompile(`"peak_bytes": \d+`)
)

// normalise removes what changes between runs: ports, times.
func normalise(s string) string {
	s = hostPort.ReplaceAllString(s, "127.0.0.1:PORT")
	s = timestamp.ReplaceAllString(s, `"$1": "TIME"`)
	s = duration.ReplaceAllString(s, `"duration_ms": 0`)
	s = peakBytes.ReplaceAllString(s, `"peak_bytes": 0`) // varies with the order answers arrive
	return seconds.ReplaceAllString(s, "requests, 0.0s")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Fatalf("%s mismatch (-want +got):\n%s", name, d)
	}
}

func serve(t *testing.T, v testapi.Variant) string {
	srv := httptest.NewServer(testapi.New(v))
	t.Cleanup(srv.Close)
	return srv.URL
}

// serveLowOnly is an API whose only weaknesses are low: a version banner
// and missing hardening headers.
func serveLowOnly(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Flask/2.2.5")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/"
}

func run(ctx context.Context, args ...string) (int, string, string) {
	if len(args) > 0 && args[0] == "scan" && !slices.Contains(args, "--rate") {
		// Loopback test servers need no rate limit; the default (50/s)
		// would only make the suite slow.
		args = append(args, "--rate", "0")
	}
	var out, errb bytes.Buffer
	code := Run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRun(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	fixed := serve(t, testapi.Fixed)
	lowOnly := serveLowOnly(t)
	alice := "alice=Authorization: Bearer " + testapi.AliceToken
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		golden string // compare normalised stdout with testdata/NAME.golden
		stderr string // substring of stderr
	}{
		{name: "no args", args: nil, code: 2, stderr: "Usage:"},
		{name: "help", args: []string{"help"}, code: 0},
		{name: "unknown command", args: []string{"attack"}, code: 2, stderr: `unknown command "attack"`},
		{name: "version", args: []string{"version"}, code: 0, golden: "version"},
		{name: "checks", args: []string{"checks"}, code: 0, golden: "checks"},
		{name: "checks json", args: []string{"checks", "--format", "json"}, code: 0, golden: "checks-json"},
		{name: "scan without target", args: []string{"scan"}, code: 2, stderr: "needs a TARGET_URL"},
		{name: "scan two targets", args: []string{"scan", vuln, vuln}, code: 2, stderr: "one TARGET_URL"},
		{name: "scan ftp", args: []string{"scan", "ftp://example.test/"}, code: 2, stderr: "http:// or https://"},
		{name: "scan url with credentials", args: []string{"scan", "http://u:p@127.0.0.1/"}, code: 2, stderr: "must not carry credentials"},
		{name: "bad fail-on", args: []string{"scan", vuln, "--fail-on", "severe"}, code: 2, stderr: "--fail-on"},
		{name: "bad format", args: []string{"scan", vuln, "--format", "xml"}, code: 2, stderr: "unknown format"},
		{name: "bad report", args: []string{"scan", vuln, "--report", "json"}, code: 2, stderr: "FORMAT=FILE"},
		{name: "bad identity", args: []string{"scan", vuln, "--identity", "alice:Bearer x"}, code: 2, stderr: "NAME=HEADER: VALUE"},
		{name: "bad max-body", args: []string{"scan", vuln, "--max-body", "lots"}, code: 2, stderr: "--max-body"},
		{name: "bad timeout", args: []string{"scan", vuln, "--timeout", "soon"}, code: 2, stderr: "invalid argument"},
		{name: "unknown flag", args: []string{"scan", vuln, "--frobnicate"}, code: 2, stderr: "unknown flag"},
		{name: "missing config", args: []string{"scan", vuln, "--config", "testdata/none.yaml"}, code: 2, stderr: "read config"},
		{name: "bad config", args: []string{"scan", vuln, "--config", "testdata/bad.yaml"}, code: 2, stderr: "config"},
		{name: "unreachable", args: []string{"scan", closedPort(t)}, code: 3, stderr: "could not run"},
		{name: "vulnerable fails on low", args: []string{"scan", vuln, "--identity", alice, "--fail-on", "low"}, code: 1, golden: "scan-vulnerable"},
		{name: "vulnerable fails on high", args: []string{"scan", vuln, "--fail-on", "high", "-q"}, code: 1},
		{name: "low findings pass on high", args: []string{"scan", lowOnly, "--fail-on", "high", "-q"}, code: 0},
		{name: "fixed is clean", args: []string{"scan", fixed, "--identity", alice, "--fail-on", "medium", "--format", "json"}, code: 0, golden: "scan-fixed-json"},
		{name: "config sets fail-on", args: []string{"scan", lowOnly, "--config", "testdata/failon-low.yaml"}, code: 1},
		{name: "config without identities fails on low", args: []string{"scan", vuln, "--config", "testdata/failon-low-anonymous.yaml"}, code: 1},
		{name: "flags win over config", args: []string{"scan", lowOnly, "--config", "testdata/failon-low-anonymous.yaml", "--fail-on", "critical"}, code: 0},
		{name: "bad wordlist", args: []string{"scan", vuln, "--wordlist", "testdata/none.txt"}, code: 2, stderr: "--wordlist"},
		{name: "demo json", args: []string{"demo", "--format", "json"}, code: 1, golden: "demo-json"},
		{name: "demo fixed", args: []string{"demo", "--fixed", "--fail-on", "medium"}, code: 0},
		{name: "demo takes no target", args: []string{"demo", vuln}, code: 2, stderr: "no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(context.Background(), tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, tc.code, errs)
			}
			if tc.stderr != "" && !strings.Contains(errs, tc.stderr) {
				t.Fatalf("stderr %q does not contain %q", errs, tc.stderr)
			}
			if tc.code == 2 && strings.Count(strings.TrimSpace(errs), "\n") > 0 && tc.args != nil && !strings.Contains(errs, "Usage") {
				t.Fatalf("a usage error must be one line, got %q", errs)
			}
			if strings.Contains(out+errs, testapi.AliceToken) {
				t.Fatal("output holds a credential")
			}
			if tc.golden != "" {
				golden(t, tc.golden, normalise(out))
			}
		})
	}
}

func TestReportsToFiles(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	dir := t.TempDir()
	out, extra := filepath.Join(dir, "r.txt"), filepath.Join(dir, "r.json")
	code, stdout, errs := run(context.Background(), "scan", vuln, "--output", out, "--report", "json="+extra)
	if code != 1 { // the vulnerable API has high and critical findings
		t.Fatalf("exit %d: %s", code, errs)
	}
	if stdout != "" {
		t.Fatalf("stdout must stay empty with --output, got %q", stdout)
	}
	txt, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(txt), "score ") {
		t.Fatalf("text report: %v %q", err, txt)
	}
	var rep finding.Report
	b, err := os.ReadFile(extra)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.SchemaVersion != finding.SchemaVersion || len(rep.Findings) == 0 {
		t.Fatalf("json report: %v %+v", err, rep)
	}
	if st, _ := os.Stat(extra); st.Mode().Perm() != 0o600 {
		t.Fatalf("report file mode %v, want 0600", st.Mode().Perm())
	}
}

func TestInterruptedScanWritesPartialReport(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, out, errs := run(ctx, "scan", vuln, "--format", "json")
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, errs)
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.Partial {
		t.Fatalf("want a partial JSON report on stdout, got %v %q", err, out)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"8MiB": 8 << 20, "512KiB": 512 << 10, "1MB": 1e6, "1024": 1024, "2 GiB": 2 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("%s: %d %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-1", "0", "lots", "9999999999GiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
