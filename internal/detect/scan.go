package detect

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/finding"
)

// maxDepth bounds the JSON frames tracked; deeper values take the context
// of the deepest tracked frame. The walk itself is iterative, so nesting
// never grows the goroutine stack.
const maxDepth = 256

type frame struct {
	arr        bool
	idx        int
	keyS, keyE int
	kc         keyClass
	tag        bool // current key is a DynamoDB type tag (S, N, M…)
	nKeys      int
	firstTag   string
	firstKind  byte
	latS, latE int
	lonS, lonE int
}

type column struct{ ok, bad int }

type scan struct {
	s        *Scanner
	body     []byte
	hits     []hit
	hi       int
	res      *Result
	keys     map[string]keyClass
	stack    []frame
	overflow int

	lastEnd   []int // per literal rule: end of its last match
	phoneFull int
	cols      map[uint64]*column
	hasWeak   bool
	str       string
	cur       []Match // matches, in chunks so growth never copies them
	full      [][]Match
	nfull     int
	domains   map[string]bool
	wireKeys  map[string]bool
	lines     []int
	textMode  bool
	// docPage is set for an API documentation page (see docPage): its
	// personal data are the description's examples.
	docPage bool
	scratch []byte
}

func newScan(s *Scanner, body []byte) *scan {
	sc := &scan{s: s, body: body, res: &Result{}, lastEnd: make([]int, len(s.literals))}
	for i := range sc.lastEnd {
		sc.lastEnd[i] = -1
	}
	return sc
}

// ---- emitting ----

func (sc *scan) emit(rule string, typ Type, conf finding.Confidence, start, end int, note string) {
	sc.emitRaw(rule, typ, conf, start, end, note, "")
}

// emitRaw records a match; raw overrides the bytes of the span as value.
func (sc *scan) emitRaw(rule string, typ Type, conf finding.Confidence, start, end int, note, raw string) {
	if raw == "" {
		raw = sc.valueText(start, end)
	}
	m := Match{Rule: rule, Type: typ, Category: CategoryOf(typ), Confidence: conf, Start: start, End: end, Note: note}
	if sc.textMode {
		m.Record = "line " + strconv.Itoa(sc.lineOf(start))
		if m.Category == Secret {
			m.Key = sc.assignedAt(start)
		}
		if sc.docPage && m.Category == PII && m.Confidence > low {
			// An OpenAPI description inlined in a swagger-ui or Redoc
			// page: its personal data are examples, masked like any value
			// and counted as no data (as under "example" keys in JSON).
			m.Confidence, m.Note = low, "documentation example"
		}
	} else {
		m.Path = sc.path(false)
		m.Record = recordOf(m.Path)
		for i := len(sc.stack) - 1; i >= 0 && m.Category == Secret; i-- {
			if f := &sc.stack[i]; !f.arr {
				if f.keyE > f.keyS {
					m.Key = string(sc.body[f.keyS:f.keyE])
				}
				break
			}
		}
		for i := range sc.stack {
			if sc.stack[i].kc == kExample && !sc.stack[i].arr && m.Confidence > low {
				// A documentation example (OpenAPI example, examples):
				// masked like any value, counted as no data.
				m.Confidence, m.Note = low, "documentation example"
				break
			}
		}
	}
	m.raw = raw
	if len(sc.cur) == cap(sc.cur) {
		if len(sc.cur) > 0 {
			sc.full = append(sc.full, sc.cur)
			sc.nfull += len(sc.cur)
		}
		size := 4096
		if len(sc.full) < 8 {
			size = 16 << len(sc.full)
		}
		sc.cur = make([]Match, 0, size)
	}
	sc.cur = append(sc.cur, m)
}

// assignedAt returns the variable the line of text around at assigns,
// when at lies in its value (DATABASE_URL=postgres://…), or "".
func (sc *scan) assignedAt(at int) string {
	ls := at
	for ls > 0 && at-ls < 256 && sc.body[ls-1] != '\n' {
		ls--
	}
	if m := assignedName.FindSubmatchIndex(sc.body[ls:at]); m != nil {
		return string(sc.body[ls+m[2] : ls+m[3]])
	}
	return ""
}

