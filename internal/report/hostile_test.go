package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/finding"
)

// hostile is text a hostile target controls: a terminal title escape in a
// JSON key, a CSI sequence, C0 and C1 controls, a bidirectional override,
// a lone carriage return, XML non-characters and invalid UTF-8.
const hostile = "\x1b]2;TITLE\x07ssn \x1b[2J\x00\x01\x08\x0b\x0c\x7f \u009b31m \u202egnp.exe\r over \uffff\ufffe bad:\xff\xfe\xc3( ]]> </failure> <b>"

func hostileReport() *finding.Report {
	r := fixtureReport()
	r.Target = "http://127.0.0.1:8080/" + hostile
	f := &r.Findings[0]
	f.Evidence = finding.NewEvidence("GET /"+hostile, 200, `{"`+hostile+`": 1}`, nil)
	f.Evidence.Details = map[string]string{hostile: hostile}
	f.Path, f.URL, f.Subject = "/"+hostile, "http://127.0.0.1:8080/"+hostile, hostile
	r.Errors = append(r.Errors, "GET /x: "+hostile)
	r.MarkIncomplete("most requests went unanswered " + hostile)
	return r
}

// TestHostileTextNeverReachesTheReader renders a report full of text the
// target controls in every format: each output is valid UTF-8, holds no
// control character but tab and newline (no escape sequence reaches a
// terminal), parses in its own syntax, and warns of the incomplete scan
// before any finding.
func TestHostileTextNeverReachesTheReader(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			rep, err := New(format, Options{FailOn: finding.High, Rules: fixtureRules()})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := rep.Report(&buf, hostileReport()); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !utf8.ValidString(out) {
				t.Errorf("invalid UTF-8 in the %s report", format)
			}
			for i, r := range out {
				if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x202e || r == 0xfffe || r == 0xffff {
					t.Fatalf("%s report holds %U at byte %d: %q", format, r, i, out[max(0, i-20):min(len(out), i+20)])
				}
			}
			switch format {
			case "json", "sarif":
				var v any
				if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
					t.Fatalf("%s does not parse: %v", format, err)
				}
			case "junit":
				if err := wellFormedXML(buf.Bytes()); err != nil {
					t.Fatalf("JUnit is not well-formed XML 1.0: %v", err)
				}
			}
			warn := strings.Index(out, "most requests went unanswered")
			firstFinding := "Broken object level authorization"
			if format == "sarif" {
				firstFinding = `"ruleId"` // rules describe checks; results are findings
			}
			first := strings.Index(out, firstFinding)
			if warn < 0 || first >= 0 && warn > first {
				t.Errorf("%s: the incomplete warning (at %d) must come before the first finding (at %d)", format, warn, first)
			}
		})
	}
}

// wellFormedXML parses b with encoding/xml in strict mode, which rejects
// characters outside XML 1.0's Char production.
func wellFormedXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":            "plain",
		"a\tb\nc":          "a\tb\nc",
		"line\r\nnext":     "line\nnext",
		"over\rwrite":      `over\x0dwrite`,
		"\x1b[31mred":      `\x1b[31mred`,
		"bad\xffbyte":      "bad\ufffdbyte",
		"csi\u009bx":       `csi\x9bx`,
		"rtl\u202eabc":     `rtl\u202eabc`,
		"nonchar\uffff":    `nonchar\uffff`,
		"accent é, 日本":     "accent é, 日本",
		"emoji \U0001F600": "emoji \U0001F600",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}
