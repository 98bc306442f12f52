package wild

import "testing"

func init() {
	variantChecks["slugs"] = checkSlugs
	// one entry per planted weakness, each proved by an expect() in checkSlugs
	proved["slugs"] = []string{"GET /notes/{note_title}", "GET /passphrase/{username}", "GET /passphrase/{username}"}
}

func checkSlugs(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob := who(t, tg, "alice"), who(t, tg, "bob")
	if alice[0] != "x-access-token" {
		t.Errorf("header case lost: %q", alice[0])
	}
	idx := do(t, h, "GET", "/notes", "")
	if idx.code != 200 || !idx.has(`"note_title":"quietNote17","owner":"alice"`) || idx.has("locker") {
		t.Errorf("index: %s", idx.body)
	}
	r := do(t, h, "GET", "/notes/quietNote17", "", bob...)
	expect(t, mode, "BOLA by title", r.code == 200 && r.has("locker code 4417"), r)
	r = do(t, h, "GET", "/notes/quietNote17", "", alice...)
	if r.code != 200 || !r.has("locker code") {
		t.Errorf("own note: %d %s", r.code, r.body)
	}
	wantCode(t, "anonymous note", do(t, h, "GET", "/notes/quietNote17", ""), 403)

	r = do(t, h, "GET", "/passphrase/bob", "")
	expect(t, mode, "anonymous passphrase", r.code == 200 && r.has("amber-tiger-window-lantern"), r)
	r = do(t, h, "GET", "/passphrase/bob", "", alice...)
	expect(t, mode, "passphrase by username", r.code == 200 && r.has("amber-tiger-window-lantern"), r)
	r = do(t, h, "GET", "/passphrase/bob", "", bob...)
	if r.code != 200 || !r.has("amber-tiger") {
		t.Errorf("own passphrase: %d", r.code)
	}

	r = do(t, h, "GET", "/authors/bob", "")
	if r.code != 200 || !r.has("avatarUrl") || r.has("passphrase") || r.has("gravel") {
		t.Errorf("author trap: %s", r.body)
	}
	r = do(t, h, "GET", "/me", "", alice...)
	if r.code != 200 || !r.has(`"username":"alice"`) || r.has("bob") {
		t.Errorf("me: %s", r.body)
	}
	wantCode(t, "express 404", do(t, h, "GET", "/", ""), 404)
}
