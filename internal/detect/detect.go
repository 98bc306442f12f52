// Package detect finds personal data, secrets and stack or platform
// artefacts in response bodies. It is pure (no network, no globals that
// change) and a Scanner is safe for concurrent use.
//
// One keyword pass (an Aho-Corasick automaton built from every rule's
// Keywords) finds where the literal-anchored rules (cloud keys, password
// hashes, tracebacks…) may match. JSON is walked once, keeping the key path
// of every value as context, and the keyword pass runs over string values
// only; other bodies are scanned as text with a window of nearby words as
// context, CSV cells with their column header as context. Digit runs, e-mail addresses and IBAN
// shapes are found with byte loops and then validated (Luhn, mod-97, SSN
// area rules, phone-number metadata, the public suffix list).
package detect

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// Match is one detected value.
type Match struct {
	// Rule is the id of the rule that matched.
	Rule string
	Type Type
	// Category of Type.
	Category   Category
	Confidence finding.Confidence
	// Path is the JSON path of the value ($.users[3].ssn), empty in text.
	Path string
	// Record names the record the value belongs to: the first array
	// element on its path ($.users[3]), "$" for a single object, or the
	// line ("line 12") in text.
	Record string
	// raw is the detected text; Value wraps it, masked, on demand (most
	// matches of a dense body are only counted, never shown).
	raw string
	// Start and End delimit the bytes of the body to mask.
	Start, End int
	// Note qualifies a match ("test card number", "example key").
	Note string
	// Key is the name the value sits under: its JSON member (JWT_SECRET
	// in {"env": {"JWT_SECRET": …}}), or the variable a configuration
	// line assigns it to (DATABASE_URL=…); set for secrets only, empty
	// when unknown. SecretKind reads it.
	Key  string
	weak bool // counts only in a record with other personal data
}

// Value returns the detected value as a finding.Value: masked for
// display, the raw text kept inside for --reveal.
func (m *Match) Value() finding.Value { return finding.NewValue(string(m.Type), m.Path, m.raw) }

// Masked returns the masked form of the value.
func (m *Match) Masked() string { return finding.Mask(string(m.Type), m.raw) }

// Result is what a scan found.
type Result struct {
	Matches []Match
	// JSON is true when the body was walked as JSON.
	JSON bool
	// Records is the number of distinct records holding personal data.
	Records int
	// People is the number of distinct people those records describe (the
	// largest number of distinct identifiers of one kind).
	People int
	// Wire describes DynamoDB wire-format signals in a JSON body.
	Wire Wire
}

// Wire counts the signs of a raw DynamoDB response.
type Wire struct {
	// TypedValues counts attribute values such as {"S": "…"} or {"N": "1"}.
	TypedValues int
	// Keys lists the DynamoDB/boto3 response keys seen (Items, Count,
	// ScannedCount, LastEvaluatedKey, ConsumedCapacity, ResponseMetadata…).
	Keys []string
	// FirstPath is the path of the first typed attribute value.
	FirstPath string
}

// Raw reports whether the wire signals say a handler returned boto3 output
// as is.
func (w Wire) Raw() bool {
	has := func(k string) bool { return slices.Contains(w.Keys, k) }
	return w.TypedValues >= 2 || has("ScannedCount") || has("LastEvaluatedKey") ||
		(has("ResponseMetadata") && (has("HTTPStatusCode") || has("RequestId")))
}

// Filter returns the matches of category c with at least confidence min.
func (r *Result) Filter(c Category, min finding.Confidence) []Match {
	var out []Match
	for _, m := range r.Matches {
		if m.Category == c && m.Confidence >= min {
			out = append(out, m)
		}
	}
	return out
}

// Detector is anything that finds sensitive content in a body. The whole
// rule set (*Scanner) is one; Keywords feeds the prefilter.
type Detector interface {
	ID() string
	Keywords() []string
	Detect(body []byte, contentType string) []Match
}

// Options tune a Scanner.
type Options struct {
	// Regions are the ISO 3166 regions tried, in order, for phone numbers
	// written without a country code. Default: US, GB, FR, DE, CA.
	Regions []string
	// PhoneValidations caps full phone-number validations per scan; past
	// it (and for columns already validated) a cheap length check stands
	// in. Default 512.
	PhoneValidations int
}

// Scanner runs the whole rule set. It is immutable once built.
type Scanner struct {
	opts     Options
	literals []literalRule
	ac       *automaton
	kwRule   []int // keyword index → literal rule index
}

var _ Detector = (*Scanner)(nil)

// New builds a scanner.
func New(o Options) *Scanner {
	if len(o.Regions) == 0 {
		o.Regions = []string{"US", "GB", "FR", "DE", "CA"}
	}
	if o.PhoneValidations <= 0 {
		o.PhoneValidations = 512
	}
	s := &Scanner{opts: o, literals: literalRules()}
	var kws []string
	for i, r := range s.literals {
		for _, k := range r.keywords {
			kws = append(kws, strings.ToLower(k))
			s.kwRule = append(s.kwRule, i)
		}
	}
	s.ac = newAutomaton(kws)
	return s
}

