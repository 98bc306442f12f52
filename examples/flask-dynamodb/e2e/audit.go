package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

// auditRun is the two audits of data at rest of one mode, run after the
// scan while the example is still up: `leakhound audit dynamodb` on its
// dynalite and `leakhound audit logs` on its log files (the scan's
// requests are in them by then).
type auditRun struct {
	dynamodb, logs *finding.Report
	took           time.Duration
}

// auditExpectation is a finding the vulnerable mode's audit must report:
// check, a path suffix, the data type (subject) and a minimum severity.
type auditExpectation struct {
	check, path, subject string
	min                  finding.Severity
	cwe                  string
	note                 string
}

// auditExpected is the ground truth of the audits in vulnerable mode. In
// fixed mode neither audit may report a high or critical finding.
var auditExpected = []auditExpectation{
	{"dynamodb-cleartext-attribute", "dynamodb://clinic-patients/ssn", "ssn", finding.High, "CWE-312", "SSN in clear in every patient item"},
	{"dynamodb-cleartext-attribute", "dynamodb://clinic-patients/phone", "phone", finding.Medium, "CWE-312", "phone number in clear"},
	{"dynamodb-cleartext-attribute", "dynamodb://clinic-patients/email", "email", finding.Medium, "CWE-312", "e-mail address in clear"},
	{"dynamodb-weak-password-storage", "dynamodb://clinic-patients/password_hash", "fast-hash", finding.High, "CWE-916", "PBKDF2 with one iteration"},
	{"dynamodb-cleartext-attribute", "dynamodb://clinic-invoices/card_number", "card", finding.High, "CWE-312", "card numbers in clear"},
	{"dynamodb-cleartext-attribute", "dynamodb://clinic-lab-results/patient_ssn", "ssn", finding.High, "CWE-312", "SSN copied into lab results"},
	{"dynamodb-gsi-projects-all", "dynamodb://clinic-lab-results/index/patient-index", "patient-index", finding.Medium, "CWE-200", "patient-index copies the SSN"},
	{"log-item-dump", "/srv/logs/app.log", "", finding.High, "CWE-532", "log_item(): json.dumps(item) of whole patient items"},
	{"log-sensitive-data", "/srv/logs/app.log", "ssn", finding.High, "CWE-532", "SSNs in the application log"},
	{"log-sensitive-data", "/flask.log", "email", finding.Medium, "CWE-532", "e-mail addresses in logged request URLs (/api/statements?email=…)"},
}

// runAudits runs both audits of mode against the running example.
func runAudits(ctx context.Context, o options, mode string, stderr io.Writer) (*auditRun, error) {
	run := filepath.Join(o.example, ".run", mode)
	endpoint, err := os.ReadFile(filepath.Join(run, "dynamodb_endpoint"))
	if err != nil {
		return nil, err
	}
	t := time.Now()
	res := &auditRun{}
	ddbFile := filepath.Join(o.reports, mode+"-audit-dynamodb.json")
	// dynalite accepts any credentials: the user's own never leave for it.
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_SESSION_TOKEN=", "AWS_PROFILE=")
	if res.dynamodb, err = auditCmd(ctx, o.bin, env, ddbFile, stderr, "audit", "dynamodb",
		"--endpoint-url", strings.TrimSpace(string(endpoint)), "--region", "us-east-1"); err != nil {
		return nil, fmt.Errorf("audit dynamodb: %w", err)
	}
	logs := []string{filepath.Join(run, "flask.log")}
	if _, err := os.Stat(filepath.Join(run, "srv", "logs")); err == nil {
		logs = append(logs, filepath.Join(run, "srv", "logs"))
	}
	if res.logs, err = auditCmd(ctx, o.bin, os.Environ(), filepath.Join(o.reports, mode+"-audit-logs.json"), stderr,
		append([]string{"audit", "logs"}, logs...)...); err != nil {
		return nil, fmt.Errorf("audit logs: %w", err)
	}
	res.took = time.Since(t)
	return res, nil
}

// auditCmd runs one audit with a JSON report in file; exit 0 and 1 are
// results, anything else an error.
func auditCmd(ctx context.Context, bin string, env []string, file string, stderr io.Writer, args ...string) (*finding.Report, error) {
	os.Remove(file)
	cmd := exec.CommandContext(ctx, bin, append(args, "--format", "json", "--output", file, "--fail-on", "critical")...)
	cmd.Env = env
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !(errors.As(err, &exitErr) && exitErr.ExitCode() == 1) {
		stderr.Write(errOut.Bytes())
		return nil, fmt.Errorf("leakhound %s exited: %w", strings.Join(args[:2], " "), err)
	}
	return readReport(file)
}

// check prints and counts the audit verdicts of one mode.
func (a *auditRun) check(mode string, w io.Writer, verbose bool) (passed, failed int) {
	all := append(append([]finding.Finding(nil), a.dynamodb.Findings...), a.logs.Findings...)
	fmt.Fprintf(w, "   audits: %.1fs; dynamodb %d tables, %d calls, %d findings (%d high); logs %d files, %d findings (%d high)\n",
		a.took.Seconds(), a.dynamodb.Endpoints, a.dynamodb.RequestsSent, a.dynamodb.Summary.Total, a.dynamodb.Summary.High+a.dynamodb.Summary.Critical,
		a.logs.Endpoints, a.logs.Summary.Total, a.logs.Summary.High+a.logs.Summary.Critical)
	if mode == "fixed" {
		fps := FalsePositives(&finding.Report{Findings: all}, finding.High)
		for _, f := range fps {
			fmt.Fprintf(w, "  FALSE-POSITIVE (audit) %s %s [%s] %s\n", f.Check, f.Path, f.Severity, f.Title)
		}
		if len(fps) > 0 {
			return 0, len(fps)
		}
		return 1, 0
	}
	for _, e := range auditExpected {
		var hit *finding.Finding
		for i := range all {
			f := &all[i]
			if f.Check == e.check && strings.HasSuffix(f.Path, e.path) && (e.subject == "" || f.Subject == e.subject) && f.Severity >= e.min {
				hit = f
				break
			}
		}
		switch {
		case hit == nil:
			failed++
			fmt.Fprintf(w, "  MISSING (audit) %s %s %s ≥%s — %s\n", e.check, e.path, e.subject, e.min, e.note)
		default:
			passed++
			if verbose {
				fmt.Fprintf(w, "  found (audit) %s %s %s [%s] %s\n", e.check, e.path, e.subject, hit.Severity, e.cwe)
			}
		}
	}
	fmt.Fprintf(w, "   audit recall: %d/%d\n", passed, len(auditExpected))
	return passed, failed
}
