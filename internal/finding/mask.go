package finding

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Value is one sensitive value a check saw, such as an email address or an
// API key. It is masked when it is made; the raw value stays inside the type
// and is only shown by Reveal, which the CLI calls for --reveal.
type Value struct {
	Type     string `json:"type"`
	JSONPath string `json:"json_path,omitempty"`
	Masked   string `json:"masked"`
	raw      string
}

// NewValue masks raw according to its type.
func NewValue(typ, jsonPath, raw string) Value {
	return Value{Type: typ, JSONPath: jsonPath, Masked: Mask(typ, raw), raw: raw}
}

// Raw returns the unmasked value. Only detectors, verdict logic and --reveal
// may use it; reports never do.
func (v Value) Raw() string { return v.raw }

// Mask hides a value while keeping enough to recognise it:
// alice.moreau@proton.me → a***@proton.me, a card → **** **** **** 4242,
// an SSN → ***-**-6789, a secret → its first four characters and an ellipsis.
func Mask(typ, raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	switch typ {
	case "email":
		if at := strings.LastIndexByte(raw, '@'); at > 0 {
			r, _ := utf8.DecodeRuneInString(raw)
			return string(r) + "***" + raw[at:]
		}
	case "card", "payment_card", "credit_card":
		if d := digits(raw); len(d) >= 12 {
			return "**** **** **** " + d[len(d)-4:]
		}
	case "ssn", "itin", "us_ssn", "us_itin":
		if d := digits(raw); len(d) == 9 {
			return "***-**-" + d[5:]
		}
	case "phone":
		if d := digits(raw); len(d) >= 7 {
			return strings.Repeat("*", len(d)-2) + d[len(d)-2:]
		}
	case "iban":
		if len(raw) > 8 {
			return raw[:2] + "** **** " + raw[len(raw)-4:]
		}
	}
	return maskPrefix(raw)
}

// maskPrefix keeps the first four characters of long values and the first one
// of short values.
func maskPrefix(raw string) string {
	n := utf8.RuneCountInString(raw)
	keep := 4
	switch {
	case n <= 4:
		return "****"
	case n <= 10:
		keep = 1
	}
	i := 0
	for pos := range raw {
		if i == keep {
			return raw[:pos] + "…"
		}
		i++
	}
	return raw + "…"
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MaskText replaces every occurrence of each value's raw text in s with its
// masked form, longest values first so overlapping values mask fully.
func MaskText(s string, values []Value) string {
	vs := make([]Value, 0, len(values))
	for _, v := range values {
		if v.raw != "" {
			vs = append(vs, v)
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return len(vs[i].raw) > len(vs[j].raw) })
	for _, v := range vs {
		s = strings.ReplaceAll(s, v.raw, v.Masked)
	}
	return s
}
