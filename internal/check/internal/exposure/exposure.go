// Package exposure is what the sensitive-data checks (pii-exposure,
// credential-exposure, pii-unauthenticated, raw-datastore-response) share:
// one detector scan per exchange, masked evidence, the remediation text.
package exposure

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"weak"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// memo keeps the last scans so that the four checks reading one exchange
// scan its body once. Keys are weak pointers: the memo never keeps an
// exchange (and its body, up to --max-body) alive, and a weak pointer
// never equals one made from another object, even at a reused address.
type memo struct {
	mu    sync.Mutex
	order []weak.Pointer[transport.Exchange]
	res   map[weak.Pointer[transport.Exchange]]*detect.Result
}

const memoSize = 64

var shared = &memo{res: map[weak.Pointer[transport.Exchange]]*detect.Result{}}

// Analyze returns the detector result for ex's body, or nil when the body
// is empty or binary.
func Analyze(ex *transport.Exchange) *detect.Result {
	if ex == nil || len(ex.Body) == 0 || !Scannable(ex) {
		return nil
	}
	key := weak.Make(ex)
	shared.mu.Lock()
	r, ok := shared.res[key]
	shared.mu.Unlock()
	if ok {
		return r
	}
	r = detect.Scan(ex.Body, contentType(ex))
	shared.mu.Lock()
	if _, dup := shared.res[key]; !dup {
		shared.res[key] = r
		shared.order = append(shared.order, key)
		if len(shared.order) > memoSize {
			delete(shared.res, shared.order[0])
			shared.order = slices.Delete(shared.order, 0, 1)
		}
	}
	shared.mu.Unlock()
	return r
}

func contentType(ex *transport.Exchange) string {
	if ex.Header == nil {
		return ""
	}
	return strings.ToLower(ex.Header.Get("Content-Type"))
}

// Scannable is false for images, fonts, media, archives and other binary
// bodies. A body served as application/octet-stream (or without a type)
// is scanned when it is text: a .env or a config file often is.
func Scannable(ex *transport.Exchange) bool {
	ct := contentType(ex)
	for _, p := range []string{"image/", "font/", "audio/", "video/", "application/zip",
		"application/pdf", "application/gzip", "application/wasm", "application/x-protobuf", "application/grpc"} {
		if strings.HasPrefix(ct, p) {
			return false
		}
	}
	if ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
		return looksLikeText(ex.Body)
	}
	return true
}

// looksLikeText: the first kilobyte is UTF-8 without NUL or other control
// bytes besides tab and line breaks.
func looksLikeText(b []byte) bool {
	head := b[:min(len(b), 1024)]
	for len(head) > 0 && !utf8.Valid(head) && len(b) > 1024 {
		head = head[:len(head)-1] // a rune cut at the edge
	}
	if !utf8.Valid(head) {
		return false
	}
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// Anonymous reports whether the exchange was sent without credentials.
func Anonymous(ex *transport.Exchange, env check.Env) bool {
	if ex.Forged != nil {
		return false // a forged credential is a credential
	}
	for _, h := range []string{"Authorization", "Cookie", "X-Api-Key"} {
		if ex.ReqHeader.Get(h) != "" {
			return false
		}
	}
	if ex.Identity == transport.AnonymousName || ex.Identity == "" {
		return true
	}
	if env == nil {
		return false
	}
	return check.Identity(env, ex.Identity).IsAnonymous()
}

// Types lists the distinct types of ms, sorted, as text.
func Types(ms []detect.Match) []string {
	ts := detect.Types(ms)
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// Paths lists the distinct JSON paths of ms with array indexes wildcarded
// ($.users[*].ssn), at most max of them.
func Paths(ms []detect.Match, max int) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		p := wildcard(m.Path)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
		if len(out) == max {
			break
		}
	}
	return out
}

