package authz

import (
	"slices"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

// Sensitive is one sensitive leaf of a response.
type Sensitive struct {
	Path  string
	Type  detect.Type
	Value string
}

// SensitiveIn returns the sensitive leaves of a JSON body that are still in
// f (f may have volatile paths removed): what the detectors (the one
// sensitivity model) report at medium confidence or more as personal data
// or secrets. Severity follows values: a masked card under card_number, a
// username alone, a display name are not sensitive.
func SensitiveIn(body []byte, f Flat) []Sensitive {
	if len(body) == 0 {
		return nil
	}
	byPath := map[string]Sensitive{}
	for _, m := range detect.Find(body, "application/json") {
		if m.Category != detect.PII && m.Category != detect.Secret || m.Path == "" {
			continue
		}
		if v, ok := f[m.Path]; ok {
			byPath[m.Path] = Sensitive{Path: m.Path, Type: m.Type, Value: v}
		}
	}
	out := make([]Sensitive, 0, len(byPath))
	for _, p := range sortedKeys(f) {
		if s, ok := byPath[p]; ok {
			out = append(out, s)
		}
	}
	return out
}

// WorstLevel returns the highest level among leaves.
func WorstLevel(ls []Sensitive) detect.Level {
	l := detect.LevelNone
	for _, s := range ls {
		l = max(l, detect.LevelOf(s.Type))
	}
	return l
}

// byLevel orders leaves most sensitive first, keeping their order otherwise.
func byLevel(ls []Sensitive) []Sensitive {
	out := slices.Clone(ls)
	slices.SortStableFunc(out, func(a, b Sensitive) int { return int(detect.LevelOf(b.Type)) - int(detect.LevelOf(a.Type)) })
	return out
}

// MaskedValues turns sensitive leaves into masked finding values, at most
// limit of them, the most sensitive first.
func MaskedValues(ls []Sensitive, limit int) []finding.Value {
	var out []finding.Value
	for _, l := range byLevel(ls) {
		if len(out) < limit && detect.LevelOf(l.Type) > detect.LevelNone {
			out = append(out, finding.NewValue(string(l.Type), l.Path, l.Value))
		}
	}
	return out
}

// Types returns the distinct types of leaves, most sensitive first.
func Types(ls []Sensitive) []string {
	var out []string
	for _, l := range byLevel(ls) {
		if !slices.Contains(out, string(l.Type)) && detect.LevelOf(l.Type) > detect.LevelNone {
			out = append(out, string(l.Type))
		}
	}
	return out
}