// count is the number of matches so far; last is the latest one.
func (sc *scan) count() int   { return sc.nfull + len(sc.cur) }
func (sc *scan) last() *Match { return &sc.cur[len(sc.cur)-1] }

// collect joins the chunks of matches with one copy.
func (sc *scan) collect() []Match {
	if len(sc.full) == 0 {
		return sc.cur
	}
	out := make([]Match, 0, sc.count()+1)
	for _, c := range sc.full {
		out = append(out, c...)
	}
	return append(out, sc.cur...)
}

// valueText returns the span as text, JSON-unescaped when walking JSON.
func (sc *scan) valueText(start, end int) string {
	b := sc.body[start:end]
	if sc.str == "" {
		// One copy of the body as a string: raw values are substrings of it.
		sc.str = string(sc.body)
	}
	if !sc.textMode && indexByte(b, '\\') >= 0 {
		var s string
		q := make([]byte, 0, len(b)+2)
		q = append(append(append(q, '"'), b...), '"')
		if json.Unmarshal(q, &s) == nil {
			return s
		}
	}
	if !utf8.Valid(b) {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return sc.str[start:end]
}

func indexByte(b []byte, c byte) int { return bytes.IndexByte(b, c) }

var bytesIndexByte = bytes.IndexByte

func (sc *scan) lineOf(off int) int {
	if sc.lines == nil {
		sc.lines = []int{}
		for i, c := range sc.body {
			if c == '\n' {
				sc.lines = append(sc.lines, i)
			}
		}
	}
	return sort.SearchInts(sc.lines, off) + 1
}

// ---- JSON paths ----

func (sc *scan) writeFrame(b []byte, f *frame) []byte {
	if f.arr {
		b = append(b, '[')
		return append(strconv.AppendInt(b, int64(f.idx), 10), ']')
	}
	if f.keyE <= f.keyS {
		return b
	}
	key := sc.body[f.keyS:f.keyE]
	plain := true
	for _, c := range key {
		if !isAlnum(c) && c != '_' && c != '-' {
			plain = false
			break
		}
	}
	if plain {
		b = append(b, '.')
		return append(b, key...)
	}
	b = append(b, "['"...)
	for _, c := range key {
		if c == '\'' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return append(b, "']"...)
}

// path renders the current JSON path; wildcard replaces indexes with *.
func (sc *scan) path(wildcard bool) string {
	b := append(sc.scratch[:0], '$')
	for i := range sc.stack {
		f := &sc.stack[i]
		if wildcard && f.arr {
			b = append(b, "[*]"...)
			continue
		}
		b = sc.writeFrame(b, f)
	}
	sc.scratch = b
	return string(b)
}

// recordOf cuts a path after its first array index ($.users[3].ssn →
// $.users[3]); a path without one is the single record "$".
func recordOf(path string) string {
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '\'':
			// A quoted key: skip to its closing quote.
			for i++; i < len(path) && path[i] != '\''; i++ {
				if path[i] == '\\' {
					i++
				}
			}
		case '[':
			if i+1 < len(path) && isDigit(path[i+1]) {
				if j := strings.IndexByte(path[i:], ']'); j > 0 {
					return path[:i+j+1]
				}
			}
		}
	}
	return "$"
}

// columnHash identifies the current path with array indexes wildcarded
// ($.users[*].phone) without building it.
func (sc *scan) columnHash() uint64 {
	h := uint64(14695981039346656037)
	mix := func(c byte) { h ^= uint64(c); h *= 1099511628211 }
	for i := range sc.stack {
		f := &sc.stack[i]
		if f.arr {
			mix('[')
			continue
		}
		mix('.')
		for _, c := range sc.body[f.keyS:f.keyE] {
			mix(c)
		}
	}
	return h
}

func hashLower(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(lower(s[i]))
		h *= 1099511628211
	}
	return h
}

// ---- JSON walk ----

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the index of the closing quote of a string whose
// content starts at i, and whether it has escapes; -1 if unterminated.
func scanString(b []byte, i int) (int, bool) {
	// Most strings are short: a plain loop beats two IndexByte calls.
	for k := i; k < len(b) && k < i+24; k++ {
		switch b[k] {
		case '"':
			return k, false
		case '\\':
			return scanEscaped(b, i)
		}
	}
	q := indexByteFrom(b, i, '"')
	if q < 0 {
		return -1, false
	}
	if bs := indexByteFrom(b[:q], i, '\\'); bs < 0 {
		return q, false
	}
	return scanEscaped(b, i)
}

