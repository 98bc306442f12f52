package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

func TestWarningsOfACompleteScan(t *testing.T) {
	r := &finding.Report{Tool: finding.Tool{Name: "leakhound", Version: "test"}, Target: "http://127.0.0.1:1",
		Errors: []string{"identity ghost is not authenticated: its credentials are wrong or expired"}}
	for _, rep := range []Reporter{Text{}, Markdown{}} {
		var b bytes.Buffer
		if err := rep.Report(&b, r); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "identity ghost is not authenticated") || strings.Contains(b.String(), "PARTIAL") {
			t.Errorf("%T:\n%s", rep, b.String())
		}
	}
}
