package logs

// The prefilter decides, in one pass over a line's bytes, whether the line
// may hold anything the sensitivity model (detect) reports as personal data
// or a secret. Only lines it passes are given to detect, which is several
// times slower: on benign logs most lines never reach it (see
// BenchmarkAudit). It must stay conservative: TestPrefilterKeepsRuleSamples
// runs every must-match sample of detect's rules through it.
//
// A line passes when it holds
//   - an '@' (e-mail addresses) or a '$' (password-hash formats);
//   - a run of at least minDigits digits, single spaces, dashes, dots and
//     brackets between them (phone, SSN, card, IBAN, NHS and SIN numbers),
//     where an ISO date (2026-11-30), a time (10:00:01), an IPv4 address and
//     the digits just before a colon do not count;
//   - a word that names personal data or a credential (email, ssn, dob,
//     password, token, key…), camelCase and snake_case split;
//   - a word that starts like a literal secret (AKIA, ghp_, sk_live_, eyJ,
//     xoxb-, pbkdf2:…).

// minDigits is the shortest digit run that passes (a UK NINO has six).
const minDigits = 6

const (
	cOther uint8 = iota
	cDigit
	cUpper
	cLower
	cSep   // space, '-', '.', '(', ')', '+'
	cColon // ends a time: the digits before it do not count
	cMark  // '@' or '$': pass at once
)

var class [256]uint8

func init() {
	for c := '0'; c <= '9'; c++ {
		class[c] = cDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		class[c] = cUpper
	}
	for c := 'a'; c <= 'z'; c++ {
		class[c] = cLower
	}
	for _, c := range " -.()+" {
		class[c] = cSep
	}
	class[':'] = cColon
	class['@'] = cMark
	class['$'] = cMark
}

// wordsBy holds the context words by first letter and length: a word of a
// line is compared with the few of its shape, without hashing.
var wordsBy [26][maxWord + 1][]string

// maxWord is the longest context word.
const maxWord = 24

func init() {
	// The words (lower case) that name personal data or credentials: the
	// vocabulary of detect's key classifier, split into words.
	for _, w := range []string{
		"email", "emails", "mail", "emailaddress", "phone", "phonenumber", "mobile", "cell", "cellphone", "tel",
		"telephone", "msisdn", "fax", "contact",
		"ssn", "social", "itin", "taxpayer", "card", "cards", "cc", "pan", "ccnum", "cardno", "credit", "debit",
		"iban", "bank", "dob", "birth", "birthday", "birthdate", "born", "address", "addr", "street", "line",
		"name", "firstname", "lastname", "fullname", "surname", "forename", "fname", "lname", "holder", "cardholder",
		"nino", "insurance", "nhs", "sin", "passport", "patient", "username", "login",
		"password", "passwd", "pwd", "pw", "pass", "passphrase", "hash", "hashed", "digest", "secret", "secrets",
		"token", "tokens", "key", "apikey", "keys", "auth", "authorization", "bearer", "credential",
		"credentials", "cookie", "session", "sessionid", "salt", "pin", "cvv", "cvc", "otp", "private", "signing",
		"answer", "slack", "hooks", "diagnosis", "medication", "allergies", "prescription",
		// Street types: an address written in prose.
		"avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard", "blvd", "court", "ct",
		"terrace", "place", "square", "highway", "parkway", "rue", "strasse", "via", "calle",
	} {
		wordsBy[w[0]-'a'][len(w)] = append(wordsBy[w[0]-'a'][len(w)], w)
	}
}

