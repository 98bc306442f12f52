// Package sensitive is the seam between the exposure checks and content
// detection: it says whether a body (or a decoded cookie, a JWT's claims, a
// URL) carries personal data, secrets or stack artefacts. The checks only
// see the Detector interface; Default is a small built-in rule set that the
// full detectors of internal/detect replace when plugged in.
package sensitive

import (
	"encoding/json"

	"github.com/leakhound/leakhound/internal/finding"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Kind groups what a match is.
type Kind int

// Kinds of matches.
const (
	PII Kind = iota
	Secret
	Artefact
)

func (k Kind) String() string {
	switch k {
	case PII:
		return "pii"
	case Secret:
		return "secret"
	default:
		return "artefact"
	}
}

// Match is one thing found. Value is the raw text; callers mask it with
// finding.NewValue before it goes anywhere.
type Match struct {
	Kind Kind
	// Type is the precise type, named as internal/detect names it: email,
	// ssn, card, phone, date_of_birth, postal_address, person_name, role,
	// aws_access_key_id, secret_key, password_hash, private_key,
	// python_traceback, botocore_error, dynamodb_error, dynamodb_arn,
	// server_path, sql_error, template_error, werkzeug_debugger.
	Type string
	// Path is the JSON path of the value when the body is JSON.
	Path  string
	Value string
}

// Detector finds matches in a body. Implementations are pure and safe for
// concurrent use.
type Detector interface {
	Detect(body []byte, contentType string) []Match
}

// Default is the detector the exposure checks use: the project's rule set
// (internal/detect) first, then the built-in rules for what only these
// checks need (roles kept client-side, KEY=value secrets in config files,
// DynamoDB error codes, template errors).
var Default Detector = Union{Project{Min: finding.ConfidenceMedium}, Builtin{}}

// Weak reports types that are not sensitive on their own: a role, a name.
func Weak(typ string) bool {
	switch typ {
	case "role", "person_name", "name", "ip_address", "geolocation":
		return true
	}
	return false
}

// Filter returns the matches of kind k.
func Filter(ms []Match, k Kind) []Match {
	var out []Match
	for _, m := range ms {
		if m.Kind == k {
			out = append(out, m)
		}
	}
	return out
}

// Types lists the distinct types of ms, sorted.
func Types(ms []Match) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		if !seen[m.Type] {
			seen[m.Type] = true
			out = append(out, m.Type)
		}
	}
	sort.Strings(out)
	return out
}

// Builtin is a compact rule set: validated PII (Luhn, SSN rules), common
// cloud and framework secrets, and Python/Flask/boto3 stack artefacts.
type Builtin struct{}

// maxScan bounds the text scanned per body.
const maxScan = 512 << 10

// Detect walks JSON bodies with key context and scans anything else as text.
func (Builtin) Detect(body []byte, contentType string) []Match {
	if len(body) > maxScan {
		body = body[:maxScan]
	}
	var out []Match
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		var v any
		if err := json.Unmarshal(body, &v); err == nil {
			walk(v, "$", "", 0, &out)
			out = append(out, textMatches(string(body), true)...)
			return dedupe(out)
		}
	}
	out = append(out, textMatches(string(body), false)...)
	return dedupe(out)
}

// DetectValues runs Default over an already decoded JSON document (a
// cookie payload, JWT claims).
func DetectValues(v any) []Match {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return Default.Detect(b, "application/json")
}

