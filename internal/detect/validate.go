package detect

import (
	"math"
	"net/netip"
	"strings"

	"golang.org/x/net/publicsuffix"
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// digitsOf returns the decimal digits of s.
func digitsOf(s string) string {
	var b [64]byte
	n := 0
	for i := 0; i < len(s) && n < len(b); i++ {
		if isDigit(s[i]) {
			b[n] = s[i]
			n++
		}
	}
	return string(b[:n])
}

func allSame(d string) bool {
	for i := 1; i < len(d); i++ {
		if d[i] != d[0] {
			return false
		}
	}
	return true
}

func isSequential(d string) bool {
	up, down := true, true
	for i := 1; i < len(d); i++ {
		if d[i] != d[i-1]+1 {
			up = false
		}
		if d[i] != d[i-1]-1 {
			down = false
		}
	}
	return up || down
}

// validSSN applies the SSA's rules: no area 000, 666 or 900-999, no group
// 00, no serial 0000, and none of the numbers known from advertising and
// documentation.
func validSSN(d string) bool {
	if len(d) != 9 || allSame(d) || isSequential(d) {
		return false
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return false
	}
	switch d {
	case "078051120", "457555462", "123456789", "987654320", "111223333":
		return false
	}
	return true
}

// validITIN: 9XX-[50-65|70-88|90-92|94-99]-XXXX.
func validITIN(d string) bool {
	if len(d) != 9 || d[0] != '9' || allSame(d) {
		return false
	}
	g := int(d[3]-'0')*10 + int(d[4]-'0')
	return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || (g >= 94 && g <= 99)
}

func luhn(d string) bool {
	sum := 0
	dbl := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if dbl {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		dbl = !dbl
	}
	return sum%10 == 0
}

// cardBrand returns the brand whose prefix and length d has, or "".
func cardBrand(d string) string {
	n := len(d)
	p2 := 0
	if n >= 2 {
		p2 = int(d[0]-'0')*10 + int(d[1]-'0')
	}
	p4 := 0
	if n >= 4 {
		p4 = p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	}
	p3 := p4 / 10
	switch {
	case d[0] == '4' && n >= 13 && n <= 19:
		return "visa"
	case p4 >= 2200 && p4 <= 2204 && n >= 16 && n <= 19:
		return "mir"
	case maestroIIN(p4) && n >= 12 && n <= 19:
		return "maestro"
	case (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) && n == 16:
		return "mastercard"
	case (p2 == 34 || p2 == 37) && n == 15:
		return "amex"
	case (p4 == 6011 || p2 == 65 || p3 >= 644 && p3 <= 649) && (n == 16 || n == 19):
		return "discover"
	case p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19:
		return "jcb"
	case (p3 >= 300 && p3 <= 305 || p2 == 36 || p2 == 38) && n == 14:
		return "diners"
	case (p2 == 62 || p4 >= 8100 && p4 <= 8171) && n >= 16 && n <= 19:
		return "unionpay"
	}
	return ""
}

// maestroIIN reports the Maestro issuer prefixes (ISO/IEC 7812 numbers of
// 12 to 19 digits): 5018, 5020, 5038, 5893, 6304, 6759, 6761 to 6763.
func maestroIIN(p4 int) bool {
	switch p4 {
	case 5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763:
		return true
	}
	return false
}

// testCards are numbers published by payment processors for testing.
var testCards = map[string]bool{
	"4111111111111111": true, "4242424242424242": true, "4012888888881881": true, "4000056655665556": true,
	"5555555555554444": true, "5105105105105100": true, "2223003122003222": true, "5200828282828210": true,
	"378282246310005": true, "371449635398431": true, "378734493671000": true, "6011111111111117": true,
	"6011000990139424": true, "3530111333300000": true, "3566002020360505": true, "30569309025904": true,
	"38520000023237": true, "4000000000000002": true, "4000000000009995": true, "4222222222222": true,
	"6200000000000005": true, "4000002500003155": true, "4000000000000077": true, "5454545454545454": true,
}

var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
	"BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
	"ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
	"HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
	"MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
	"RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// validIBAN checks the country length and the mod-97 check digits of a
// compact, upper-case IBAN.
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if l, ok := ibanLengths[s[:2]]; !ok || l != len(s) {
		return false
	}
	if !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[(i+4)%len(s)]
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case isUpper(c):
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// validNHS applies the NHS number mod-11 check.
func validNHS(d string) bool {
	if len(d) != 10 || allSame(d) {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(d[9]-'0')
}

// validSIN: Canadian social insurance number, Luhn, not starting 0 or 8.
func validSIN(d string) bool {
	return len(d) == 9 && d[0] != '0' && d[0] != '8' && !allSame(d) && luhn(d)
}

// validNINO: UK national insurance number, AB123456C.
func validNINO(s string) bool {
	s = strings.ReplaceAll(strings.ToUpper(s), " ", "")
	if len(s) != 9 {
		return false
	}
	a, b := s[0], s[1]
	if !isUpper(a) || !isUpper(b) || strings.IndexByte("DFIQUV", a) >= 0 || strings.IndexByte("DFIQUVO", b) >= 0 {
		return false
	}
	switch s[:2] {
	case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
		return false
	}
	for i := 2; i < 8; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s[8] >= 'A' && s[8] <= 'D'
}

// validPassport: 6 to 9 letters and digits with at least 5 digits.
func validPassport(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 6 || len(s) > 9 {
		return false
	}
	nd := 0
	for i := 0; i < len(s); i++ {
		switch {
		case isDigit(s[i]):
			nd++
		case isUpper(s[i]):
		default:
			return false
		}
	}
	return nd >= 5 && !allSame(digitsOf(s))
}

var exampleDomains = []string{"example.com", "example.org", "example.net", "example.edu", "test.com", "domain.com",
	"email.com", "yourdomain.com", "yourcompany.com", "company.com", "acme.com", "sentry.io", "sentry-next.wixpress.com"}

var roleLocals = map[string]bool{
	"noreply": true, "no-reply": true, "donotreply": true, "do-not-reply": true, "support": true, "info": true,
	"admin": true, "sales": true, "contact": true, "help": true, "hello": true, "webmaster": true,
	"postmaster": true, "abuse": true, "security": true, "privacy": true, "billing": true, "team": true,
	"careers": true, "jobs": true, "press": true, "marketing": true, "notifications": true, "root": true,
	"hostmaster": true, "legal": true, "dpo": true, "office": true, "service": true, "feedback": true,
	"git": true, "mailer-daemon": true, "user": true, "username": true, "you": true, "name": true,
	"john.doe": true, "jane.doe": true, "your.name": true, "yourname": true, "email": true, "someone": true,
}

func localOK(local string) bool {
	if local == "" || len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	if len(local) > 16 {
		return true // longer than any role name
	}
	var buf [16]byte
	for i := 0; i < len(local); i++ {
		buf[i] = lower(local[i])
	}
	return !roleLocals[string(buf[:len(local)])]
}

// validEmail checks an address found in text: a sane local part, a
// registrable domain under an ICANN public suffix, not a documentation or
// role address.
func validEmail(local, domain string) bool {
	if !localOK(local) || len(domain) < 4 || len(domain) > 253 {
		return false
	}
	domain = strings.ToLower(domain)
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || isDigit(tld[0]) {
		return false
	}
	switch tld {
	case "example", "test", "invalid", "localhost", "local", "internal", "lan":
		return false
	}
	for _, d := range exampleDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return false
		}
	}
	suffix, icann := publicsuffix.PublicSuffix(domain)
	return icann && suffix != domain
}

