package wild

import "testing"

func init() {
	variantChecks["gateway"] = checkGateway
	// one entry per planted weakness, each proved by an expect() in checkGateway
	proved["gateway"] = []string{"GET /prod/users/{userId}", "GET /prod/receipts/{receiptId}"}
}

func checkGateway(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob := who(t, tg, "alice"), who(t, tg, "bob")
	if alice[0] != "X-Api-Token" {
		t.Errorf("header: %q", alice[0])
	}
	for _, p := range []string{"/", "/prod", "/prod/", "/prod/users", "/openapi.json", "/prod/admin"} {
		r := do(t, h, "GET", p, "")
		if r.code != 403 || r.body != `{"message":"Missing Authentication Token"}` {
			t.Errorf("%s: %d %s", p, r.code, r.body)
		}
	}
	wantCode(t, "wrong method", do(t, h, "DELETE", "/prod/users/10483", "", alice...), 403)
	wantCode(t, "no token", do(t, h, "GET", "/prod/users/10483", ""), 401)
	wantCode(t, "bad token", do(t, h, "GET", "/prod/users/10483", "", "X-Api-Token", "abc.def.ghi"), 403)
	wantCode(t, "bearer in Authorization is not how this API authenticates", do(t, h, "GET", "/prod/me", "", "Authorization", "Bearer "+alice[1]), 401)

	r := do(t, h, "GET", "/prod/users/10483", "", alice...)
	expect(t, mode, "BOLA user", r.code == 200 && r.has("bob.nguyen@example.com"), r)
	wantCode(t, "own user", do(t, h, "GET", "/prod/users/10483", "", bob...), 200)
	r = do(t, h, "GET", "/prod/receipts/R-88018", "")
	expect(t, mode, "anonymous receipt", r.code == 200 && r.has("bob.nguyen@example.com"), r)
	r = do(t, h, "GET", "/prod/receipts/R-88018", "", bob...)
	if r.code != 200 || (mode == Fixed && !r.has("****5100")) {
		t.Errorf("own receipt: %d %s", r.code, r.body)
	}
	wantCode(t, "stores", do(t, h, "GET", "/prod/stores", ""), 200)
	r = do(t, h, "GET", "/prod/me", "", alice...)
	if r.code != 200 || !r.has("alice.martin") {
		t.Errorf("me: %s", r.body)
	}
}