func dedupe(ms []Match) []Match {
	seen := map[string]bool{}
	out := ms[:0]
	for _, m := range ms {
		k := m.Value
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	return out
}

var (
	reSSN       = regexp.MustCompile(`\b(\d{3})-(\d{2})-(\d{4})\b`)
	reCard      = regexp.MustCompile(`\b(?:\d[ -]?){12,18}\d\b`)
	rePhone     = regexp.MustCompile(`\+\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]?\d{3}[ .-]?\d{3,4}\b`)
	reAWSKey    = regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)
	reAWSSecret = regexp.MustCompile(`(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})`)
	reSecretKV  = regexp.MustCompile(`(?i)\b((?:flask_)?secret_?key|jwt_?secret|api_?key|client_?secret|password|passwd|db_?password|database_url|auth_?token)["']?\s*[:=]\s*["']?([^"'\s,}]{4,200})`)
	reAssign    = regexp.MustCompile(`(?m)^\s*(?:export\s+)?([A-Z][A-Z0-9_]*(?:KEY|SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIALS?|PRIVATE)[A-Z0-9_]*)\s*[=:]\s*["']?([^"'\s#]{4,200})`)
	rePrivKey   = regexp.MustCompile(`-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----`)
	reHash      = regexp.MustCompile(`\b(?:pbkdf2:sha(?:256|512):\d+\$[A-Za-z0-9]+\$[0-9a-f]{32,}|scrypt:\d+:\d+:\d+\$[A-Za-z0-9]+\$[0-9a-f]{32,}|\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53})`)

	reTraceback = regexp.MustCompile(`Traceback \(most recent call last\):`)
	reFrame     = regexp.MustCompile(`File "([^"]{1,300})", line \d+`)
	reBotocore  = regexp.MustCompile(`An error occurred \((\w{3,80})\) when calling the (\w{2,80}) operation[^\n"<]{0,300}|botocore\.exceptions\.\w+(?:Error|Exception)`)
	reDynamo    = regexp.MustCompile(`\b(ValidationException|ResourceNotFoundException|ConditionalCheckFailedException|ProvisionedThroughputExceededException|TransactionCanceledException|ItemCollectionSizeLimitExceededException)\b`)
	reARN       = regexp.MustCompile(`arn:aws[a-z-]*:dynamodb:[a-z0-9-]*:\d{12}:table/[A-Za-z0-9_.-]{3,255}`)
	rePath      = regexp.MustCompile(`(?:/(?:home|srv|opt|var|usr|app|root)/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+\.py|[A-Z]:\\[^\s"'<>]{3,200}\.py)`)
	reSQL       = regexp.MustCompile(`(?i)(sqlite3\.OperationalError|psycopg2\.errors\.\w+|You have an error in your SQL syntax|syntax error at or near|ORA-\d{5}|unterminated quoted string)`)
	reTemplate  = regexp.MustCompile(`jinja2\.exceptions\.\w+|TemplateSyntaxError|UndefinedError: '`)
	reDebugger  = regexp.MustCompile(`__debugger__|CONSOLE_MODE\s*=|EVALEX\s*=|The debugger caught an exception in your WSGI application`)
	reStack     = regexp.MustCompile(`(?m)^\s+at [\w$.<>]+\([\w.]+\.(?:java|js|ts):\d+\)|goroutine \d+ \[running\]:`)
)

