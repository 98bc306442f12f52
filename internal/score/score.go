// Package score is leakhound's published scoring model (docs/scoring.md).
package score

import (
	"github.com/leakhound/leakhound/internal/finding"
)

// ModelVersion names the scoring model; it changes whenever the formula does.
const ModelVersion = "1"

// Penalty per finding of each severity before confidence and repetition.
var severityPenalty = map[finding.Severity]float64{
	finding.Critical: 30,
	finding.High:     15,
	finding.Medium:   6,
	finding.Low:      2,
	finding.Info:     0,
}

var confidenceWeight = map[finding.Confidence]float64{
	finding.ConfidenceHigh:   1,
	finding.ConfidenceMedium: 0.7,
	finding.ConfidenceLow:    0.4,
}

// Compute returns the 0–100 score and the A–F grade of a set of findings.
// Each unsuppressed finding costs its severity's penalty times its
// confidence weight; repeated findings of one check cost half as much each
// time (one missing header on fifty endpoints is one problem, not fifty).
func Compute(fs []finding.Finding) (int, string) {
	perCheck := map[string]int{}
	total := 0.0
	for _, f := range fs {
		if f.Suppressed != nil {
			continue
		}
		n := perCheck[f.Check]
		perCheck[f.Check] = n + 1
		decay := 1.0
		for i := 0; i < n && decay > 0.01; i++ {
			decay /= 2
		}
		total += severityPenalty[f.Severity] * confidenceWeight[f.Confidence] * decay
	}
	s := 100 - int(total+0.5)
	if s < 0 {
		s = 0
	}
	worst, any := finding.Max(fs)
	return s, Grade(s, worst, any)
}

// Grade maps a score to a letter: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F.
// A critical finding caps the grade at D, a high one at C.
func Grade(score int, worst finding.Severity, any bool) string {
	g := "F"
	switch {
	case score >= 90:
		g = "A"
	case score >= 80:
		g = "B"
	case score >= 70:
		g = "C"
	case score >= 60:
		g = "D"
	}
	if any && worst == finding.Critical && g < "D" {
		g = "D"
	}
	if any && worst == finding.High && g < "C" {
		g = "C"
	}
	return g
}