// scanEscaped walks a string with escapes up to its closing quote.
func scanEscaped(b []byte, j int) (int, bool) {
	for j < len(b) {
		switch b[j] {
		case '\\':
			j += 2
			continue
		case '"':
			return j, true
		}
		j++
	}
	return -1, true
}

func indexByteFrom(b []byte, from int, c byte) int {
	if from >= len(b) {
		return -1
	}
	if k := bytesIndexByte(b[from:], c); k >= 0 {
		return from + k
	}
	return -1
}

func (sc *scan) top() *frame {
	if len(sc.stack) == 0 {
		return nil
	}
	return &sc.stack[len(sc.stack)-1]
}

func isTypeTag(k []byte) bool {
	switch string(k) {
	case "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL":
		return true
	}
	return false
}

var wireKeyNames = map[string]bool{
	"Items": true, "Count": true, "ScannedCount": true, "LastEvaluatedKey": true, "ConsumedCapacity": true,
	"ResponseMetadata": true, "HTTPStatusCode": true, "RequestId": true, "RetryAttempts": true,
	"HTTPHeaders": true, "Item": true, "UnprocessedKeys": true, "Attributes": true,
}

// walkJSON walks the body once. It returns false and the offset where it
// stopped when the body is not JSON from there on.
func (sc *scan) walkJSON() (int, bool) {
	b := sc.body
	sc.keys = map[string]keyClass{}
	i := 0
	expectKey := false
	started := false
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return i, true
		}
		if started && len(sc.stack) == 0 && sc.overflow == 0 {
			// Trailing data after the top-level value.
			return i, false
		}
		c := b[i]
		switch c {
		case '{', '[':
			started = true
			if len(sc.stack) >= maxDepth {
				sc.overflow++
			} else {
				sc.stack = append(sc.stack, frame{arr: c == '['})
			}
			expectKey = c == '{'
			i++
		case '}', ']':
			if sc.overflow > 0 {
				sc.overflow--
			} else if len(sc.stack) > 0 {
				f := sc.top()
				if !f.arr {
					sc.closeObject(f)
				}
				kind := byte('o')
				if f.arr {
					kind = 'a'
				}
				sc.stack = sc.stack[:len(sc.stack)-1]
				sc.valueDone(kind)
			} else {
				return i, false
			}
			expectKey = false
			i++
		case ',':
			if f := sc.top(); f != nil && sc.overflow == 0 {
				if f.arr {
					f.idx++
				} else {
					expectKey = true
				}
			} else if sc.overflow > 0 {
				expectKey = true
			}
			i++
		case ':':
			expectKey = false
			i++
		case '"':
			end, esc := scanString(b, i+1)
			if end < 0 {
				return i, false
			}
			f := sc.top()
			if expectKey && f != nil && !f.arr {
				if sc.overflow == 0 {
					sc.setKey(f, i+1, end)
				}
				expectKey = false
			} else {
				if len(sc.stack) == 0 {
					started = true
				}
				sc.leafString(i+1, end, esc)
				sc.valueDone('s')
			}
			i = end + 1
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			j := i + 1
			for j < len(b) && (isDigit(b[j]) || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
				j++
			}
			if len(sc.stack) == 0 {
				started = true
			}
			sc.leafNumber(i, j)
			sc.valueDone('n')
			i = j
		case 't', 'f', 'n':
			j := i
			for j < len(b) && isAlpha(b[j]) {
				j++
			}
			switch string(b[i:j]) {
			case "true", "false", "null":
			default:
				return i, false
			}
			sc.valueDone('l')
			i = j
		default:
			return i, false
		}
	}
}

