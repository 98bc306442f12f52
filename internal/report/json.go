package report

import (
	"encoding/json"
	"io"

	"github.com/leakhound/leakhound/internal/finding"
)

// JSON writes the documented report schema (docs/report-schema.md).
type JSON struct{}

var _ Reporter = JSON{}

// Report writes r as indented JSON.
func (JSON) Report(w io.Writer, r *finding.Report) error {
	r = cleanReport(r) // nothing from the target drives a terminal or breaks a parser
	out := *r
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}
