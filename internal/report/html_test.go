package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

func TestHTMLEscapesAndBaseline(t *testing.T) {
	r := fixtureReport()
	r.Baseline = &finding.BaselineResult{Source: "old.json", New: 6, Fixed: []finding.FixedFinding{{Fingerprint: "ff", Check: "jwt-none", Title: "JWT <b>none</b>", Severity: finding.Critical, Method: "GET", Path: "/login"}}}
	var buf bytes.Buffer
	if err := (HTML{Rules: fixtureRules()}).Report(&buf, r); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if strings.Contains(s, "<script>alert(1)</script>") || strings.Contains(s, "JWT <b>none</b>") {
		t.Error("target-controlled text is not escaped")
	}
	if !strings.Contains(s, `id="fixed"`) || !strings.Contains(s, "old.json") {
		t.Error("the baseline is not shown")
	}
	if strings.Contains(s, "http-equiv=\"Content-Security-Policy\"") == false {
		t.Error("no Content-Security-Policy")
	}
	for _, external := range []string{"<link ", "src=\"http", "href=\"http://", "@import"} {
		if strings.Contains(s, external) {
			t.Errorf("page loads an external resource (%q)", external)
		}
	}
}

func TestRemediationBlocks(t *testing.T) {
	got := remediationBlocks("Check ownership:\n\n```python\nif a:\n    b()\n```\nThen test.")
	if len(got) != 3 || got[0].Code || !got[1].Code || got[1].Lang != "python" || got[1].Text != "if a:\n    b()" || got[2].Text != "Then test." {
		t.Errorf("blocks %+v", got)
	}
}