// secretPrefixes are the starts of literal secrets (lower case), by first
// letter: detect's literal keywords for credentials.
var secretPrefixes = [26][]string{
	'a' - 'a': {"akia", "asia", "aiza", "argon2"},
	'b' - 'a': {"bearer", "bcrypt"},
	'e' - 'a': {"eyj"},
	'g' - 'a': {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
	'p' - 'a': {"pbkdf2"},
	'r' - 'a': {"rk_live_", "rk_test_"},
	's' - 'a': {"sk_live_", "sk_test_", "scrypt:"},
	'x' - 'a': {"xox"},
}

func hasPrefixFold(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// suspicious reports whether line may hold personal data or a secret.
func suspicious(line []byte) bool {
	var word [maxWord]byte
	wn := 0       // letters of the current word in word (lower case)
	long := false // the current word is longer than word
	// The current digit run: its digits, the current group, the closed
	// groups (the first three remembered), the separators between groups.
	var (
		digits, group, groups int
		g                     [3]int
		sep                   [2]byte
		dots, others          int
		seps                  int  // separators since the last digit
		first                 byte // the first of them
		clock                 bool // the run follows "digits:" (the rest of a time)
	)
	endWord := func() bool {
		if wn > 0 && !long {
			for _, w := range wordsBy[word[0]-'a'][wn] {
				if string(word[:wn]) == w {
					return true
				}
			}
		}
		wn, long = 0, false
		return false
	}
	closeGroup := func() {
		if groups < len(g) {
			g[groups] = group
		}
		groups++
		group = 0
	}
	// endRun judges the run; colon says a ':' ended it (a time).
	endRun := func(colon bool) bool {
		n := digits
		if colon {
			n -= group
		}
		if group > 0 {
			closeGroup()
		}
		switch {
		case clock:
			n = 0 // 10:00:01.123456
		case others == 0 && dots == 3 && groups == 4 && n <= 12:
			n = 0 // IPv4 address
		case sep[0] == '-' && sep[1] == '-' && g[0] == 4 && g[1] == 2 && g[2] == 2:
			n -= 8 // ISO date; what follows it counts
		}
		digits, group, groups, dots, others, seps = 0, 0, 0, 0, 0, 0
		g, sep, clock = [3]int{}, [2]byte{}, false
		return n >= minDigits
	}
	prev := cOther
	for i := 0; i < len(line); i++ {
		c := line[i]
		k := class[c]
		switch k {
		case cDigit:
			if wn > 0 && endWord() {
				return true
			}
			if seps > 0 {
				if n := groups - 1; n >= 0 && n < len(sep) {
					sep[n] = first
				}
				if first == '.' {
					dots++
				} else {
					others++
				}
				seps = 0
			}
			if digits == 0 && i >= 2 && line[i-1] == ':' && class[line[i-2]] == cDigit {
				clock = true
			}
			digits++
			group++
			for i+1 < len(line) && class[line[i+1]] == cDigit {
				i++
				digits++
				group++
			}
		case cUpper, cLower:
			if digits > 0 && endRun(false) {
				return true
			}
			if prev != cUpper && prev != cLower && prev != cDigit {
				// A word starts: a literal secret?
				for _, p := range secretPrefixes[(c|0x20)-'a'] {
					if hasPrefixFold(line[i:], p) {
						return true
					}
				}
			}
			if k == cUpper {
				if prev == cLower && endWord() {
					return true // camelCase boundary
				}
				c += 32
			}
			if wn < len(word) {
				word[wn] = c
				wn++
			} else {
				long = true
			}
			// The rest of a lower-case run, in a tight loop.
			for i+1 < len(line) && class[line[i+1]] == cLower {
				i++
				if wn < len(word) {
					word[wn] = line[i]
					wn++
				} else {
					long = true
				}
				k = cLower
			}
		case cSep:
			if wn > 0 && endWord() {
				return true
			}
			if digits > 0 {
				if seps > 1 || seps == 1 && !(c == ' ' && (first == ')' || first == '-')) {
					if endRun(false) {
						return true
					}
					break
				}
				if group > 0 {
					closeGroup()
				}
				if seps == 0 {
					first = c
				}
				seps++
			}
		case cMark:
			return true
		default:
			if wn > 0 && endWord() {
				return true
			}
			if digits > 0 && endRun(k == cColon) {
				return true
			}
		}
		prev = k
	}
	if wn > 0 && endWord() {
		return true
	}
	return digits > 0 && endRun(false)
}
