package weakkey

import (
	"hash"
	"io"
)

// MAC computes HMAC (RFC 2104) with one reusable hash context, so that
// trying many keys allocates nothing per key. It is not safe for concurrent
// use: give each goroutine of Search its own.
type MAC struct {
	h          hash.Hash
	ipad, opad []byte
	inner, out []byte
	long       []byte
}

// NewMAC returns a MAC over newHash (sha256.New, sha1.New…).
func NewMAC(newHash func() hash.Hash) *MAC {
	h := newHash()
	b := h.BlockSize()
	return &MAC{h: h, ipad: make([]byte, b), opad: make([]byte, b), inner: make([]byte, 0, h.Size()), out: make([]byte, 0, h.Size())}
}

// Sum returns HMAC(key, msg). The result is valid until the next call.
func (m *MAC) Sum(key string, msg []byte) []byte {
	if len(key) > len(m.ipad) {
		m.h.Reset()
		_, _ = io.WriteString(m.h, key)
		m.long = m.h.Sum(m.long[:0])
		return sum(m, m.long, msg)
	}
	return sum(m, key, msg)
}

// SumKey is Sum with a key in bytes (a derived key).
func (m *MAC) SumKey(key, msg []byte) []byte {
	if len(key) > len(m.ipad) {
		m.h.Reset()
		m.h.Write(key)
		m.long = m.h.Sum(m.long[:0])
		key = m.long
	}
	return sum(m, key, msg)
}

func sum[K string | []byte](m *MAC, key K, msg []byte) []byte {
	for i := range m.ipad {
		var k byte
		if i < len(key) {
			k = key[i]
		}
		m.ipad[i], m.opad[i] = k^0x36, k^0x5c
	}
	m.h.Reset()
	m.h.Write(m.ipad)
	m.h.Write(msg)
	m.inner = m.h.Sum(m.inner[:0])
	m.h.Reset()
	m.h.Write(m.opad)
	m.h.Write(m.inner)
	m.out = m.h.Sum(m.out[:0])
	return m.out
}