// parseDate recognises 1985-03-12, 12/03/1985, 03/12/1985, 12.03.1985 and
// 1985/03/12 and returns whether it is a plausible date of birth.
func parseDate(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	if len(s) != 10 {
		return longDate(s)
	}
	var y, m, d int
	num := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			if !isDigit(t[i]) {
				return -1
			}
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	switch {
	case (s[4] == '-' || s[4] == '/' || s[4] == '.') && s[7] == s[4]:
		y, m, d = num(s[:4]), num(s[5:7]), num(s[8:])
	case (s[2] == '/' || s[2] == '-' || s[2] == '.') && s[5] == s[2]:
		a, b := num(s[:2]), num(s[3:5])
		y = num(s[6:])
		if a > 12 {
			d, m = a, b
		} else {
			m, d = a, b
			if b > 12 {
				m, d = a, b
			}
		}
	default:
		return false
	}
	return y >= 1900 && y <= 2025 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

var months = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// longDate recognises "March 12, 1985" and "12 March 1985".
func longDate(s string) bool {
	if len(s) < 8 || len(s) > 20 {
		return false
	}
	ls := strings.ToLower(s)
	hasMonth := false
	for _, m := range months {
		if strings.Contains(ls, m) {
			hasMonth = true
			break
		}
	}
	if !hasMonth {
		return false
	}
	d := digitsOf(s)
	if len(d) < 5 || len(d) > 6 {
		return false
	}
	y := d[len(d)-4:]
	return y >= "1900" && y <= "2025"
}

// looksLikeName: one to four words of letters (with ' - .), the first
// letter of each upper case, 3 to 60 characters in all.
func looksLikeName(s string, needTwoWords bool) bool {
	s = strings.TrimSpace(s)
	if len(s) < 2 || len(s) > 60 {
		return false
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 || needTwoWords && len(words) < 2 {
		return false
	}
	for _, w := range words {
		r := []rune(w)
		if len(r) == 0 || !isUpperRune(r[0]) {
			return false
		}
		letters := 0
		for _, c := range r {
			switch {
			case isLetterRune(c):
				letters++
			case c == '\'' || c == '-' || c == '.':
			default:
				return false
			}
		}
		if letters == 0 {
			return false
		}
		if len(r) > 2 && allUpperRunes(r) {
			return false // an acronym, not a name
		}
	}
	if nameStop[strings.ToLower(words[0])] || nameStop[strings.ToLower(words[len(words)-1])] {
		return false
	}
	return true
}

func allUpperRunes(r []rune) bool {
	for _, c := range r {
		if isLetterRune(c) && !isUpperRune(c) {
			return false
		}
	}
	return true
}

func isUpperRune(c rune) bool {
	return c >= 'A' && c <= 'Z' || c >= 0xC0 && c <= 0xDE && c != 0xD7
}

func isLetterRune(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7
}

// nameStop are words that make a "name" value a thing, not a person.
var nameStop = map[string]bool{
	"the": true, "default": true, "admin": true, "test": true, "pro": true, "plus": true, "max": true,
	"premium": true, "basic": true, "standard": true, "enterprise": true, "team": true, "group": true,
	"project": true, "service": true, "api": true, "app": true, "widget": true, "gadget": true, "inc.": true,
	"ltd": true, "llc": true, "store": true, "shop": true, "new": true, "main": true, "prod": true,
	"production": true, "staging": true, "unknown": true, "none": true, "null": true, "anonymous": true,
	"user": true, "guest": true, "system": true, "bot": true, "edition": true, "kit": true, "set": true,
	"box": true, "pack": true, "bundle": true, "mini": true, "lite": true, "ultra": true, "series": true,
	// Organisations, not people.
	"corp": true, "corp.": true, "corporation": true, "inc": true, "ltd.": true, "llc.": true, "gmbh": true, "ag": true,
	"sa": true, "sas": true, "plc": true, "co": true, "co.": true, "company": true, "labs": true, "systems": true,
	"solutions": true, "technologies": true, "university": true, "hospital": true, "clinic": true, "bank": true,
	"foundation": true, "partners": true, "holdings": true, "industries": true, "consulting": true, "agency": true,
}

var streetSuffixes = map[string]bool{
	"st": true, "street": true, "ave": true, "avenue": true, "rd": true, "road": true, "blvd": true,
	"boulevard": true, "ln": true, "lane": true, "dr": true, "drive": true, "way": true, "ct": true,
	"court": true, "pl": true, "place": true, "ter": true, "terrace": true, "pkwy": true, "parkway": true,
	"cir": true, "circle": true, "hwy": true, "highway": true, "sq": true, "square": true, "close": true,
	"crescent": true, "gardens": true, "rue": true, "strasse": true, "straße": true, "trail": true,
}

// looksLikeAddress: a value under an address key with a house number and
// a word, or a number followed by words and a street suffix.
func looksLikeAddress(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 6 || len(s) > 200 {
		return false
	}
	hasDigit, hasLetter := false, false
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			hasDigit = true
		} else if isAlpha(s[i]) {
			hasLetter = true
		}
	}
	if !hasDigit || !hasLetter || len(strings.Fields(s)) < 2 {
		return false
	}
	if strings.Contains(s, "://") || strings.Contains(s, "@") {
		return false
	}
	return true
}

