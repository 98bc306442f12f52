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

// TestMaskLocation: the journal and the skipped operations mask personal
// data in path segments as well as in the query.
func TestMaskLocation(t *testing.T) {
	for _, tc := range []struct{ in, raw string }{
		{"http://127.0.0.1:5000/api/users/alice.moreau@proton.me/ban", "alice.moreau"},
		{"/api/users/bob.okafor%40fastmail.com", "bob.okafor"},
		{"http://h/api/lookup?email=carol.nguyen@outlook.com", "carol.nguyen"},
	} {
		if got := maskLocation(tc.in); strings.Contains(got, tc.raw) {
			t.Errorf("%s: still holds the value", got)
		}
	}
	for _, keep := range []string{"http://127.0.0.1:5000/api/users/1001", "/api/users/{id}", "/", "http://h/api/items?page=2"} {
		if got := maskLocation(keep); got != keep {
			t.Errorf("%q changed to %q", keep, got)
		}
	}
}

func TestPersonSegmentMasked(t *testing.T) {
	t.Parallel()
	for in, masked := range map[string]bool{
		"http://h/users/zquibble77":       true,
		"http://h/api/profile/alice":      true,
		"http://h/passphrase/bob.martin":  true,
		"http://h/users/me":               false,
		"http://h/users/u_1001":           false,
		"http://h/users/42":               false,
		"http://h/notes/quietNote17":      false, // a slug, not a person
		"http://h/users/INV-0003/history": false,
	} {
		got := maskLocation(in)
		if (got != in) != masked {
			t.Errorf("maskLocation(%q) = %q, masked %v, want %v", in, got, got != in, masked)
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
