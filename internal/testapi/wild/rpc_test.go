package wild

import (
	"strings"
	"testing"
)

func init() {
	variantChecks["rpc"] = checkRPC
	// one entry per planted weakness, each proved by an expect() in checkRPC
	proved["rpc"] = []string{"POST /profile/get", "POST /ban-user", "POST /search", "PUT /items/{id}", "POST /register", "POST /login"}
}

func checkRPC(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob, admin := who(t, tg, "alice"), who(t, tg, "bob"), who(t, tg, "admin")

	// BOLA in the body.
	r := do(t, h, "POST", "/profile/get", `{"id":"2"}`, alice...)
	expect(t, mode, "BOLA /profile/get", r.code == 200 && r.has("bob.nguyen@example.com"), r)
	wantCode(t, "own profile via /profile/get", do(t, h, "POST", "/profile/get", `{"id":"1"}`, alice...), 200)
	wantCode(t, "admin reads any profile", do(t, h, "POST", "/profile/get", `{"id":2}`, admin...), 200)
	wantCode(t, "anonymous /profile/get", do(t, h, "POST", "/profile/get", `{"id":"2"}`), 401)

	// Client-trusted role.
	r = do(t, h, "POST", "/ban-user", `{"email":"carol.diaz@example.com","authLevel":"0"}`, bob...)
	expect(t, mode, "client-trusted authLevel", r.code == 200 && r.has(`"banned":true`), r)
	wantCode(t, "ban without authLevel", do(t, h, "POST", "/ban-user", `{"email":"carol.diaz@example.com"}`, bob...), 403)
	wantCode(t, "admin bans", do(t, h, "POST", "/ban-user", `{"email":"carol.diaz@example.com","authLevel":"1"}`, admin...), 200)
	r = do(t, h, "POST", "/login", `{"email":"carol.diaz@example.com","password":"Carol!Pass77"}`)
	wantCode(t, "banned user logs in", r, 403)

	// Traceback only for a well-formed body with a quote.
	r = do(t, h, "POST", "/search", `{"value":"x'"}`)
	expect(t, mode, "traceback on quote", r.code == 500 && r.has("Traceback (most recent call last)") && r.has("SELECT"), r)
	if mode == Fixed {
		wantCode(t, "fixed search with quote", r, 200)
	}
	wantCode(t, "malformed body", do(t, h, "POST", "/search", `{"value":"x'`), 400)
	wantCode(t, "wrong shape", do(t, h, "POST", "/search", `{"q":"x'"}`), 400)
	r = do(t, h, "POST", "/search", `{"value":"lamp"}`)
	if r.code != 200 || !r.has("Brass desk lamp") || r.has("Traceback") {
		t.Errorf("plain search: %d %s", r.code, r.body)
	}

	// PUT-only update without ownership check.
	wantCode(t, "PATCH on PUT-only route", do(t, h, "PATCH", "/items/201", `{"name":"x"}`, alice...), 405)
	r = do(t, h, "PUT", "/items/201", `{"name":"pwned","price":1}`, alice...)
	expect(t, mode, "BOLA PUT /items/{id}", r.code == 200 && r.has("pwned"), r)
	r = do(t, h, "POST", "/items/get", `{"id":"201"}`, bob...)
	expect(t, mode, "bob's item overwritten", r.has("pwned"), r)
	wantCode(t, "own PUT", do(t, h, "PUT", "/items/101", `{"name":"Lamp","price":20}`, alice...), 200)
	// Trap: reads are owner-checked in both modes.
	wantCode(t, "trap /items/get other's item", do(t, h, "POST", "/items/get", `{"id":"201"}`, alice...), 404)

	// Mass assignment at sign-up.
	r = do(t, h, "POST", "/register", `{"username":"mallory","email":"mallory@example.com","password":"longenough1","admin":true}`)
	wantCode(t, "register", r, 201)
	m := r.json(t)
	tok, _ := m["token"].(string)
	r2 := do(t, h, "POST", "/admin/users/list", `{}`, "Authorization", "Bearer "+tok)
	expect(t, mode, "mass-assigned admin", m["admin"] == true && r2.code == 200, r2)
	wantCode(t, "alice on admin list", do(t, h, "POST", "/admin/users/list", `{}`, alice...), 403)
	wantCode(t, "admin on admin list", do(t, h, "POST", "/admin/users/list", `{}`, admin...), 200)

	// User enumeration.
	unknown := do(t, h, "POST", "/login", `{"email":"nobody@example.com","password":"whatever1"}`)
	wrong := do(t, h, "POST", "/login", `{"email":"alice.martin@example.com","password":"whatever1"}`)
	expect(t, mode, "user enumeration", unknown.code != wrong.code || unknown.body != wrong.body, unknown)
	if mode == Fixed && wrong.code != 401 {
		t.Errorf("fixed login: %d", wrong.code)
	}
	wantCode(t, "good login", do(t, h, "POST", "/login", `{"email":"alice.martin@example.com","password":"Wonderland-42!"}`), 200)

	// Traps.
	r = do(t, h, "POST", "/staff/list", `{}`)
	if r.code != 200 || !r.has("privacy@example.com") {
		t.Errorf("staff list: %d", r.code)
	}
	r = do(t, h, "POST", "/profile/me", `{"id":"2"}`, alice...)
	if r.code != 200 || !r.has("alice.martin@example.com") || r.has("bob") {
		t.Errorf("profile/me: %d %s", r.code, r.body)
	}
	// Express-style 404 for GET on an RPC route family member that does not exist.
	r = do(t, h, "GET", "/nothing-here", "")
	if r.code != 404 || !strings.Contains(r.body, "Cannot GET /nothing-here") {
		t.Errorf("404 page: %d %s", r.code, r.body)
	}
}
