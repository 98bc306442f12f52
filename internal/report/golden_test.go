package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/golden"
)

var (
	timestampRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?`)
	versionRE   = regexp.MustCompile(`0\.0\.0-test`)
)

// normalize replaces what changes between runs and releases (timestamps and
// the tool version) so golden files stay stable.
func normalize(b []byte) []byte {
	b = timestampRE.ReplaceAll(b, []byte("TIMESTAMP"))
	return versionRE.ReplaceAll(b, []byte("VERSION"))
}

var goldenExt = map[string]string{
	"json": "json", "text": "txt", "sarif": "sarif", "markdown": "md", "junit": "xml", "html": "html",
}

// TestGolden renders the fixture report in every format and compares it with
// testdata/golden; run `go test ./internal/report -update` to refresh.
func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			rep, err := New(format, Options{FailOn: finding.High, Rules: fixtureRules()})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := rep.Report(&buf, fixtureReport()); err != nil {
				t.Fatal(err)
			}
			got := normalize(buf.Bytes())
			ext, ok := goldenExt[format]
			if !ok {
				t.Fatalf("no golden extension for format %q", format)
			}
			golden.Assert(t, filepath.Join("testdata", "golden", "fixture."+ext), got)
		})
	}
}

// TestNoRawValues renders every format and looks for the raw values of the
// fixture: evidence must stay masked everywhere.
func TestNoRawValues(t *testing.T) {
	for _, format := range Formats() {
		rep, _ := New(format, Options{FailOn: finding.High, Rules: fixtureRules()})
		var buf bytes.Buffer
		if err := rep.Report(&buf, fixtureReport()); err != nil {
			t.Fatal(err)
		}
		for _, raw := range []string{"bob.martin@example.org", "123-45-6789", "4111 1111 1111 1111", "alice@example.com"} {
			if bytes.Contains(buf.Bytes(), []byte(raw)) {
				t.Errorf("%s leaks raw value %q", format, raw)
			}
		}
	}
}