func wildcard(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '[' && i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9' {
			j := strings.IndexByte(p[i:], ']')
			if j > 0 {
				b.WriteString("[*]")
				i += j
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// Samples picks up to max values for evidence: one per type first, then
// more of each, all masked by finding.Value.
func Samples(ms []detect.Match, max int) []finding.Value {
	var out []finding.Value
	used := make([]bool, len(ms))
	seen := map[detect.Type]bool{}
	for i := range ms {
		if len(out) == max {
			return out
		}
		if !seen[ms[i].Type] {
			seen[ms[i].Type] = true
			used[i] = true
			out = append(out, ms[i].Value())
		}
	}
	for i := range ms {
		if len(out) == max {
			break
		}
		if !used[i] {
			out = append(out, ms[i].Value())
		}
	}
	return out
}

// ExcerptSize bounds evidence excerpts.
const ExcerptSize = 600

// Excerpt returns a part of the body around the first match with every
// detected value masked, then checked once more by the detectors.
func Excerpt(ex *transport.Exchange, res *detect.Result, ms []detect.Match) string {
	if res == nil {
		res = &detect.Result{}
	}
	at := 0
	if len(ms) > 0 {
		at = ms[0].Start
	}
	start := max(0, at-ExcerptSize/3)
	end := min(len(ex.Body), start+ExcerptSize)
	for start > 0 && start < len(ex.Body) && !utf8.RuneStart(ex.Body[start]) {
		start++
	}
	for end < len(ex.Body) && end > start && !utf8.RuneStart(ex.Body[end]) {
		end--
	}
	s := detect.MaskText(strings.ToValidUTF8(detect.MaskRange(ex.Body, res, start, end), ""))
	if start > 0 {
		s = "…" + s
	}
	if end < len(ex.Body) {
		s += "…"
	}
	return s
}

// Evidence builds masked evidence with counts in Details.
func Evidence(ex *transport.Exchange, res *detect.Result, ms []detect.Match) finding.Evidence {
	ev := finding.NewEvidence(check.RequestLine(ex.Method, ex.URL), ex.Status, Excerpt(ex, res, ms), Samples(ms, 8))
	ev.Details = map[string]string{
		"types":   strings.Join(Types(ms), ", "),
		"matches": strconv.Itoa(len(ms)),
	}
	if res != nil {
		if res.Records > 0 {
			ev.Details["records"] = strconv.Itoa(res.Records)
		}
		if res.People > 0 {
			ev.Details["people"] = strconv.Itoa(res.People)
		}
	}
	if ps := Paths(ms, 12); len(ps) > 0 {
		ev.Details["json_paths"] = strings.Join(ps, ", ")
	}
	return ev
}

// Confidence is the highest confidence among ms.
func Confidence(ms []detect.Match) finding.Confidence {
	c := finding.ConfidenceLow
	for _, m := range ms {
		c = max(c, m.Confidence)
	}
	return c
}

// Sensitive reports the types one of which is enough for a high severity:
// the critical level of detect's table.
func Sensitive(t detect.Type) bool { return detect.LevelOf(t) >= detect.LevelCritical }

// PII returns the personal data of res worth reporting: medium confidence
// or more, test card numbers left out.
func PII(res *detect.Result) []detect.Match {
	if res == nil {
		return nil
	}
	return res.Filter(detect.PII, finding.ConfidenceMedium)
}

// RemediationPII is the fix for personal data in responses, for the Flask
// + boto3 stack leakhound targets first.
const RemediationPII = "Return only the fields the caller needs, chosen explicitly; never serialise whole records.\n\n" +
	"1. Project in the query, so private attributes never leave DynamoDB:\n\n" +
	"```python\n" +
	"resp = table.get_item(\n" +
	"    Key={\"id\": user_id},\n" +
	"    ProjectionExpression=\"#id, username, display_name\",\n" +
	"    ExpressionAttributeNames={\"#id\": \"id\"},\n" +
	")\n" +
	"```\n\n" +
	"2. Serialise with an explicit allow-list (a schema or a function), not `jsonify(item)`:\n\n" +
	"```python\n" +
	"PUBLIC_FIELDS = (\"id\", \"username\", \"display_name\")\n\n" +
	"def public_user(item):\n" +
	"    return {k: item[k] for k in PUBLIC_FIELDS if k in item}\n\n" +
	"@app.get(\"/api/users/<user_id>\")\n" +
	"def get_user(user_id):\n" +
	"    item = table.get_item(Key={\"id\": user_id}, ProjectionExpression=\"id, username, display_name\").get(\"Item\")\n" +
	"    if item is None:\n" +
	"        abort(404)\n" +
	"    return jsonify(public_user(item))\n" +
	"```\n\n" +
	"3. Where a field must be shown, mask it on the server (`a***@example.org`, `***-**-6789`, `**** 4242`), and send `Cache-Control: no-store` on responses with personal data."
