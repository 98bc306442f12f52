package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/audit"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

// Invented people: the values pass detect's validators but belong to no one.
const (
	email = "alice.moreau@proton.me"
	ssn   = "536-22-1234"
	phone = "+1 503-284-1234"
	card  = "4556737586899855"
)

// prefixes are what logging formatters put before a message.
var prefixes = []string{
	"",
	"2026-11-30 10:00:01,123 INFO ",
	"[2026-11-30 10:00:01 +0000] [4242] [INFO] ",
	"INFO:clinic:",
}

// TestPrefilterKeepsRuleSamples runs every must-match sample of detect's
// personal-data and credential rules through the prefilter, alone and after
// each logging prefix: whatever detect finds in such a line, the prefilter
// must let through.
func TestPrefilterKeepsRuleSamples(t *testing.T) {
	n := 0
	for _, r := range detect.Rules() {
		if !audit.Sensitive(string(r.Type)) {
			continue
		}
		for _, sample := range r.Match {
			for _, part := range strings.Split(sample, "\n") {
				for _, p := range prefixes {
					line := p + part
					found := false
					for _, m := range detect.Scan([]byte(line), "").Matches {
						if audit.Sensitive(string(m.Type)) && m.Confidence >= finding.ConfidenceMedium {
							found = true
						}
					}
					if !found {
						continue
					}
					n++
					if !suspicious([]byte(line)) {
						t.Errorf("rule %s: prefilter drops %q", r.ID, line)
					}
				}
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d sample lines checked; detect's rules changed?", n)
	}
}

func TestPrefilterShapes(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"call +33 6 12 34 56 78 now", true},
		{"applicant 536 22 1234 approved", true},
		{"paid with 4556-7375-8689-9855", true},
		{"(415) 555-2671", true},
		{"NHS no 9434765919", true},
		{"contact: k.tanaka@outlook.jp", true},
		{`{"dateOfBirth": "1985-03-12"}`, true},
		{"user_password=hunter2", true},
		{"token=ghp_R8sWq2Lm4Np6Tv8Xz0Bc2De4Fg6Hj8Kl0Mn2", true},
		{"h=$2b$12$KIXQJ8Zr3Lm2Np7Rt5Wx9u", true},
		// Benign: timestamps, times, IPv4, dates, versions, short numbers.
		{"2026-11-30 10:00:01,123 INFO cache refreshed: 4096 entries in 0.042 s", false},
		{"[2026-11-30 10:00:01 +0000] [4242] [INFO] Booting worker with pid: 4242", false},
		{"127.0.0.1:5000 connected from 10.20.30.40", false},
		{"2026-11-30T10:00:01.123456Z GET /api/appointments/5001 status=200 took=12ms", false},
		{"release 2.4.13 built on 2026-11-01", false},
	} {
		if got := suspicious([]byte(tc.line)); got != tc.want {
			t.Errorf("suspicious(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func TestAccessFields(t *testing.T) {
	for _, tc := range []struct {
		line, target, referer string
		ok                    bool
	}{
		{`127.0.0.1 - - [30/Nov/2026 10:00:01] "GET /api/statements?email=a%40b.c HTTP/1.1" 200 -`, "/api/statements?email=a%40b.c", "", true},
		{`INFO:werkzeug:127.0.0.1 - - [30/Nov/2026 10:00:01] "POST /api/login HTTP/1.1" 401 -`, "/api/login", "", true},
		{`10.0.0.7 - - [30/Nov/2026:10:00:01 +0000] "GET /x?q=1 HTTP/1.1" 200 1534 "https://portal.example/p?ssn=1" "curl/8.5.0"`, "/x?q=1", "https://portal.example/p?ssn=1", true},
		{`10.0.0.7 - - [30/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"`, "/", "", true},
		{`2026-11-30 10:00:01 INFO login {"email": "x"}`, "", "", false},
		{`[30/Nov/2026] "hello world" said`, "", "", false},
	} {
		_, target, referer, ok := accessFields([]byte(tc.line))
		if ok != tc.ok || string(target) != tc.target || string(referer) != tc.referer {
			t.Errorf("accessFields(%q) = %q, %q, %v; want %q, %q, %v", tc.line, target, referer, ok, tc.target, tc.referer, tc.ok)
		}
	}
}

// vulnerableLogs writes the logs of an application that logs whole items
// and takes personal data in query strings; it returns the directory.
func vulnerableLogs(t *testing.T) string {
	dir := t.TempDir()
	item := fmt.Sprintf(`{"patient_id": "u_1001", "name": "Alice Moreau", "email": "%s", "phone": "%s", "ssn": "%s", "address": {"street": "12 Maple Avenue", "city": "Portland"}, "password_hash": "pbkdf2:sha256:1$Zq3vK8LmNp7Rt5Wx$0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"}`, email, phone, ssn)
	repr := fmt.Sprintf(`{'invoice_id': Decimal('9001'), 'patient_id': 'u_1001', 'patient_email': '%s', 'card_number': '%s', 'amount': Decimal('40.50')}`, email, card)
	app := strings.Join([]string{
		"2026-11-30 10:00:00,001 INFO clinic starting",
		"2026-11-30 10:00:01,123 INFO login " + item,
		"2026-11-30 10:00:02,456 INFO login " + item,
		"2026-11-30 10:00:03,789 INFO cache refreshed: 12 entries",
		"2026-11-30 10:00:04,012 INFO invoice fetched " + repr,
		"",
	}, "\n")
	write(t, filepath.Join(dir, "app.log"), []byte(app))
	access := strings.Join([]string{
		`127.0.0.1 - - [30/Nov/2026 10:00:01] "GET /healthz HTTP/1.1" 200 -`,
		`127.0.0.1 - - [30/Nov/2026 10:00:02] "GET /api/statements?email=alice.moreau%40proton.me&dob=1980-02-03 HTTP/1.1" 200 -`,
		`127.0.0.1 - - [30/Nov/2026 10:00:03] "GET /api/appointments/5001 HTTP/1.1" 200 -`,
		"",
	}, "\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(access))
	zw.Close()
	// Named without .gz: gzip is recognised by content.
	write(t, filepath.Join(dir, "access.log.1"), gz.Bytes())
	jsonl := strings.Join([]string{
		`{"ts": "2026-11-30T10:00:01Z", "level": "info", "msg": "request", "path": "/api/me", "status": 200}`,
		fmt.Sprintf(`{"ts": "2026-11-30T10:00:02Z", "level": "info", "msg": "item", "item": {"patient_id": {"S": "u_1001"}, "email": {"S": "%s"}, "ssn": {"S": "%s"}}}`, email, ssn),
		"",
	}, "\n")
	write(t, filepath.Join(dir, "events.jsonl"), []byte(jsonl))
	return dir
}

func write(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func find(fs []finding.Finding, check, path, subject string) *finding.Finding {
	for i := range fs {
		if fs[i].Check == check && strings.HasSuffix(fs[i].Path, path) && fs[i].Subject == subject {
			return &fs[i]
		}
	}
	return nil
}

func TestAuditVulnerable(t *testing.T) {
	dir := vulnerableLogs(t)
	res, err := Audit(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 3 || res.Lines != 10 {
		t.Errorf("read %d files, %d lines; want 3, 10", res.Files, res.Lines)
	}
	for _, tc := range []struct {
		check, file, subject, lines string
		sev                         finding.Severity
	}{
		{audit.LogSensitive, "app.log", "ssn", "2-3", finding.High},
		{audit.LogSensitive, "app.log", "email", "2-3, 5", finding.Medium},
		{audit.LogSensitive, "app.log", "phone", "2-3", finding.Medium},
		{audit.LogSensitive, "app.log", "card", "5", finding.High},
		{audit.LogSensitive, "app.log", "password_hash", "2-3", finding.High},
		{audit.LogItemDump, "app.log", "", "2-3, 5", finding.High},
		{audit.LogSensitive, "access.log.1", "email", "2", finding.Medium},
		{audit.LogSensitive, "access.log.1", "date_of_birth", "2", finding.Medium},
		{audit.LogSensitive, "events.jsonl", "ssn", "2", finding.High},
		{audit.LogItemDump, "events.jsonl", "", "2", finding.High},
	} {
		f := find(res.Findings, tc.check, tc.file, tc.subject)
		if f == nil {
			t.Errorf("no %s finding for %s in %s", tc.check, tc.subject, tc.file)
			continue
		}
		if f.Evidence.Details["lines"] != tc.lines || f.Severity != tc.sev {
			t.Errorf("%s %s %s: lines %q severity %s; want %q %s", tc.check, tc.file, tc.subject, f.Evidence.Details["lines"], f.Severity, tc.lines, tc.sev)
		}
		if f.CWE[0] != "CWE-532" {
			t.Errorf("%s: CWE %v", f.Check, f.CWE)
		}
	}
	// No access-log line is a whole record; the benign lines give nothing.
	if f := find(res.Findings, audit.LogItemDump, "access.log.1", ""); f != nil {
		t.Errorf("access log reported as an item dump: %+v", f)
	}
	// Masked everywhere: no raw value in the serialised findings.
	b, _ := json.Marshal(res.Findings)
	// Records in excerpts show their keys, masked values and "…" for the
	// rest: not even an undetected name shows.
	for _, raw := range []string{email, ssn, phone, card, "536221234", "0a1b2c3d4e5f", "1980-02-03", "alice.moreau%40", "Alice Moreau"} {
		if bytes.Contains(b, []byte(raw)) {
			t.Errorf("raw value %q in the findings", raw)
		}
	}
	if f := find(res.Findings, audit.LogSensitive, "access.log.1", "email"); f == nil || !strings.HasPrefix(f.Reproduce, "zcat ") {
		t.Errorf("gzip reproduction: %+v", f)
	}
	if f := find(res.Findings, audit.LogItemDump, "app.log", ""); f == nil || !strings.Contains(f.Evidence.Excerpt, `"patient_id": "…", "name": "Alic…", "email": "a***@proton.me"`) {
		t.Errorf("dump excerpt: %+v", f)
	} else if got := f.Evidence.Details["types"]; got != "card,email,password_hash,phone,postal_address,ssn" {
		// The nested card of the dict counts with the rest of its record.
		t.Errorf("dump types %q", got)
	}
	if !bytes.Contains(b, []byte("***-**-1234")) {
		t.Errorf("masked SSN missing from the evidence")
	}
}

// TestAuditClean reads logs of an application that logs ids only, with the
// traps of masked values, documentation addresses, ids, times and versions.
func TestAuditClean(t *testing.T) {
	dir := t.TempDir()
	clean := strings.Join([]string{
		"2026-11-30 10:00:01,123 INFO login ok patient_id=u_1001 from 203.0.113.7",
		"2026-11-30 10:00:02,456 INFO profile shown for u_1001: email a***@proton.me, ssn ***-**-1234",
		"2026-11-30 10:00:03,789 INFO invoice 9001 fetched: {'invoice_id': 9001, 'status': 'paid', 'card_last4': '9855', 'amount': '40.50'}",
		"2026-11-30 10:00:04,000 INFO docs: write to user@example.com for access",
		"2026-11-30 10:00:05,000 INFO request 123e4567-e89b-12d3-a456-426614174000 took 42 ms",
		`127.0.0.1 - - [30/Nov/2026 10:00:06] "GET /api/appointments/5001?page=2 HTTP/1.1" 200 -`,
		`10.0.0.7 - - [30/Nov/2026:10:00:07 +0000] "GET /api/lab-results/3001 HTTP/1.1" 200 1534 "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
		`{"ts": "2026-11-30T10:00:08Z", "level": "info", "msg": "request", "path": "/api/me", "status": 200, "duration_ms": 12}`,
		// Werkzeug's start-up banner, gunicorn's, ids, epoch times, words
		// that name credentials without a value, a traceback.
		" * Running on http://127.0.0.1:5000",
		" * Debugger PIN: 123-456-789",
		"[2026-11-30 10:00:01 +0000] [4242] [INFO] Listening at: http://0.0.0.0:8000 (4242)",
		"2026-11-30 10:00:02,001 INFO request_id=3f2a9b1c-5d4e-4f6a-8b7c-9d0e1f2a3b4c duration_ms=12 ts=1764496801123",
		"2026-11-30 10:00:02,002 INFO order 1234567890 shipped to warehouse 42",
		"2026-11-30 10:00:02,004 WARNING password reset requested for u_1001",
		"2026-11-30 10:00:02,005 INFO token refreshed for client web-portal, expires in 3600 s",
		`10.0.0.7 - - [30/Nov/2026:10:00:07 +0000] "GET /static/app.3f2a9b1c.js HTTP/1.1" 200 154321 "https://portal.example.com/login" "Mozilla/5.0"`,
		"botocore.exceptions.ClientError: An error occurred (ValidationException) when calling the GetItem operation",
		"Traceback (most recent call last):",
		`  File "/srv/app/app.py", line 42, in get_user`,
		"",
	}, "\n")
	write(t, filepath.Join(dir, "app.log"), []byte(clean))
	res, err := Audit(context.Background(), Options{Paths: []string{filepath.Join(dir, "app.log")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("finding in a clean log: %s %s %v", f.Check, f.Title, f.Evidence.Details)
	}
}

func TestAuditStdinBinaryLongLines(t *testing.T) {
	in := strings.NewReader("2026-11-30 INFO contact " + email + "\n")
	res, err := Audit(context.Background(), Options{Paths: []string{"-"}, Stdin: in})
	if err != nil {
		t.Fatal(err)
	}
	if f := find(res.Findings, audit.LogSensitive, "log://stdin", "email"); f == nil || f.Reproduce != "" {
		t.Errorf("stdin: want an email finding without reproduction, got %+v", res.Findings)
	}

	dir := t.TempDir()
	write(t, filepath.Join(dir, "core.bin"), []byte("\x7fELF\x00\x00"+email))
	long := strings.Repeat("x", 3000) + " " + email + "\nssn " + ssn + "\n"
	write(t, filepath.Join(dir, "long.log"), []byte(long))
	res, err = Audit(context.Background(), Options{Paths: []string{dir}, MaxLine: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "core.bin: binary") {
		t.Errorf("skipped = %q, want core.bin as binary", res.Skipped)
	}
	// The e-mail lies past MaxLine: not read; the next line is.
	if f := find(res.Findings, audit.LogSensitive, "long.log", "email"); f != nil {
		t.Errorf("read past MaxLine: %+v", f)
	}
	if f := find(res.Findings, audit.LogSensitive, "long.log", "ssn"); f == nil || f.Evidence.Details["lines"] != "2" {
		t.Errorf("line after a long line: want ssn on line 2, got %+v", f)
	}

	if _, err := Audit(context.Background(), Options{Paths: []string{filepath.Join(dir, "missing.log")}}); err == nil {
		t.Errorf("missing file: no error")
	}
	if _, err := Audit(context.Background(), Options{}); err != ErrNoInput {
		t.Errorf("no path: err = %v", err)
	}
}

func TestLineRanges(t *testing.T) {
	var lr lineRanges
	for _, n := range []int64{3, 4, 5, 5, 9, 12, 13} {
		lr.add(n)
	}
	if got := lr.String(); got != "3-5, 9, 12-13" || lr.lines != 6 {
		t.Errorf("ranges %q (%d lines)", got, lr.lines)
	}
	if got := lr.sedScript(2); got != "3,5p;9p" {
		t.Errorf("sed %q", got)
	}
}

// benignLog is a realistic log without personal data: Werkzeug and
// gunicorn access lines, application lines with ids, times, durations and
// versions, JSON lines. size is in bytes.
func benignLog(size int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		s, m := i%60, (i/60)%60
		fmt.Fprintf(&b, "127.0.0.1 - - [30/Nov/2026 10:%02d:%02d] \"GET /api/appointments/%d?page=%d HTTP/1.1\" 200 -\n", m, s, 5000+i%100, i%7)
		fmt.Fprintf(&b, "10.0.%d.%d - - [30/Nov/2026:10:%02d:%02d +0000] \"GET /api/lab-results/%d HTTP/1.1\" 200 %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\"\n", i%200, i%250, m, s, 3000+i%50, 1000+i%4000)
		fmt.Fprintf(&b, "[2026-11-30 10:%02d:%02d +0000] [%d] [INFO] worker heartbeat ok, %d requests served\n", m, s, 1200+i%7, i)
		fmt.Fprintf(&b, "2026-11-30 10:%02d:%02d,%03d INFO cache refreshed: %d entries in %d.%03d s, release 2.4.%d\n", m, s, i%1000, i%5000, i%3, i%1000, i%10)
		fmt.Fprintf(&b, "{\"ts\": \"2026-11-30T10:%02d:%02dZ\", \"level\": \"info\", \"msg\": \"request done\", \"path\": \"/api/schedule\", \"status\": 200, \"duration_ms\": %d}\n", m, s, i%300)
	}
	return b.Bytes()
}

// reportCPU adds the throughput per second of CPU time (user + system,
// the whole process): on a shared machine wall time measures the
// neighbours, CPU time the code.
func reportCPU(b *testing.B, size int, start time.Duration) {
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

// BenchmarkAudit measures the audit of benign logs on one goroutine;
// BenchmarkBytesCount counts the lines of the same data, the floor any
// line-oriented reader pays. Compare their MB/s (and MB/cpu-s).
func BenchmarkAudit(b *testing.B) {
	data := benignLog(16 << 20)
	b.SetBytes(int64(len(data)))
	start := cpuTime()
	defer func() { reportCPU(b, len(data), start) }()
	for b.Loop() {
		fa := newFileAudit("bench.log")
		if err := fa.scan(context.Background(), bytes.NewReader(data), MaxLine); err != nil {
			b.Fatal(err)
		}
		if len(fa.types) > 0 {
			b.Fatalf("benign log has findings: %v", fa.findings())
		}
	}
}

func BenchmarkBytesCount(b *testing.B) {
	data := benignLog(16 << 20)
	b.SetBytes(int64(len(data)))
	start := cpuTime()
	defer func() { reportCPU(b, len(data), start) }()
	for b.Loop() {
		bytes.Count(data, []byte{'\n'})
	}
}

// BenchmarkDetectOnly is the same data through detect without the
// prefilter: what the prefilter saves.
func BenchmarkDetectOnly(b *testing.B) {
	data := benignLog(16 << 20)
	b.SetBytes(int64(len(data)))
	start := cpuTime()
	defer func() { reportCPU(b, len(data), start) }()
	for b.Loop() {
		detect.Scan(data, "text/plain")
	}
}

func TestPyReprToJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{'a': 'b', 'n': Decimal('9001'), 'f': Decimal('40.50'), 'x': None, 'y': True, 'z': False}`,
			`{"a": "b", "n": 9001, "f": 40.50, "x": null, "y": true, "z": false}`},
		{`{'q': "it's", 'l': ['a', 1, {'k': 'v'}]}`, `{"q": "it's", "l": ["a", 1, {"k": "v"}]}`},
		{`{'e': 'a\'b'}`, `{"e": "a'b"}`},
	} {
		got, ok := pyReprToJSON([]byte(tc.in))
		if !ok || string(got) != tc.want {
			t.Errorf("pyReprToJSON(%s) = %s, %v; want %s", tc.in, got, ok, tc.want)
		}
	}
	for _, bad := range []string{`{'a': datetime.now()}`, `{'a': 'open`, `{a: 1}`} {
		if _, ok := pyReprToJSON([]byte(bad)); ok {
			t.Errorf("pyReprToJSON(%s) accepted", bad)
		}
	}
}

func TestElide(t *testing.T) {
	got := elide([]byte(`{"id": 7, "email": "alice.moreau@proton.me", "tags": ["x", 2], "ok": true, "n": null, "m": {"ssn": "536-22-1234"}}`),
		map[string]string{"alice.moreau@proton.me": "a***@proton.me", "536-22-1234": "***-**-1234"})
	want := `{"id": "…", "email": "a***@proton.me", "tags": ["…", "…"], "ok": true, "n": null, "m": {"ssn": "***-**-1234"}}`
	if got != want {
		t.Errorf("elide:\n got %s\nwant %s", got, want)
	}
}
