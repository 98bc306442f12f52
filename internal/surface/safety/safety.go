// Package safety classifies every operation of a scan before any request is
// sent: read, read-POST, write, destructive or never-send. The class decides
// whether a mode (read-only, strict read-only, --allow-write) may send the
// operation; the transport enforces the decision for every stage.
//
// The class comes from the method and from the action words the operation
// names as verbs: an action segment of its path (/jobs/{id}/run, /db/reset,
// /createdb), the verb of its operationId (deleteUser, users_delete) or the
// verb opening its summary ("Reset the database"). Nouns do not count:
// GET /runs lists runs and stays a read. The words are data (Words).
package safety

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/surface"
)

// Class is the safety class of an operation, from harmless to never-send.
type Class string

// Classes, in increasing order of risk.
const (
	// Read only reads: GET, HEAD, OPTIONS naming no action verb.
	Read Class = "read"
	// ReadPOST is a POST whose operationId, path or summary names a read
	// (search, query, export, ...) and nothing that writes or destroys.
	ReadPOST Class = "read-post"
	// Write creates or updates: POST, PUT, PATCH, or any method naming a
	// create or update verb.
	Write Class = "write"
	// Destructive deletes or triggers: DELETE, or any method naming a
	// destructive verb (delete, run, send, cancel, ...).
	Destructive Class = "destructive"
	// Never would wipe the target (reset, createdb, drop, ...) or end the
	// scan's own sessions (logout, revoke): sent in no mode.
	Never Class = "never"
)

// Rank orders classes by risk: Read 0, ReadPOST 1, Write 2, Destructive 3,
// Never 4 (an unknown class ranks as Write).
func (c Class) Rank() int {
	switch c {
	case Read:
		return 0
	case ReadPOST:
		return 1
	case Write:
		return 2
	case Destructive:
		return 3
	case Never:
		return 4
	}
	return 2
}

// Verdict is the classification of one operation.
type Verdict struct {
	Class Class `json:"class"`
	// Word is the action word that decided the class ("reset", "search"),
	// empty when the method alone decided.
	Word string `json:"word,omitempty"`
	// Reason says in a short phrase why: `path segment "reset"`,
	// `operationId verb "delete"`, `DELETE method`.
	Reason string `json:"reason"`
}

// Mode is what a scan may send. The zero value is ReadOnly.
type Mode int

// Modes.
const (
	// ReadOnly sends reads and read-POSTs: nothing changes on the target.
	ReadOnly Mode = iota
	// StrictReadOnly sends reads only: no POST at all (--strict-read-only).
	StrictReadOnly
	// AllowWrite also sends writes, and destructive operations to objects
	// the scan itself created in this run (--allow-write). Never-send
	// operations stay unsent.
	AllowWrite
)

func (m Mode) String() string {
	switch m {
	case StrictReadOnly:
		return "strict-read-only"
	case AllowWrite:
		return "allow-write"
	}
	return "read-only"
}

// Allowed reports whether an operation of this verdict may be sent in mode
// m. Destructive operations are allowed under AllowWrite only against
// objects the scan created in this run; the transport's policy checks that
// condition on each request.
func (v Verdict) Allowed(m Mode) bool {
	switch v.Class {
	case Read:
		return true
	case ReadPOST:
		return m != StrictReadOnly
	case Write, Destructive:
		return m == AllowWrite
	}
	return false
}

// Classify returns the verdict of an operation from its method, path
// template, operationId and summary. It sends nothing.
func Classify(ep surface.Endpoint) Verdict {
	return classify(ep.Method, ep.Path, ep.OperationID, ep.Summary)
}

// ClassifyRequest classifies a request to an operation the surface does not
// know (a link found in an answer), from its method and path; the query's
// action parameters (?action=delete) count like path segments.
func ClassifyRequest(method, rawPath string) Verdict {
	return classify(method, rawPath, "", "")
}

var byWord = func() map[string]Word {
	m := make(map[string]Word, len(Words))
	for _, w := range Words {
		m[w.Word] = w
	}
	return m
}()

// hit is one action word found in an operation.
type hit struct {
	word   string
	class  Class
	source string
}

func classify(method, rawPath, operationID, summary string) Verdict {
	method = strings.ToUpper(strings.TrimSpace(method))
	if method == "" {
		method = http.MethodGet
	}
	var hits []hit
	hits = append(hits, pathVerbs(rawPath)...)
	if h, ok := operationIDVerb(operationID); ok {
		hits = append(hits, h)
	}
	if h, ok := summaryVerb(summary); ok {
		hits = append(hits, h)
	}

	// The most dangerous word decides; a read word only matters for POST.
	var worst *hit
	var read *hit
	for i := range hits {
		h := &hits[i]
		if h.class == Read {
			if read == nil {
				read = h
			}
			continue
		}
		if worst == nil || h.class.Rank() > worst.class.Rank() {
			worst = h
		}
	}
	base, baseReason := methodClass(method)
	if worst != nil && worst.class.Rank() >= base.Rank() {
		return Verdict{Class: worst.class, Word: worst.word, Reason: fmt.Sprintf("%s %q", worst.source, worst.word)}
	}
	if base == Write && method == http.MethodPost && worst == nil && read != nil {
		return Verdict{Class: ReadPOST, Word: read.word, Reason: fmt.Sprintf("POST naming a read: %s %q", read.source, read.word)}
	}
	return Verdict{Class: base, Reason: baseReason}
}

func methodClass(method string) (Class, string) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return Read, method + " method"
	case http.MethodDelete, "PURGE":
		return Destructive, method + " method"
	}
	return Write, method + " method"
}

