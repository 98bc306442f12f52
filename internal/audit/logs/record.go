package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// recordSpan finds a record written into a text line, such as the output of
// logger.info("login %s", json.dumps(item)) or logger.info("login %s", item):
// the bytes from the first '{' to the last '}' when they are JSON or a
// Python dict repr (single quotes, None, True, Decimal('5')). It returns
// the span and its JSON form.
func recordSpan(line []byte) (open, end int, js []byte, ok bool) {
	open = bytes.IndexByte(line, '{')
	closing := bytes.LastIndexByte(line, '}')
	if open < 0 || closing <= open {
		return 0, 0, nil, false
	}
	span := line[open : closing+1]
	if json.Valid(span) {
		return open, closing + 1, span, true
	}
	if js, ok := pyReprToJSON(span); ok {
		return open, closing + 1, js, true
	}
	return 0, 0, nil, false
}

var errNotRepr = errors.New("not a Python repr")

// pyReprToJSON converts a Python literal (dict, list, str, int, float, None,
// True, False, Decimal('…')) to JSON.
func pyReprToJSON(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\'' || c == '"':
			s, n, err := pyString(b[i:])
			if err != nil {
				return nil, false
			}
			q, _ := json.Marshal(s)
			out = append(out, q...)
			i += n
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			j := i
			for j < len(b) && (b[j] >= 'A' && b[j] <= 'Z' || b[j] >= 'a' && b[j] <= 'z' || b[j] == '.' || b[j] == '_') {
				j++
			}
			switch word := string(b[i:j]); word {
			case "None":
				out = append(out, "null"...)
			case "True":
				out = append(out, "true"...)
			case "False":
				out = append(out, "false"...)
			case "Decimal":
				if j+1 >= len(b) || b[j] != '(' {
					return nil, false
				}
				s, n, err := pyString(b[j+1:])
				if err != nil || j+1+n >= len(b) || b[j+1+n] != ')' {
					return nil, false
				}
				if _, err := strconv.ParseFloat(s, 64); err == nil && json.Valid([]byte(s)) {
					out = append(out, s...)
				} else {
					q, _ := json.Marshal(s)
					out = append(out, q...)
				}
				j += 1 + n + 1
			default:
				return nil, false
			}
			i = j
		default:
			out = append(out, c)
			i++
		}
	}
	return out, json.Valid(out)
}

// pyString reads a quoted Python string at the start of b; it returns the
// value and the bytes read.
func pyString(b []byte) (string, int, error) {
	if len(b) == 0 || b[0] != '\'' && b[0] != '"' {
		return "", 0, errNotRepr
	}
	q := b[0]
	var s strings.Builder
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			if i+1 >= len(b) {
				return "", 0, errNotRepr
			}
			i++
			switch b[i] {
			case 'n':
				s.WriteByte('\n')
			case 't':
				s.WriteByte('\t')
			default:
				s.WriteByte(b[i])
			}
		case q:
			return s.String(), i + 1, nil
		default:
			s.WriteByte(b[i])
		}
	}
	return "", 0, errNotRepr
}

// elide rewrites a JSON record for an excerpt: keys and structure kept,
// every string and number replaced by its masked form when detect found
// it, else by "…". Nothing the detectors missed can show.
func elide(js []byte, masked map[string]string) string {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var b strings.Builder
	// stack of containers: true for an object; inObjKey says the next
	// string is a key.
	type frame struct {
		obj   bool
		n     int
		isKey bool
	}
	var stack []frame
	sep := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.obj {
			if f.isKey {
				if f.n > 0 {
					b.WriteString(", ")
				}
				f.n++
			} else {
				b.WriteString(": ")
			}
			f.isKey = !f.isKey
			return
		}
		if f.n > 0 {
			b.WriteString(", ")
		}
		f.n++
	}
	value := func(raw string) {
		if m, ok := masked[raw]; ok {
			q, _ := json.Marshal(m)
			b.Write(q)
			return
		}
		b.WriteString(`"…"`)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "{…}"
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				sep()
				b.WriteByte(byte(t))
				stack = append(stack, frame{obj: t == '{', isKey: true})
			default:
				b.WriteByte(byte(t))
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			}
		case string:
			key := len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].isKey
			sep()
			if key {
				q, _ := json.Marshal(t)
				b.Write(q)
			} else {
				value(t)
			}
		case json.Number:
			sep()
			value(t.String())
		case bool:
			sep()
			b.WriteString(strconv.FormatBool(t))
		case nil:
			sep()
			b.WriteString("null")
		}
	}
	return b.String()
}
