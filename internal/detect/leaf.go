package detect

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/finding"
)

// Structural masking of evidence excerpts.
//
// The detectors recognise values by their type (an e-mail, an IBAN, a name
// under "name"); a value of no known type under an unknown key ("holder":
// "Carol Okafor", "balance": 18250.11) slips past them. Evidence is
// therefore masked by structure as well: in a JSON excerpt every leaf value
// is masked unless it is known to be harmless, and keys stay readable so
// the reader still sees which fields leaked. The same rule applies to the
// values of header lines and of form or query pairs.

// harmlessKeys hold values that are the vocabulary of the API or of its
// configuration, not data about a person: an enumeration (status, type,
// currency, role), or a diagnostic text (error, message, trace) whose
// personal data and secrets the detectors mask. Keys are compared
// normalised (lower case, letters and digits only).
var harmlessKeys = map[string]bool{
	"status": true, "state": true, "type": true, "kind": true, "currency": true, "role": true, "roles": true,
	"method": true, "version": true, "format": true, "unit": true, "units": true, "scope": true, "scopes": true,
	"lang": true, "language": true, "locale": true, "error": true, "errors": true, "message": true, "msg": true,
	"detail": true, "details": true, "trace": true, "traceback": true, "exception": true, "code": true,
	"errorcode": true, "reason": true, "alg": true, "typ": true, "tokentype": true, "contenttype": true,
	"region": true, "env": true, "environment": true, "level": true, "severity": true, "mode": true,
	"host": true, "hostname": true, "bucket": true, "table": true, "tablename": true, "service": true,
}

// timeKeys hold integers that are instants (JWT iat/exp/nbf, Unix times).
var timeKeys = map[string]bool{"iat": true, "exp": true, "nbf": true, "timestamp": true, "ts": true, "time": true}

// countKeys hold integers that count things.
var countKeys = []string{"count", "total", "size", "page", "limit", "offset", "length", "len", "items", "pages"}

// maskedForm matches the output of the masks (finding.Mask, MaskLeaf) and
// the scan's credential placeholder, so a value masked before is not
// masked twice.
var maskedForm = regexp.MustCompile(`^(?:\S\*\*\*@\S+|\*\*\*\* \*\*\*\* \*\*\*\* \d{4}|\*\*\*-\*\*-\d{4}|\*+\d{2}|[A-Z]{2}\*\* \*\*\*\* \S{4}|.{1,4}…|\*\*\*\*|\S…\([0-9>-]+\)|\[scan credential\]|<[a-z][a-z -]*>)$`)

