package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/testapi"
)

func readReport(t *testing.T, path string) *finding.Report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r finding.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &r
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAllFormatsFromOneRun writes every format from one scan.
func TestAllFormatsFromOneRun(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	dir := t.TempDir()
	args := []string{"scan", vuln, "--format", "json", "--fail-on", "critical"}
	files := map[string]string{}
	for _, f := range report.Formats() {
		files[f] = filepath.Join(dir, "report."+f)
		args = append(args, "--report", f+"="+files[f])
	}
	code, out, errs := run(context.Background(), args...)
	if code != 1 { // the vulnerable API has critical findings
		t.Fatalf("exit %d: %s", code, errs)
	}
	read := func(f string) []byte {
		b, err := os.ReadFile(files[f])
		if err != nil || len(b) == 0 {
			t.Fatalf("%s report: %v (%d bytes)", f, err, len(b))
		}
		return b
	}
	var sarif struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			Results []json.RawMessage
		}
	}
	if err := json.Unmarshal(read("sarif"), &sarif); err != nil || sarif.Version != "2.1.0" {
		t.Fatalf("sarif: %v %q", err, sarif.Version)
	}
	validateSARIF(t, read("sarif"))
	rep := readReport(t, files["json"])
	if len(sarif.Runs[0].Results) != len(rep.Findings) || len(sarif.Runs[0].Tool.Driver.Rules) == 0 {
		t.Errorf("sarif has %d results and %d rules for %d findings", len(sarif.Runs[0].Results), len(sarif.Runs[0].Tool.Driver.Rules), len(rep.Findings))
	}
	var junit struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(read("junit"), &junit); err != nil || junit.Tests == 0 {
		t.Errorf("junit: %v, %d tests", err, junit.Tests)
	}
	if !bytes.HasPrefix(read("html"), []byte("<!DOCTYPE html>")) {
		t.Error("html report is not a page")
	}
	if !bytes.HasPrefix(read("markdown"), []byte("## leakhound: grade ")) {
		t.Error("markdown report has no heading")
	}
	if !bytes.Contains(read("text"), []byte("score ")) {
		t.Error("text report has no score line")
	}
	if !strings.Contains(out, `"schema_version"`) {
		t.Error("stdout has no JSON report")
	}
}

// validateSARIF checks a log against the SARIF 2.1.0 schema vendored in the
// report package's test data.
func validateSARIF(t *testing.T, log []byte) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "report", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("SARIF of a real scan does not validate: %v", err)
	}
}