func (sc *scan) setKey(f *frame, s, e int) {
	f.keyS, f.keyE = s, e
	f.nKeys++
	key := sc.body[s:e]
	kc, ok := sc.keys[string(key)]
	if !ok {
		kc = classifyKey(key)
		if len(sc.keys) < 4096 {
			sc.keys[string(key)] = kc
		}
	}
	f.kc = kc
	f.tag = isTypeTag(key)
	if f.nKeys == 1 {
		f.firstTag = ""
		if f.tag {
			f.firstTag = string(key)
		}
	}
	if len(key) >= 4 && len(key) <= 16 && isUpper(key[0]) && wireKeyNames[string(key)] {
		if sc.wireKeys == nil {
			sc.wireKeys = map[string]bool{}
		}
		sc.wireKeys[string(key)] = true
	}
}

// valueDone tells the enclosing object what kind of value its first key had.
func (sc *scan) valueDone(kind byte) {
	if sc.overflow > 0 {
		return
	}
	if f := sc.top(); f != nil && !f.arr && f.nKeys == 1 {
		f.firstKind = kind
	}
}

func (sc *scan) closeObject(f *frame) {
	if f.nKeys == 1 && f.firstTag != "" {
		ok := false
		switch f.firstTag {
		case "S", "N", "B":
			ok = f.firstKind == 's'
		case "BOOL", "NULL":
			ok = f.firstKind == 'l'
		case "M":
			ok = f.firstKind == 'o'
		case "L", "SS", "NS", "BS":
			ok = f.firstKind == 'a'
		}
		if ok {
			sc.res.Wire.TypedValues++
			if sc.res.Wire.FirstPath == "" {
				// The path of this object is the path minus its own frame.
				saved := sc.stack
				sc.stack = sc.stack[:len(sc.stack)-1]
				sc.res.Wire.FirstPath = sc.path(false)
				sc.stack = saved
			}
		}
	}
	if f.latE > f.latS && f.lonE > f.lonS {
		lat := strings.Trim(string(sc.body[f.latS:f.latE]), `"`)
		lon := strings.Trim(string(sc.body[f.lonS:f.lonE]), `"`)
		if geoPair(lat, lon) {
			saved := sc.stack
			sc.stack = sc.stack[:len(sc.stack)-1]
			sc.pendingMatch("geo", TypeGeo, finding.ConfidenceMedium, f.latS, f.latE, lat+","+lon)
			sc.stack = saved
		}
	}
}

func geoPair(lat, lon string) bool {
	a, err1 := strconv.ParseFloat(lat, 64)
	o, err2 := strconv.ParseFloat(lon, 64)
	if err1 != nil || err2 != nil || a < -90 || a > 90 || o < -180 || o > 180 || a == 0 && o == 0 {
		return false
	}
	dec := func(s string) int {
		if i := strings.IndexByte(s, '.'); i >= 0 {
			return len(s) - i - 1
		}
		return 0
	}
	return dec(lat) >= 3 && dec(lon) >= 3
}

// keyContext returns the class of the key that names the current value:
// through arrays ("emails": [...]) and DynamoDB type tags ({"S": ...}).
func (sc *scan) keyContext() keyClass {
	generic := false
	for i := len(sc.stack) - 1; i >= 0; i-- {
		f := &sc.stack[i]
		if f.arr || f.tag {
			continue
		}
		if f.kc == kGeneric && !generic {
			generic = true
			continue
		}
		if generic {
			switch f.kc {
			case kCard, kPhone, kSSN, kIBAN, kPassport, kNINO, kNHS, kSIN:
				return f.kc
			}
			return kNone
		}
		return f.kc
	}
	return kNone
}

// pendingMatch records a weak match that counts only in a record holding
// other personal data.
func (sc *scan) pendingMatch(rule string, typ Type, conf finding.Confidence, start, end int, raw string) {
	sc.emitRaw(rule, typ, conf, start, end, "", raw)
	sc.last().weak = true
	sc.hasWeak = true
}

func (sc *scan) leafNumber(s, e int) {
	kc := sc.keyContext()
	f := sc.top()
	switch kc {
	case kLat:
		if f != nil && !f.arr {
			f.latS, f.latE = s, e
		}
	case kLon:
		if f != nil && !f.arr {
			f.lonS, f.lonE = s, e
		}
	case kSSN, kCard, kPhone, kNHS, kSIN, kAccountID:
		for _, c := range sc.body[s:e] {
			if !isDigit(c) {
				return
			}
		}
		if !sc.keyRule(kc, string(sc.body[s:e]), s, e) {
			sc.maskOnly(kc, s, e)
		}
	case kCredential:
		sc.keyRule(kc, string(sc.body[s:e]), s, e)
	case kPassword, kSecret, kPasswordHash, kAWSSecret:
		sc.maskOnly(kc, s, e)
	}
}

