package transport

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

func FuzzParseIdentity(f *testing.F) {
	for _, s := range []string{"alice=Authorization: Bearer x", "bob:admin=X-Api-Key: k", "=", "a:b:c=d", "n=Cookie: a=b; c=d", "x=\x00: \r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIdentity(s)
		if err != nil {
			return
		}
		if ValidateName(id.Name) != nil {
			t.Fatalf("ParseIdentity(%q) accepted the bad name %q", s, id.Name)
		}
		for k := range id.Header {
			if !validHeaderName(k) {
				t.Fatalf("ParseIdentity(%q) accepted the bad header name %q", s, k)
			}
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"30", "0", "2002000000000", "99999999999999999999999", "-1", "Fri, 31 Dec 9999 23:59:59 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "soon", " 12 "} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := RetryAfter(s, now)
		if ok && (d < 0 || d > MaxRetryAfter) {
			t.Fatalf("RetryAfter(%q) = %v, outside [0, %v]", s, d, MaxRetryAfter)
		}
		if !ok && d != 0 {
			t.Fatalf("RetryAfter(%q) = %v with ok false", s, d)
		}
	})
}

// FuzzReadBody decodes hostile bodies under every Content-Encoding: the
// result never exceeds the cap.
func FuzzReadBody(f *testing.F) {
	f.Add("gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Add("deflate", []byte("x\x9c\xcbH\xcd\xc9\xc9\x07\x00\x06,\x02\x15"))
	f.Add("deflate", []byte("\xcbH\xcd\xc9\xc9\x07\x00"))
	f.Add("", []byte("plain"))
	const limit = 4096
	f.Fuzz(func(t *testing.T, enc string, body []byte) {
		resp := &http.Response{Header: http.Header{"Content-Encoding": {enc}}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: -1}
		b, _, _ := readBody(resp, limit)
		if len(b) > limit {
			t.Fatalf("%d bytes read past the cap of %d", len(b), limit)
		}
	})
}

func FuzzCapHeader(f *testing.F) {
	f.Add("X-A", "v", 3)
	f.Fuzz(func(t *testing.T, k, v string, n int) {
		h := http.Header{}
		for i := range min(max(n, 0), 400) {
			h.Add(k+string(rune('a'+i%26)), v)
		}
		out, _ := capHeader(h)
		count, size := 0, 0
		for k, vs := range out {
			for _, v := range vs {
				count++
				size += len(k) + len(v)
			}
		}
		if count > MaxHeaderValues || size > MaxHeaderBytes {
			t.Fatalf("%d values, %d bytes after the cap", count, size)
		}
	})
}
