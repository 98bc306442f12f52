// Package itsdangerous decodes, verifies and signs Flask session cookies the
// way Flask's SecureCookieSessionInterface does: itsdangerous'
// URLSafeTimedSerializer with the "cookie-session" salt, HMAC key
// derivation and HMAC-SHA1 signatures.
//
// A cookie is payload "." timestamp "." signature, each part base64url
// without padding. A payload starting with "." is zlib-compressed JSON.
package itsdangerous

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/weakkey"
)

// Flask's defaults.
const (
	Salt = "cookie-session"
)

// maxPayload bounds the decompressed payload: a cookie is at most a few KiB.
const maxPayload = 64 << 10

// ErrFormat means the value is not an itsdangerous timed token.
var ErrFormat = errors.New("not an itsdangerous signed value")

// Cookie is a parsed session cookie.
type Cookie struct {
	// Raw is the cookie value as seen.
	Raw        string
	Compressed bool
	// JSON is the decoded payload.
	JSON      []byte
	Timestamp time.Time
	// signed is what the signature covers: "payload.timestamp".
	signed string
	sig    []byte
}

var b64 = base64.RawURLEncoding

// Parse decodes a cookie value without verifying it.
func Parse(v string) (*Cookie, error) {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	if len(v) < 10 || len(v) > 8192 {
		return nil, ErrFormat
	}
	i := strings.LastIndexByte(v, '.')
	if i <= 0 {
		return nil, ErrFormat
	}
	signed, sigPart := v[:i], v[i+1:]
	j := strings.LastIndexByte(signed, '.')
	if j <= 0 {
		return nil, ErrFormat
	}
	payload, tsPart := signed[:j], signed[j+1:]
	sig, err := b64.DecodeString(sigPart)
	if err != nil || len(sig) != sha1.Size {
		return nil, ErrFormat
	}
	tsb, err := b64.DecodeString(tsPart)
	if err != nil || len(tsb) == 0 || len(tsb) > 8 {
		return nil, ErrFormat
	}
	var pad [8]byte
	copy(pad[8-len(tsb):], tsb)
	ts := int64(binary.BigEndian.Uint64(pad[:]))
	if ts <= 0 {
		return nil, ErrFormat
	}
	c := &Cookie{Raw: v, signed: signed, sig: sig, Timestamp: time.Unix(ts, 0).UTC()}
	if strings.HasPrefix(payload, ".") {
		c.Compressed = true
		payload = payload[1:]
	}
	data, err := b64.DecodeString(payload)
	if err != nil {
		return nil, ErrFormat
	}
	if c.Compressed {
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, ErrFormat
		}
		data, err = io.ReadAll(io.LimitReader(zr, maxPayload+1))
		zr.Close()
		if err != nil || len(data) > maxPayload {
			return nil, ErrFormat
		}
	}
	if !json.Valid(data) {
		return nil, ErrFormat
	}
	c.JSON = data
	return c, nil
}

// DeriveKey is itsdangerous' "hmac" key derivation: HMAC-SHA1(secret, salt).
func DeriveKey(secret, salt string) []byte {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(salt))
	return m.Sum(nil)
}

func signature(key []byte, value string) []byte {
	m := hmac.New(sha1.New, key)
	m.Write([]byte(value))
	return m.Sum(nil)
}

// Verify reports whether secret signed the cookie.
func (c *Cookie) Verify(secret string) bool {
	return hmac.Equal(signature(DeriveKey(secret, Salt), c.signed), c.sig)
}

// Crack returns the first candidate, in list order, that signed the
// cookie. Candidates are tried in parallel; each try is two HMAC-SHA1
// (key derivation, then signature) on reusable hash contexts.
func (c *Cookie) Crack(candidates []string) (string, bool) {
	salt, msg := []byte(Salt), []byte(c.signed)
	return weakkey.Search(candidates, func() func(string) bool {
		derive, sign := weakkey.NewMAC(sha1.New), weakkey.NewMAC(sha1.New)
		return func(secret string) bool { return bytes.Equal(sign.SumKey(derive.Sum(secret, salt), msg), c.sig) }
	})
}

// Sign builds a session cookie for a JSON payload as Flask would, compressing
// it when that makes it shorter.
func Sign(secret string, payload []byte, at time.Time) string {
	enc := b64.EncodeToString(payload)
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	_, _ = zw.Write(payload) // a bytes.Buffer does not fail
	zw.Close()
	if z := b64.EncodeToString(buf.Bytes()); len(z) < len(enc)-1 {
		enc = "." + z
	}
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(at.Unix()))
	tsb := bytes.TrimLeft(ts[:], "\x00")
	signed := enc + "." + b64.EncodeToString(tsb)
	return signed + "." + b64.EncodeToString(signature(DeriveKey(secret, Salt), signed))
}

// Resign signs the cookie's own payload with secret and a new timestamp.
func (c *Cookie) Resign(secret string, at time.Time) string {
	return Sign(secret, c.JSON, at)
}
