// Package finding holds the domain model of a scan result: findings, their
// severity and confidence, masked evidence and the report that carries them.
package finding

import (
	"fmt"
	"strings"
)

// Severity orders findings from informational to critical.
type Severity int

// Severities, lowest first, so that comparisons read naturally.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// Severities lists every severity from the most to the least severe.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads one of critical, high, medium, low, info.
func ParseSeverity(v string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(strings.TrimSpace(v), n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", v)
}

// MarshalText writes the lowercase name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the lowercase name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Confidence says how sure a check is of a finding.
type Confidence int

// Confidences, lowest first.
const (
	ConfidenceLow Confidence = iota
	ConfidenceMedium
	ConfidenceHigh
)

var confidenceNames = [...]string{"low", "medium", "high"}

func (c Confidence) String() string {
	if c < ConfidenceLow || c > ConfidenceHigh {
		return fmt.Sprintf("confidence(%d)", int(c))
	}
	return confidenceNames[c]
}

// ParseConfidence reads one of high, medium, low.
func ParseConfidence(v string) (Confidence, error) {
	for i, n := range confidenceNames {
		if strings.EqualFold(strings.TrimSpace(v), n) {
			return Confidence(i), nil
		}
	}
	return ConfidenceLow, fmt.Errorf("unknown confidence %q (want high, medium or low)", v)
}

// MarshalText writes the lowercase name.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads the lowercase name.
func (c *Confidence) UnmarshalText(b []byte) error {
	v, err := ParseConfidence(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
