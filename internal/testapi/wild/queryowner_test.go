package wild

import "testing"

func init() {
	variantChecks["queryowner"] = checkQueryOwner
	// one entry per planted weakness, each proved by an expect() in checkQueryOwner
	proved["queryowner"] = []string{"GET /profile", "GET /profile", "GET /orders"}
}

func checkQueryOwner(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob := who(t, tg, "alice"), who(t, tg, "bob")
	bs := do(t, h, "GET", "/session", "", bob...).json(t)
	bobID, bobAcct := bs["user_id"].(string), bs["account"].(string)

	r := do(t, h, "GET", "/profile?user_id="+bobID, "", alice...)
	expect(t, mode, "BOLA ?user_id", r.code == 200 && r.has("bob.nguyen@example.com"), r)
	wantCode(t, "anonymous profile", do(t, h, "GET", "/profile?user_id="+bobID, ""), 401)
	wantCode(t, "forged token", do(t, h, "GET", "/profile", "", "Authorization", "Bearer "+signJWT(randSecret(), map[string]any{"sub": bobID})), 422)

	own := do(t, h, "GET", "/profile", "", alice...)
	wantCode(t, "own profile", own, 200)
	expect(t, mode, "whole item (national id, card, hash)", own.has("912-48-3307") && own.has("4111111111111111") && own.has("pbkdf2:sha256"), own)
	if !own.has("alice.martin@example.com") {
		t.Errorf("own profile lacks e-mail: %s", own.body)
	}

	r = do(t, h, "GET", "/orders?account="+bobAcct, "", alice...)
	expect(t, mode, "BOLA ?account", r.code == 200 && r.has("Quarry Lane"), r)
	r = do(t, h, "GET", "/orders", "", alice...)
	if r.code != 200 || !r.has("Ceramic teapot") || r.has("Quarry") {
		t.Errorf("own orders: %d %s", r.code, r.body)
	}

	// Traps.
	r = do(t, h, "GET", "/cards", "", alice...)
	if r.code != 200 || !r.has("****1111") || r.has("4111111111111111") {
		t.Errorf("cards trap: %s", r.body)
	}
	wantCode(t, "products", do(t, h, "GET", "/products", ""), 200)
	u1 := do(t, h, "POST", "/auth/login", `{"username":"zed","password":"x"}`)
	u2 := do(t, h, "POST", "/auth/login", `{"username":"alice","password":"x"}`)
	if u1.code != 401 || u1.body != u2.body {
		t.Errorf("login answers differ: %s / %s", u1.body, u2.body)
	}
	for i := 0; i < 4; i++ {
		do(t, h, "POST", "/auth/login", `{"username":"alice","password":"x"}`)
	}
	wantCode(t, "rate limit", do(t, h, "POST", "/auth/login", `{"username":"alice","password":"tulip-Garden-81"}`), 429)
	wantCode(t, "flask 404", do(t, h, "GET", "/", ""), 404)
	wantCode(t, "flask 405", do(t, h, "DELETE", "/profile", "", alice...), 405)
}
