package detect

import (
	"bytes"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/nyaruka/phonenumbers"
)

const (
	high   = finding.ConfidenceHigh
	medium = finding.ConfidenceMedium
	low    = finding.ConfidenceLow
)

// keyRule judges a whole value by the key that names it. It reports
// whether the value was recognised.
func (sc *scan) keyRule(kc keyClass, val string, s, e int) bool {
	v := strings.TrimSpace(val)
	if v == "" || len(v) > 4096 {
		return false
	}
	onlyDigitsSeps := func() bool {
		for i := 0; i < len(v); i++ {
			c := v[i]
			if !isDigit(c) && c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '+' && c != '/' {
				return false
			}
		}
		return true
	}
	switch kc {
	case kEmail:
		at := strings.LastIndexByte(v, '@')
		if at > 0 && !strings.ContainsAny(v, " <>,;*") && sc.validEmail(v[:at], v[at+1:]) {
			sc.emitRaw("email", TypeEmail, high, s, e, "", v)
			return true
		}
	case kPhone:
		if onlyDigitsSeps() {
			d := digitsOf(v)
			if len(d) >= 7 && len(d) <= 15 && sc.validPhone(v, d, v[0] == '+', true) {
				sc.emitRaw("phone", TypePhone, high, s, e, "", v)
				return true
			}
		}
	case kSSN:
		if onlyDigitsSeps() {
			d := digitsOf(v)
			switch {
			case validITIN(d):
				sc.emitRaw("us-itin", TypeITIN, high, s, e, "", v)
				return true
			case validSSN(d):
				sc.emitRaw("us-ssn", TypeSSN, high, s, e, "", v)
				return true
			}
		}
	case kCard:
		if onlyDigitsSeps() {
			d := digitsOf(v)
			if len(d) >= 12 && len(d) <= 19 && cardBrand(d) != "" && luhn(d) {
				if testCards[d] {
					sc.emitRaw("payment-card", TypeCard, low, s, e, "test card number", v)
				} else {
					sc.emitRaw("payment-card", TypeCard, high, s, e, "", v)
				}
				return true
			}
		}
	case kIBAN:
		c := strings.ToUpper(strings.ReplaceAll(v, " ", ""))
		if validIBAN(c) {
			sc.emitRaw("iban", TypeIBAN, high, s, e, "", v)
			return true
		}
	case kDOB:
		if parseDate(v) {
			sc.emitRaw("date-of-birth", TypeDOB, high, s, e, "", v)
			return true
		}
	case kAddress:
		if looksLikeAddress(v) {
			sc.emitRaw("postal-address", TypeAddress, high, s, e, "", v)
			return true
		}
	case kName:
		if looksLikeName(v, false) {
			sc.emitRaw("person-name", TypeName, high, s, e, "", v)
			return true
		}
	case kNameWeak:
		if looksLikeName(v, true) {
			sc.pendingMatch("person-name", TypeName, medium, s, e, v)
			return true
		}
	case kIP:
		if validIP(v, true) {
			sc.pendingMatch("ip-address", TypeIP, medium, s, e, v)
			return true
		}
	case kNINO:
		if validNINO(v) {
			sc.emitRaw("uk-nino", TypeNINO, high, s, e, "", v)
			return true
		}
	case kNHS:
		if onlyDigitsSeps() && validNHS(digitsOf(v)) {
			sc.emitRaw("uk-nhs", TypeNHS, high, s, e, "", v)
			return true
		}
	case kSIN:
		if onlyDigitsSeps() && validSIN(digitsOf(v)) {
			sc.emitRaw("ca-sin", TypeSIN, high, s, e, "", v)
			return true
		}
	case kPassport:
		if validPassport(strings.ToUpper(v)) {
			sc.emitRaw("passport", TypePassport, medium, s, e, "", v)
			return true
		}
	case kPassword:
		if isHexDigest(v) || hashFormat(v) {
			sc.emitRaw("password-hash", TypePasswordHash, high, s, e, "", v)
			return true
		}
		if looksLikePassword(v) {
			sc.emitRaw("plaintext-password", TypePassword, high, s, e, "", v)
			return true
		}
	case kPasswordHash:
		if isHexDigest(v) || hashFormat(v) {
			sc.emitRaw("password-hash", TypePasswordHash, high, s, e, "", v)
			return true
		}
		if looksLikeSecret(v, 16) {
			sc.emitRaw("password-hash", TypePasswordHash, medium, s, e, "", v)
			return true
		}
	case kCredential:
		if placeholderValue(v) {
			return false
		}
		if hashFormat(v) {
			sc.emitRaw("password-hash", TypePasswordHash, high, s, e, "", v)
			return true
		}
		if looksLikeSecret(v, 16) {
			sc.emitRaw("secret-under-key", TypeAPIKey, high, s, e, "", v)
			return true
		}
		sc.emitRaw("credential-under-key", TypeCredential, high, s, e, "", v)
		return true
	case kUsername:
		if len(v) <= 128 && !strings.ContainsAny(v, " \t\n") && !placeholderValue(v) {
			sc.pendingMatch("username", TypeUsername, medium, s, e, v)
			return true
		}
	case kMedical:
		if !placeholderValue(v) && len(v) >= 3 {
			sc.pendingMatch("medical", TypeMedical, medium, s, e, v)
			return true
		}
	case kRole:
		if !placeholderValue(v) {
			sc.emitRaw("role", TypeRole, medium, s, e, "", v)
			return true
		}
	case kSecret:
		t := v
		for _, p := range []string{"Bearer ", "bearer ", "Token ", "token ", "Basic "} {
			t = strings.TrimPrefix(t, p)
		}
		if hashFormat(t) {
			sc.emitRaw("password-hash", TypePasswordHash, high, s, e, "", v)
			return true
		}
		if looksLikeSecret(t, 16) {
			sc.emitRaw("secret-under-key", TypeAPIKey, high, s, e, "", t)
			return true
		}
	case kAWSSecret:
		if len(v) == 40 && looksLikeSecret(v, 40) {
			conf := high
			note := ""
			if strings.Contains(v, "EXAMPLEKEY") {
				conf, note = low, "AWS documentation example"
			}
			sc.emitRaw("aws-secret-key", TypeAWSSecret, conf, s, e, note, v)
			return true
		}
		if looksLikeSecret(v, 16) {
			sc.emitRaw("secret-under-key", TypeAPIKey, high, s, e, "", v)
			return true
		}
	case kTableName:
		if len(v) >= 3 && len(v) <= 255 && tableName(v) {
			sc.emitRaw("dynamodb-table", TypeDynamoTable, medium, s, e, "", v)
			return true
		}
	case kAccountID:
		if d := digitsOf(v); len(d) == 12 && len(v) == 12 {
			sc.emitRaw("aws-account-id", TypeAWSAccount, medium, s, e, "", v)
			return true
		}
	}
	return false
}