// pathVerbs finds the action words a path names as verbs: the first token
// of a segment (reset-password, deleteUser), a verb joined to a system
// noun (db-reset, createDatabase), or the value of an action query
// parameter. Words that are also nouns count only as the whole last
// segment; write verbs only in the last literal segment.
func pathVerbs(rawPath string) []hit {
	p, rawQuery, _ := strings.Cut(rawPath, "?")
	p, _, _ = strings.Cut(p, "#")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	var segs []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	last := len(segs) - 1
	if last >= 0 && strings.HasPrefix(segs[last], "{") {
		// A trailing placeholder names an object, not an action: the
		// segment before it is a collection (/run/{id}).
		last = -1
	}
	// The last literal segment, placeholders after it allowed: a write
	// verb counts only there (/cart/add, /edit/{id}); before more
	// literal segments it names a namespace (/register/check-email).
	lastLiteral := len(segs) - 1
	for lastLiteral >= 0 && strings.HasPrefix(segs[lastLiteral], "{") {
		lastLiteral--
	}
	var out []hit
	for i, s := range segs {
		if strings.Contains(s, "{") {
			continue
		}
		h, ok := segmentVerb(s, i == last, "path segment")
		if ok && h.class == Write && i != lastLiteral {
			continue
		}
		if ok {
			out = append(out, h)
		}
	}
	if q, err := url.ParseQuery(rawQuery); err == nil {
		for k, vs := range q {
			if !actionKeys[strings.ToLower(k)] {
				continue
			}
			for _, v := range vs {
				if h, ok := segmentVerb(v, true, "query "+strings.ToLower(k)); ok {
					out = append(out, h)
				}
			}
		}
	}
	return out
}

// segmentVerb reads one path segment (or an action value).
func segmentVerb(seg string, last bool, source string) (hit, bool) {
	toks := tokens(seg)
	if len(toks) == 0 {
		return hit{}, false
	}
	if h, ok := systemCompound(toks, source); ok {
		return h, true
	}
	if w, ok := byWord[strings.Join(toks, "")]; ok && len(toks) > 1 && (!w.Noun || last) {
		// log-out, sign_out, create-db
		return hit{word: w.Word, class: w.Class, source: source}, true
	}
	if w, ok := byWord[toks[0]]; ok && (!w.Noun || (last && len(toks) == 1)) {
		return hit{word: w.Word, class: w.Class, source: source}, true
	}
	return hit{}, false
}

// systemCompound recognises a verb joined to a system noun, in either order:
// createDatabase, db-reset, clear_cache, rebuild-index.
func systemCompound(toks []string, source string) (hit, bool) {
	if len(toks) < 2 {
		return hit{}, false
	}
	pairs := [][2]string{{toks[0], toks[1]}, {toks[len(toks)-1], toks[len(toks)-2]}}
	for _, p := range pairs {
		if systemVerbs[p[0]] && systemNouns[p[1]] {
			return hit{word: p[0] + "-" + p[1], class: Never, source: source}, true
		}
	}
	return hit{}, false
}

// operationIDVerb takes the verb of an operationId: its first token when
// that is a listed word (deleteUser), else its last (users_delete,
// UserController.destroy).
func operationIDVerb(id string) (hit, bool) {
	toks := tokens(id)
	if len(toks) == 0 {
		return hit{}, false
	}
	const src = "operationId verb"
	if h, ok := systemCompound(toks, src); ok {
		return h, true
	}
	if w, ok := byWord[toks[0]]; ok {
		return hit{word: w.Word, class: w.Class, source: src}, true
	}
	if len(toks) > 1 {
		if w, ok := byWord[toks[0]+toks[1]]; ok {
			return hit{word: w.Word, class: w.Class, source: src}, true
		}
		if w, ok := byWord[toks[len(toks)-1]]; ok {
			return hit{word: w.Word, class: w.Class, source: src}, true
		}
	}
	return hit{}, false
}

// summaryVerb takes the verb opening a summary, imperative ("Delete a
// user") or third person ("Deletes a user"). A word that is also a noun
// counts only when an object follows ("Runs the job", not "Runs" or "Run
// history").
func summaryVerb(summary string) (hit, bool) {
	fields := strings.FieldsFunc(strings.ToLower(summary), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_'
	})
	if len(fields) == 0 {
		return hit{}, false
	}
	const src = "summary verb"
	first := fields[0]
	objectFollows := len(fields) > 1 && determiners[fields[1]]
	toks := tokens(first)
	if h, ok := systemCompound(append(toks, fields[1:min(2, len(fields))]...), src); ok {
		return h, true
	}
	if w, ok := byWord[strings.Join(toks, "")]; ok && (!w.Noun || objectFollows) {
		return hit{word: w.Word, class: w.Class, source: src}, true
	}
	for _, stem := range []string{strings.TrimSuffix(first, "s"), strings.TrimSuffix(first, "es")} {
		if stem == first {
			continue
		}
		if w, ok := byWord[stem]; ok && (!w.Noun || objectFollows) {
			return hit{word: w.Word, class: w.Class, source: src}, true
		}
	}
	return hit{}, false
}

// tokens splits an identifier into lower-case words at separators and
// camelCase boundaries: "rebuildIndex" → rebuild, index; "HTMLExport" →
// html, export; "reset_password.php" → reset, password, php.
func tokens(s string) []string {
	var out []string
	start := -1 // start of the current token in s
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(s[start:end]))
		}
		start = -1
	}
	var prev rune
	for i, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			prev = r
			continue
		}
		if start >= 0 && unicode.IsUpper(r) {
			_, w := utf8.DecodeRuneInString(s[i:])
			next, _ := utf8.DecodeRuneInString(s[i+w:])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && unicode.IsLower(next)) {
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
		prev = r
	}
	flush(len(s))
	return out
}
