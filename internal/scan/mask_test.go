package scan

import (
	"strings"
	"testing"
)

func TestMaskQuery(t *testing.T) {
	for _, tc := range []struct{ in, raw string }{
		{"http://127.0.0.1:5000/api/lookup?email=alice.moreau%40proton.me&page=2", "alice.moreau"},
		{"curl -sS -i 'http://h/api/statements?email=bob.okafor@fastmail.com&dob=1979-11-30'", "bob.okafor"},
		{"GET /reset?token=9f8e7d6c5b4a39281706&x=1", "9f8e7d6c5b4a39281706"},
	} {
		got := maskQuery(tc.in)
		if strings.Contains(got, tc.raw) {
			t.Errorf("%s: still holds the value", got)
		}
	}
	for _, keep := range []string{"http://h/api/items?page=2&sort=name", "GET /api/users/1001", "curl 'http://h/'"} {
		if got := maskQuery(keep); got != keep {
			t.Errorf("%q changed to %q", keep, got)
		}
	}
}

func TestMaskQueryKeepsParameterNames(t *testing.T) {
	got := maskQuery("http://127.0.0.1:1/?__debugger__=yes&cmd=resource&f=debugger.js")
	if got != "http://127.0.0.1:1/?__debugger__=yes&cmd=resource&f=debugger.js" {
		t.Errorf("maskQuery = %s", got)
	}
	if got := maskQuery("/lookup?email=alice.moreau@proton.me&page=2"); !strings.HasPrefix(got, "/lookup?email=") || strings.Contains(got, "alice.moreau") || !strings.HasSuffix(got, "&page=2") {
		t.Errorf("maskQuery = %s", got)
	}
}
