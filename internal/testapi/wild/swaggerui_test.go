package wild

import (
	"encoding/json"
	"strings"
	"testing"
)

func init() {
	variantChecks["swaggerui"] = checkSwaggerUI
	// one entry per planted weakness, each proved by an expect() in checkSwaggerUI
	proved["swaggerui"] = []string{"GET /api/v1/info", "GET /api/v1/accounts/{accountId}"}
}

func checkSwaggerUI(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob := who(t, tg, "alice"), who(t, tg, "bob")
	r := do(t, h, "GET", "/api-docs", "")
	if r.code != 301 || r.hdr.Get("Location") != "/api-docs/" {
		t.Errorf("redirect: %d %v", r.code, r.hdr)
	}
	page := do(t, h, "GET", "/api-docs/", "")
	if page.code != 200 || !page.has(`src="./swagger-ui-init.js"`) {
		t.Fatalf("docs page: %d", page.code)
	}
	js := do(t, h, "GET", "/api-docs/swagger-ui-init.js", "")
	i, j := strings.Index(js.body, "var options = "), strings.Index(js.body, ";\n  url = options.swaggerUrl")
	if i < 0 || j < i || !js.has(`"swaggerDoc": {`) {
		t.Fatalf("init js: %.300s", js.body)
	}
	var opts struct{ SwaggerDoc json.RawMessage }
	if err := json.Unmarshal([]byte(js.body[i+len("var options = "):j]), &opts); err != nil {
		t.Fatal(err)
	}
	checkSpec(t, tg, opts.SwaggerDoc)
	for _, p := range []string{"/", "/swagger.json", "/openapi.json", "/api-docs/swagger.json", "/api/v1/openapi.json", "/api/v1"} {
		wantCode(t, "no spec file at "+p, do(t, h, "GET", p, ""), 404)
	}

	r = do(t, h, "GET", "/api/v1/info", "")
	expect(t, mode, "env dump", r.code == 200 && r.has("JWT_SECRET") && r.has("DATABASE_URL"), r)
	if mode == Vulnerable {
		// The leaked secret really signs tokens for this instance.
		var info struct{ Env map[string]string }
		json.Unmarshal([]byte(r.body), &info)
		forged := signJWT([]byte(info.Env["JWT_SECRET"]), map[string]any{"sub": "usr_8f22"})
		wantCode(t, "forged with leaked secret", do(t, h, "GET", "/api/v1/accounts", "", "Authorization", "Bearer "+forged), 200)
	}
	list := do(t, h, "GET", "/api/v1/accounts", "", bob...)
	if !list.has("acc_51a1") || list.has("GB94BARC10201530093459") {
		t.Errorf("bob's list: %s", list.body)
	}
	r = do(t, h, "GET", "/api/v1/accounts/acc_51a1", "", alice...)
	expect(t, mode, "BOLA account", r.code == 200 && r.has("GB94BARC10201530093459"), r)
	wantCode(t, "own account", do(t, h, "GET", "/api/v1/accounts/acc_51a0", "", alice...), 200)
	wantCode(t, "anonymous account", do(t, h, "GET", "/api/v1/accounts/acc_51a0", ""), 401)
	wantCode(t, "plans", do(t, h, "GET", "/api/v1/plans", ""), 200)
	wantCode(t, "login", do(t, h, "POST", "/api/v1/auth/login", `{"email":"bob.nguyen@example.com","password":"cobalt-Fern-48"}`), 200)
}