func (sc *scan) leafString(s, e int, esc bool) {
	kc := sc.keyContext()
	before := sc.count()
	// Keywords only matter inside values: the prefilter runs on each
	// string, not on keys, numbers and structure.
	sc.hits, sc.hi = sc.s.ac.find(sc.body[s:e], s, sc.hits[:0]), 0
	sc.literalHits(s, e, kc)
	if kc == kLat || kc == kLon {
		if f := sc.top(); f != nil && !f.arr {
			if kc == kLat {
				f.latS, f.latE = s, e
			} else {
				f.lonS, f.lonE = s, e
			}
		}
		return
	}
	if sc.count() == before && kc != kNone && kc != kIDLike && kc != kAddressPart {
		val := string(sc.body[s:e])
		if esc {
			val = sc.valueText(s, e)
		}
		if sc.keyRule(kc, val, s, e) {
			return
		}
	}
	sc.scanShapes(s, e, kc)
	if sc.count() == before {
		sc.maskOnly(kc, s, e)
	}
}

// ---- text ----

func (sc *scan) scanTextFrom(off int) {
	sc.textMode = true
	sc.stack = sc.stack[:0]
	sc.overflow = 0
	if off < 0 || off > len(sc.body) {
		off = 0
	}
	sc.hits, sc.hi = sc.s.ac.find(sc.body[off:], off, sc.hits[:0]), 0
	sc.literalHits(off, len(sc.body), kNone)
	sc.scanShapes(off, len(sc.body), kNone)
	sc.assignments(off)
}

