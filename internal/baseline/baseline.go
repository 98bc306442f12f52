// Package baseline compares a scan with a previous JSON report by finding
// fingerprint: what is new, what is fixed and what is unchanged.
package baseline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leakhound/leakhound/internal/finding"
)

// Load reads a JSON report written by leakhound (any 1.x schema).
func Load(path string) (*finding.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse reads a JSON report.
func Parse(b []byte) (*finding.Report, error) {
	var r finding.Report
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a leakhound JSON report: %w", err)
	}
	if r.SchemaVersion == "" || r.SchemaVersion[0] != '1' {
		return nil, fmt.Errorf("not a leakhound JSON report of schema 1.x (schema_version %q)", r.SchemaVersion)
	}
	for i := range r.Findings {
		if r.Findings[i].Fingerprint == "" {
			r.Findings[i].ComputeFingerprint()
		}
	}
	return &r, nil
}

// Diff splits two sets of findings by fingerprint.
type Diff struct {
	New       []finding.Finding
	Fixed     []finding.Finding
	Unchanged []finding.Finding
	// NotRetested are old findings gone from cur whose operation cur did
	// not get an answer from (Retested): not evidence of a fix.
	NotRetested []finding.Finding
}

// Retested splits the findings Compare called fixed by the coverage of the
// new report: only an operation that answered again can show a fix. A
// report without coverage (older versions) keeps them all as fixed.
func (d *Diff) Retested(cov *finding.Coverage) {
	if cov == nil {
		return
	}
	var fixed []finding.Finding
	for _, f := range d.Fixed {
		if cov.Answered(f.Method, f.Path) {
			fixed = append(fixed, f)
		} else {
			d.NotRetested = append(d.NotRetested, f)
		}
	}
	d.Fixed = fixed
}

// Compare returns the findings of cur that old lacks (new), those of old
// that cur lacks (fixed) and those in both (unchanged, as in cur). A
// suppressed finding is compared like any other.
func Compare(old, cur []finding.Finding) Diff {
	had := map[string]bool{}
	for _, f := range old {
		had[f.Fingerprint] = true
	}
	has := map[string]bool{}
	var d Diff
	for _, f := range cur {
		has[f.Fingerprint] = true
		if had[f.Fingerprint] {
			d.Unchanged = append(d.Unchanged, f)
		} else {
			d.New = append(d.New, f)
		}
	}
	for _, f := range old {
		if !has[f.Fingerprint] {
			d.Fixed = append(d.Fixed, f)
		}
	}
	return d
}

// Apply keeps only the new findings of r, records the comparison in
// r.Baseline and recounts r.Summary. The score, grade and category scores
// stay those of the whole scan: they describe the API, not the change.
func Apply(r *finding.Report, old *finding.Report, source string) Diff {
	d := Compare(old.Findings, r.Findings)
	d.Retested(r.Coverage)
	res := &finding.BaselineResult{Source: filepath.Base(source), New: len(d.New), Unchanged: len(d.Unchanged), Fixed: []finding.FixedFinding{}}
	for _, f := range d.Fixed {
		res.Fixed = append(res.Fixed, Fixed(f))
	}
	for _, f := range d.NotRetested {
		res.NotRetested = append(res.NotRetested, Fixed(f))
	}
	r.Findings = append([]finding.Finding{}, d.New...)
	r.Summary = finding.Summarize(r.Findings)
	r.Baseline = res
	return d
}

// Fixed makes the short record of a fixed finding.
func Fixed(f finding.Finding) finding.FixedFinding {
	return finding.FixedFinding{Fingerprint: f.Fingerprint, Check: f.Check, Title: f.Title, Severity: f.Severity, Method: f.Method, Path: f.Path}
}