// validEmail caches the domain verdict: domains repeat in a body.
func (sc *scan) validEmail(local, domain string) bool {
	if !localOK(local) {
		return false
	}
	ok, seen := sc.domains[domain]
	if !seen {
		ok = validEmail("x", domain)
		if sc.domains == nil {
			sc.domains = map[string]bool{}
		}
		if len(sc.domains) < 1024 {
			sc.domains[domain] = ok
		}
	}
	return ok
}

func tableName(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// ---- shapes in text ----

var shapeStart = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['+'], t['('], t['@'] = true, true, true
	return
}()

// scanShapes finds digit runs, e-mail addresses and IBANs in [lo, hi).
func (sc *scan) scanShapes(lo, hi int, kc keyClass) {
	b := sc.body
	for i := lo; i < hi; i++ {
		if !shapeStart[b[i]] {
			continue
		}
		var next int
		if b[i] == '@' {
			next = sc.emailAt(lo, hi, i)
		} else {
			next = sc.digitRun(lo, hi, i, kc)
		}
		if next > i+1 {
			i = next - 1
		}
	}
}

func localChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

func domainChar(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

// emailAt tries an address around the '@' at k; it returns where to go on.
func (sc *scan) emailAt(lo, hi, k int) int {
	b := sc.body
	j := k
	for j > lo && k-j < 64 && localChar(b[j-1]) {
		j--
	}
	for j < k && (b[j] == '.' || b[j] == '\'' || b[j] == '-') {
		j++
	}
	m := k + 1
	for m < hi && m-k < 254 && domainChar(b[m]) {
		m++
	}
	end := m
	for end > k+1 && (b[end-1] == '.' || b[end-1] == '-') {
		end--
	}
	if j == k || end <= k+1 {
		return k + 1
	}
	if j > lo {
		p := b[j-1]
		if p == '*' || p == '@' || (j-1 > lo && b[j-1] == 'n' && b[j-2] == '\\' && false) {
			return m
		}
		if p == ':' || p == '/' {
			// URL user-info (scheme://user@host) is not an address.
			w := b[max(lo, j-80):j]
			sp := strings.LastIndexAny(string(w), " \t\n\"'")
			if strings.Contains(string(w[sp+1:]), "://") {
				return m
			}
		}
	}
	local, domain := string(b[j:k]), string(b[k+1:end])
	if sc.validEmail(local, domain) {
		if j-7 >= lo && strings.EqualFold(string(b[j-7:j]), "mailto:") {
			// A mailto: link is a contact address a page publishes.
			sc.emit("email", TypeEmail, low, j, end, "mailto link")
		} else {
			sc.emit("email", TypeEmail, high, j, end, "")
		}
	}
	return m
}

// placeholderValue reports values that stand for no real data: empty,
// null, booleans, masked values (****, a***@x), template variables and
// "your_api_key_here".
func placeholderValue(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	switch l {
	case "", "null", "none", "nil", "true", "false", "n/a", "na", "-", "redacted", "hidden", "string", "required",
		"optional", "set", "unset", "undefined", "<redacted>", "[redacted]", "[filtered]":
		return true
	}
	if strings.ContainsAny(l, "*•●…") || strings.Trim(l, "x.") == "" || strings.HasPrefix(l, "<") ||
		strings.HasPrefix(l, "${") || strings.HasPrefix(l, "{{") || strings.HasPrefix(l, "&") ||
		strings.HasPrefix(l, "os.environ") || strings.HasPrefix(l, "os.getenv") || strings.HasPrefix(l, "process.env") {
		return true
	}
	// Separators vary: your-key-here, changeme-in-prod.
	u := strings.ReplaceAll(l, "-", "_")
	for _, w := range []string{"your_", "_here", "placeholder", "example", "changeme_in_prod"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// maskOnly records a value under a sensitive key that no rule reported,
// at low confidence: nothing counts it, but masking hides it whatever its
// length or shape.
func (sc *scan) maskOnly(kc keyClass, s, e int) {
	typ := KeyType(kcName[kc])
	if typ == "" || e <= s || bytes.ContainsAny(sc.body[s:e], "*…•") {
		return // nothing, or already masked
	}
	sc.emit("value-under-sensitive-key", typ, low, s, e, "value under a sensitive key")
}

// kcName gives one key of each class, for KeyType.
var kcName = map[keyClass]string{
	kEmail: "email", kPhone: "phone", kSSN: "ssn", kCard: "card", kIBAN: "iban", kDOB: "dob",
	kAddress: "address", kName: "full_name", kNINO: "nino", kNHS: "nhs", kSIN: "sin", kPassport: "passport",
	kPassword: "password", kPasswordHash: "password_hash", kSecret: "token", kAWSSecret: "secret_access_key",
	kCredential: "secret", kUsername: "username", kMedical: "diagnosis",
}

// boundary: the byte before i does not glue the token at i to a word.
func (sc *scan) leftFree(lo, i int) bool {
	if i <= lo {
		return true
	}
	b := sc.body
	p := b[i-1]
	if isAlpha(p) {
		// A JSON escape such as \n ends the previous word.
		return i-2 >= lo && b[i-2] == '\\' && (p == 'n' || p == 't' || p == 'r')
	}
	if isDigit(p) || p == '#' {
		return false
	}
	if p == '-' || p == '_' || p == '.' || p == '/' {
		return !(i-2 >= lo && isAlnum(b[i-2]))
	}
	return true
}

func (sc *scan) skipToken(hi, i int) int {
	b := sc.body
	for i < hi && (isAlnum(b[i]) || b[i] == '-' || b[i] == '_') {
		i++
	}
	return i
}

// digitRun consumes a run of digits and separators starting at i and
// classifies it. It returns where to go on.
func (sc *scan) digitRun(lo, hi, i int, kc keyClass) int {
	b := sc.body
	c := b[i]
	if (c == '+' || c == '(') && (i+1 >= hi || !isDigit(b[i+1])) {
		return i + 1
	}
	if !sc.leftFree(lo, i) {
		if isDigit(c) && i-2 >= lo && isUpper(b[i-1]) && isUpper(b[i-2]) && sc.leftFree(lo, i-2) {
			if end := sc.ibanAt(lo, hi, i-2, kc); end > 0 {
				return end
			}
			if end := sc.ninoAt(lo, hi, i-2, kc, true); end > 0 {
				return end
			}
		}
		return sc.skipToken(hi, i)
	}
	start := i
	plus := c == '+'
	// Consume digits and short separator runs.
	j := i + 1
	sepRun := 0
	for j < hi {
		d := b[j]
		if isDigit(d) {
			sepRun = 0
			j++
			continue
		}
		if !isRunSep(d) || sepRun >= 2 || j+1 >= hi {
			break
		}
		nx := b[j+1]
		if !isDigit(nx) && !(sepRun == 0 && (nx == ' ' || nx == '(' || nx == '-')) {
			break
		}
		sepRun++
		j++
	}
	end := j
	for end > start && !isDigit(b[end-1]) && b[end-1] != ')' {
		end--
	}
	// Right boundary: glued to a word, or a decimal/exponent tail.
	if end < hi {
		n := b[end]
		if isAlpha(n) {
			return sc.skipToken(hi, end)
		}
		if (n == '-' || n == '_' || n == '/' || n == '.') && end+1 < hi && isAlnum(b[end+1]) {
			return sc.skipToken(hi, end+1)
		}
	}
	if end-start > 40 {
		return max(end, i+1)
	}
	var groups [8]int
	ng, nd, cur := 0, 0, 0
	seps := 0 // bit set: 1 dash, 2 space, 4 dot, 8 slash, 16 paren
	for k := start; k < end; k++ {
		d := b[k]
		if isDigit(d) {
			nd++
			cur++
			continue
		}
		switch d {
		case '-':
			seps |= 1
		case ' ':
			seps |= 2
		case '.':
			seps |= 4
		case '/':
			seps |= 8
		case '(', ')':
			seps |= 16
		}
		if cur > 0 {
			if ng < len(groups) {
				groups[ng] = cur
			}
			ng++
			cur = 0
		}
	}
	if cur > 0 {
		if ng < len(groups) {
			groups[ng] = cur
		}
		ng++
	}
	if nd == 0 || kc == kIDLike || nd > 19 {
		return max(end, i+1)
	}
	g := groups[:min(ng, len(groups))]
	sc.classify(lo, hi, start, end, nd, g, seps, plus, kc)
	return max(end, i+1)
}

func isRunSep(c byte) bool {
	return c == '-' || c == ' ' || c == '.' || c == '/' || c == '(' || c == ')'
}

func sameGroups(g []int, want ...int) bool {
	if len(g) != len(want) {
		return false
	}
	for i := range g {
		if g[i] != want[i] {
			return false
		}
	}
	return true
}

// near reports whether one of words occurs, as a word, in the 48 bytes
// before start (and after lo).
func (sc *scan) near(lo, start int, words ...string) bool {
	from := max(lo, start-48)
	var buf [48]byte
	w := buf[:0]
	for _, c := range sc.body[from:start] {
		w = append(w, lower(c))
	}
	s := string(w)
	for _, word := range words {
		for off := 0; ; {
			k := strings.Index(s[off:], word)
			if k < 0 {
				break
			}
			k += off
			okL := k == 0 || !isAlpha(s[k-1])
			okR := k+len(word) >= len(s) || !isAlpha(s[k+len(word)])
			if okL && okR {
				return true
			}
			off = k + 1
		}
	}
	return false
}

var (
	idWords    = []string{"order", "invoice", "tracking", "ref", "id", "no", "number", "sku", "isbn", "ean", "barcode", "serial", "version", "build", "timestamp", "txn", "transaction", "account"}
	ssnWords   = []string{"ssn", "social security", "ss#", "ss #", "social sec"}
	itinWords  = []string{"itin", "taxpayer"}
	sinWords   = []string{"sin", "social insurance"}
	cardWords  = []string{"card", "visa", "mastercard", "amex", "credit", "debit", "cc", "pan", "cardnumber"}
	phoneWords = []string{"phone", "tel", "telephone", "mobile", "call", "cell", "fax", "whatsapp", "sms", "text me", "ph", "contact"}
	dobWords   = []string{"dob", "birth", "born", "birthday", "d.o.b", "date of birth", "birthdate"}
	nhsWords   = []string{"nhs"}
	ninoWords  = []string{"national insurance", "nino", "ni number", "ni no"}
	ibanWords  = []string{"iban", "account", "bank", "transfer"}
	addrWords  = []string{"address", "lives at", "live at", "resides", "ship to", "deliver to", "located at", "home"}
)

func (sc *scan) classify(lo, hi, start, end, nd int, g []int, seps int, plus bool, kc keyClass) {
	b := sc.body
	d := digitsOf(string(b[start:end]))
	if nd > len(d) {
		return
	}
	// Dates: only a date of birth is personal.
	if len(g) == 3 && (sameGroups(g, 4, 2, 2) || sameGroups(g, 2, 2, 4)) && (seps == 1 || seps == 8 || seps == 4) {
		if (kc == kDOB || sc.near(lo, start, dobWords...)) && parseDate(string(b[start:end])) {
			sc.emit("date-of-birth", TypeDOB, high, start, end, "")
		}
		return
	}
	// "March 12, 1985" or "12 March 1985": the year ends a written date.
	if nd == 4 && len(g) == 1 && (kc == kDOB || sc.near(lo, start, dobWords...)) {
		if ds := sc.writtenDateStart(lo, start); ds >= 0 && longDate(string(b[ds:end])) {
			sc.emit("date-of-birth", TypeDOB, high, ds, end, "")
		}
		return
	}
	// Decimals, versions, dotted quads: never PII in text.
	if seps&4 != 0 && !(sameGroups(g, 3, 3, 4) && seps == 4) {
		return
	}
	if seps&8 != 0 {
		return
	}
	dashed := seps == 1
	switch {
	case nd == 9 && (len(g) == 1 || (sameGroups(g, 3, 2, 4) && (dashed || seps == 2)) || (sameGroups(g, 3, 3, 3) && (dashed || seps == 2))):
		ssnCtx := kc == kSSN || sc.near(lo, start, ssnWords...)
		if kc == kSIN || sc.near(lo, start, sinWords...) {
			if validSIN(d) {
				sc.emit("ca-sin", TypeSIN, high, start, end, "")
			}
			return
		}
		if !sameGroups(g, 3, 3, 3) {
			if validITIN(d) && (ssnCtx || sc.near(lo, start, itinWords...) || len(g) == 3) {
				conf := medium
				if ssnCtx || sc.near(lo, start, itinWords...) {
					conf = high
				}
				sc.emit("us-itin", TypeITIN, conf, start, end, "")
				return
			}
			if validSSN(d) {
				switch {
				case ssnCtx:
					sc.emit("us-ssn", TypeSSN, high, start, end, "")
				case len(g) == 3 && dashed && !sc.near(lo, start, idWords...):
					sc.emit("us-ssn", TypeSSN, medium, start, end, "")
				}
				return
			}
		}
		if ssnCtx {
			return
		}
	case nd == 10 && (kc == kNHS || sc.near(lo, start, nhsWords...)):
		if (len(g) == 1 || sameGroups(g, 3, 3, 4)) && validNHS(d) {
			sc.emit("uk-nhs", TypeNHS, high, start, end, "")
		}
		return
	case nd == 6 && (kc == kNINO || sc.near(lo, start, ninoWords...)) && start-3 >= lo:
		p := start - 2
		if b[p] == ' ' {
			p--
		}
		p--
		if p >= lo && isUpper(b[p]) && isUpper(b[p+1]) {
			sc.ninoAt(lo, hi, p, kc, false)
		}
		return
	}
	if nd >= 12 && nd <= 19 && seps&^3 == 0 && !plus {
		grouped := len(g) > 1
		okGroups := len(g) == 1 || sameGroups(g, 4, 6, 5) || sameGroups(g, 4, 6, 4)
		if !okGroups {
			okGroups = true
			for k, n := range g {
				if n != 4 && !(k == len(g)-1 && n >= 1 && n <= 4) {
					okGroups = false
				}
			}
		}
		if nd < 13 && kc != kCard && !sc.near(lo, start, "card", "maestro", "debit") {
			// 12 digits (Maestro) only with card context.
			okGroups = false
		}
		if okGroups && cardBrand(d) != "" && luhn(d) {
			ctx := kc == kCard || sc.near(lo, start, cardWords...)
			switch {
			case testCards[d]:
				sc.emit("payment-card", TypeCard, low, start, end, "test card number")
			case ctx || grouped:
				sc.emit("payment-card", TypeCard, high, start, end, "")
			default:
				// A bare Luhn-valid number without context: often an id.
				sc.emit("payment-card", TypeCard, low, start, end, "no card context")
			}
			return
		}
	}
	if nd >= 7 && nd <= 15 {
		phoneCtx := kc == kPhone || sc.near(lo, start, phoneWords...)
		paren := seps&16 != 0 && b[start] == '('
		if !phoneCtx && !plus && !paren {
			return
		}
		if !phoneCtx && sc.near(lo, start, idWords...) {
			return
		}
		if len(g) == 1 && !plus && !phoneCtx {
			return
		}
		if sc.validPhone(string(b[start:end]), d, plus, kc == kPhone) {
			conf := medium
			if phoneCtx {
				conf = high
			}
			sc.emit("phone", TypePhone, conf, start, end, "")
		}
		return
	}
	// A house number followed by a street.
	if nd <= 5 && len(g) == 1 && !plus && end+2 < hi && b[end] == ' ' && isUpper(b[end+1]) {
		sc.addressAt(lo, hi, start, end)
	}
}

// writtenDateStart finds the start of a date written with a month name
// that ends just before the year at start, or -1.
func (sc *scan) writtenDateStart(lo, start int) int {
	from := max(lo, start-20)
	seg := strings.ToLower(string(sc.body[from:start]))
	best := -1
	for _, m := range months {
		if k := strings.LastIndex(seg, m); k >= 0 && (k == 0 || !isAlpha(seg[k-1])) && k > best {
			best = k
		}
	}
	if best < 0 {
		return -1
	}
	ds := from + best
	// A day before the month: "12 March 1985".
	if ds-3 >= lo && sc.body[ds-1] == ' ' && isDigit(sc.body[ds-2]) {
		ds -= 2
		if ds-1 >= lo && isDigit(sc.body[ds-1]) {
			ds--
		}
	}
	return ds
}

// validPhone validates with the phone-number library. To keep dense
// bodies fast, a JSON column whose first numbers all validated is trusted
// with a cheap shape check, and a scan stops calling the library after
// Options.PhoneValidations numbers.
func (sc *scan) validPhone(raw, d string, plus, keyed bool) bool {
	var col *column
	if keyed && !sc.textMode {
		if sc.cols == nil {
			sc.cols = map[uint64]*column{}
		}
		p := sc.columnHash()
		col = sc.cols[p]
		if col == nil {
			col = &column{}
			sc.cols[p] = col
		}
		if col.ok >= 8 && col.bad == 0 {
			return cheapPhone(d, plus)
		}
	}
	if sc.phoneFull >= sc.s.opts.PhoneValidations {
		return cheapPhone(d, plus)
	}
	sc.phoneFull++
	ok := sc.fullPhone(raw, d, plus)
	if col != nil {
		if ok {
			col.ok++
		} else {
			col.bad++
		}
	}
	return ok
}

func cheapPhone(d string, plus bool) bool {
	if plus {
		return len(d) >= 8 && len(d) <= 15 && d[0] != '0'
	}
	switch {
	case len(d) == 10 && d[0] >= '2' && d[3] >= '2':
		return true
	case len(d) == 11 && d[0] == '1' && d[1] >= '2':
		return true
	case (len(d) == 10 || len(d) == 11) && d[0] == '0' && d[1] != '0':
		return true
	}
	return false
}

func (sc *scan) fullPhone(raw, d string, plus bool) bool {
	if plus {
		n, err := phonenumbers.Parse(raw, "")
		return err == nil && phonenumbers.IsValidNumber(n)
	}
	for _, region := range sc.s.opts.Regions {
		nanp := region == "US" || region == "CA"
		if nanp != (d[0] != '0') {
			continue
		}
		n, err := phonenumbers.Parse(raw, region)
		if err == nil && phonenumbers.IsValidNumber(n) {
			return true
		}
		if nanp {
			return false // one try covers the whole North American plan
		}
	}
	return false
}

// ibanAt tries an IBAN whose country code starts at p.
func (sc *scan) ibanAt(lo, hi, p int, kc keyClass) int {
	b := sc.body
	if p+4 > hi {
		return 0
	}
	want, ok := ibanLengths[string(b[p:p+2])]
	if !ok {
		return 0
	}
	var buf [34]byte
	n := 0
	j := p
	for j < hi && n < want {
		c := b[j]
		switch {
		case isDigit(c) || isUpper(c):
			buf[n] = c
			n++
			j++
		case c == ' ' && n%4 == 0 && j+1 < hi && (isDigit(b[j+1]) || isUpper(b[j+1])):
			j++
		default:
			return 0
		}
	}
	if n != want || (j < hi && isAlnum(b[j])) || !validIBAN(string(buf[:n])) {
		return 0
	}
	conf := medium
	if kc == kIBAN || sc.near(lo, p, ibanWords...) {
		conf = high
	}
	sc.emit("iban", TypeIBAN, conf, p, j, "")
	return j
}

// ninoAt tries a UK national insurance number at p, which needs context.
func (sc *scan) ninoAt(lo, hi, p int, kc keyClass, compact bool) int {
	if kc != kNINO && !sc.near(lo, p, ninoWords...) {
		return 0
	}
	b := sc.body
	j := p
	var buf [9]byte
	n := 0
	for j < hi && n < 9 {
		c := b[j]
		switch {
		case isAlnum(c):
			buf[n] = c
			n++
		case c == ' ' && !compact:
		default:
			return 0
		}
		j++
	}
	if n != 9 || (j < hi && isAlnum(b[j])) || !validNINO(string(buf[:])) {
		return 0
	}
	sc.emit("uk-nino", TypeNINO, high, p, j, "")
	return j
}

// addressAt tries "12 Main Street[, Springfield[, IL 62704]]" at start.
func (sc *scan) addressAt(lo, hi, start, numEnd int) {
	b := sc.body
	j := numEnd + 1
	words := 0
	suffixEnd := 0
	for words < 5 && j < hi && isUpper(b[j]) {
		k := j
		for k < hi && (isAlpha(b[k]) || b[k] == '\'') {
			k++
		}
		w := strings.ToLower(string(b[j:k]))
		if k < hi && b[k] == '.' {
			k++
		}
		words++
		if streetSuffixes[w] && words > 1 {
			suffixEnd = k
			break
		}
		if k >= hi || b[k] != ' ' {
			break
		}
		j = k + 1
	}
	if suffixEnd == 0 {
		return
	}
	end := suffixEnd
	conf := medium
	// ", City, ST 12345" or ", City ST 12345"
	k := end
	if k+2 < hi && b[k] == ',' && b[k+1] == ' ' && isUpper(b[k+2]) {
		m := k + 2
		for m < hi && (isAlpha(b[m]) || b[m] == ' ') && m-k < 40 {
			m++
		}
		if m+1 < hi && b[m] == ',' {
			m++
		}
		for m < hi && b[m] == ' ' {
			m++
		}
		z := m
		for z < hi && isUpper(b[z]) && z-m < 2 {
			z++
		}
		if z-m == 2 && z < hi && b[z] == ' ' {
			z++
		}
		zs := z
		for z < hi && isDigit(b[z]) {
			z++
		}
		if z-zs == 5 {
			end, conf = z, high
		}
	}
	if sc.near(lo, start, addrWords...) {
		conf = high
	}
	sc.emit("postal-address", TypeAddress, conf, start, end, "")
}
