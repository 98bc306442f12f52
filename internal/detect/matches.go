package detect

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// Find returns the matches of body worth reporting: medium confidence or
// more, every category. A panic in the rule set yields no match instead of
// ending the caller.
func Find(body []byte, contentType string) (out []Match) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	for _, m := range Scan(body, contentType).Matches {
		if m.Confidence >= finding.ConfidenceMedium {
			out = append(out, m)
		}
	}
	return out
}

// FindValues runs Find over an already decoded JSON document (a cookie
// payload, JWT claims).
func FindValues(v any) []Match {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return Find(b, "application/json")
}

// Only returns the matches of ms in category c.
func Only(ms []Match, c Category) []Match {
	var out []Match
	for _, m := range ms {
		if m.Category == c {
			out = append(out, m)
		}
	}
	return out
}

// Types lists the distinct types of ms, sorted.
func Types(ms []Match) []Type {
	var out []Type
	for _, m := range ms {
		if !slices.Contains(out, m.Type) {
			out = append(out, m.Type)
		}
	}
	slices.Sort(out)
	return out
}

// JoinTypes writes types as "card, email".
func JoinTypes(ts []Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// WorstLevel is the highest level among ms.
func WorstLevel(ms []Match) Level {
	l := LevelNone
	for _, m := range ms {
		l = max(l, LevelOf(m.Type))
	}
	return l
}

// Serious reports whether ms holds data sensitive on its own (personal
// data or worse: not a mere name, username, role or artefact).
func Serious(ms []Match) bool { return WorstLevel(ms) >= LevelPersonal }

// Excerpt returns body[start:end] with every detected value masked: the
// range grows so that no value is cut in half, and the text is checked once
// more after the cut.
func Excerpt(body []byte, contentType string, start, end int) string {
	res := Scan(body, contentType)
	return MaskText(strings.ToValidUTF8(MaskRange(body, res, start, end), "?"))
}

// MaskSensitive returns s with every detected personal-data value and
// secret masked, whatever its confidence; artefacts (a stack frame, a
// debugger title) stay readable. Use it on text built from answers after
// the fact (details, log lines).
func MaskSensitive(s string) string {
	body := []byte(s)
	var ms []Match
	for _, m := range Scan(body, "").Matches {
		if m.Category == PII || m.Category == Secret {
			ms = append(ms, m)
		}
	}
	return string(maskSpans(body, ms))
}
