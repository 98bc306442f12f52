package wild

import "testing"

func init() {
	variantChecks["apiprefix"] = checkAPIPrefix
	// one entry per planted weakness, each proved by an expect() in checkAPIPrefix
	proved["apiprefix"] = []string{"GET /api/v3/users/{user_id}", "GET /api/v3/users/{user_id}", "GET /api/v3/search", "GET /api/v3/orders/{order_id}", "GET /api/v3/admin/users"}
}

func checkAPIPrefix(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob, admin := who(t, tg, "alice"), who(t, tg, "bob"), who(t, tg, "admin")
	for _, p := range []string{"/", "/api/v3", "/api/v3/", "/openapi.json", "/swagger.json", "/api/v3/openapi.json", "/api/v3/swagger.json", "/api/v3/docs"} {
		wantCode(t, "no index/spec at "+p, do(t, h, "GET", p, ""), 404)
	}
	bid := do(t, h, "GET", "/api/v3/users/me", "", bob...).json(t)["id"].(string)
	r := do(t, h, "GET", "/api/v3/users/"+bid, "", alice...)
	expect(t, mode, "BOLA /users/{id}", r.code == 200 && r.has("bob.nguyen@example.com"), r)
	r = do(t, h, "GET", "/api/v3/users/2", "", alice...)
	wantCode(t, "own user", r, 200)
	expect(t, mode, "whole record", r.has("password_hash") && r.has("security_answer") && r.has("921-37-4410"), r)
	r = do(t, h, "GET", "/api/v3/search?q=desk'", "")
	expect(t, mode, "traceback", r.code == 500 && r.has("Traceback (most recent call last)") && r.has("psycopg2"), r)
	r = do(t, h, "GET", "/api/v3/search?q=desk", "")
	if r.code != 200 || r.has("Traceback") {
		t.Errorf("plain search: %d", r.code)
	}
	r = do(t, h, "GET", "/api/v3/orders/7002", "")
	expect(t, mode, "unauthenticated order", r.code == 200 && r.has("Dockside"), r)
	r = do(t, h, "GET", "/api/v3/orders/7002", "", alice...)
	expect(t, mode, "order of another user", r.code == 200, r)
	wantCode(t, "own order", do(t, h, "GET", "/api/v3/orders/7002", "", bob...), 200)
	r = do(t, h, "GET", "/api/v3/admin/users", "", alice...)
	expect(t, mode, "open admin list", r.code == 200 && r.has("sysadmin@example.com"), r)
	wantCode(t, "admin list as admin", do(t, h, "GET", "/api/v3/admin/users", "", admin...), 200)
	wantCode(t, "admin list anonymous", do(t, h, "GET", "/api/v3/admin/users", ""), 401)
	r = do(t, h, "GET", "/api/v3/users/me", "", alice...)
	if r.code != 200 || r.has("password_hash") || r.has("ssn") {
		t.Errorf("me trap: %s", r.body)
	}
	wantCode(t, "health", do(t, h, "GET", "/api/v3/health", ""), 200)
	wantCode(t, "products", do(t, h, "GET", "/api/v3/products", ""), 200)
	wantCode(t, "login", do(t, h, "POST", "/api/v3/auth/login", `{"username":"alice","password":"maple-Leaf-3391"}`), 200)
}
