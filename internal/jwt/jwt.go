// Package jwt parses JSON Web Tokens for inspection, verifies and cracks
// their HMAC signatures offline and builds the modified tokens leakhound
// replays (alg "none"). It never trusts a token; it only looks at it.
package jwt

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/weakkey"
)

// ErrFormat means the value is not a compact JWS.
var ErrFormat = errors.New("not a JWT")

// Token is a parsed token.
type Token struct {
	Raw       string
	Header    map[string]any
	Claims    map[string]any
	RawClaims []byte
	signed    string
	sig       []byte
}

var b64 = base64.RawURLEncoding

// Find matches compact JWTs in text: a JSON header starting with {" base64url-encoded.
var Find = regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,1000}\.eyJ[A-Za-z0-9_-]{2,1000}[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{0,1000}`)

// Parse decodes a compact token without verifying it.
func Parse(s string) (*Token, error) {
	s = strings.TrimSpace(s)
	if len(s) > 16384 {
		return nil, ErrFormat
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, ErrFormat
	}
	hb, err := b64.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return nil, ErrFormat
	}
	cb, err := b64.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, ErrFormat
	}
	sig, err := b64.DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil {
		return nil, ErrFormat
	}
	t := &Token{Raw: s, RawClaims: cb, signed: parts[0] + "." + parts[1], sig: sig}
	if json.Unmarshal(hb, &t.Header) != nil || t.Header == nil || t.Alg() == "" {
		return nil, ErrFormat
	}
	if json.Unmarshal(cb, &t.Claims) != nil || t.Claims == nil {
		return nil, ErrFormat
	}
	return t, nil
}

// Alg returns the header's alg.
func (t *Token) Alg() string {
	s, _ := t.Header["alg"].(string)
	return s
}

// HeaderString returns a string header field.
func (t *Token) HeaderString(name string) string {
	s, _ := t.Header[name].(string)
	return s
}

// maxNumericDate bounds numeric claims (2^53 seconds, beyond any date):
// differences of two claims never overflow an int64.
const maxNumericDate = 1 << 53

// NumericClaim returns a numeric claim such as exp or iat (RFC 7519
// NumericDate, seconds), clamped to ±2^53.
func (t *Token) NumericClaim(name string) (int64, bool) {
	switch v := t.Claims[name].(type) {
	case float64:
		return int64(max(-maxNumericDate, min(maxNumericDate, v))), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}

func hasher(alg string) func() hash.Hash {
	switch strings.ToUpper(alg) {
	case "HS256":
		return sha256.New
	case "HS384":
		return sha512.New384
	case "HS512":
		return sha512.New
	}
	return nil
}

// IsHMAC reports whether the token is signed with a shared secret.
func (t *Token) IsHMAC() bool { return hasher(t.Alg()) != nil }

// Verify reports whether secret produced the token's HMAC signature.
func (t *Token) Verify(secret string) bool {
	h := hasher(t.Alg())
	if h == nil {
		return false
	}
	m := hmac.New(h, []byte(secret))
	m.Write([]byte(t.signed))
	return hmac.Equal(m.Sum(nil), t.sig)
}

// Crack returns the first candidate, in list order, that produced the
// token's HMAC signature. Candidates are tried in parallel (GOMAXPROCS
// goroutines, one reusable hash context each).
func (t *Token) Crack(candidates []string) (string, bool) {
	h := hasher(t.Alg())
	if h == nil {
		return "", false
	}
	msg := []byte(t.signed)
	return weakkey.Search(candidates, func() func(string) bool {
		m := weakkey.NewMAC(h)
		return func(key string) bool { return bytes.Equal(m.Sum(key, msg), t.sig) }
	})
}

// SignHS256 builds an HS256 token from claims (tests and the demo API).
func SignHS256(secret string, header, claims map[string]any) (string, error) {
	if header == nil {
		header = map[string]any{"alg": "HS256", "typ": "JWT"}
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := b64.EncodeToString(hb) + "." + b64.EncodeToString(cb)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signed))
	return signed + "." + b64.EncodeToString(m.Sum(nil)), nil
}

// NoneVariant returns the token with alg "none" and an empty signature,
// keeping every other header field and the claims byte for byte.
func (t *Token) NoneVariant() string {
	h := map[string]any{}
	for k, v := range t.Header {
		h[k] = v
	}
	h["alg"] = "none"
	hb, _ := json.Marshal(h)
	return b64.EncodeToString(hb) + "." + b64.EncodeToString(t.RawClaims) + "."
}

// TamperedVariant returns the token with its signature changed: a control
// that tells "alg none accepted" from "signature never checked".
func (t *Token) TamperedVariant() string {
	sig := append([]byte(nil), t.sig...)
	if len(sig) == 0 {
		sig = []byte{0}
	}
	sig[len(sig)-1] ^= 0x55
	return t.signed + "." + b64.EncodeToString(sig)
}
