package transport

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter is the longest delay a Retry-After is read as: longer
// values, and values too large for a number, are clamped to it, so a
// hostile value can never overflow into a negative delay.
const MaxRetryAfter = 24 * time.Hour

// RetryAfter reads a Retry-After header value (RFC 9110 section 10.2.3):
// delay-seconds or an HTTP date, relative to now. The delay is clamped to
// [0, MaxRetryAfter]. ok is false when the value is neither form.
func RetryAfter(v string, now time.Time) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true // out of range: as long as we ever wait
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now) // time.Time.Sub saturates instead of overflowing
	return min(max(d, 0), MaxRetryAfter), true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
