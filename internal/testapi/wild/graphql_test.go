package wild

import (
	"encoding/json"
	"net/url"
	"testing"
)

func init() {
	variantChecks["graphql"] = checkGraphQL
	// one entry per planted weakness, each proved by an expect() in checkGraphQL
	proved["graphql"] = []string{"POST /graphql paste", "POST /graphql pastes", "POST /graphql me", "POST /graphql paste"}
}

func gq(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

func checkGraphQL(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, bob := who(t, tg, "alice"), who(t, tg, "bob")
	r := do(t, h, "GET", "/graphql", "")
	if r.code != 400 || r.body != `{"errors":[{"message":"Must provide query string."}]}` {
		t.Errorf("bare GET: %d %s", r.code, r.body)
	}
	wantCode(t, "GET query", do(t, h, "GET", "/graphql?query="+url.QueryEscape("{ pastes { id title } }"), ""), 200)
	wantCode(t, "PUT", do(t, h, "PUT", "/graphql", "{}"), 405)
	wantCode(t, "other path", do(t, h, "GET", "/", ""), 404)

	r = do(t, h, "POST", "/graphql", gq(`{ __schema { queryType { name } types { name fields { name args { name } } } } }`, nil))
	if r.code != 200 || !r.has(`"name":"paste"`) || !r.has(`"name":"token"`) {
		t.Errorf("introspection: %d %.300s", r.code, r.body)
	}

	// paste(id:) BOLA: bob's private paste 3, read by alice and by nobody.
	q := `query($id: ID!) { paste(id: $id) { id content public owner { username } } }`
	r = do(t, h, "POST", "/graphql", gq(q, map[string]any{"id": "3"}), alice...)
	expect(t, mode, "paste(id:) BOLA", r.has("Dr. Reyes"), r)
	r = do(t, h, "POST", "/graphql", gq(q, map[string]any{"id": "3"}))
	expect(t, mode, "paste(id:) anonymous", r.has("Dr. Reyes"), r)
	r = do(t, h, "POST", "/graphql", gq(q, map[string]any{"id": "3"}), bob...)
	if !r.has("Dr. Reyes") {
		t.Errorf("owner reads own paste: %s", r.body)
	}

	// pastes(public:false)
	r = do(t, h, "POST", "/graphql", gq(`{ pastes(public: false) { id content owner { username } } }`, nil), alice...)
	expect(t, mode, "pastes(public:false)", r.has("Dr. Reyes") && r.has("Base salary"), r)
	if !r.has("staging postgres") {
		t.Errorf("alice's own private paste missing: %s", r.body)
	}

	// me(token:) with an unsigned token naming bob.
	none := unsignedJWT(map[string]any{"sub": "2", "name": "bob"})
	r = do(t, h, "POST", "/graphql", gq(`query($t: String) { me(token: $t) { id username email } }`, map[string]any{"t": none}))
	expect(t, mode, "alg none accepted", r.has("bob.nguyen@example.com"), r)
	forged := signJWT(randSecret(), map[string]any{"sub": "2"})
	r = do(t, h, "POST", "/graphql", gq(`query($t: String) { me(token: $t) { email } }`, map[string]any{"t": forged}))
	if r.has("bob.nguyen") || !r.has("invalid token") {
		t.Errorf("badly signed token accepted: %s", r.body)
	}
	r = do(t, h, "POST", "/graphql", gq(`{ me { username email } }`, nil), alice...)
	if !r.has("alice.martin@example.com") {
		t.Errorf("me via header: %s", r.body)
	}
	// Other users' e-mails never show through owner.
	r = do(t, h, "POST", "/graphql", gq(`{ pastes { owner { username email } } }`, nil), alice...)
	if r.has("bob.nguyen") {
		t.Errorf("owner e-mail leaked: %s", r.body)
	}

	// Stack traces.
	for _, id := range []string{"999", "abc"} {
		r = do(t, h, "POST", "/graphql", gq(q, map[string]any{"id": id}))
		expect(t, mode, "stack trace for id "+id, r.has(`"stacktrace"`) && r.has("/app/"), r)
		if !r.has(`"errors"`) {
			t.Errorf("no error for id %s: %s", id, r.body)
		}
	}

	// Login and createPaste.
	r = do(t, h, "POST", "/graphql", gq(`mutation { login(username: "bob", password: "amber-Moth-71") { token } }`, nil))
	if !r.has(`"token":"`) {
		t.Errorf("login: %s", r.body)
	}
	r = do(t, h, "POST", "/graphql", gq(`mutation { createPaste(title: "t", content: "c", public: false) { id } }`, nil), alice...)
	if !r.has(`"id":"6"`) {
		t.Errorf("createPaste: %s", r.body)
	}
	wantCode(t, "mutation over GET", do(t, h, "GET", "/graphql?query="+url.QueryEscape("mutation { createPaste(title:\"x\", content:\"y\") { id } }"), ""), 405)
}
