package detect

import "strings"

// SecretValue is a secret-like value read in a body, kept raw so that the
// scan can try it offline as a signing key (JWT HMAC secrets, Flask
// SECRET_KEY). It is never displayed: findings show it masked.
type SecretValue struct {
	// Name is the key or variable it was assigned to (JWT_SECRET,
	// "secret_key"), empty when the value was recognised by its shape.
	Name  string
	Value string
}

// MaxSecretValues bounds what Secrets returns for one body.
const MaxSecretValues = 64

// Secrets returns the secret-like values of body, for key harvesting:
// every value the rules detect as a secret, whatever its confidence, and
// every value assigned to a secret-like name in JSON, an environment dump,
// a .env file, a configuration page, JavaScript or an error page
// (SECRET_KEY=changeme, "JWT_SECRET": "access", const jwtSecret = "dvga"),
// however weak: a weak key is the one that matters most. Tokens (JWTs) and
// password hashes are left out: they are what keys sign, not keys.
func Secrets(body []byte, contentType string) []SecretValue {
	var out []SecretValue
	seen := map[string]bool{}
	add := func(name, v string) {
		v = strings.TrimSpace(v)
		if v == "" || len(v) > 512 || seen[v] || len(out) >= MaxSecretValues {
			return
		}
		switch strings.ToLower(v) {
		case "true", "false", "null", "none", "nil", "undefined", "bearer", "basic", "string", "required", "optional":
			return
		}
		if strings.ContainsAny(v, "…*") && strings.Count(v, "*") > 2 || strings.Contains(v, "…") {
			return // masked already: not a key
		}
		seen[v] = true
		out = append(out, SecretValue{Name: name, Value: v})
	}
	// Assignments first: they name the key the value was assigned to.
	for _, sub := range assignments(body, 4*MaxSecretValues) {
		v := string(body[sub[6]:sub[7]])
		if isAllDigits(v) && len(v) < 6 {
			continue // a count or a flag, not a key
		}
		add(string(body[sub[2]:sub[3]]), v)
	}
	for _, m := range Scan(body, contentType).Matches {
		if m.Category != Secret || m.Type == TypeJWT || m.Type == TypePasswordHash {
			continue
		}
		name := ""
		if i := strings.LastIndexAny(m.Path, ".["); i >= 0 {
			name = strings.Trim(m.Path[i+1:], `]"'`)
		}
		add(name, m.raw)
	}
	return out
}
