package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/finding"
)

func TestMarkdownLimit(t *testing.T) {
	r := fixtureReport()
	base := r.Findings[0]
	for i := range 2000 {
		f := base
		f.Path = "/users/" + strings.Repeat("x", i%50) + "/{id}"
		f.Subject = string(rune('a' + i%26))
		f.ComputeFingerprint()
		r.Findings = append(r.Findings, f)
	}
	var buf bytes.Buffer
	if err := (Markdown{}).Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCount(buf.Bytes()); n > MarkdownLimit {
		t.Errorf("markdown is %d characters, limit %d", n, MarkdownLimit)
	}
	if !strings.Contains(buf.String(), "more findings not shown") {
		t.Error("truncation is not announced")
	}
	if !strings.HasSuffix(strings.TrimSpace(buf.String()), "</sub>") {
		t.Error("the footer was cut")
	}
}

func TestMarkdownOrderAndEscaping(t *testing.T) {
	r := fixtureReport()
	r.Findings = append(r.Findings, finding.Finding{Check: "x", Title: "<img src=x onerror=alert(1)> | pipe", Severity: finding.Low, Method: "GET", Path: "/a|b"})
	var buf bytes.Buffer
	if err := (Markdown{}).Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if strings.Contains(s, "<img") {
		t.Error("HTML in a title is not escaped")
	}
	crit, med := strings.Index(s, "🟣 Critical · "), strings.Index(s, "🟠 Medium · ")
	if crit < 0 || med < 0 || crit > med {
		t.Errorf("findings are not most severe first (critical at %d, medium at %d)", crit, med)
	}
	if strings.Count(s, "<details>") != strings.Count(s, "</details>") {
		t.Error("unbalanced <details>")
	}
}
