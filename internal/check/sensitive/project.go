package sensitive

import (
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

// Project adapts the project's detectors (internal/detect) to Detector.
type Project struct {
	// Scanner defaults to detect.Default().
	Scanner *detect.Scanner
	// Min drops matches below this confidence.
	Min finding.Confidence
}

// Detect runs the rule set and keeps matches of at least Min confidence. A
// panic in the rule set yields no matches (the built-in rules of Default
// still run) instead of ending the check.
func (p Project) Detect(body []byte, contentType string) (out []Match) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	s := p.Scanner
	if s == nil {
		s = detect.Default()
	}
	res := s.Scan(body, contentType)
	out = make([]Match, 0, len(res.Matches))
	for i := range res.Matches {
		m := &res.Matches[i]
		if m.Confidence < p.Min {
			continue
		}
		k := Artefact
		switch m.Category {
		case detect.PII:
			k = PII
		case detect.Secret:
			k = Secret
		}
		out = append(out, Match{Kind: k, Type: m.Type, Path: m.Path, Value: m.Value().Raw()})
	}
	return out
}

// Union runs several detectors and keeps the first match of each value.
type Union []Detector

// Detect merges the matches of every detector.
func (u Union) Detect(body []byte, contentType string) []Match {
	var out []Match
	for _, d := range u {
		out = append(out, d.Detect(body, contentType)...)
	}
	return dedupe(out)
}