func TestBaselineFlag(t *testing.T) {
	vuln := serveLowOnly(t) // low findings only: --fail-on critical passes
	dir := t.TempDir()
	first := filepath.Join(dir, "first.json")
	if code, _, errs := run(context.Background(), "scan", vuln, "--format", "json", "--output", first, "--fail-on", "critical"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	prev := readReport(t, first)
	if len(prev.Findings) < 2 {
		t.Fatalf("the vulnerable API gave %d findings, want 2 or more", len(prev.Findings))
	}

	// Same target, same findings: nothing new, so even --fail-on low passes.
	code, out, errs := run(context.Background(), "scan", vuln, "--format", "json", "--baseline", first, "--fail-on", "low")
	if code != 0 {
		t.Fatalf("unchanged scan: exit %d: %s", code, errs)
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 || rep.Baseline == nil || rep.Baseline.Unchanged != len(prev.Findings) || rep.Baseline.New != 0 || len(rep.Baseline.Fixed) != 0 {
		t.Fatalf("unchanged scan: findings %d baseline %+v", len(rep.Findings), rep.Baseline)
	}
	if rep.Score != prev.Score {
		t.Errorf("score %d with a baseline, %d without: it must describe the whole scan", rep.Score, prev.Score)
	}

	// A baseline that lacks one finding and holds one that is gone: one
	// new (fails --fail-on low), one fixed.
	gone := prev.Findings[0]
	gone.Check, gone.Title, gone.Fingerprint = "bola", "Old BOLA", "00000000deadbeef"
	edited := *prev
	edited.Findings = append([]finding.Finding{gone}, prev.Findings[1:]...)
	older := filepath.Join(dir, "older.json")
	writeJSON(t, older, &edited)
	code, out, errs = run(context.Background(), "scan", vuln, "--format", "json", "--baseline", older, "--fail-on", "low")
	if code != 1 {
		t.Fatalf("scan with a new finding: exit %d, want 1: %s", code, errs)
	}
	rep = finding.Report{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Fingerprint != prev.Findings[0].Fingerprint {
		t.Errorf("new findings %+v, want only %s", rep.Findings, prev.Findings[0].Fingerprint)
	}
	if rep.Baseline == nil || len(rep.Baseline.Fixed) != 1 || rep.Baseline.Fixed[0].Fingerprint != "00000000deadbeef" || rep.Baseline.Source != "older.json" {
		t.Errorf("baseline %+v", rep.Baseline)
	}
	// The markdown of the same run lists the fixed finding.
	code, out, _ = run(context.Background(), "scan", vuln, "--format", "markdown", "--baseline", older, "--fail-on", "critical")
	if code != 0 || !strings.Contains(out, "1 fixed since the baseline") || !strings.Contains(out, "Old BOLA") {
		t.Errorf("markdown with baseline: exit %d\n%s", code, out)
	}

	for _, bad := range []string{filepath.Join(dir, "missing.json"), "testdata/bad.yaml"} {
		if code, _, errs := run(context.Background(), "scan", vuln, "--baseline", bad); code != 2 || !strings.Contains(errs, "--baseline") {
			t.Errorf("--baseline %s: exit %d, %s", bad, code, errs)
		}
	}
}

func TestSuppressions(t *testing.T) {
	vuln := serveLowOnly(t) // low findings only: --fail-on critical passes
	dir := t.TempDir()
	cfg := filepath.Join(dir, "leakhound.yaml")
	write := func(s string) {
		if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`suppressions:
  - check: server-banner
    reason: the reverse proxy strips it in production
    expires: 2999-12-31
  - check: security-headers
    path: /**
    reason: was accepted once
    expires: 2020-01-01
`)
	code, out, errs := run(context.Background(), "scan", vuln, "--config", cfg, "--format", "json", "--fail-on", "low")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (security-headers still counts): %s", code, errs)
	}
	if !strings.Contains(errs, "expired on 2020-01-01") {
		t.Errorf("no warning for the expired suppression: %q", errs)
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	suppressed, active := 0, 0
	for _, f := range rep.Findings {
		switch {
		case f.Check == "server-banner" && f.Suppressed != nil && f.Suppressed.Reason == "the reverse proxy strips it in production" && f.Suppressed.Expires == "2999-12-31":
			suppressed++
		case f.Suppressed == nil:
			active++
		default:
			t.Errorf("unexpected suppression %+v on %s", f.Suppressed, f.Check)
		}
	}
	if suppressed == 0 || active == 0 || rep.Summary.Total != active {
		t.Errorf("suppressed %d, active %d, summary %+v", suppressed, active, rep.Summary)
	}

	// SARIF keeps suppressed findings, marked.
	code, out, _ = run(context.Background(), "scan", vuln, "--config", cfg, "--format", "sarif", "--fail-on", "critical")
	if code != 0 || strings.Count(out, `"suppressions"`) != suppressed {
		t.Errorf("sarif: exit %d, %d suppressions, want %d", code, strings.Count(out, `"suppressions"`), suppressed)
	}

	// Suppress everything: the run passes and scores 100.
	write(`suppressions:
  - path: /**
    reason: demo API
`)
	code, out, errs = run(context.Background(), "scan", vuln, "--config", cfg, "--format", "json", "--fail-on", "info")
	if code != 0 {
		t.Fatalf("all suppressed: exit %d: %s", code, errs)
	}
	rep = finding.Report{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Score != 100 || rep.Summary.Total != 0 || len(rep.Findings) == 0 {
		t.Errorf("all suppressed: %v score %d summary %+v findings %d", err, rep.Score, rep.Summary, len(rep.Findings))
	}

	// A suppression without a reason is a configuration error.
	write("suppressions:\n  - check: server-banner\n")
	if code, _, errs := run(context.Background(), "scan", vuln, "--config", cfg); code != 2 || !strings.Contains(errs, "reason is required") {
		t.Errorf("no reason: exit %d, %s", code, errs)
	}

	// .leakhound.yaml in the working directory is read without --config.
	t.Chdir(dir)
	write("suppressions:\n  - path: /**\n    reason: demo API\n")
	if err := os.Rename(cfg, DefaultConfigFile); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(context.Background(), "scan", vuln, "--fail-on", "info", "-q"); code != 0 {
		t.Errorf("%s not read: exit %d: %s", DefaultConfigFile, code, errs)
	}
}

func TestMinScore(t *testing.T) {
	vuln := serveLowOnly(t) // low findings only: --fail-on critical passes
	code, out, _ := run(context.Background(), "scan", vuln, "--format", "json", "--fail-on", "critical")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Score == 100 {
		t.Skip("the vulnerable API scores 100: nothing to test")
	}
	above, at := itoa(rep.Score+1), itoa(rep.Score)
	code, _, errs := run(context.Background(), "scan", vuln, "--fail-on", "critical", "--min-score", above, "-q")
	if code != 1 || !strings.Contains(errs, "below --min-score "+above) {
		t.Errorf("--min-score %s: exit %d, %q", above, code, errs)
	}
	if code, _, errs := run(context.Background(), "scan", vuln, "--fail-on", "critical", "--min-score", at, "-q"); code != 0 {
		t.Errorf("--min-score %s: exit %d, %q", at, code, errs)
	}
	if code, _, errs := run(context.Background(), "scan", vuln, "--min-score", "101"); code != 2 || !strings.Contains(errs, "--min-score") {
		t.Errorf("--min-score 101: exit %d, %q", code, errs)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	mk := func(check, path string, sev finding.Severity) finding.Finding {
		f := finding.Finding{Check: check, Title: check + " title", Method: "GET", Path: path, Severity: sev}
		f.ComputeFingerprint()
		return f
	}
	a, b, c := mk("bola", "/users/{id}", finding.Critical), mk("security-headers", "/", finding.Low), mk("cors", "/me", finding.Medium)
	oldPath, newPath := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	writeJSON(t, oldPath, finding.Report{SchemaVersion: "1.0", Findings: []finding.Finding{a, b}})
	writeJSON(t, newPath, finding.Report{SchemaVersion: finding.SchemaVersion, Findings: []finding.Finding{b, c}})

	code, out, errs := run(context.Background(), "diff", oldPath, newPath)
	if code != 0 { // the new finding is medium, under the default --fail-on high
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"1 new, 1 fixed, 0 not re-tested, 1 unchanged", "NEW\n  medium   cors", "FIXED\n  critical bola", "UNCHANGED\n  low      security-headers"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff text lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(context.Background(), "diff", oldPath, newPath, "--format", "json", "--fail-on", "medium")
	if code != 1 {
		t.Errorf("--fail-on medium: exit %d, want 1", code)
	}
	var d struct {
		New       []finding.Finding
		Fixed     []finding.FixedFinding
		Unchanged []finding.FixedFinding
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || len(d.New) != 1 || len(d.Fixed) != 1 || len(d.Unchanged) != 1 || d.Fixed[0].Fingerprint != a.Fingerprint {
		t.Errorf("diff json: %v %+v", err, d)
	}
	code, out, _ = run(context.Background(), "diff", oldPath, newPath, "--format", "markdown")
	if code != 0 || !strings.Contains(out, "**1 new**") || !strings.Contains(out, "bola title") {
		t.Errorf("diff markdown: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"diff", oldPath}, {"diff", oldPath, filepath.Join(dir, "none.json")}, {"diff", oldPath, newPath, "--format", "pdf"}} {
		if code, _, _ := run(context.Background(), args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestProgressDisplay(t *testing.T) {
	var buf bytes.Buffer
	p := &progressPrinter{w: &buf, mode: progressLine}
	p.update(scan.Progress{Requests: 3, Elapsed: time.Second})
	p.update(scan.Progress{EndpointsDone: 1, EndpointsTotal: 2, PairsDone: 3, PairsTotal: 6, Requests: 10, Findings: 2, Elapsed: 2 * time.Second})
	p.stop()
	got := buf.String()
	for _, want := range []string{"\r\x1b[Kdiscovering endpoints · 3 requests", "\r\x1b[Kendpoints 1/2 · 10 requests · 2 findings · 5 req/s · 2s"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output %q lacks %q", got, want)
		}
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress line not cleared: %q", got)
	}
	var nb bytes.Buffer
	for _, tt := range []struct {
		verbosity int
		ci        bool
		want      progressMode
	}{{0, false, progressOff}, {1, false, progressLog}, {1, true, progressLog}, {-1, false, progressOff}} {
		if got := chooseProgress(&nb, tt.verbosity, tt.ci); got != tt.want {
			t.Errorf("chooseProgress(not a TTY, -v %d, ci %v) = %d, want %d", tt.verbosity, tt.ci, got, tt.want)
		}
	}
	// A scan run in-process (stderr not a TTY) prints no progress.
	vuln := serve(t, testapi.Vulnerable)
	_, _, errs := run(context.Background(), "scan", vuln, "--fail-on", "critical")
	if strings.Contains(errs, "requests ·") {
		t.Errorf("progress shown on a non-TTY stderr: %q", errs)
	}
}
