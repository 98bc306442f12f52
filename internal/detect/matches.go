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

// SecretKind names what a secret match is, for reports: its type when the
// type says it all (aws_access_key_id, github_token, private_key), and for
// the generic types (api_key, credential, password) the kind its Key
// names: jwt_secret (JWT_SECRET), secret_key (SECRET_KEY,
// FLASK_SECRET_KEY), client_secret, signing_key, api_key, token,
// password; the password of a connection string is
// connection_string_password. Non-secret matches get their type.
func SecretKind(m Match) string {
	if m.Rule == "connection-string-password" {
		return "connection_string_password"
	}
	switch m.Type {
	case TypeAPIKey, TypeCredential, TypePassword:
	default:
		return string(m.Type)
	}
	var b strings.Builder
	for _, c := range strings.ToLower(m.Key) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	k := b.String()
	has := func(s string) bool { return strings.Contains(k, s) }
	switch {
	case k == "":
		return string(m.Type)
	case has("jwt"):
		return "jwt_secret"
	case has("clientsecret"):
		return "client_secret"
	case strings.HasSuffix(k, "secretkey"):
		return "secret_key"
	case has("signingkey") || has("encryptionkey") || has("hmackey"):
		return "signing_key"
	case has("password") || has("passwd") || strings.HasSuffix(k, "pwd"):
		return "password"
	case has("apikey"):
		return "api_key"
	case strings.HasSuffix(k, "token"):
		return "token"
	case has("secret"):
		return "secret"
	}
	return string(m.Type)
}
