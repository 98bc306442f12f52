package surface

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/surface/shape"
)

// Knowledge collects the object ids seen in responses, so that templates can
// be filled with real ids: the ids listed by /orders/mine fill
// /orders/{order_id}. It is safe for concurrent use.
type Knowledge struct {
	mu sync.Mutex
	// ids maps a collection name (singular, lower case: "order") and a key
	// ("id", "order_id") to the values seen, sorted.
	ids map[string][]string
	// named maps a normalised answer key (note_title, username) to the
	// values seen under it, in any answer, with their provenance.
	named map[string][]Candidate
}

// maxIDs bounds the values kept per collection and key.
const maxIDs = 8

// NewKnowledge returns an empty store.
func NewKnowledge() *Knowledge {
	return &Knowledge{ids: map[string][]string{}, named: map[string][]Candidate{}}
}

// ObserveAs records the ids in a JSON answer to path (Observe) and every
// reference-like value under any key (AnswerValues), as received by
// identity.
func (k *Knowledge) ObserveAs(identity, path string, body []byte) {
	k.Observe(path, body)
	k.AddValues(AnswerValues(body, FromAnswer, identity))
}

// AddValues records values with their provenance (answers, subjects,
// recordings), at most maxIDs per key; the first seen are kept.
func (k *Knowledge) AddValues(cs []Candidate) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range cs {
		key := strings.Join(nameTokens(c.Key), "_")
		if key == "" {
			continue
		}
		vs := k.named[key]
		if len(vs) >= maxIDs || slices.ContainsFunc(vs, func(x Candidate) bool { return x.Value == c.Value }) {
			continue
		}
		k.named[key] = append(vs, c)
	}
}

// Named returns the values recorded under a key matching name (KeyMatches:
// note_title, noteTitle), sources in order of trust (answers and subjects
// before recordings), values sorted within a source.
func (k *Knowledge) Named(name string) []Candidate {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []Candidate
	for key, vs := range k.named {
		if KeyMatches(key, name, "") {
			out = append(out, vs...)
		}
	}
	rank := map[ValueSource]int{FromSubject: 0, FromAnswer: 1, FromRecording: 2, FromSpec: 3, FromSchema: 4}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].Source] != rank[out[j].Source] {
			return rank[out[i].Source] < rank[out[j].Source]
		}
		return shape.LessID(out[i].Value, out[j].Value)
	})
	return out
}

// pathWords are path segments that do not name a collection.
var pathWords = map[string]bool{"mine": true, "me": true, "self": true, "all": true, "list": true, "search": true, "api": true, "current": true}

// Collection returns the collection a path lists or shows: the last segment
// that is neither an id, a version nor a word like "mine" (/api/v1/orders/
// mine → "order").
func Collection(path string) string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		s := strings.ToLower(segs[i])
		if s == "" || pathWords[s] || shape.IsID(s) || isVersion(s) || strings.HasPrefix(s, "{") {
			continue
		}
		return singular(s)
	}
	return ""
}

func isVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	_, err := strconv.Atoi(s[1:])
	return err == nil
}

// Observe records the ids in a JSON response to path.
func (k *Knowledge) Observe(path string, body []byte) {
	var v any
	if len(body) == 0 || len(body) > 4<<20 || json.Unmarshal(body, &v) != nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.walk(v, Collection(path), 0)
}

// ObserveLink records the ids in a link found in a response: /orders/17
// gives order 17.
func (k *Knowledge) ObserveLink(path string) {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	tmpl, params := Templatize(path)
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, p := range params {
		coll := Collection(tmpl[:strings.Index(tmpl, "{"+p.Name+"}")])
		for _, v := range p.Values {
			if coll != "" {
				k.add(coll, "id", v)
			}
			k.add("", p.Name, v)
		}
	}
}

func (k *Knowledge) walk(v any, coll string, depth int) {
	if depth > 16 {
		return
	}
	switch t := v.(type) {
	case []any:
		for i, e := range t {
			if i >= 50 {
				break
			}
			k.walk(e, coll, depth+1)
		}
	case map[string]any:
		for key, c := range t {
			lk := strings.ToLower(key)
			if s, ok := idValue(c); ok && (lk == "id" || strings.HasSuffix(lk, "_id") || strings.HasSuffix(key, "Id") || lk == "uuid") {
				k.add(coll, lk, s)
				k.add("", lk, s)
				continue
			}
			switch c.(type) {
			case map[string]any, []any:
				k.walk(c, singular(lk), depth+1)
			}
		}
	}
}

func idValue(v any) (string, bool) {
	switch t := v.(type) {
	case float64:
		if t >= 0 && t == math.Trunc(t) && t < 1e15 {
			return strconv.FormatInt(int64(t), 10), true
		}
	case string:
		if shape.IsID(t) || (len(t) > 0 && len(t) <= 64 && !strings.ContainsAny(t, " /?#%\t\r\n")) {
			return t, true
		}
	}
	return "", false
}