var (
	smallInt  = regexp.MustCompile(`^-?\d{1,3}$`)
	integer   = regexp.MustCompile(`^-?\d{1,19}$`)
	idValue   = regexp.MustCompile(`^(?:\d{1,19}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z]{1,8}[_-]\d{1,19})$`)
	configKey = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$`)
)

// MaskLeaf masks a value of no known type while keeping a hint of its
// shape: its first character and its length class in runes, "Carol
// Okafor" → "C…(11-20)", 18250.11 → "1…(5-10)". Values of four runes or
// fewer become "****".
func MaskLeaf(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= 4 {
		return "****"
	}
	r, _ := utf8.DecodeRuneInString(v)
	class := ">50"
	switch {
	case n <= 10:
		class = "5-10"
	case n <= 20:
		class = "11-20"
	case n <= 50:
		class = "21-50"
	}
	return string(r) + "…(" + class + ")"
}

// IsMasked reports whether v already is the output of a mask.
func IsMasked(v string) bool { return maskedForm.MatchString(v) }

// MaskValue returns the value v found under key (a JSON key, a header or
// parameter name; "" when unknown) as evidence may show it: kept when it
// is harmless (true, false, null, a small integer, an id under an id key,
// a count, an enumeration or diagnostic under a key of that kind, a path,
// a value masked already), masked by its type when the key or the
// detectors give one, else masked by MaskLeaf. isString says v was a
// quoted string (false for a JSON number or literal).
func MaskValue(key, v string, isString bool) string {
	if v == "" || IsMasked(v) {
		return v
	}
	if !isString && (v == "true" || v == "false" || v == "null" || smallInt.MatchString(v)) {
		return v
	}
	norm := normKey(key)
	if t := KeyType(key); t != "" && SensitiveKey(key) {
		return finding.Mask(string(t), v)
	}
	if masked := MaskSensitive(v); masked != v {
		// A detected value inside: keep what the detectors left, but a
		// value that is mostly text of no known type is masked whole.
		return masked
	}
	switch {
	case isIDKey(norm) && idValue.MatchString(v):
		return v
	case integer.MatchString(v) && (hasAnySuffix(norm, countKeys) || timeKeys[norm]):
		return v
	case harmlessKeys[norm] || configKey.MatchString(key):
		return v
	case isString && strings.HasPrefix(v, "/") && !strings.ContainsAny(v, " \t\n"):
		// A link or a path: personal data in it is masked with the
		// locations of the finding.
		return v
	}
	return MaskLeaf(v)
}

func normKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func isIDKey(k string) bool {
	return k == "id" || k == "sub" || strings.HasSuffix(k, "id") || strings.HasSuffix(k, "uuid") || strings.HasSuffix(k, "guid") || strings.HasSuffix(k, "ids")
}

func hasAnySuffix(k string, sufs []string) bool {
	for _, s := range sufs {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// MaskExcerpt masks an evidence excerpt by structure (see MaskValue): the
// leaf values of every JSON text in it (an object or array starting a
// line or following a space, even cut short), the values of header lines
// ("Name: value") and of form or query pairs (a=1&b=2). Keys, names and
// the rest of the text stay as they are. Apply it after the detectors
// (MaskSensitive), which keep the type of the values they recognise.
func MaskExcerpt(s string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	if strings.HasPrefix(s, "…") && len(lines) > 0 {
		// An excerpt cut inside a string value: its visible end is a leaf.
		lines[0] = maskCutValue(lines[0])
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		j, open := jsonStart(line), []jsonFrame(nil)
		if j < 0 && !headerLine.MatchString(line) {
			// A member of a JSON text whose opening was cut off
			// ("email": "…", or ,"holder":"…" in a compact one).
			if loc := memberKey.FindStringIndex(line); loc != nil {
				j, open = loc[0], []jsonFrame{{object: true, expectKey: true}}
			}
		}
		if j >= 0 {
			// The JSON text may span the following lines.
			rest := strings.Join(lines[i:], "")
			b.WriteString(rest[:j])
			out, used := maskJSON(rest[j:], open)
			b.WriteString(out)
			// Continue after the JSON text, line by line.
			consumed := j + used
			tail := rest[consumed:]
			if tail == "" {
				return b.String()
			}
			lines = append([]string{}, strings.SplitAfter(tail, "\n")...)
			i = -1
			continue
		}
		b.WriteString(maskLine(line))
	}
	return b.String()
}

// memberKey finds an object member's key: "name": or "name" :.
var memberKey = regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"[ \t]*:`)

// cutValue is the start of an excerpt cut inside a string value: the rest
// of the value, its closing quote, then what follows a value.
var cutValue = regexp.MustCompile(`^…([^"\n]+)("[ \t]*[,}\]\n])`)

// maskCutValue masks the visible end of a string value at the start of an
// excerpt cut inside it (…kafor", "email": …).
func maskCutValue(line string) string {
	m := cutValue.FindStringSubmatchIndex(line)
	if m == nil {
		return line
	}
	v := line[m[2]:m[3]]
	if IsMasked(v) {
		return line
	}
	return "…" + MaskLeaf(v) + line[m[4]:]
}

// jsonStart returns where a JSON object or array starts in line: at its
// start or after a space, followed by a quote, a bracket, a value or the
// end of the line; -1 when none.
func jsonStart(line string) int {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != '{' && c != '[' {
			continue
		}
		if i > 0 && line[i-1] != ' ' && line[i-1] != '\t' {
			continue
		}
		k := i + 1
		for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
			k++
		}
		if k == len(line) || strings.IndexByte("\"{}[]\n\r-0123456789tfn", line[k]) >= 0 {
			return i
		}
	}
	return -1
}

// headerLine matches a header as HTTP writes it, its name capitalised
// (Set-Cookie, X-User): "undocumented: $.email" or "ref: refs/heads/main"
// are text, not headers.
var headerLine = regexp.MustCompile(`^([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*): (.*?)(\r?\n?)$`)

// readableHeaders are response and request headers whose values describe
// the exchange, not a person; Set-Cookie keeps its name and attributes.
var readableHeaders = map[string]bool{
	"server": true, "x-powered-by": true, "content-type": true, "content-length": true, "cache-control": true,
	"pragma": true, "expires": true, "vary": true, "origin": true, "access-control-allow-origin": true,
	"access-control-allow-credentials": true, "access-control-allow-methods": true, "access-control-allow-headers": true,
	"access-control-expose-headers": true, "access-control-max-age": true, "strict-transport-security": true,
	"content-security-policy": true, "x-frame-options": true, "x-content-type-options": true, "referrer-policy": true,
	"permissions-policy": true, "x-xss-protection": true, "location": true, "www-authenticate": true, "allow": true,
	"retry-after": true, "x-aspnet-version": true, "x-aspnetmvc-version": true, "via": true, "x-runtime": true,
	"x-debug-token": true, "x-debug-token-link": true, "cross-origin-opener-policy": true,
	"cross-origin-resource-policy": true, "cross-origin-embedder-policy": true, "accept": true, "date": true,
	"age": true, "etag": true, "last-modified": true, "connection": true, "transfer-encoding": true,
}

