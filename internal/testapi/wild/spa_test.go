package wild

import (
	"regexp"
	"testing"
)

func init() {
	variantChecks["spa"] = checkSPA
	// one entry per planted weakness, each proved by an expect() in checkSPA
	proved["spa"] = []string{"GET /api/users/{id}", "GET /api/users/{id}"}
}

func checkSPA(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob, admin := who(t, tg, "alice"), who(t, tg, "bob"), who(t, tg, "admin")
	root := do(t, h, "GET", "/", "")
	src := regexp.MustCompile(`src="(/static/js/main\.[0-9a-f]+\.js)"`).FindStringSubmatch(root.body)
	if root.code != 200 || src == nil {
		t.Fatalf("shell: %d %s", root.code, root.body)
	}
	for _, p := range []string{"/admin", "/does/not/exist", "/api/nope", "/.env", "/swagger.json"} {
		r := do(t, h, "GET", p, "")
		if r.code != 200 || r.body != root.body {
			t.Errorf("%s should get the shell: %d", p, r.code)
		}
	}
	wantCode(t, "POST unknown", do(t, h, "POST", "/api/nope", "{}"), 404)
	js := do(t, h, "GET", src[1], "")
	for _, s := range []string{`fetch("/api/auth/login"`, "axios.get(`/api/users/${e}`", `"/api/session"`, `fetch("/api/team")`} {
		if !js.has(s) {
			t.Errorf("bundle lacks %s", s)
		}
	}
	bid := do(t, h, "GET", "/api/session", "", bob...).json(t)["user"].(map[string]any)["id"].(string)
	r := do(t, h, "GET", "/api/users/"+bid, "", alice...)
	expect(t, mode, "BOLA /api/users/{id}", r.code == 200 && r.has("bob.nguyen@example.com"), r)
	r = do(t, h, "GET", "/api/users/2", "", alice...)
	wantCode(t, "own user", r, 200)
	expect(t, mode, "whole document", r.has("$argon2id$") && r.has("resetPasswordToken"), r)
	wantCode(t, "admin reads user", do(t, h, "GET", "/api/users/3", "", admin...), 200)
	wantCode(t, "anonymous user", do(t, h, "GET", "/api/users/3", ""), 401)
	wantCode(t, "admin stats as alice", do(t, h, "GET", "/api/admin/stats", "", alice...), 403)
	wantCode(t, "admin stats as admin", do(t, h, "GET", "/api/admin/stats", "", admin...), 200)
	wantCode(t, "team", do(t, h, "GET", "/api/team", ""), 200)
	wantCode(t, "login", do(t, h, "POST", "/api/auth/login", `{"username":"alice","password":"clover-Field-73"}`), 200)
}