// add keeps the values of one collection and key sorted (numbers by value)
// and only the first maxIDs of them, so that what is kept does not depend on
// the order in which concurrent answers arrived.
func (k *Knowledge) add(coll, key, v string) {
	id := coll + "\x00" + key
	vs := k.ids[id]
	i := sort.Search(len(vs), func(i int) bool { return !shape.LessID(vs[i], v) })
	if i < len(vs) && vs[i] == v {
		return
	}
	if i >= maxIDs {
		return
	}
	vs = append(vs, "")
	copy(vs[i+1:], vs[i:])
	vs[i] = v
	if len(vs) > maxIDs {
		vs = vs[:maxIDs]
	}
	k.ids[id] = vs
}

// Candidates returns the values seen for the path parameter name of
// template: first values of a key of the same name, then ids of the
// collection the placeholder follows (/orders/{order_id} → ids of "order").
func (k *Knowledge) Candidates(template, name string) []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	ln := strings.ToLower(name)
	var out []string
	add := func(vs []string) {
		for _, v := range vs {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	coll := ""
	segs := strings.Split(strings.Trim(template, "/"), "/")
	for i, s := range segs {
		if s == "{"+name+"}" && i > 0 {
			coll = Collection("/" + strings.Join(segs[:i], "/"))
		}
	}
	if coll != "" {
		add(k.ids[coll+"\x00"+ln])
		add(k.ids[coll+"\x00id"])
		add(k.ids[coll+"\x00uuid"])
	}
	if ln != "id" {
		add(k.ids["\x00"+ln])
	}
	if len(out) > maxIDs {
		out = out[:maxIDs]
	}
	return out
}

// Fill gives the parameters of eps learnt values when they have only
// synthetic ones (or none): path placeholders, and the required parameters
// of the query, headers, cookies and body. A path
// parameter takes ids of the collection it follows, then values learnt
// under its own name (a note_title, a username, whatever their shape);
// other parameters take values learnt under their own name. Neighbours of
// the values (id±1, INV-0003 → INV-0002) are kept for authorization
// checks. It returns the indexes of the endpoints it changed.
func (k *Knowledge) Fill(eps []Endpoint) []int {
	var changed []int
	for i := range eps {
		ep := &eps[i]
		touched := false
		for _, name := range PathParams(ep.Path) {
			if _, ok := ep.Param(InPath, name); !ok {
				ep.Params = append(ep.Params, Param{Name: name, In: InPath, Required: true, Role: RoleOf(name, InPath, nil)})
			}
		}
		for j := range ep.Params {
			p := &ep.Params[j]
			if len(p.Values) > 0 && !p.Synthetic {
				continue
			}
			// Optional parameters stay out of the default request (the
			// authorization checks still fill references everywhere).
			if p.In != InPath && !p.Required {
				continue
			}
			if p.Role == RoleCredential {
				continue
			}
			var vals []string
			from := FromAnswer
			if p.In == InPath {
				vals = k.Candidates(ep.Path, p.Name)
			}
			// A free-text term (a search value) is no reference: values
			// learnt under its name name nothing in particular.
			named := k.Named(p.Name)
			if p.Role == RoleText {
				named = nil
			}
			for _, c := range named {
				if len(vals) >= maxIDs {
					break
				}
				if !slices.Contains(vals, c.Value) {
					if len(vals) == 0 {
						from = c.Source
					}
					vals = append(vals, c.Value)
				}
			}
			if len(vals) == 0 && p.Role == RoleText && p.Synthetic {
				// A search term that names nothing: one letter matches
				// what a contains-search holds (read-only, bounded).
				vals, from = []string{"a"}, FromSchema
			}
			if len(vals) == 0 {
				continue
			}
			p.Values, p.Synthetic, p.From = vals, false, from
			p.Neighbors = shape.Neighbors(vals)
			touched = true
		}
		if touched {
			changed = append(changed, i)
		}
	}
	return changed
}

// Demote marks the spec-given values of an operation's parameters as mere
// hints after the operation answered 404 with them (a spec example taken
// for a real value): the next Fill replaces them with learnt values.
func Demote(ep *Endpoint) bool {
	changed := false
	for j := range ep.Params {
		p := &ep.Params[j]
		// Body members without a source hold the documented example body's
		// values: hints as well.
		hint := p.From == FromSpec || (p.In == InBody || p.In == InForm) && p.From == ""
		if hint && !p.Synthetic && (p.In == InPath || p.Role.IsReference() || p.Role == RoleText) {
			p.Synthetic = true
			changed = true
		}
	}
	return changed
}
