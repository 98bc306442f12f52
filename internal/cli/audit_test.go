package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/mcpserver"
)

// Invented values that pass detect's validators.
const (
	auditEmail = "alice.moreau@proton.me"
	auditSSN   = "536-22-1234"
)

func auditLogDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	line := `2026-11-30 10:00:01,123 INFO login {"patient_id": "u_1001", "email": "` + auditEmail + `", "ssn": "` + auditSSN + `"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte("2026-11-30 10:00:00,000 INFO start\n"+line), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestAuditLogsReportsAndGates(t *testing.T) {
	dir := auditLogDir(t)
	code, out, _ := runCLI(t, "audit", "logs", dir, "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d", code, ExitFindings)
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	checks := map[string]bool{}
	for _, f := range rep.Findings {
		checks[f.Check] = true
		if f.Method != "AUDIT" || !strings.HasPrefix(f.Path, "log://") || f.Fingerprint == "" {
			t.Errorf("location %s %s fingerprint %q", f.Method, f.Path, f.Fingerprint)
		}
	}
	if !checks["log-sensitive-data"] || !checks["log-item-dump"] || rep.Grade == "" || rep.Grade == finding.GradeIncomplete {
		t.Errorf("checks %v grade %q", checks, rep.Grade)
	}

	// Every format, masked.
	files := t.TempDir()
	args := []string{"audit", "logs", dir, "--fail-on", "critical", "--format", "text"}
	for _, f := range []string{"json", "sarif", "html", "markdown", "junit"} {
		args = append(args, "--report", f+"="+filepath.Join(files, "r."+f))
	}
	code, text, _ := runCLI(t, args...)
	if code != ExitClean {
		t.Errorf("--fail-on critical: exit %d", code)
	}
	outs := []string{text}
	for _, f := range []string{"json", "sarif", "html", "markdown", "junit"} {
		b, err := os.ReadFile(filepath.Join(files, "r."+f))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(b))
		if f == "sarif" && !strings.Contains(string(b), "log-item-dump") {
			t.Errorf("sarif lacks the audit rule")
		}
		if f == "junit" && strings.Contains(string(b), "bola") {
			t.Errorf("junit lists the scan's checks in an audit report")
		}
	}
	for i, o := range outs {
		if strings.Contains(o, auditEmail) || strings.Contains(o, auditSSN) {
			t.Errorf("output %d shows a raw value", i)
		}
	}

	// Baseline: the same findings are not new.
	base := filepath.Join(files, "r.json")
	if code, _, _ := runCLI(t, "audit", "logs", dir, "--baseline", base); code != ExitClean {
		t.Errorf("--baseline: exit %d, want 0", code)
	}
	// Suppressions from the config file.
	cfg := filepath.Join(files, "leakhound.yaml")
	os.WriteFile(cfg, []byte("suppressions:\n  - check: log-sensitive-data\n    reason: accepted for the test\n  - check: log-item-dump\n    reason: accepted for the test\n"), 0o600)
	if code, out, _ := runCLI(t, "audit", "logs", dir, "--config", cfg); code != ExitClean || !strings.Contains(out, "suppressed") {
		t.Errorf("suppressions: exit %d\n%s", code, out)
	}
}

func TestAuditExitCodes(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"audit"}, ExitUsage, "dynamodb or logs"},
		{[]string{"audit", "s3"}, ExitUsage, "unknown audit"},
		{[]string{"audit", "logs"}, ExitUsage, "needs a FILE"},
		{[]string{"audit", "logs", filepath.Join(empty, "missing.log")}, ExitUsage, "no such file"},
		{[]string{"audit", "logs", empty}, ExitIncomplete, "no log file could be read"},
		{[]string{"audit", "dynamodb", "--sample", "0"}, ExitUsage, "--sample"},
		{[]string{"audit", "dynamodb", "--endpoint-url", "ftp://127.0.0.1/"}, ExitUsage, "--endpoint-url"},
		{[]string{"audit", "dynamodb", "extra"}, ExitUsage, "no arguments"},
		// Nothing listens on port 1: no table can be read.
		{[]string{"audit", "dynamodb", "--endpoint-url", "http://127.0.0.1:1", "--table", "t", "--timeout", "20s"}, ExitIncomplete, "no table could be read"},
	} {
		t.Setenv("AWS_ACCESS_KEY_ID", "local")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
		t.Setenv("AWS_MAX_ATTEMPTS", "1")
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}

func TestMCPAuditTools(t *testing.T) {
	cs := mcpClient(t)
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tl := range tools.Tools {
		names[tl.Name] = true
	}
	if !names["audit_dynamodb"] || !names["audit_logs"] {
		t.Fatalf("tools %v", names)
	}
	var out mcpserver.ScanOutput
	if msg := call(t, cs, "audit_logs", map[string]any{"paths": []string{auditLogDir(t)}}, &out); msg != "" {
		t.Fatal(msg)
	}
	if out.High == 0 || len(out.Findings) == 0 {
		t.Fatalf("audit_logs: %+v", out)
	}
	var det mcpserver.FindingDetail
	if msg := call(t, cs, "get_finding", map[string]any{"fingerprint": out.Findings[0].Fingerprint}, &det); msg != "" {
		t.Fatal(msg)
	}
	if b, _ := json.Marshal(det); bytes.Contains(b, []byte(auditSSN)) || bytes.Contains(b, []byte(auditEmail)) {
		t.Errorf("get_finding shows a raw value")
	}
	// Without --allow-remote, AWS itself and remote endpoints are refused.
	for _, ep := range []string{"", "https://dynamodb.us-east-1.amazonaws.com"} {
		msg := call(t, cs, "audit_dynamodb", map[string]any{"endpoint_url": ep}, &out)
		if !strings.Contains(msg, "not on this machine") {
			t.Errorf("endpoint %q: %q", ep, msg)
		}
	}
}
