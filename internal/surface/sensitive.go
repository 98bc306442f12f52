package surface

import (
	"strconv"
	"strings"
	"unicode"
)

// Sensitivity ranks what a field name says about its content.
type Sensitivity int

// Sensitivities, lowest first.
const (
	NotSensitive Sensitivity = iota
	// Internal fields describe privileges or internals: role, is_admin.
	Internal
	// Personal fields hold personal data: email, phone, date of birth.
	Personal
	// Secret fields hold credentials or regulated identifiers: password
	// hashes, tokens, keys, card numbers, social security numbers.
	Secret
)

func (s Sensitivity) String() string {
	return [...]string{"none", "internal", "personal", "secret"}[max(0, min(int(s), 3))]
}

// words of a field name: passwordHash, password-hash and PASSWORD_HASH all
// give [password hash].
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

var (
	secretJoined = map[string]bool{
		"password": true, "passwd": true, "pwd": true, "passwordhash": true, "secret": true, "token": true,
		"apikey": true, "accesskey": true, "secretkey": true, "privatekey": true, "clientsecret": true,
		"accesstoken": true, "refreshtoken": true, "sessiontoken": true, "sessionid": true, "otp": true,
		"mfasecret": true, "totpsecret": true, "salt": true, "pin": true, "cvv": true, "cvc": true,
		"ssn": true, "socialsecuritynumber": true, "cardnumber": true, "creditcard": true, "creditcardnumber": true,
		"pan": true, "iban": true, "accountnumber": true, "routingnumber": true, "taxid": true, "nationalid": true,
		"passportnumber": true, "hash": true, "hashedpassword": true, "passworddigest": true,
	}
	secretWords   = map[string]bool{"password": true, "passwd": true, "secret": true, "token": true, "ssn": true, "cvv": true}
	personalWords = map[string]bool{"email": true, "phone": true, "mobile": true, "dob": true, "birth": true, "birthdate": true, "birthday": true, "address": true, "street": true, "postcode": true, "zip": true, "passport": true, "diagnosis": true, "salary": true, "ip": true}
	internalWords = map[string]bool{"role": true, "roles": true, "admin": true, "permissions": true, "permission": true, "scopes": true, "internal": true, "debug": true, "tenant": true, "privileges": true, "superuser": true, "staff": true}
)

// FieldSensitivity classifies a field by its name.
func FieldSensitivity(name string) Sensitivity {
	words := nameWords(name)
	if len(words) == 0 {
		return NotSensitive
	}
	joined := strings.Join(words, "")
	if secretJoined[joined] {
		return Secret
	}
	for i, w := range words {
		if secretWords[w] {
			return Secret
		}
		if i+1 < len(words) && secretJoined[w+words[i+1]] {
			return Secret
		}
	}
	for _, w := range words {
		if personalWords[w] {
			return Personal
		}
	}
	for _, w := range words {
		if internalWords[w] {
			return Internal
		}
	}
	if words[0] == "is" && len(words) > 1 && internalWords[words[1]] {
		return Internal
	}
	return NotSensitive
}

// ResponseSchema returns the documented schema of an answer with the given
// status: the exact code, then its class (2XX), then default.
func (e Endpoint) ResponseSchema(status int) *Schema {
	code := strconv.Itoa(status)
	class := code[:1] + "XX"
	for _, want := range []string{code, class, "default"} {
		for _, r := range e.Responses {
			if strings.EqualFold(r.Status, want) && r.Schema != nil {
				return r.Schema
			}
		}
	}
	return nil
}
