package all_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/golden"
)

// checksDoc renders the reference of every check from its metadata, so the
// documentation (and the SARIF help links into it) cannot drift.
func checksDoc() string {
	var b strings.Builder
	b.WriteString("# Checks\n\n")
	b.WriteString("Generated from the checks' own metadata by `go test ./internal/check/all -update`; do not edit by hand.\n")
	b.WriteString("How the checks work in depth: [authorization.md](authorization.md), [detection.md](detection.md), [exposure.md](exposure.md).\n\n")
	b.WriteString("| id | default severity | CWE | OWASP API Top 10 |\n|---|---|---|---|\n")
	metas := all.Metas()
	for _, m := range metas {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", m.ID, m.ID, m.Severity, strings.Join(m.CWE, ", "), m.OWASP)
	}
	for _, m := range metas {
		fmt.Fprintf(&b, "\n## %s\n\n**%s.** %s\n\n", m.ID, m.Title, m.Description)
		fmt.Fprintf(&b, "Default severity %s · %s · %s\n\n", m.Severity, strings.Join(m.CWE, ", "), m.OWASP)
		if m.Remediation != "" {
			b.WriteString("### Fix\n\n" + strings.TrimSpace(m.Remediation) + "\n")
		}
	}
	return b.String()
}

func TestChecksDocIsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "..", "docs", "checks.md")
	golden.Assert(t, path, []byte(checksDoc()))
}

func TestEveryCheckIsDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range all.Metas() {
		if seen[m.ID] {
			t.Errorf("check id %s listed twice", m.ID)
		}
		seen[m.ID] = true
		if m.ID == "" || m.Title == "" || m.Description == "" || m.Remediation == "" || len(m.CWE) == 0 || m.OWASP == "" {
			t.Errorf("check %q lacks metadata: %+v", m.ID, m)
		}
		for _, c := range m.CWE {
			if !strings.HasPrefix(c, "CWE-") {
				t.Errorf("%s: CWE %q", m.ID, c)
			}
		}
		if !strings.HasSuffix(m.OWASP, ":2023") || !strings.HasPrefix(m.OWASP, "API") {
			t.Errorf("%s: OWASP %q", m.ID, m.OWASP)
		}
	}
}
