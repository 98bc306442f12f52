package detect

import (
	"bytes"
	"strings"
)

// scanCSV scans a CSV or TSV body whose header names its columns: each
// cell takes its column's key class as context, as a JSON value takes its
// key's. It returns false, having done nothing, when the body does not
// look like such a table.
func (sc *scan) scanCSV(contentType string) bool {
	b := sc.body
	nl := bytes.IndexByte(b, '\n')
	if nl <= 0 || nl > 4096 {
		return false
	}
	header := bytes.TrimRight(b[:nl], "\r")
	delim := byte(',')
	for _, d := range []byte{';', '\t', '|'} {
		if bytes.Count(header, []byte{d}) > bytes.Count(header, []byte{delim}) {
			delim = d
		}
	}
	cols := bytes.Split(header, []byte{delim})
	if len(cols) < 2 || len(cols) > 256 {
		return false
	}
	declared := strings.Contains(strings.ToLower(contentType), "csv") || strings.Contains(strings.ToLower(contentType), "tab-separated")
	classes := make([]keyClass, len(cols))
	known := 0
	for i, c := range cols {
		c = bytes.Trim(c, " \"'")
		if len(c) == 0 || len(c) > 48 {
			if !declared {
				return false
			}
			continue
		}
		for _, ch := range c {
			if !isAlnum(ch) && ch != '_' && ch != '-' && ch != ' ' && ch != '.' && !declared {
				return false // not a header row
			}
		}
		classes[i] = classifyKey(c)
		if classes[i] != kNone && classes[i] != kIDLike {
			known++
		}
	}
	if known == 0 {
		return false
	}
	sc.textMode = true
	sc.hits, sc.hi = sc.s.ac.find(b, 0, sc.hits[:0]), 0
	sc.literalHits(0, nl, kNone)
	for pos := nl + 1; pos < len(b); {
		end := pos + bytes.IndexByte(b[pos:], '\n')
		if end < pos {
			end = len(b)
		}
		quoted := bytes.IndexByte(b[pos:end], '"') >= 0
		col, s := 0, pos
		for k := pos; k <= end; k++ {
			if k < end && b[k] != delim {
				continue
			}
			cs, ce := s, k
			for cs < ce && (b[cs] == ' ' || b[cs] == '"') {
				cs++
			}
			for ce > cs && (b[ce-1] == ' ' || b[ce-1] == '"' || b[ce-1] == '\r') {
				ce--
			}
			kc := kNone
			if col < len(classes) && !quoted {
				kc = classes[col]
			}
			sc.cell(cs, ce, kc)
			col++
			s = k + 1
		}
		pos = end + 1
	}
	return true
}

// cell scans one table cell with its column's context.
func (sc *scan) cell(s, e int, kc keyClass) {
	if s >= e {
		return
	}
	before := sc.count()
	sc.literalHits(s, e, kc)
	switch kc {
	case kNone, kIDLike, kAddressPart, kLat, kLon:
	default:
		if sc.count() == before && sc.keyRule(kc, sc.valueText(s, e), s, e) {
			return
		}
	}
	sc.scanShapes(s, e, kc)
}
