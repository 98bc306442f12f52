package dynamodb

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// minPBKDF2 is the fewest PBKDF2 iterations not counted as a fast hash.
// OWASP's Password Storage Cheat Sheet asks for 600,000 (HMAC-SHA256); a
// few thousand cost an attacker almost nothing on a GPU.
const minPBKDF2 = 10000

// hashScheme names the scheme of a stored password hash and says whether it
// is fast (CWE-916): MD5, SHA-1, SHA-2 with or without a salt, md5-crypt,
// LDAP {SHA}/{SSHA}, PBKDF2 with fewer than minPBKDF2 iterations. Slow,
// salted schemes (bcrypt, scrypt, argon2, PBKDF2 with enough iterations,
// sha-crypt) are not fast. known is false for a value that is no hash
// format the audit knows; it is then not judged.
func hashScheme(v string) (scheme string, fast, known bool) {
	lv := strings.ToLower(v)
	switch {
	case strings.HasPrefix(v, "$2a$"), strings.HasPrefix(v, "$2b$"), strings.HasPrefix(v, "$2y$"), strings.HasPrefix(lv, "bcrypt"):
		return "bcrypt", false, true
	case strings.HasPrefix(v, "$argon2"), strings.HasPrefix(lv, "argon2"):
		return "argon2", false, true
	case strings.HasPrefix(lv, "scrypt:"), strings.HasPrefix(v, "$scrypt$"), strings.HasPrefix(v, "$7$"):
		return "scrypt", false, true
	case strings.HasPrefix(v, "$5$"), strings.HasPrefix(v, "$6$"):
		return "sha-crypt", false, true
	case strings.HasPrefix(v, "$1$"):
		return "md5-crypt", true, true
	case strings.HasPrefix(lv, "pbkdf2"), strings.HasPrefix(lv, "$pbkdf2"):
		n, ok := pbkdf2Iterations(lv)
		if !ok {
			return "PBKDF2", false, true // Werkzeug's pbkdf2:sha256$… uses its default
		}
		if n < minPBKDF2 {
			return "PBKDF2 with " + strconv.Itoa(n) + " iteration(s)", true, true
		}
		return "PBKDF2", false, true
	case strings.HasPrefix(lv, "{ssha"), strings.HasPrefix(lv, "{sha"), strings.HasPrefix(lv, "{md5}"), strings.HasPrefix(lv, "{smd5}"):
		return "LDAP " + lv[:strings.IndexByte(lv, '}')+1], true, true
	}
	// Werkzeug and Django legacy formats: md5$salt$hash, sha1$salt$hash,
	// sha256$salt$hash: one round of a fast hash.
	if alg, rest, ok := strings.Cut(lv, "$"); ok && strings.Contains(rest, "$") {
		switch alg {
		case "md5", "sha1", "sha224", "sha256", "sha384", "sha512":
			return "salted " + strings.ToUpper(alg), true, true
		}
	}
	if isHex(v) {
		switch len(v) {
		case 32:
			return "unsalted MD5", true, true
		case 40:
			return "unsalted SHA-1", true, true
		case 64:
			return "unsalted SHA-256", true, true
		case 128:
			return "unsalted SHA-512", true, true
		}
	}
	if b, err := base64.StdEncoding.DecodeString(v); err == nil {
		switch len(b) {
		case 16:
			return "unsalted MD5 (base64)", true, true
		case 20:
			return "unsalted SHA-1 (base64)", true, true
		case 32:
			return "unsalted SHA-256 (base64)", true, true
		}
	}
	return "", false, false
}

// pbkdf2Iterations reads the iteration count of Werkzeug
// (pbkdf2:sha256:600000$salt$hash), Django (pbkdf2_sha256$600000$…) and
// passlib ($pbkdf2-sha256$29000$…) hashes.
func pbkdf2Iterations(lv string) (int, bool) {
	var field string
	switch {
	case strings.HasPrefix(lv, "pbkdf2:"):
		head, _, _ := strings.Cut(lv, "$")
		parts := strings.Split(head, ":")
		if len(parts) < 3 {
			return 0, false
		}
		field = parts[2]
	case strings.HasPrefix(lv, "$pbkdf2"):
		parts := strings.Split(lv, "$")
		if len(parts) < 3 {
			return 0, false
		}
		field = parts[2]
	default:
		parts := strings.Split(lv, "$")
		if len(parts) < 2 {
			return 0, false
		}
		field = parts[1]
	}
	n, err := strconv.Atoi(field)
	return n, err == nil && n > 0
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
