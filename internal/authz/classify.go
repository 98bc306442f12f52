package authz

import (
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
)

// Sensitive is one sensitive leaf of a response.
type Sensitive struct {
	Path  string
	Type  string
	Value string
}

// Tier says how bad a leaked type is.
type Tier int

// Tiers, lowest first.
const (
	TierNone Tier = iota
	TierIdentity
	TierPII
	TierCritical
)

// tiers of the types Classify returns.
var tiers = map[string]Tier{
	"name": TierIdentity, "username": TierIdentity, "person_name": TierIdentity, "ip_address": TierIdentity,
	"email": TierPII, "phone": TierPII, "date_of_birth": TierPII, "address": TierPII, "postal_address": TierPII,
	"medical": TierPII, "geolocation": TierPII,
	"ssn": TierCritical, "itin": TierCritical, "card": TierCritical, "iban": TierCritical, "uk_nino": TierCritical,
	"uk_nhs_number": TierCritical, "ca_sin": TierCritical, "passport_number": TierCritical,
	"password_hash": TierCritical, "password": TierCritical, "secret": TierCritical,
}

// TierOf returns the tier of a type; any secret type of the detectors is
// critical.
func TierOf(typ string) Tier {
	if t, ok := tiers[typ]; ok {
		return t
	}
	if detect.CategoryOf(typ) == detect.Secret {
		return TierCritical
	}
	return TierNone
}

// SensitiveIn returns the sensitive leaves of a JSON body that are still in
// f (f may have volatile paths removed): the detectors' matches of personal
// data and secrets (validated values, key context), completed by Classify
// for what they do not cover (medical fields, usernames).
func SensitiveIn(body []byte, f Flat) []Sensitive {
	byPath := map[string]Sensitive{}
	if len(body) > 0 {
		for _, m := range detect.Scan(body, "application/json").Matches {
			if m.Category == detect.Artefact || m.Confidence < finding.ConfidenceMedium || m.Path == "" {
				continue
			}
			if v, ok := f[m.Path]; ok {
				byPath[m.Path] = Sensitive{Path: m.Path, Type: m.Type, Value: v}
			}
		}
	}
	for _, s := range SensitiveLeaves(f) {
		if _, ok := byPath[s.Path]; !ok {
			byPath[s.Path] = s
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

var (
	emailRe = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`)
	ssnRe   = regexp.MustCompile(`^\d{3}-\d{2}-\d{4}$`)
	hashRe  = regexp.MustCompile(`^(pbkdf2:|scrypt:|\$2[aby]\$|\$argon2|pbkdf2_sha256\$)`)
	phoneRe = regexp.MustCompile(`^\+?[\d ().-]{7,20}$`)
)

// Classify returns the sensitive type of one leaf from its key and value,
// or "" when it is nothing sensitive. It is deliberately conservative: keys
// give the context, values must have the right shape.
func Classify(path, value string) string {
	k := Key(path)
	v := strings.TrimSpace(value)
	if v == "" || v == "null" || v == "true" || v == "false" || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return "" // links are no personal data, whatever their key
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(k, w) {
				return true
			}
		}
		return false
	}
	switch {
	case hashRe.MatchString(v) || (has("password", "passwd", "pwd") && len(v) >= 8):
		return "password_hash"
	case has("ssn", "social_security") && ssnRe.MatchString(v):
		return "ssn"
	case has("card", "pan", "cc_number") && len(digitsOf(v)) >= 12 && luhn(digitsOf(v)):
		return "card"
	case has("iban") && len(v) >= 15:
		return "iban"
	case has("secret", "api_key", "apikey", "access_key", "private_key", "token") && len(v) >= 12 && !strings.Contains(v, " "):
		return "secret"
	case emailRe.MatchString(v):
		return "email"
	case has("phone", "mobile", "tel") && phoneRe.MatchString(v) && len(digitsOf(v)) >= 7:
		return "phone"
	case has("dob", "birth"):
		return "date_of_birth"
	case has("address", "street", "ship_to", "shipping") && len(v) >= 8:
		return "address"
	case has("diagnos", "condition", "medication", "allerg", "prescription"):
		return "medical"
	case k == "username" || k == "login" || k == "user_name":
		return "username"
	case has("name") && !has("file", "host", "type", "class") && strings.ContainsRune(v, ' '):
		return "name"
	}
	return ""
}

// SensitiveLeaves lists the sensitive leaves of f, sorted by path.
func SensitiveLeaves(f Flat) []Sensitive {
	var out []Sensitive
	for _, p := range sortedKeys(f) {
		if t := Classify(p, f[p]); t != "" {
			out = append(out, Sensitive{Path: p, Type: t, Value: f[p]})
		}
	}
	return out
}

// WorstTier returns the highest tier among leaves.
func WorstTier(ls []Sensitive) Tier {
	t := TierNone
	for _, l := range ls {
		if x := TierOf(l.Type); x > t {
			t = x
		}
	}
	return t
}

// MaskedValues turns sensitive leaves into masked finding values, at most
// limit of them, the most sensitive first.
func MaskedValues(ls []Sensitive, limit int) []finding.Value {
	var out []finding.Value
	for tier := TierCritical; tier >= TierIdentity; tier-- {
		for _, l := range ls {
			if TierOf(l.Type) == tier && len(out) < limit {
				out = append(out, finding.NewValue(l.Type, l.Path, l.Value))
			}
		}
	}
	return out
}

// Types returns the distinct types of leaves, most sensitive first.
func Types(ls []Sensitive) []string {
	seen := map[string]bool{}
	var out []string
	for tier := TierCritical; tier >= TierIdentity; tier-- {
		for _, l := range ls {
			if TierOf(l.Type) == tier && !seen[l.Type] {
				seen[l.Type] = true
				out = append(out, l.Type)
			}
		}
	}
	return out
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func luhn(d string) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}
