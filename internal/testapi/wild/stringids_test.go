package wild

import "testing"

func init() {
	variantChecks["stringids"] = checkStringIDs
	// one entry per planted weakness, each proved by an expect() in checkStringIDs
	proved["stringids"] = []string{"GET /users/{user_id}/profile", "GET /invoices/{invoice_id}"}
}

func checkStringIDs(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob, admin := who(t, tg, "alice"), who(t, tg, "bob"), who(t, tg, "admin")
	me := do(t, h, "GET", "/me", "", bob...).json(t)
	if me["id"] != "u_1002" {
		t.Fatalf("me: %v", me)
	}
	r := do(t, h, "GET", "/users/u_1002/profile", "", alice...)
	expect(t, mode, "BOLA string user id", r.code == 200 && r.has("3 Ferry Road"), r)
	wantCode(t, "own profile", do(t, h, "GET", "/users/u_1001/profile", "", alice...), 200)
	wantCode(t, "staff reads profile", do(t, h, "GET", "/users/u_1002/profile", "", admin...), 200)
	wantCode(t, "anonymous profile", do(t, h, "GET", "/users/u_1002/profile", ""), 401)
	wantCode(t, "bad token", do(t, h, "GET", "/users/u_1002/profile", "", "Authorization", "Token deadbeef"), 401)

	l := do(t, h, "GET", "/invoices", "", alice...)
	if !l.has("INV-0003") || !l.has("INV-0005") || l.has("INV-0004") {
		t.Errorf("alice's invoices: %s", l.body)
	}
	r = do(t, h, "GET", "/invoices/INV-0004", "", alice...)
	expect(t, mode, "adjacent invoice BOLA", r.code == 200 && r.has("bob.nguyen@example.com"), r)
	wantCode(t, "own invoice", do(t, h, "GET", "/invoices/INV-0003", "", alice...), 200)

	r = do(t, h, "GET", "/users/u_1002/public", "")
	if r.code != 200 || r.has("@") || r.has("Ferry") {
		t.Errorf("public card trap: %s", r.body)
	}
	wantCode(t, "plans", do(t, h, "GET", "/plans", ""), 200)
	wantCode(t, "405", do(t, h, "DELETE", "/plans", ""), 405)
	wantCode(t, "404", do(t, h, "GET", "/", ""), 404)
	wantCode(t, "login", do(t, h, "POST", "/api-token-auth", `{"username":"bob","password":"granite-Peak-08"}`), 200)
}
