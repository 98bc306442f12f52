package baseline

import (
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

// FuzzParse reads hostile baseline reports and compares them with
// themselves: every finding of a report is unchanged against itself.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema_version":"1.1","findings":[{"check":"cors","method":"GET","path":"/a","severity":"high"}]}`))
	f.Add([]byte(`{"schema_version":"1.0","findings":[{"check":"x","fingerprint":"abc"},{"check":"x","fingerprint":"abc"}]}`))
	f.Add([]byte(`{"schema_version":"2.0"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			return
		}
		d := Compare(r.Findings, r.Findings)
		if len(d.New) != 0 || len(d.Fixed) != 0 {
			t.Fatalf("a report against itself: %d new, %d fixed", len(d.New), len(d.Fixed))
		}
		cur := &finding.Report{SchemaVersion: finding.SchemaVersion, Findings: append([]finding.Finding(nil), r.Findings...)}
		Apply(cur, r, "old.json")
	})
}
