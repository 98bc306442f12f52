package detect

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// literalRule is a rule anchored on keywords: the prefilter finds the
// keywords, extract validates the text around each hit.
type literalRule struct {
	id       string
	keywords []string
	// extract looks at the hit at `at` inside [lo, hi) and emits matches.
	extract func(sc *scan, lo, hi, at int, kc keyClass)
}

// re compiles an anchored pattern once.
func re(p string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + p + `)`) }

// window returns the bytes from at, at most n long and within hi.
func (sc *scan) window(at, hi, n int) []byte { return sc.body[at:min(hi, at+n)] }

func (sc *scan) boundaryBefore(lo, at int) bool {
	if at <= lo {
		return true
	}
	p := sc.body[at-1]
	if p == 'n' && at-2 >= lo && sc.body[at-2] == '\\' {
		return true
	}
	return !isAlnum(p) && p != '_' && p != '-' && p != '+' && p != '/'
}

func (sc *scan) boundaryAfter(hi, end int) bool {
	return end >= hi || !isAlnum(sc.body[end]) && sc.body[end] != '_'
}

// regexRule emits typ for the anchored pattern at each hit.
func regexRule(id string, typ Type, conf finding.Confidence, pattern string, maxLen int, needBoundary bool, keywords ...string) literalRule {
	rx := re(pattern)
	return literalRule{id: id, keywords: keywords, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
		if needBoundary && !sc.boundaryBefore(lo, at) {
			return
		}
		loc := rx.FindIndex(sc.window(at, hi, maxLen))
		if loc == nil || needBoundary && !sc.boundaryAfter(hi, at+loc[1]) {
			return
		}
		sc.emit(id, typ, conf, at, at+loc[1], "")
	}}
}