var formLine = regexp.MustCompile(`^[A-Za-z0-9_.\[\]-]+=[^&\s]*(?:&[A-Za-z0-9_.\[\]-]+=[^&\s]*)+\r?\n?$`)

// maskLine masks the value of a header line or the values of a form line.
func maskLine(line string) string {
	if m := headerLine.FindStringSubmatch(line); m != nil {
		name, v := strings.ToLower(m[1]), m[2]
		switch {
		case readableHeaders[name]:
			return line
		case name == "set-cookie" || name == "cookie":
			return m[1] + ": " + maskCookie(v) + m[3]
		case name == "authorization" || name == "proxy-authorization":
			// The scheme stays readable: Bearer a…(21-50).
			if scheme, cred, ok := strings.Cut(v, " "); ok {
				return m[1] + ": " + scheme + " " + MaskValue(m[1], cred, true) + m[3]
			}
		}
		return m[1] + ": " + MaskValue(m[1], v, true) + m[3]
	}
	if formLine.MatchString(line) {
		end := strings.TrimRight(line, "\r\n")
		pairs := strings.Split(end, "&")
		for i, p := range pairs {
			k, v, _ := strings.Cut(p, "=")
			pairs[i] = k + "=" + MaskValue(k, v, true)
		}
		return strings.Join(pairs, "&") + line[len(end):]
	}
	return line
}

// maskCookie masks the values of a Cookie or Set-Cookie header; cookie
// names and attributes (Path, Secure, HttpOnly, SameSite…) stay.
func maskCookie(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "path", "domain", "expires", "max-age", "samesite":
			continue
		}
		if val != "" && !IsMasked(val) {
			val = MaskLeaf(val)
		}
		parts[i] = k + "=" + val
	}
	return strings.Join(parts, ";")
}

// maskJSON masks the leaf values of the JSON text at the start of s, which
// may be cut short at either end: open are the containers already open
// when s starts inside one. It returns the masked text and how many bytes of s the
// JSON text used (up to the end of its outermost value, or all of s).
func maskJSON(s string, open []jsonFrame) (string, int) {
	stack := open
	var b strings.Builder
	i := 0
	parentKey := func() string {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].key != "" {
				return stack[k].key
			}
		}
		return ""
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '{' || c == '[':
			key := ""
			if len(stack) > 0 {
				key = parentKey()
			}
			stack = append(stack, jsonFrame{object: c == '{', key: key, expectKey: c == '{'})
			b.WriteByte(c)
			i++
		case c == '}' || c == ']':
			b.WriteByte(c)
			i++
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if len(stack) == 0 {
				return b.String(), i
			}
		case c == ',':
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].expectKey = true
			}
			b.WriteByte(c)
			i++
		case c == ':':
			if len(stack) > 0 {
				stack[len(stack)-1].expectKey = false
			}
			b.WriteByte(c)
			i++
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			closed := j < len(s)
			end := min(j+1, len(s))
			tok := s[i:end]
			raw := s[i+1 : min(j, len(s))]
			i = end
			if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey {
				stack[len(stack)-1].key = unescape(raw)
				b.WriteString(tok)
				continue
			}
			m := MaskValue(leafKey(stack, parentKey), unescape(raw), true)
			if m == unescape(raw) {
				b.WriteString(tok)
				continue
			}
			b.WriteString(quote(m))
			if !closed {
				return b.String(), i
			}
		case c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z':
			j := i
			for j < len(s) && (s[j] == '-' || s[j] == '+' || s[j] == '.' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			tok := s[i:j]
			i = j
			if m := MaskValue(leafKey(stack, parentKey), tok, false); m != tok {
				b.WriteString(quote(m))
			} else {
				b.WriteString(tok)
			}
		default:
			b.WriteByte(c)
			i++
		}
		if len(stack) == 0 {
			return b.String(), i
		}
	}
	return b.String(), i
}

// jsonFrame is an open object or array of maskJSON: key is the member
// being read (an object) or the member holding the array.
type jsonFrame struct {
	object    bool
	key       string
	expectKey bool
}

// leafKey is the key a leaf is read under: its own key in an object, the
// key of the nearest enclosing member in an array.
func leafKey(stack []jsonFrame, parent func() string) string {
	if len(stack) > 0 && stack[len(stack)-1].object {
		return stack[len(stack)-1].key
	}
	return parent()
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&15])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
