package report

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

func TestJUnitFailOn(t *testing.T) {
	for _, tt := range []struct {
		failOn                           finding.Severity
		tests, failures, skipped, errors int
	}{
		// cases: bola×2 endpoints, bfla, cors, headers×2, version-banner (suppressed),
		// jwt-none (clean), plus the partial-scan error case and the two
		// skipped operations of the fixture (suite "not tested").
		{finding.Critical, 11, 2, 3, 1},
		{finding.High, 11, 3, 3, 1},
		{finding.Medium, 11, 4, 3, 1},
		{finding.Info, 11, 6, 3, 1},
	} {
		t.Run(tt.failOn.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := (JUnit{FailOn: tt.failOn, Rules: fixtureRules()}).Report(&buf, fixtureReport()); err != nil {
				t.Fatal(err)
			}
			var got junitSuites
			if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("not XML: %v", err)
			}
			if got.Tests != tt.tests || got.Failures != tt.failures || got.Skipped != tt.skipped || got.Errors != tt.errors {
				t.Errorf("tests %d failures %d skipped %d errors %d, want %d %d %d %d",
					got.Tests, got.Failures, got.Skipped, got.Errors, tt.tests, tt.failures, tt.skipped, tt.errors)
			}
		})
	}
}
