package baseline

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/finding"
)

func mk(check, path string, sev finding.Severity) finding.Finding {
	f := finding.Finding{Check: check, Method: "GET", Path: path, Severity: sev, Title: check}
	f.ComputeFingerprint()
	return f
}

func TestApply(t *testing.T) {
	t.Parallel()
	a, b, c := mk("bola", "/users/{id}", finding.Critical), mk("security-headers", "/", finding.Low), mk("cors", "/me", finding.Medium)
	old := &finding.Report{SchemaVersion: "1.0", Findings: []finding.Finding{a, b}}
	// Round-trip the old report through JSON as --baseline does.
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(old); err != nil {
		t.Fatal(err)
	}
	prev, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cur := &finding.Report{SchemaVersion: finding.SchemaVersion, Score: 40, Grade: "F", Findings: []finding.Finding{b, c}}
	d := Apply(cur, prev, "dir/previous.json")
	if len(d.New) != 1 || len(d.Fixed) != 1 || len(d.Unchanged) != 1 {
		t.Fatalf("new %d fixed %d unchanged %d", len(d.New), len(d.Fixed), len(d.Unchanged))
	}
	want := &finding.BaselineResult{Source: "previous.json", New: 1, Unchanged: 1, Fixed: []finding.FixedFinding{
		{Fingerprint: a.Fingerprint, Check: "bola", Title: "bola", Severity: finding.Critical, Method: "GET", Path: "/users/{id}"},
	}}
	if diff := cmp.Diff(want, cur.Baseline); diff != "" {
		t.Errorf("baseline (-want +got):\n%s", diff)
	}
	if len(cur.Findings) != 1 || cur.Findings[0].Fingerprint != c.Fingerprint || cur.Summary.Total != 1 || cur.Summary.Medium != 1 {
		t.Errorf("findings %+v summary %+v", cur.Findings, cur.Summary)
	}
	if cur.Score != 40 {
		t.Errorf("score changed to %d", cur.Score)
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`not json`, `{"findings":[]}`, `{"schema_version":"2.0"}`} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}
