package itsdangerous

import (
	"strings"
	"testing"
	"time"
)

func TestSignParseVerifyRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, payload := range []string{`{"user_id":1}`, `{"notes":"` + strings.Repeat("x", 500) + `"}`} {
		v := Sign("changeme", []byte(payload), at)
		c, err := Parse(v)
		if err != nil {
			t.Fatalf("Parse(%q): %v", v, err)
		}
		if string(c.JSON) != payload {
			t.Errorf("payload = %s, want %s", c.JSON, payload)
		}
		if c.Compressed != strings.HasPrefix(v, ".") {
			t.Errorf("compressed = %v for %q", c.Compressed, v)
		}
		if !c.Timestamp.Equal(at) {
			t.Errorf("timestamp = %v, want %v", c.Timestamp, at)
		}
		if !c.Verify("changeme") || c.Verify("changeme2") {
			t.Errorf("Verify wrong for %q", v)
		}
		if k, ok := c.Crack([]string{"a", "b", "changeme"}); !ok || k != "changeme" {
			t.Errorf("Crack = %q, %v", k, ok)
		}
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	for _, v := range []string{
		"", "abc", "a.b.c", "eyJhIjoxfQ.AAAA.!!!!", "eyJhIjoxfQ.AAAA.lHOURdwfWsq33KeAgGZQ5XBJlyY",
		"notjson.awlK2g.lHOURdwfWsq33KeAgGZQ5XBJlyY", ".eJzzSM3JyVcozy_KSQEAGKsEPQ.awlK2g.lHOURdwfWsq33KeAgGZQ5XBJlyY",
		".notzlib.awlK2g.lHOURdwfWsq33KeAgGZQ5XBJlyY", strings.Repeat("a", 9000),
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", // a JWT is not a session
	} {
		if c, err := Parse(v); err == nil {
			t.Errorf("Parse(%.40q) = %+v, want error", v, c)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("eyJlbWFpbCI6ImFAYi5jIn0.awlK2g.lHOURdwfWsq33KeAgGZQ5XBJlyY")
	f.Add(".eJyrVkrLz1eyUkpKLFKqBQAaYQQ9.awlK2g.lHOURdwfWsq33KeAgGZQ5XBJlyY")
	f.Fuzz(func(t *testing.T, v string) {
		if c, err := Parse(v); err == nil {
			_ = c.Verify("x")
		}
	})
}
