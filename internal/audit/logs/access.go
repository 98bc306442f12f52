package logs

import "bytes"

// accessFields returns the parts of an access-log line that can carry
// personal data: the request target and the referer. It reads the formats of
// Werkzeug's development server
//
//	127.0.0.1 - - [30/Nov/2026 10:00:01] "GET /api/x?email=… HTTP/1.1" 200 -
//
// and of gunicorn's default access log (the Apache combined format)
//
//	127.0.0.1 - - [30/Nov/2026:10:00:01 +0000] "GET /api/x HTTP/1.1" 200 1534 "-" "curl/8.5.0"
//
// with any prefix a logging formatter adds. ok is false for other lines.
// The client address, the time, the status and the user agent are not
// returned: an access log is expected to hold them.
func accessFields(line []byte) (method, target, referer []byte, ok bool) {
	i := bytes.Index(line, []byte(`] "`))
	if i < 0 {
		return nil, nil, nil, false
	}
	rest := line[i+3:]
	sp := bytes.IndexByte(rest, ' ')
	if sp < 3 || sp > 10 {
		return nil, nil, nil, false
	}
	for _, c := range rest[:sp] {
		if c < 'A' || c > 'Z' {
			return nil, nil, nil, false
		}
	}
	method = rest[:sp]
	rest = rest[sp+1:]
	end := bytes.Index(rest, []byte(` HTTP/`))
	q := bytes.IndexByte(rest, '"')
	if end < 0 || q >= 0 && q < end {
		return nil, nil, nil, false
	}
	target = rest[:end]
	rest = rest[end:]
	if q = bytes.IndexByte(rest, '"'); q < 0 {
		return nil, nil, nil, false
	}
	rest = rest[q+1:]
	// status, size, then "referer" in the combined format.
	if q = bytes.IndexByte(rest, '"'); q >= 0 {
		rest = rest[q+1:]
		if e := bytes.IndexByte(rest, '"'); e > 0 && !(e == 1 && rest[0] == '-') {
			referer = rest[:e]
		}
	}
	return method, target, referer, true
}

// percentDecode appends the URL-decoded form of s to dst ('+' is a space in a
// query). Bad escapes are kept as they are.
func percentDecode(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0:
			dst = append(dst, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
		case c == '+':
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}