func validIP(s string, allowPrivate bool) bool {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	if a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() || a.IsLinkLocalUnicast() {
		return false
	}
	return allowPrivate || !a.IsPrivate()
}

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

var placeholders = []string{"redacted", "xxxx", "****", "changeme", "your_", "your-", "<", "${", "{{", "example",
	"dummy", "placeholder", "null", "none", "undefined", "secret", "password", "token", "test", "sample", "…", "..."}

// looksLikeSecret: a token-shaped value with enough entropy that is not a
// placeholder.
func looksLikeSecret(s string, minLen int) bool {
	s = strings.TrimSpace(s)
	if len(s) < minLen || len(s) > 4096 {
		return false
	}
	ls := strings.ToLower(s)
	for _, p := range placeholders {
		if strings.Contains(ls, p) {
			return false
		}
	}
	if strings.ContainsAny(s, " \t\n") {
		return false
	}
	classes := 0
	var lo, up, di bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			lo = true
		case isUpper(c):
			up = true
		case isDigit(c):
			di = true
		}
	}
	for _, b := range []bool{lo, up, di} {
		if b {
			classes++
		}
	}
	return classes >= 2 && entropy(s) >= 3.0
}

// looksLikePassword: a plaintext value under a password key.
func looksLikePassword(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 4 || len(s) > 128 {
		return false
	}
	ls := strings.ToLower(s)
	switch ls {
	case "null", "none", "true", "false", "hidden", "redacted", "required", "optional", "set", "unset", "n/a":
		return false
	}
	if strings.Trim(s, "*•x●.") == "" || strings.HasPrefix(s, "<") || strings.HasPrefix(s, "${") || strings.HasPrefix(s, "{{") {
		return false
	}
	return !parseDate(s)
}

// isHexDigest: 32, 40, 56, 64 or 128 hex characters.
func isHexDigest(s string) bool {
	switch len(s) {
	case 32, 40, 56, 64, 128:
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !(c|0x20 >= 'a' && c|0x20 <= 'f') {
			return false
		}
	}
	return true
}
