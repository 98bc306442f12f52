package transport

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// Header caps. A response whose header block exceeds MaxWireHeaderBytes is
// refused by the network transport (the request fails); what is accepted
// keeps at most MaxHeaderValues values and MaxHeaderBytes bytes (names plus
// values), in the order the names sort, so that a hostile server cannot
// make each recorded exchange cost megabytes.
const (
	MaxWireHeaderBytes = 256 << 10
	MaxHeaderValues    = 200
	MaxHeaderBytes     = 64 << 10
)

// errUndecodable marks a body whose Content-Encoding could not be decoded.
var errUndecodable = errors.New("undecodable body")

// capHeader returns h limited to MaxHeaderValues values and MaxHeaderBytes
// bytes, and whether anything was dropped. Content-Type, Content-Encoding,
// Location and Retry-After are kept first: the client needs them.
func capHeader(h http.Header) (http.Header, bool) {
	n, size := 0, 0
	for k, vs := range h {
		n += len(vs)
		for _, v := range vs {
			size += len(k) + len(v)
		}
	}
	if n <= MaxHeaderValues && size <= MaxHeaderBytes {
		return h, false
	}
	out := make(http.Header, min(len(h), MaxHeaderValues))
	n, size = 0, 0
	add := func(k string, vs []string) {
		for _, v := range vs {
			if n >= MaxHeaderValues || size+len(k)+len(v) > MaxHeaderBytes {
				return
			}
			out[k] = append(out[k], v)
			n, size = n+1, size+len(k)+len(v)
		}
	}
	first := []string{"Content-Type", "Content-Encoding", "Content-Length", "Location", "Retry-After"}
	for _, k := range first {
		add(k, h[k])
	}
	for _, k := range sortedKeys(h) {
		if !slices.Contains(first, k) {
			add(k, h[k])
		}
	}
	return out, true
}

// headerSize is the bytes a header holds (names and values).
func headerSize(h http.Header) int64 {
	var n int64
	for k, vs := range h {
		for _, v := range vs {
			n += int64(len(k) + len(v) + 16)
		}
	}
	return n
}

// readBody reads at most limit bytes of the decoded body. Compressed bodies
// are decoded with the same cap, so a decompression bomb costs at most limit
// bytes of memory. Content-Encoding gzip (RFC 1952) and deflate are
// decoded; deflate is the zlib format (RFC 9110 section 8.4.1.2, RFC 1950),
// with raw deflate (RFC 1951), which some servers send instead, as a
// fallback. A body that cannot be decoded returns an error wrapping
// errUndecodable.
func readBody(resp *http.Response, limit int64) ([]byte, bool, error) {
	src := &netReader{r: resp.Body}
	var r io.Reader = src
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(src)
		if err == io.EOF {
			return nil, false, nil // an empty body (HEAD, 204) needs no decoding
		}
		if err != nil && src.err != nil {
			return nil, true, src.err
		}
		if err != nil {
			return nil, true, fmt.Errorf("%w: gzip: %v", errUndecodable, err)
		}
		defer zr.Close()
		r = zr
	case "deflate":
		br := bufio.NewReader(src)
		head, _ := br.Peek(2)
		if len(head) == 0 {
			return nil, false, src.err
		}
		if isZlibHeader(head) {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, true, fmt.Errorf("%w: deflate: %v", errUndecodable, err)
			}
			defer zr.Close()
			r = zr
		} else {
			fr := flate.NewReader(br)
			defer fr.Close()
			r = fr
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, initialBodyCap(resp.ContentLength, limit)))
	_, err := io.Copy(buf, io.LimitReader(r, limit+1))
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return b[:limit], true, nil
	}
	if err != nil && src.err == nil {
		err = fmt.Errorf("%w: %v", errUndecodable, err)
	}
	return b, false, err
}

// isZlibHeader reports whether b starts a zlib stream (RFC 1950 section
// 2.2: compression method 8, and CMF*256+FLG a multiple of 31).
func isZlibHeader(b []byte) bool {
	return len(b) == 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// initialBodyCap sizes the read buffer from Content-Length when it is
// believable, so that a large body is not copied while it grows.
func initialBodyCap(contentLength, limit int64) int {
	if contentLength > 0 && contentLength <= limit {
		return int(contentLength) + 1
	}
	return 512
}

// netReader remembers the error of the network stream, so that a broken
// stream or a timeout (the network's fault) is told from a decoding error
// (the encoding's fault).
type netReader struct {
	r   io.Reader
	err error
}

func (n *netReader) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err != nil && err != io.EOF {
		n.err = err
	}
	return k, err
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
