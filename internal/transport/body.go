package transport

import (
	"bufio"
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
	length := resp.ContentLength
	if r != io.Reader(src) {
		length = -1 // Content-Length counts the encoded bytes
	}
	b, err := readAtMost(r, limit, length)
	if err == nil && src.err != nil {
		err = src.err // the stream broke: what arrived is kept, as truncated
	}
	if err == nil && int64(len(b)) == limit {
		var one [1]byte
		if n, _ := io.ReadFull(r, one[:]); n > 0 {
			return b, true, nil
		}
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

// readAtMost reads up to limit bytes. With a believable Content-Length it
// reads into one buffer of that size; otherwise into 64 KiB chunks joined
// once at the end, so that a large body costs about twice its size in
// allocations instead of the four times a doubling buffer costs, and the
// result holds no spare capacity.
func readAtMost(r io.Reader, limit, contentLength int64) ([]byte, error) {
	if contentLength > 0 && contentLength <= limit {
		b := make([]byte, contentLength)
		n, err := io.ReadFull(r, b)
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			// Shorter than announced: the network reader says why.
			return b[:n], nil
		}
		if err == nil && int64(n) < limit {
			// A body longer than announced: read the rest under the cap.
			rest, rerr := readAtMost(r, limit-int64(n), -1)
			if len(rest) > 0 {
				return append(b[:n:n], rest...), rerr
			}
			return b[:n], rerr
		}
		return b[:n], err
	}
	const chunk = 64 << 10
	var chunks [][]byte
	total := int64(0)
	var err error
	for total < limit && err == nil {
		c := make([]byte, min(chunk, limit-total))
		var n int
		n, err = io.ReadFull(r, c)
		if n > 0 {
			chunks = append(chunks, c[:n])
			total += int64(n)
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	if len(chunks) == 1 {
		return chunks[0], err
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, err
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
