package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/golden"
	"github.com/leakhound/leakhound/internal/testapi"
)

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

func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", name+".golden"), []byte(got))
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
		if r.URL.Path == "/me" {
			// Tells alice from an anonymous caller, so the identity is verified.
			if r.Header.Get("Authorization") != "Bearer "+testapi.AliceToken {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"error":"login required"}`))
				return
			}
			w.Write([]byte(`{"username":"alice"}`))
			return
		}
		if r.URL.Path != "/" {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"not found"}`))
			return
		}
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
		{name: "misspelt flag", args: []string{"scan", vuln, "--identiy", alice}, code: 2, stderr: "did you mean --identity?"},
		{name: "target without scheme", args: []string{"scan", "127.0.0.1:5000"}, code: 2, stderr: "did you mean http://127.0.0.1:5000 ?"},
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
		{name: "bad exclude", args: []string{"scan", vuln, "--exclude", "api/*"}, code: 2, stderr: "--exclude"},
		{name: "bad include method", args: []string{"scan", vuln, "--include", "G3T /api"}, code: 2, stderr: "--include"},
		{name: "strict and allow-write", args: []string{"scan", vuln, "--strict-read-only", "--allow-write"}, code: 2, stderr: "contradict"},
		{name: "bad config exclude", args: []string{"scan", vuln, "--config", "testdata/bad-exclude.yaml"}, code: 2, stderr: "--exclude"},
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
			if tc.name == "unreachable" && strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Fatalf("an unreachable target must say so in one line, got %q", errs)
			}
			if tc.code == 2 && strings.Count(strings.TrimSpace(errs), "\n") > 0 && tc.args != nil && !strings.Contains(errs, "Usage") {
				t.Fatalf("a usage error must be one line, got %q", errs)
			}
			if strings.Contains(out+errs, testapi.AliceToken) {
				t.Fatal("output holds a credential")
			}
			if tc.golden != "" {
				assertGolden(t, tc.golden, normalise(out))
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

// TestExcludeAndWriteLog: --exclude holds every stage of a CLI scan, the
// excluded operation is listed as skipped, and --write-log is written (and
// holds no credential) under --allow-write.
func TestExcludeAndWriteLog(t *testing.T) {
	api := testapi.New(testapi.Vulnerable)
	srv := httptest.NewServer(api)
	defer srv.Close()
	dir := t.TempDir()
	logFile := filepath.Join(dir, "writes.jsonl")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"scan", srv.URL, "-q", "--format", "json", "--no-discovery",
		"--identity", "alice=Authorization: Bearer " + testapi.AliceToken,
		"--identity", "bob=Authorization: Bearer " + testapi.BobToken,
		"--exclude", "GET /api/admin/*", "--allow-write", "--write-log", logFile}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, r := range api.Requests() {
		if strings.HasPrefix(r.Path, "/api/admin/") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			t.Errorf("%s %s on the wire despite --exclude", r.Method, r.Path)
		}
	}
	var rep finding.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, s := range rep.SkippedOperations {
		listed = listed || (s.Path == "/api/admin/users" && strings.Contains(s.Reason, "--exclude"))
	}
	if !listed {
		t.Errorf("skipped_operations %+v lack the excluded path", rep.SkippedOperations)
	}
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Writes) == 0 || !bytes.Contains(b, []byte(`"seq":1`)) {
		t.Fatalf("write log %q, journal %d entries", b, len(rep.Writes))
	}
	if bytes.Contains(b, []byte(testapi.AliceToken)) || bytes.Contains(b, []byte(testapi.BobToken)) {
		t.Error("the write log carries a credential")
	}
	if fi, err := os.Stat(logFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("write log mode %v, want 0600", fi.Mode().Perm())
	}
}

// TestSmallBudgetWritesAPartialReport: --max-requests 100 against an API
// whose discovery alone could take 300 yields a partial report, not exit 3.
func TestSmallBudgetWritesAPartialReport(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"scan", vuln, "--max-requests", "100", "--fail-on", "critical",
		"--identity", "alice=Authorization: Bearer " + testapi.AliceToken}, &stdout, &stderr)
	if code == 3 || code == 2 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "PARTIAL SCAN") || !strings.Contains(stdout.String(), "budget of 100") {
		t.Fatalf("the report does not say it is partial for lack of budget:\n%.600s", stdout.String())
	}
}
