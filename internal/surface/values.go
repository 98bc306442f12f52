package surface

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
)

// maxAnswerValues bounds the values taken from one answer.
const maxAnswerValues = 200

// AnswerValues returns the scalar values of a JSON answer under any key
// (ids, titles, slugs, usernames, emails, references), each with the key
// it was found under, in document order of sorted keys, without
// duplicates of one key and value. Long strings (over 128 bytes), strings
// with spaces or line breaks (free text) and non-integral numbers are left
// out: they never fill a parameter.
func AnswerValues(body []byte, src ValueSource, identity string) []Candidate {
	var v any
	if len(body) == 0 || len(body) > 4<<20 || json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []Candidate
	seen := map[string]bool{}
	var walk func(v any, key string, depth int)
	walk = func(v any, key string, depth int) {
		if depth > 16 || len(out) >= maxAnswerValues {
			return
		}
		switch t := v.(type) {
		case []any:
			for i, e := range t {
				if i >= 50 {
					break
				}
				walk(e, key, depth+1)
			}
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(t[k], k, depth+1)
			}
		default:
			s, ok := referenceValue(t)
			if !ok || key == "" || seen[key+"\x00"+s] {
				return
			}
			seen[key+"\x00"+s] = true
			out = append(out, Candidate{Value: s, Source: src, Identity: identity, Key: key})
		}
	}
	walk(v, "", 0)
	return out
}

// referenceValue returns the text of a scalar that may be a reference.
func referenceValue(v any) (string, bool) {
	switch t := v.(type) {
	case float64:
		if t >= 0 && t == math.Trunc(t) && t < 1e15 {
			return strconv.FormatInt(int64(t), 10), true
		}
	case string:
		if len(t) > 0 && len(t) <= 128 && !strings.ContainsAny(t, " \t\r\n") {
			return t, true
		}
	}
	return "", false
}

// KeyMatches reports whether an answer key names what a parameter holds:
// the same name in any case or separator style (noteTitle, note_title,
// note-title), or an "id" key of the collection a path parameter follows
// (coll "note": id for note_id).
func KeyMatches(key, param, coll string) bool {
	k, p := strings.Join(nameTokens(key), "_"), strings.Join(nameTokens(param), "_")
	if k == "" || p == "" {
		return false
	}
	if k == p {
		return true
	}
	if coll != "" && (k == "id" || k == "uuid" || k == "slug") && (p == coll+"_id" || p == coll+"_"+k || p == k) {
		return true
	}
	// user_id ↔ userid, email ↔ user_email
	if strings.ReplaceAll(k, "_", "") == strings.ReplaceAll(p, "_", "") {
		return true
	}
	return false
}