// configAssignment is a line of a configuration file or environment dump
// that assigns a secret-named variable: SECRET_KEY=…, export DB_PASSWORD=…,
// JWT_SECRET: "…".
var configAssignment = regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?([A-Z][A-Z0-9_]*(?:KEY|SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIALS?|PRIVATE|PASSPHRASE)[A-Z0-9_]*)[ \t]*[=:][ \t]*["']?([^"'\s#]{1,512})`)

// assignments reports the values of secret-named variables in text, as
// credentials whatever their entropy (a weak SECRET_KEY is the worst one).
func (sc *scan) assignments(off int) {
	b := sc.body[off:]
	if !bytes.ContainsAny(b, "=:") || !(bytes.Contains(b, []byte("KEY")) || bytes.Contains(b, []byte("SECRET")) ||
		bytes.Contains(b, []byte("PASS")) || bytes.Contains(b, []byte("TOKEN")) || bytes.Contains(b, []byte("CREDENTIAL")) ||
		bytes.Contains(b, []byte("PRIVATE"))) {
		return
	}
	for _, m := range configAssignment.FindAllSubmatchIndex(b, 200) {
		name, v := string(b[m[2]:m[3]]), string(b[m[4]:m[5]])
		if placeholderValue(v) || isAllDigits(v) && len(v) < 4 || strings.HasSuffix(name, "_ID") || !sc.free(off+m[4], off+m[5]) {
			continue
		}
		typ := TypeCredential
		if classifyKey([]byte(name)) == kSecret && !looksLikeSecret(v, 8) {
			continue // TOKEN_TYPE=bearer, NEXT_TOKEN=…
		}
		sc.emit("config-assignment", typ, high, off+m[4], off+m[5], "")
	}
}

// free reports whether no match covers [s, e) yet.
func (sc *scan) free(s, e int) bool {
	for _, m := range sc.cur {
		if m.Start < e && m.End > s {
			return false
		}
	}
	return true
}

// literalHits runs the literal rules whose keywords occur in [lo, hi).
func (sc *scan) literalHits(lo, hi int, kc keyClass) {
	for sc.hi < len(sc.hits) && sc.hits[sc.hi].start < lo {
		sc.hi++
	}
	for ; sc.hi < len(sc.hits) && sc.hits[sc.hi].end <= hi; sc.hi++ {
		h := sc.hits[sc.hi]
		if h.start < lo {
			continue
		}
		ri := sc.s.kwRule[h.kw]
		if h.start < sc.lastEnd[ri] {
			continue
		}
		n := sc.count()
		sc.s.literals[ri].extract(sc, lo, hi, h.start, kc)
		if sc.count() > n {
			sc.lastEnd[ri] = sc.last().End
		}
	}
}

// ---- finishing ----

func (sc *scan) finish() {
	res := sc.res
	res.Matches = sc.collect()
	sortByStart(res.Matches)
	// Matches of one record are contiguous (records are spans of the
	// body), so records are runs: no map needed.
	if sc.hasWeak {
		// Health data in the records of a document about one person (a
		// patient's file: the name at the top, the visits below) is hers.
		rootID := false
		for i := range res.Matches {
			m := &res.Matches[i]
			if !m.weak && m.Record == "$" && isIdentity(m.Type) && m.Confidence >= finding.ConfidenceMedium {
				rootID = true
			}
		}
		out := res.Matches[:0]
		for i := 0; i < len(res.Matches); {
			j := i
			hasID := false
			for j < len(res.Matches) && res.Matches[j].Record == res.Matches[i].Record {
				m := &res.Matches[j]
				if !m.weak && isIdentity(m.Type) && m.Confidence >= finding.ConfidenceMedium {
					hasID = true
				}
				j++
			}
			for k := i; k < j; k++ {
				m := res.Matches[k]
				if m.weak && !hasID && !(rootID && m.Type == TypeMedical) {
					// Alone, a weak signal is no personal data; it is
					// kept at low confidence so that masking hides it.
					m.Confidence, m.Note = low, "weak signal without other personal data"
				}
				out = append(out, m)
			}
			i = j
		}
		clear(res.Matches[len(out):])
		res.Matches = out
	}
	for k := range sc.wireKeys {
		res.Wire.Keys = append(res.Wire.Keys, k)
	}
	sort.Strings(res.Wire.Keys)
	if res.JSON && res.Wire.Raw() {
		p := res.Wire.FirstPath
		if p == "" {
			p = "$"
		}
		m := Match{Rule: "dynamodb-wire", Type: TypeDynamoWire, Category: Artefact, Confidence: finding.ConfidenceHigh, Path: p, Record: "$", Start: len(sc.body), End: len(sc.body)}
		sig := strings.Join(res.Wire.Keys, ",")
		if res.Wire.TypedValues > 0 {
			sig = strconv.Itoa(res.Wire.TypedValues) + " typed attribute values; " + sig
		}
		if res.Wire.TypedValues < 2 && !slicesHas(res.Wire.Keys, "ScannedCount") && !slicesHas(res.Wire.Keys, "ResponseMetadata") {
			m.Confidence = finding.ConfidenceMedium
		}
		m.raw = sig
		res.Matches = append(res.Matches, m)
	}
	people := map[Type]map[uint64]struct{}{}
	prev := "\x00"
	for i := range res.Matches {
		m := &res.Matches[i]
		if m.Category != PII || m.Confidence < finding.ConfidenceMedium {
			continue
		}
		if m.Record != prev && isIdentity(m.Type) {
			// A record counts when it identifies someone.
			res.Records++
			prev = m.Record
		}
		if isIdentity(m.Type) && m.Type != TypeDOB && m.Type != TypeAddress && m.Type != TypeName {
			if people[m.Type] == nil {
				people[m.Type] = map[uint64]struct{}{}
			}
			people[m.Type][hashLower(m.raw)] = struct{}{}
		}
	}
	for _, set := range people {
		res.People = max(res.People, len(set))
	}
	if res.People == 0 && res.Records > 0 {
		res.People = 1
	}
}

// sortByStart orders matches by position, moving each one once.
func sortByStart(ms []Match) {
	sorted := true
	for i := 1; i < len(ms); i++ {
		if ms[i].Start < ms[i-1].Start {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	idx := make([]int32, len(ms))
	for i := range idx {
		idx[i] = int32(i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return ms[idx[a]].Start < ms[idx[b]].Start })
	out := make([]Match, len(ms))
	for i, k := range idx {
		out[i] = ms[k]
	}
	copy(ms, out)
}

func slicesHas(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
