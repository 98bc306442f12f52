package report

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/finding"
)

// Clean makes a string safe to write in any format: invalid UTF-8 becomes
// U+FFFD, and characters a terminal or an XML parser would act on are
// written as visible escapes: C0 controls other than tab and newline
// (ESC becomes \x1b), a lone carriage return, DEL, C1 controls (U+0080 to
// U+009F, among them the one-byte CSI), the bidirectional overrides and
// isolates (U+202A-U+202E, U+2066-U+2069, "Trojan Source", CVE-2021-42574)
// and the non-characters U+FFFE and U+FFFF (not XML 1.0 characters). A
// CRLF line end becomes LF. Text that came from the target can therefore
// never drive the reader's terminal, and every XML report stays
// well-formed.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// CRLF: the LF follows on its own.
		case needsEscape(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f {
			return isCleanRunes(s)
		}
	}
	return true
}

// isCleanRunes is the slow path of isClean, for text beyond ASCII.
func isCleanRunes(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if needsEscape(r) {
			return false
		}
	}
	return true
}

func needsEscape(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0xfffe || r == 0xffff:
		return true
	}
	return false
}

// cleanReport returns a copy of r whose every exported string (findings,
// evidence, errors, reasons, map keys and values) went through Clean. The
// copy is deep where strings change; r is never modified.
func cleanReport(r *finding.Report) *finding.Report {
	if r == nil {
		return nil
	}
	return cleanValue(reflect.ValueOf(r)).Interface().(*finding.Report)
}

func cleanValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		c := Clean(s)
		if c == s {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.SetString(c)
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n.Field(i).Set(cleanValue(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(cleanValue(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			n.SetMapIndex(cleanValue(it.Key()), cleanValue(it.Value()))
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(cleanValue(v.Elem()))
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(cleanValue(v.Elem()))
		return n
	}
	return v
}
