package wild

import (
	"regexp"
	"strings"
	"testing"
)

func init() {
	variantChecks["redoc"] = checkRedoc
	// one entry per planted weakness, each proved by an expect() in checkRedoc
	proved["redoc"] = []string{"GET /v1/customers/{customerId}", "GET *", "GET /v1/customers/search"}
}

var (
	yamlPath   = regexp.MustCompile(`(?m)^  (/\S*):$`)
	yamlMethod = regexp.MustCompile(`(?m)^    (get|post|put|patch|delete):$`)
)

func checkRedoc(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob, admin := who(t, tg, "alice"), who(t, tg, "bob"), who(t, tg, "admin")
	docs := do(t, h, "GET", "/docs", "")
	if docs.code != 200 || !docs.has(`<redoc spec-url="/static/api.yaml">`) {
		t.Fatalf("docs: %d", docs.code)
	}
	y := do(t, h, "GET", "/static/api.yaml", "")
	if y.code != 200 || !strings.HasPrefix(y.body, "openapi: 3.0.1") {
		t.Fatalf("yaml: %d", y.code)
	}
	// Every documented operation is served (paths under servers: /v1).
	ops := opSet(tg.Operations)
	chunks := yamlPath.FindAllStringSubmatchIndex(y.body, -1)
	n := 0
	for i, c := range chunks {
		end := len(y.body)
		if i+1 < len(chunks) {
			end = chunks[i+1][0]
		}
		p := y.body[c[2]:c[3]]
		for _, m := range yamlMethod.FindAllStringSubmatch(y.body[c[1]:end], -1) {
			n++
			if !ops[strings.ToUpper(m[1])+" /v1"+p] {
				t.Errorf("yaml documents %s /v1%s, not served", m[1], p)
			}
		}
	}
	if n < 6 {
		t.Errorf("yaml: %d operations", n)
	}

	r := do(t, h, "GET", "/v1/customers/5002", "", alice...)
	expect(t, mode, "BOLA customer", r.code == 200 && r.has("957-14-2290"), r)
	wantCode(t, "own customer", do(t, h, "GET", "/v1/customers/5001", "", alice...), 200)
	wantCode(t, "admin reads customer", do(t, h, "GET", "/v1/customers/5002", "", admin...), 200)

	forged := signJWT([]byte("secret"), stdClaims("5001", "Alice Martin", map[string]any{"role": "admin"}))
	r = do(t, h, "GET", "/v1/admin/customers", "", "Authorization", "Bearer "+forged)
	expect(t, mode, "token forged with 'secret'", r.code == 200 && r.has("957-14-2290"), r)
	wantCode(t, "admin list as bob", do(t, h, "GET", "/v1/admin/customers", "", bob...), 403)
	wantCode(t, "admin list as admin", do(t, h, "GET", "/v1/admin/customers", "", admin...), 200)
	if mode == Vulnerable {
		if _, err := parseJWT([]byte("secret"), strings.TrimPrefix(alice[1], "Bearer "), false); err != nil {
			t.Errorf("issued token not signed with the weak secret")
		}
	}

	r = do(t, h, "GET", "/v1/customers/search?ssn=957-14-2290", "", alice...)
	expect(t, mode, "SSN accepted in URL", r.code == 200 && r.has("5002"), r)
	wantCode(t, "search by body", do(t, h, "POST", "/v1/customers/search", `{"ssn":"957-14-2290"}`, alice...), 200)
	expect(t, mode, "spec documents ?ssn=", y.has("in: query"), y)

	wantCode(t, "branches", do(t, h, "GET", "/v1/branches", ""), 200)
	r = do(t, h, "GET", "/v1/customers/me", "", bob...)
	if r.code != 200 || !r.has("bob.nguyen") {
		t.Errorf("me: %s", r.body)
	}
	wantCode(t, "spring 404", do(t, h, "GET", "/", ""), 404)
	wantCode(t, "login", do(t, h, "POST", "/v1/auth/token", `{"username":"bob","password":"basalt-Rock-22"}`), 200)
}
