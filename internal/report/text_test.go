package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

// TestTextLayout: prose and titles wrap at the width, a command never
// wraps, and a Markdown table in a remediation becomes aligned columns.
func TestTextLayout(t *testing.T) {
	t.Parallel()
	curl := `curl -sS -i -H "Authorization: $ALICE_AUTHORIZATION" 'http://127.0.0.1:8080/api/v1/patients/{patient_id}/records?include=all'`
	r := &finding.Report{Target: "http://127.0.0.1:8080", Findings: []finding.Finding{{
		Check: "bola", Severity: finding.High, Method: "GET", Path: "/api/v1/patients/{patient_id}/records",
		Title:       strings.Repeat("A very long title that keeps going ", 5),
		Reproduce:   curl,
		Remediation: "Pick the projection per caller:\n\n| caller | attributes |\n|---|---|\n| owner | name, email, phone |\n| clinician on duty | name |\n",
	}}}
	r.Summary = finding.Summarize(r.Findings)
	var buf bytes.Buffer
	if err := (Text{Width: 60}).Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "    $ "+curl+"\n") {
		t.Errorf("the curl line is not whole on one line:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if len([]rune(line)) > 60 && !strings.HasPrefix(line, "    $ ") && !strings.HasPrefix(line, "leakhound ") {
			t.Errorf("line of %d columns over the width 60: %q", len([]rune(line)), line)
		}
	}
	for _, want := range []string{
		"           caller             attributes\n",
		"           -----------------  ------------------\n",
		"           owner              name, email, phone\n",
		"           clinician on duty  name\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table row %q missing:\n%s", want, out)
		}
	}
	if strings.Contains(out, "|---|") || strings.Contains(out, "| owner |") {
		t.Errorf("the table is printed as Markdown:\n%s", out)
	}
}

// TestTextMultiLineExcerpt: a comparison table in the evidence keeps its
// lines and columns.
func TestTextMultiLineExcerpt(t *testing.T) {
	t.Parallel()
	table := "field       as alice (owner)  as bob\n$.email     a***@example.com  a***@example.com\n$.ssn       ***-**-6789       ***-**-6789\n"
	r := &finding.Report{Findings: []finding.Finding{{Check: "bola", Severity: finding.High, Method: "GET", Path: "/users/{id}", Title: "BOLA"}}}
	r.Findings[0].Evidence.Excerpt = table
	var buf bytes.Buffer
	if err := (Text{}).Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"    > field       as alice (owner)  as bob\n",
		"    > $.email     a***@example.com  a***@example.com\n",
		"    > $.ssn       ***-**-6789       ***-**-6789\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("missing line %q in:\n%s", want, buf.String())
		}
	}
}