var (
	hashPatterns = []*regexp.Regexp{
		re(`pbkdf2:sha(?:1|256|512):\d+\$[A-Za-z0-9./+]{1,64}\$[0-9a-f]{32,128}`),
		re(`scrypt:\d+:\d+:\d+\$[A-Za-z0-9./+]{1,64}\$[0-9a-f]{32,256}`),
		re(`\$2[abyx]?\$\d\d\$[./A-Za-z0-9]{53}`),
		re(`\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}`),
		re(`(?:pbkdf2_sha(?:256|1)|bcrypt_sha256|argon2)\$[A-Za-z0-9$.,=+/]{20,}`),
	}
	awsKeyID   = re(`(?:AKIA|ASIA)[A-Z2-7]{16}`)
	awsSecret  = regexp.MustCompile(`(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])`)
	botoMsg    = re(`An error occurred \(\w+\) when calling the \w+ operation[^"\n\\]{0,200}`)
	arnRx      = re(`arn:aws(?:-cn|-us-gov)?:([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:([A-Za-z0-9_./:+=,@-]{1,512})`)
	tbFileRx   = regexp.MustCompile(`File \\?"([^"\\]{1,300})\\?", line \d+`)
	debugSecRx = regexp.MustCompile(`SECRET\s*=\s*\\?"([A-Za-z0-9]{16,64})\\?"`)
	jwtRx      = re(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
)

// hashFormat reports whether s is a password hash in a known format.
func hashFormat(s string) bool {
	for _, rx := range hashPatterns {
		if loc := rx.FindStringIndex(s); loc != nil && loc[1] == len(s) {
			return true
		}
	}
	return false
}

var codeExt = map[string]bool{
	"py": true, "pyc": true, "js": true, "mjs": true, "cjs": true, "ts": true, "rb": true, "php": true,
	"java": true, "go": true, "cfg": true, "ini": true, "conf": true, "env": true, "log": true, "sh": true,
	"yaml": true, "yml": true, "json": true, "txt": true, "db": true, "sqlite": true, "pem": true, "key": true,
	"so": true, "jar": true, "class": true, "jinja": true, "j2": true, "toml": true,
}

// webExt are extensions a web app also serves under /app/… URLs.
var webExt = map[string]bool{"js": true, "mjs": true, "cjs": true, "json": true, "txt": true, "ts": true}

func pathChar(c byte) bool {
	return isAlnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '\\' || c == ':' || c == '@' || c == '+'
}

func literalRules() []literalRule {
	return []literalRule{
		{id: "aws-access-key", keywords: []string{"AKIA", "ASIA"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			if !sc.boundaryBefore(lo, at) {
				return
			}
			loc := awsKeyID.FindIndex(sc.window(at, hi, 20))
			if loc == nil || !sc.boundaryAfter(hi, at+20) {
				return
			}
			v := string(sc.body[at : at+20])
			if strings.Contains(v, "EXAMPLE") {
				sc.emit("aws-access-key", TypeAWSKeyID, low, at, at+20, "AWS documentation example")
			} else {
				sc.emit("aws-access-key", TypeAWSKeyID, high, at, at+20, "")
			}
			// The secret key is usually written next to it.
			w := sc.window(at+20, hi, 300)
			if m := awsSecret.FindSubmatchIndex(w); m != nil {
				s, e := at+20+m[2], at+20+m[3]
				sv := string(sc.body[s:e])
				if looksLikeSecret(sv, 40) && entropy(sv) >= 4 {
					conf, note := high, ""
					if strings.Contains(sv, "EXAMPLEKEY") {
						conf, note = low, "AWS documentation example"
					}
					sc.emit("aws-secret-key", TypeAWSSecret, conf, s, e, note)
				}
			}
		}},
		{id: "aws-secret-key", keywords: []string{"secret_access_key", "secretaccesskey"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			// aws_secret_access_key = wJalr…, in text and config dumps.
			w := sc.window(at, hi, 80)
			if m := awsSecret.FindSubmatchIndex(w); m != nil {
				s, e := at+m[2], at+m[3]
				sv := string(sc.body[s:e])
				if looksLikeSecret(sv, 40) && entropy(sv) >= 4 {
					conf, note := high, ""
					if strings.Contains(sv, "EXAMPLEKEY") {
						conf, note = low, "AWS documentation example"
					}
					sc.emit("aws-secret-key", TypeAWSSecret, conf, s, e, note)
				}
			}
		}},
		regexRule("github-token", TypeGitHub, high, `gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}`, 100, true,
			"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
		{id: "stripe-key", keywords: []string{"sk_live_", "rk_live_", "sk_test_", "rk_test_"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			rx := stripeRx
			if !sc.boundaryBefore(lo, at) {
				return
			}
			loc := rx.FindIndex(sc.window(at, hi, 140))
			if loc == nil || !sc.boundaryAfter(hi, at+loc[1]) {
				return
			}
			if sc.body[at+3] == 't' {
				sc.emit("stripe-key", TypeStripe, low, at, at+loc[1], "test-mode key")
				return
			}
			sc.emit("stripe-key", TypeStripe, high, at, at+loc[1], "")
		}},
		regexRule("slack-token", TypeSlack, high, `xox[baprse]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,}`, 200, true,
			"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"),
		regexRule("slack-webhook", TypeSlack, high, `hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}`, 200, false,
			"hooks.slack.com/services/"),
		regexRule("google-api-key", TypeGoogleKey, high, `AIza[0-9A-Za-z_-]{35}`, 39, true, "AIza"),
		{id: "private-key", keywords: []string{"private key-----"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			b := sc.body
			begin := lastIndex(b[max(lo, at-30):at], "-----BEGIN ")
			if begin < 0 {
				return
			}
			start := max(lo, at-30) + begin
			hdrEnd := at + len("private key-----")
			endRel := indexOf(b[hdrEnd:min(hi, hdrEnd+16384)], "-----END ")
			var end int
			if endRel >= 0 {
				end = hdrEnd + endRel
				if k := indexOf(b[end:min(hi, end+64)], "KEY-----"); k >= 0 {
					end += k + len("KEY-----")
				}
			} else {
				end = min(hi, hdrEnd+80)
			}
			// A header alone (documentation) is not a key: want base64 after it.
			body := b[hdrEnd:min(end, hdrEnd+120)]
			n := 0
			for _, c := range body {
				if isAlnum(c) || c == '+' || c == '/' {
					n++
				}
			}
			if n < 40 {
				return
			}
			sc.emit("private-key", TypePrivateKey, high, start, end, "")
		}},
		{id: "jwt", keywords: []string{"eyJ"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			if sc.body[at+1] != 'y' || sc.body[at+2] != 'J' || !sc.boundaryBefore(lo, at) {
				return
			}
			loc := jwtRx.FindIndex(sc.window(at, hi, 16384))
			if loc == nil || !sc.boundaryAfter(hi, at+loc[1]) {
				return
			}
			tok := string(sc.body[at : at+loc[1]])
			parts := strings.Split(tok, ".")
			var hdr map[string]any
			if !decodeSegment(parts[0], &hdr) || hdr["alg"] == nil {
				return
			}
			var claims map[string]any
			if !decodeSegment(parts[1], &claims) {
				return
			}
			note := ""
			if alg, _ := hdr["alg"].(string); strings.EqualFold(alg, "none") {
				note = "alg none"
			}
			sc.emit("jwt", TypeJWT, high, at, at+loc[1], note)
		}},
		{id: "password-hash", keywords: []string{"pbkdf2:", "scrypt:", "$2a$", "$2b$", "$2y$", "$argon2", "pbkdf2_sha", "bcrypt_sha256$", "argon2$"},
			extract: func(sc *scan, lo, hi, at int, kc keyClass) {
				w := sc.window(at, hi, 512)
				for _, rx := range hashPatterns {
					if loc := rx.FindIndex(w); loc != nil && sc.boundaryAfter(hi, at+loc[1]) {
						sc.emit("password-hash", TypePasswordHash, high, at, at+loc[1], "")
						return
					}
				}
			}},
		{id: "bearer-token", keywords: []string{"bearer "}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			s := at + len("bearer ")
			e := s
			for e < hi && e-s < 4096 && (isAlnum(sc.body[e]) || strings.IndexByte("._~+/=-", sc.body[e]) >= 0) {
				e++
			}
			if e-s >= 20 && looksLikeSecret(string(sc.body[s:e]), 20) && !strings.HasPrefix(string(sc.body[s:e]), "eyJ") {
				sc.emit("bearer-token", TypeAPIKey, medium, s, e, "")
			}
		}},
		{id: "python-traceback", keywords: []string{"traceback (most recent call last)"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			sc.emit("python-traceback", TypeTraceback, high, at, at+len("traceback (most recent call last)"), "")
			w := sc.window(at, hi, 16384)
			for i, m := range tbFileRx.FindAllSubmatchIndex(w, 20) {
				if i >= 20 {
					break
				}
				sc.emit("server-path", TypeServerPath, medium, at+m[2], at+m[3], "")
				sc.sourceLiterals(at+m[1], min(hi, at+len(w)))
			}
		}},
		{id: "werkzeug-debugger", keywords: []string{"__debugger__", "werkzeug debugger", "the debugger caught an exception", "evalex"},
			extract: func(sc *scan, lo, hi, at int, kc keyClass) {
				if sc.body[at]|0x20 == 'e' {
					w := sc.window(at, hi, 400)
					if m := debugSecRx.FindSubmatchIndex(w); m != nil {
						sc.emit("werkzeug-debugger-secret", TypeDebugSecret, high, at+m[2], at+m[3], "")
					}
					return
				}
				sc.emit("werkzeug-debugger", TypeDebugger, high, at, at+12, "")
			}},
		regexRule("flask-error", TypeFlaskError, high, `(?i:jinja2\.exceptions\.\w+|werkzeug\.exceptions\.\w+|site-packages/flask/\w+\.py|flask/app\.py|werkzeug/serving\.py|jinja2/environment\.py)`, 120, false,
			"jinja2.exceptions.", "werkzeug.exceptions.", "site-packages/flask/", "flask/app.py", "werkzeug/serving.py", "jinja2/environment.py"),
		{id: "botocore-error", keywords: []string{"botocore.exceptions.", "an error occurred (", "requested resource not found", "cannot do operations on a non-existent table"},
			extract: func(sc *scan, lo, hi, at int, kc keyClass) {
				w := sc.window(at, hi, 300)
				if loc := botoMsg.FindIndex(w); loc != nil {
					sc.emit("botocore-error", TypeBotocoreError, high, at, at+loc[1], "")
					return
				}
				if w[0]|0x20 == 'b' || w[0]|0x20 == 'r' || w[0]|0x20 == 'c' {
					e := at
					for e < hi && e-at < 120 && (isAlnum(sc.body[e]) || strings.IndexByte("._ :-", sc.body[e]) >= 0) {
						e++
					}
					sc.emit("botocore-error", TypeBotocoreError, medium, at, e, "")
				}
			}},
		{id: "aws-arn", keywords: []string{"arn:aws"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			w := sc.window(at, hi, 600)
			m := arnRx.FindSubmatchIndex(w)
			if m == nil {
				return
			}
			service := string(w[m[2]:m[3]])
			if m[6] >= 0 {
				sc.emit("aws-account-id", TypeAWSAccount, high, at+m[6], at+m[7], "")
			}
			if service == "dynamodb" {
				sc.emit("dynamodb-arn", TypeDynamoARN, high, at, at+m[1], "")
				res := string(w[m[8]:m[9]])
				if name, ok := strings.CutPrefix(res, "table/"); ok {
					if k := strings.IndexByte(name, '/'); k >= 0 {
						name = name[:k]
					}
					s := at + m[8] + len("table/")
					sc.emit("dynamodb-table", TypeDynamoTable, high, s, s+len(name), "")
				}
			}
		}},
		regexRule("sql-error", TypeSQLError, high, `(?i:you have an error in your sql syntax|sqlstate\[\w+\]|syntax error at or near|unclosed quotation mark after the character string|psycopg2\.(?:errors|\w*Error)\w*|sqlite3\.OperationalError|ORA-\d{5}|PG::\w+Error|org\.postgresql\.util\.PSQLException|quoted string not properly terminated|pymysql\.err\.\w+)`, 80, false,
			"you have an error in your sql syntax", "sqlstate[", "syntax error at or near", "unclosed quotation mark after the character string",
			"psycopg2.", "sqlite3.operationalerror", "ora-", "pg::", "org.postgresql.util.psqlexception", "quoted string not properly terminated", "pymysql.err."),
		{id: "java-stack", keywords: []string{".java:", "exception in thread \""}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			b := sc.body
			if b[at] == '.' {
				// (Foo.java:42) preceded by "at " on the line.
				e := at + len(".java:")
				n := e
				for n < hi && isDigit(b[n]) {
					n++
				}
				if n == e || n >= hi || b[n] != ')' {
					return
				}
				ls := max(lo, at-200)
				line := string(b[ls:at])
				if k := strings.LastIndex(line, "at "); k < 0 || strings.ContainsAny(line[k:], "\n") {
					return
				} else {
					sc.emit("java-stack", TypeJavaStack, high, ls+k, n+1, "")
				}
				return
			}
			sc.emit("java-stack", TypeJavaStack, medium, at, min(hi, at+len("exception in thread \"")), "")
		}},
		{id: "node-stack", keywords: []string{".js:", "node:internal"}, extract: func(sc *scan, lo, hi, at int, kc keyClass) {
			b := sc.body
			if b[at] == 'n' {
				sc.emit("node-stack", TypeNodeStack, high, at, at+len("node:internal"), "")
				return
			}
			e := at + 4
			n := e
			for n < hi && isDigit(b[n]) {
				n++
			}
			if n == e || n >= hi || b[n] != ':' {
				return
			}
			n2 := n + 1
			for n2 < hi && isDigit(b[n2]) {
				n2++
			}
			if n2 == n+1 {
				return
			}
			ls := max(lo, at-200)
			line := string(b[ls:at])
			k := strings.LastIndex(line, "at ")
			if k < 0 || strings.ContainsAny(line[k:], "\n") {
				return
			}
			sc.emit("node-stack", TypeNodeStack, high, ls+k, n2, "")
		}},
		regexRule("dynamodb-error", TypeDynamoError, high, `(?:ValidationException|ResourceNotFoundException|ConditionalCheckFailedException|ProvisionedThroughputExceededException|TransactionCanceledException|ItemCollectionSizeLimitExceededException)\b`, 60, true,
			"validationexception", "resourcenotfoundexception", "conditionalcheckfailedexception", "provisionedthroughputexceededexception",
			"transactioncanceledexception", "itemcollectionsizelimitexceededexception"),
		regexRule("template-error", TypeTemplateError, high, `jinja2\.exceptions\.\w+|TemplateSyntaxError\b|UndefinedError: '|TemplateNotFound: `, 80, false,
			"jinja2.exceptions.", "templatesyntaxerror", "undefinederror: '", "templatenotfound: "),
		regexRule("mongodb-error", TypeMongoError, high, `(?:MongoServerError|MongoError|MongoNetworkError|MongoServerSelectionError|MongoBulkWriteError)\b|E11000 duplicate key error|pymongo\.errors\.\w+|Cast to ObjectId failed`, 80, false,
			"mongoservererror", "mongoerror", "mongonetworkerror", "mongoserverselectionerror", "mongobulkwriteerror", "e11000 duplicate key error",
			"pymongo.errors.", "cast to objectid failed"),
		regexRule("go-stack", TypeGoStack, high, `goroutine \d+ \[[a-z ]+\]:|panic: runtime error: [a-z ]+`, 80, false, "goroutine ", "panic: runtime error"),
		{id: "server-path", keywords: []string{"/home/", "/root/", "/var/www/", "/usr/lib/python", "/usr/local/lib/python", "site-packages/", "dist-packages/", "/srv/", "/opt/", "/app/", "/usr/src/", "c:\\users\\", "c:\\\\users\\\\", "c:\\inetpub\\", "node_modules/"},
			extract: func(sc *scan, lo, hi, at int, kc keyClass) {
				b := sc.body
				s := at
				for s > lo && at-s < 200 && pathChar(b[s-1]) {
					s--
				}
				e := at + 1
				for e < hi && e-at < 300 && pathChar(b[e]) {
					e++
				}
				for e > at && (b[e-1] == '.' || b[e-1] == ':' || b[e-1] == '\\') {
					e--
				}
				tok := string(b[s:e])
				if strings.Contains(tok, "://") || strings.HasPrefix(tok, "//") || (s > lo && b[s-1] == '=') {
					return
				}
				// A host before the path (example.org/home/…) makes it a URL.
				if slash := strings.IndexAny(tok, `/\`); slash > 0 && strings.Contains(tok[:slash], ".") {
					return
				}
				if strings.Count(tok, "/")+strings.Count(tok, `\`) < 3 {
					return
				}
				last := tok[strings.LastIndexAny(tok, `/\`)+1:]
				ext := ""
				if k := strings.LastIndexByte(last, '.'); k >= 0 {
					ext = strings.ToLower(last[k+1:])
				}
				lt := strings.ToLower(tok)
				kw := strings.ToLower(string(b[at:min(hi, at+9)]))
				generic := strings.HasPrefix(kw, "/app/") || strings.HasPrefix(kw, "/srv/") || strings.HasPrefix(kw, "/opt/") || strings.HasPrefix(kw, "/usr/src/")
				if generic && (s != at || webExt[ext]) {
					return
				}
				if !codeExt[ext] && !strings.Contains(lt, "site-packages") && !strings.Contains(lt, "dist-packages") && !strings.Contains(lt, "node_modules") {
					return
				}
				sc.emit("server-path", TypeServerPath, medium, s, e, "")
			}},
		{id: "connection-string-password", keywords: connectionSchemes, extract: (*scan).connectionPassword},
	}
}

// connectionSchemes are the schemes of database, cache, broker and
// directory connection strings, the keywords of connectionPassword. Web
// URLs (http, https) are not among them: answers are full of links, and
// their user-info is rare.
var connectionSchemes = []string{
	"postgres://", "postgresql://", "mysql://", "mariadb://", "mssql://", "sqlserver://", "oracle://",
	"mongodb://", "mongodb+srv://", "redis://", "rediss://", "amqp://", "amqps://", "nats://",
	"ldap://", "ldaps://", "ftp://", "sftp://", "smtp://", "smtps://", "couchdb://", "cassandra://",
}

// connectionPassword reports the password of a connection string with
// user-info (RFC 3986 §3.2.1): postgres://app:PASSWORD@db:5432/shop,
// redis://:PASSWORD@cache:6379, mongodb+srv://u:PASSWORD@cluster/. Only the
// password is the match; a masked, templated or placeholder password
// (****, ${DB_PASSWORD}, "password") is not reported at more than low
// confidence.
func (sc *scan) connectionPassword(lo, hi, at int, _ keyClass) {
	b := sc.body
	if !sc.boundaryBefore(lo, at) {
		return // xpostgres://
	}
	sep := indexOf(sc.window(at, hi, 16), "://")
	if sep < 0 {
		return
	}
	// user ":" password "@" host, within one authority (no / ? # or space).
	start := at + sep + 3
	colon, atSign := -1, -1
	for i := start; i < min(hi, start+384); i++ {
		c := b[i]
		if c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c <= ' ' || c == '\\' {
			break
		}
		if c == ':' && colon < 0 {
			colon = i
		}
		if c == '@' {
			atSign = i // the last @ ends the user-info
		}
	}
	if colon < 0 || atSign < 0 || atSign < colon || atSign+1 >= hi || !isAlnum(b[atSign+1]) && b[atSign+1] != '[' {
		return
	}
	ps, pe := colon+1, atSign
	if pe-ps < 3 || !sc.free(ps, pe) {
		return
	}
	pw := string(b[ps:pe])
	conf, note := high, ""
	switch strings.ToLower(pw) {
	case "password", "passwd", "pass", "pwd", "secret", "user", "username", "changeme":
		conf, note = low, "placeholder password"
	}
	if placeholderValue(pw) || strings.HasPrefix(pw, "%7B") || strings.HasPrefix(pw, "$") {
		conf, note = low, "placeholder password"
	}
	sc.emit("connection-string-password", TypePassword, conf, ps, pe, note)
}

// assignedName is the variable a configuration line assigns, up to the
// value's start: DATABASE_URL=, export REDIS_URL=", url: '.
var assignedName = regexp.MustCompile(`^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*[=:][ \t]*["']?`)

var stripeRx = re(`[sr]k_(?:live|test)_[A-Za-z0-9]{20,128}`)

func decodeSegment(seg string, v any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}

func lastIndex(b []byte, s string) int { return strings.LastIndex(string(b), s) }
func indexOf(b []byte, s string) int   { return strings.Index(string(b), s) }

// sourceLiterals masks the string literals of the source line that follows
// a traceback frame line (from just after `File "…", line N, in f`): a
// hard-coded password or query shown by the traceback.
func (sc *scan) sourceLiterals(from, hi int) {
	b := sc.body
	// Skip to the next line (or the escaped \n of a JSON string).
	i := from
	for i < hi && b[i] != '\n' && !(b[i] == '\\' && i+1 < hi && b[i+1] == 'n') {
		i++
	}
	if i >= hi {
		return
	}
	if b[i] == '\\' {
		i++
	}
	i++
	end := i
	for end < hi && b[end] != '\n' && !(b[end] == '\\' && end+1 < hi && b[end+1] == 'n') {
		end++
	}
	for k := i; k < end; k++ {
		q := b[k]
		if q != '\'' && q != '"' {
			continue
		}
		if q == '"' && k > i && b[k-1] == '\\' {
			// An escaped quote in a JSON string: the literal ends at the next one.
			e := k + 1
			for e+1 < end && !(b[e] == '\\' && b[e+1] == '"') {
				e++
			}
			if e+1 < end && e > k+1 {
				sc.emit("source-literal", TypeSourceLiteral, low, k+1, e, "string literal in a source line")
				k = e + 1
			}
			continue
		}
		e := k + 1
		for e < end && b[e] != q {
			e++
		}
		if e < end && e > k+1 {
			sc.emit("source-literal", TypeSourceLiteral, low, k+1, e, "string literal in a source line")
		}
		k = e
	}
}
