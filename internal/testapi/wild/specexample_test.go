package wild

import (
	"net/url"
	"strings"
	"testing"
)

func init() {
	variantChecks["specexample"] = checkSpecExample
	// one entry per planted weakness, each proved by an expect() in checkSpecExample
	proved["specexample"] = []string{"GET /books/{book_title}/loans"}
}

func checkSpecExample(t *testing.T, tg *Target, mode Mode) {
	h := tg.Handler
	alice, admin := who(t, tg, "alice"), who(t, tg, "admin")
	spec := do(t, h, "GET", "/openapi.json", "")
	if spec.code != 200 || !spec.has(`"example":"bookTitle77"`) || !spec.has("reader@example.com") {
		t.Fatalf("served spec: %d", spec.code)
	}
	checkSpec(t, tg, []byte(spec.body))
	wantCode(t, "docs page", do(t, h, "GET", "/docs", ""), 200)
	wantCode(t, "spec example is not a book", do(t, h, "GET", "/books/bookTitle77", ""), 404)
	wantCode(t, "spec example loans", do(t, h, "GET", "/books/bookTitle77/loans", "", alice...), 404)
	wantCode(t, "real book page", do(t, h, "GET", "/books/quietRiver3", ""), 200)
	list := do(t, h, "GET", "/books", "")
	if !list.has("harborLights12") {
		t.Fatalf("books: %s", list.body)
	}
	r := do(t, h, "GET", "/books/harborLights12/loans", "", alice...)
	wantCode(t, "loans", r, 200)
	expect(t, mode, "borrowers' e-mails", r.has("bob.nguyen@example.com") && r.has("carol.diaz@example.com"), r)
	r = do(t, h, "GET", "/books/harborLights12/loans", "", admin...)
	if !r.has("bob.nguyen@example.com") {
		t.Errorf("librarian view: %s", r.body)
	}
	wantCode(t, "anonymous loans", do(t, h, "GET", "/books/harborLights12/loans", ""), 401)
	r = do(t, h, "GET", "/members/me", "", alice...)
	if r.code != 200 || !r.has("alice.martin@example.com") || r.has("bob") {
		t.Errorf("me: %s", r.body)
	}
	form := url.Values{"username": {"bob"}, "password": {"paper-Crane-90"}}.Encode()
	r = do(t, h, "POST", "/token", form, "Content-Type", "application/x-www-form-urlencoded")
	if r.code != 200 || !strings.Contains(r.body, "access_token") {
		t.Errorf("token: %d %s", r.code, r.body)
	}
	wantCode(t, "fastapi 404", do(t, h, "GET", "/", ""), 404)
}