// textMatches scans text; inJSON suppresses the context-free PII rules the
// JSON walk already covered.
func textMatches(s string, inJSON bool) []Match {
	var out []Match
	add := func(k Kind, typ, v string) { out = append(out, Match{Kind: k, Type: typ, Value: v}) }
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	lower := ""
	hasFold := func(words ...string) bool {
		if lower == "" {
			lower = strings.ToLower(s)
		}
		for _, w := range words {
			if strings.Contains(lower, w) {
				return true
			}
		}
		return false
	}
	if !inJSON {
		for _, m := range findEmails(s, 50) {
			add(PII, "email", m)
		}
		for _, m := range reSSN.FindAllStringSubmatch(s, 50) {
			if validSSN(m[1], m[2], m[3]) {
				add(PII, "ssn", m[0])
			}
		}
		for _, m := range reCard.FindAllString(s, 50) {
			if validCard(m) {
				add(PII, "card", m)
			}
		}
		if has("+") {
			for _, m := range rePhone.FindAllString(s, 50) {
				add(PII, "phone", m)
			}
		}
	}
	if has("AKIA", "ASIA") {
		for _, m := range reAWSKey.FindAllString(s, 20) {
			add(Secret, "aws_access_key_id", m)
		}
	}
	if hasFold("aws") {
		for _, m := range reAWSSecret.FindAllStringSubmatch(s, 20) {
			add(Secret, "aws_secret_access_key", m[1])
		}
	}
	for _, m := range reSecretKV.FindAllStringSubmatch(s, 20) {
		if !placeholder(m[2]) {
			add(Secret, "secret_"+normKey(m[1]), m[2])
		}
	}
	for _, m := range reAssign.FindAllStringSubmatch(s, 50) {
		if !placeholder(m[2]) {
			add(Secret, "secret_"+normKey(m[1]), m[2])
		}
	}
	if has("PRIVATE KEY") {
		for _, m := range rePrivKey.FindAllString(s, 5) {
			add(Secret, "private_key", m)
		}
	}
	if has("pbkdf2:", "scrypt:", "$2") {
		for _, m := range reHash.FindAllString(s, 20) {
			add(Secret, "password_hash", m)
		}
	}
	if has("Traceback") {
		if m := reTraceback.FindString(s); m != "" {
			add(Artefact, "python_traceback", m)
		}
	}
	if has("An error occurred (", "botocore") {
		for _, m := range reBotocore.FindAllString(s, 5) {
			add(Artefact, "botocore_error", strings.TrimSpace(m))
		}
	}
	if has("Exception") {
		for _, m := range reDynamo.FindAllString(s, 5) {
			add(Artefact, "dynamodb_error", m)
		}
	}
	if has("arn:aws") {
		for _, m := range reARN.FindAllString(s, 5) {
			add(Artefact, "dynamodb_arn", m)
		}
	}
	if has(`File "`) {
		for _, m := range reFrame.FindAllStringSubmatch(s, 20) {
			if strings.Contains(m[1], "/") || strings.Contains(m[1], `\`) {
				add(Artefact, "server_path", m[1])
			}
		}
	}
	if has(".py") {
		for _, m := range rePath.FindAllString(s, 20) {
			add(Artefact, "server_path", m)
		}
	}
	if hasFold("sql", "ora-", "syntax error", "unterminated") {
		if m := reSQL.FindString(s); m != "" {
			add(Artefact, "sql_error", m)
		}
	}
	if has("jinja2", "TemplateSyntaxError", "UndefinedError") {
		if m := reTemplate.FindString(s); m != "" {
			add(Artefact, "template_error", m)
		}
	}
	if has("__debugger__", "CONSOLE_MODE", "EVALEX", "The debugger caught") {
		if m := reDebugger.FindString(s); m != "" {
			add(Artefact, "werkzeug_debugger", m)
		}
	}
	if has("goroutine ", " at ") {
		if m := reStack.FindString(s); m != "" {
			add(Artefact, "stack_trace", strings.TrimSpace(m))
		}
	}
	return out
}

var reEmailExact = regexp.MustCompile(`^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$`)

// findEmails expands around each '@' instead of running a regex over the
// whole text, which is slow on long runs of local-part characters.
func findEmails(s string, limit int) []string {
	isLocal := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
	}
	isDomain := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
	}
	var out []string
	for off := 0; off < len(s) && len(out) < limit; {
		i := strings.IndexByte(s[off:], '@')
		if i < 0 {
			break
		}
		at := off + i
		start := at
		for start > 0 && at-start < 64 && isLocal(s[start-1]) {
			start--
		}
		end := at + 1
		for end < len(s) && end-at < 200 && isDomain(s[end]) {
			end++
		}
		cand := strings.TrimRight(s[start:end], ".-")
		if reEmailExact.MatchString(cand) && plausibleEmail(cand) {
			out = append(out, cand)
		}
		off = at + 1
	}
	return out
}

func normKey(k string) string {
	k = strings.ToLower(strings.ReplaceAll(k, "_", ""))
	switch {
	case strings.Contains(k, "jwt"):
		return "jwt"
	case strings.Contains(k, "secretaccesskey"):
		return "aws_secret"
	case strings.Contains(k, "accesskeyid"):
		return "aws_key_id"
	case strings.Contains(k, "passw"):
		return "password"
	case strings.HasSuffix(k, "token"):
		return "token"
	}
	switch k {
	case "secretkey", "flasksecretkey":
		return "key"
	case "jwtsecret":
		return "jwt"
	case "apikey":
		return "api_key"
	case "clientsecret":
		return "client"
	case "password", "passwd", "dbpassword":
		return "password"
	case "databaseurl":
		return "database_url"
	case "secretaccesskey", "awssecretaccesskey":
		return "aws_secret"
	case "accesskeyid", "awsaccesskeyid":
		return "aws_key_id"
	default:
		return "token"
	}
}

// placeholder reports values that are obviously not real secrets.
func placeholder(v string) bool {
	l := strings.ToLower(v)
	switch l {
	case "none", "null", "true", "false", "****", "redacted", "<redacted>", "changeme_in_prod", "xxx", "string", "required":
		return true
	}
	return strings.HasPrefix(l, "${") || strings.HasPrefix(l, "os.environ") || strings.HasPrefix(l, "os.getenv") || strings.Trim(l, "*x•") == ""
}

func plausibleEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return false
	}
	dom := strings.ToLower(s[at+1:])
	if strings.HasSuffix(dom, ".png") || strings.HasSuffix(dom, ".jpg") || strings.HasSuffix(dom, ".js") || strings.HasSuffix(dom, ".css") {
		return false
	}
	return dom != "example.com" && !strings.HasSuffix(dom, ".example") && dom != "example.org"
}

func validSSN(area, group, serial string) bool {
	a, _ := strconv.Atoi(area)
	g, _ := strconv.Atoi(group)
	s, _ := strconv.Atoi(serial)
	if a == 0 || a == 666 || a >= 900 || g == 0 || s == 0 {
		return false
	}
	all := area + group + serial
	return strings.Count(all, all[:1]) != len(all) && all != "123456789" && all != "078051120" && all != "219099999"
}

func validCard(s string) bool {
	var d []int
	for _, r := range s {
		if r >= '0' && r <= '9' {
			d = append(d, int(r-'0'))
		}
	}
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	switch {
	case d[0] == 4, d[0] == 5 && d[1] >= 1 && d[1] <= 5, d[0] == 3 && (d[1] == 4 || d[1] == 7), d[0] == 6, d[0] == 2:
	default:
		return false
	}
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		v := d[i]
		if (len(d)-1-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

var (
	keySSN   = regexp.MustCompile(`(?i)^(ssn|social_?security(_?number)?|tax_?id|itin)$`)
	keyCard  = regexp.MustCompile(`(?i)(card_?(number|no)?|pan|credit_?card|cc_?num)$`)
	keyPhone = regexp.MustCompile(`(?i)(phone|mobile|tel|telephone)(_?number)?$`)
	keyDOB   = regexp.MustCompile(`(?i)^(dob|date_?of_?birth|birth_?date|birthday)$`)
	keyAddr  = regexp.MustCompile(`(?i)^(address|street|home_?address|street_?address)$`)
	keyName  = regexp.MustCompile(`(?i)^(name|full_?name|first_?name|last_?name|surname)$`)
	keyHash  = regexp.MustCompile(`(?i)(password|passwd|pwd)(_?hash)?$`)
	keyRole  = regexp.MustCompile(`(?i)^(role|roles|is_?admin|admin|permissions|scope|groups)$`)
	keySec   = regexp.MustCompile(`(?i)(secret|passw(?:or)?d|api_?key|private_?key|access_?key|credential|auth_?token|access_?token|refresh_?token|id_?token|database_?url|^dsn$)`)
)

func walk(v any, path, key string, depth int, out *[]Match) {
	if depth > 32 {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walk(t[k], path+"."+k, k, depth+1, out)
		}
	case []any:
		for i, c := range t {
			walk(c, path+"["+strconv.Itoa(i)+"]", key, depth+1, out)
		}
	case string:
		valueMatches(t, path, key, out)
	case float64:
		if keyRole.MatchString(key) {
			*out = append(*out, Match{Kind: PII, Type: "role", Path: path, Value: strconv.FormatFloat(t, 'f', -1, 64)})
		}
	case bool:
		if keyRole.MatchString(key) {
			*out = append(*out, Match{Kind: PII, Type: "role", Path: path, Value: strconv.FormatBool(t)})
		}
	}
}

func valueMatches(s, path, key string, out *[]Match) {
	add := func(k Kind, typ string) { *out = append(*out, Match{Kind: k, Type: typ, Path: path, Value: s}) }
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4096 {
		return
	}
	switch {
	case keyHash.MatchString(key) && len(s) >= 20 && (reHash.MatchString(s) || strings.Contains(strings.ToLower(key), "hash")):
		add(Secret, "password_hash")
		return
	case keySec.MatchString(key) && !placeholder(s) && len(s) >= 4:
		add(Secret, "secret_"+normKey(key))
		return
	case keySSN.MatchString(key) && len(reSSNDigits(s)) == 9 && ssnDigitsValid(reSSNDigits(s)):
		add(PII, "ssn")
		return
	case keyCard.MatchString(key) && validCard(s):
		add(PII, "card")
		return
	case keyPhone.MatchString(key) && len(reSSNDigits(s)) >= 7:
		add(PII, "phone")
		return
	case keyDOB.MatchString(key):
		add(PII, "date_of_birth")
		return
	case keyAddr.MatchString(key) && strings.ContainsAny(s, "0123456789") && strings.Contains(s, " "):
		add(PII, "postal_address")
		return
	case keyName.MatchString(key) && strings.Contains(s, " "):
		add(PII, "person_name")
		return
	case keyRole.MatchString(key):
		add(PII, "role")
		return
	}
	if strings.IndexByte(s, '@') >= 0 {
		for _, m := range findEmails(s, 5) {
			*out = append(*out, Match{Kind: PII, Type: "email", Path: path, Value: m})
		}
	}
	if m := reSSN.FindStringSubmatch(s); m != nil && validSSN(m[1], m[2], m[3]) {
		*out = append(*out, Match{Kind: PII, Type: "ssn", Path: path, Value: m[0]})
	}
	if m := reCard.FindString(s); m != "" && validCard(m) {
		*out = append(*out, Match{Kind: PII, Type: "card", Path: path, Value: m})
	}
	if m := reHash.FindString(s); m != "" {
		*out = append(*out, Match{Kind: Secret, Type: "password_hash", Path: path, Value: m})
	}
	if m := reAWSKey.FindString(s); m != "" {
		*out = append(*out, Match{Kind: Secret, Type: "aws_access_key_id", Path: path, Value: m})
	}
}

func reSSNDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Serious reports whether ms holds PII that is sensitive on its own (not a
// mere name or role): identifiers, contact data, financial data, secrets.
func Serious(ms []Match) bool {
	for _, m := range ms {
		if Weak(m.Type) {
			continue
		}
		if m.Kind == PII || m.Kind == Secret {
			return true
		}
	}
	return false
}

// Window returns body[start:end], widened so that no match value is cut in
// half (a half value would escape masking).
func Window(body string, start, end int, values []string) string {
	start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
	if start > end {
		start = end
	}
	for changed := true; changed; {
		changed = false
		for _, v := range values {
			if v == "" {
				continue
			}
			for off := 0; off < len(body); {
				i := strings.Index(body[off:], v)
				if i < 0 {
					break
				}
				i += off
				j := i + len(v)
				if i < start && j > start {
					start, changed = i, true
				}
				if i < end && j > end {
					end, changed = j, true
				}
				off = j
			}
		}
	}
	return strings.ToValidUTF8(body[start:end], "?")
}

// Values returns the raw values of ms.
func Values(ms []Match) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Value)
	}
	return out
}

func ssnDigitsValid(d string) bool {
	return validSSN(d[:3], d[3:5], d[5:])
}