var defaultScanner = New(Options{})

// Default returns the shared scanner with default options.
func Default() *Scanner { return defaultScanner }

// ID names the whole rule set.
func (s *Scanner) ID() string { return "leakhound" }

// Keywords lists every prefilter keyword of the literal rules.
func (s *Scanner) Keywords() []string {
	var out []string
	for _, r := range s.literals {
		out = append(out, r.keywords...)
	}
	return out
}

// Detect returns the matches of Scan.
func (s *Scanner) Detect(body []byte, contentType string) []Match {
	return s.Scan(body, contentType).Matches
}

// Scan inspects one body. contentType may be empty; JSON is recognised by
// its media type or its first byte.
func (s *Scanner) Scan(body []byte, contentType string) *Result {
	sc := newScan(s, body)
	if isJSON(body, contentType) {
		sc.res.JSON = true
		if end, ok := sc.walkJSON(); !ok {
			// Not (all) JSON: scan what the walk did not read as text.
			sc.scanTextFrom(end)
		}
	} else if !sc.scanCSV(contentType) {
		sc.docPage = docPage(body)
		sc.scanTextFrom(0)
	}
	sc.finish()
	return sc.res
}

// docPage reports whether body is an API documentation page that carries
// its OpenAPI or Swagger description inline: a swagger-ui page or init
// script (SwaggerUIBundle({spec: …}), "swaggerDoc"), a Redoc or RapiDoc
// page. A page that only links to the description carries no examples.
func docPage(body []byte) bool {
	ui := false
	for _, m := range []string{"SwaggerUIBundle", "swaggerDoc", "Redoc.init", "<redoc", "<rapi-doc"} {
		if bytes.Contains(body, []byte(m)) {
			ui = true
			break
		}
	}
	return ui && (bytes.Contains(body, []byte("openapi")) || bytes.Contains(body, []byte("swagger"))) && bytes.Contains(body, []byte("paths"))
}

// Scan inspects body with the default scanner.
func Scan(body []byte, contentType string) *Result { return defaultScanner.Scan(body, contentType) }

func isJSON(body []byte, ct string) bool {
	ct = strings.ToLower(ct)
	for _, b := range body {
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		break
	}
	return strings.Contains(ct, "json") && len(body) > 0 && !strings.Contains(ct, "html")
}

// MaskText returns s with every detected value masked, whatever its
// confidence. Use it for evidence excerpts: mask the whole body first, then
// cut the excerpt.
func MaskText(s string) string { return string(MaskBytes([]byte(s), "")) }

// MaskBytes masks every detected value of body (see MaskText).
func MaskBytes(body []byte, contentType string) []byte {
	res := defaultScanner.Scan(body, contentType)
	return maskSpans(body, res.Matches)
}

func maskSpans(body []byte, ms []Match) []byte {
	type span struct {
		s, e int
		typ  Type
	}
	var spans []span
	for _, m := range ms {
		if m.End > m.Start && m.Start >= 0 && m.End <= len(body) {
			spans = append(spans, span{m.Start, m.End, m.Type})
		}
	}
	if len(spans) == 0 {
		return maskAssignments(slices.Clone(body))
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].s != spans[j].s {
			return spans[i].s < spans[j].s
		}
		return spans[i].e > spans[j].e
	})
	// Merge overlaps; the widest span keeps its type.
	merged := spans[:1]
	for _, sp := range spans[1:] {
		last := &merged[len(merged)-1]
		if sp.s < last.e {
			if sp.e > last.e {
				last.e = sp.e
			}
			continue
		}
		merged = append(merged, sp)
	}
	out := make([]byte, 0, len(body))
	prev := 0
	for _, sp := range merged {
		out = append(out, body[prev:sp.s]...)
		masked := finding.Mask(string(sp.typ), string(body[sp.s:sp.e]))
		if masked == "" {
			masked = "****"
		}
		out = append(out, masked...)
		prev = sp.e
	}
	return maskAssignments(append(out, body[prev:]...))
}

// MaskRange returns body[start:end] with every value res found masked. The
// range grows to cover any value it would cut, so no part of a value shows
// at an edge.
func MaskRange(body []byte, res *Result, start, end int) string {
	start, end = max(0, start), min(len(body), end)
	if start >= end {
		return ""
	}
	for changed := true; changed; {
		changed = false
		for _, m := range res.Matches {
			if m.End <= m.Start {
				continue
			}
			if m.Start < start && m.End > start {
				start, changed = m.Start, true
			}
			if m.Start < end && m.End > end {
				end, changed = m.End, true
			}
		}
	}
	var in []Match
	for _, m := range res.Matches {
		if m.Start >= start && m.End <= end && m.End > m.Start {
			m.Start -= start
			m.End -= start
			in = append(in, m)
		}
	}
	return string(maskSpans(body[start:end], in))
}
