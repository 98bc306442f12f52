package testapi

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Tokens of the trap API's two shoppers.
const (
	TrapAliceToken = "trap-alice-Zq3vK8LmNp7R"
	TrapBobToken   = "trap-bob-Wx9Yb4Cd6Fg1H"
)

// Traps is a shop API made only of things that look like weaknesses and
// are not; a scan must report nothing high on it:
//   - a public catalogue (/api/products/{id}), identical for every identity
//     and for anonymous callers, next to baskets whose ids and quantities
//     are small integers (1, 2): a basket id is no product's owner;
//   - the caller's own account with a card already masked ("**** 4242")
//     under a key the spec does not document;
//   - a served OpenAPI document whose schema examples hold e-mails;
//   - an HTML page with a login form ("Password: <input …>") and an
//     already masked, HTML-escaped value;
//   - a footer with a mailto: link.
func Traps() http.Handler {
	users := map[string]struct {
		id, email string
		basket    int
		items     []map[string]int
	}{
		TrapAliceToken: {"u_4f7a21", "alice.trap@proton.me", 1, []map[string]int{{"product_id": 1, "quantity": 1}, {"product_id": 2, "quantity": 2}}},
		TrapBobToken:   {"u_9c3e58", "bob.trap@fastmail.com", 2, []map[string]int{{"product_id": 2, "quantity": 1}}},
	}
	products := []map[string]any{{"id": 1, "name": "Espresso cup", "price": 9.5}, {"id": 2, "name": "Milk jug", "price": 14}}
	write := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	who := func(r *http.Request) (string, bool) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		_, ok := users[tok]
		return tok, ok
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title>Quibble shop</title></head><body>
<form method="post" action="/login"><label>Email: <input type="email" name="email"></label>
<label>Password: <input type="password" name="password"></label><button>Sign in</button></form>
<pre>last import: {&#34;password&#34;: &#34;*****&#34;}</pre>
<a href="/api/products">Catalogue</a>
<footer><p>Questions? <a href="mailto:contact@quibble-shop.fr">contact@quibble-shop.fr</a></p></footer>
</body></html>`))
	})
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(trapSpec))
	})
	mux.HandleFunc("GET /api/products", func(w http.ResponseWriter, r *http.Request) {
		write(w, http.StatusOK, map[string]any{"products": products, "count": len(products)})
	})
	mux.HandleFunc("GET /api/products/{id}", func(w http.ResponseWriter, r *http.Request) {
		for _, p := range products {
			if r.PathValue("id") == jsonNumber(p["id"]) {
				write(w, http.StatusOK, p)
				return
			}
		}
		write(w, http.StatusNotFound, map[string]string{"error": "not found"})
	})
	mux.HandleFunc("GET /api/basket", func(w http.ResponseWriter, r *http.Request) {
		tok, ok := who(r)
		if !ok {
			write(w, http.StatusUnauthorized, map[string]string{"error": "login required"})
			return
		}
		u := users[tok]
		write(w, http.StatusOK, map[string]any{"id": u.basket, "owner_id": u.id, "items": u.items})
	})
	mux.HandleFunc("GET /api/baskets/{id}", func(w http.ResponseWriter, r *http.Request) {
		tok, ok := who(r)
		if !ok {
			write(w, http.StatusUnauthorized, map[string]string{"error": "login required"})
			return
		}
		u := users[tok]
		if r.PathValue("id") != jsonNumber(u.basket) {
			write(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		write(w, http.StatusOK, map[string]any{"id": u.basket, "owner_id": u.id, "items": u.items})
	})
	mux.HandleFunc("GET /api/account", func(w http.ResponseWriter, r *http.Request) {
		tok, ok := who(r)
		if !ok {
			write(w, http.StatusUnauthorized, map[string]string{"error": "login required"})
			return
		}
		u := users[tok]
		write(w, http.StatusOK, map[string]any{"id": u.id, "email": u.email, "card_number": "**** 4242", "basket": "/api/baskets/" + jsonNumber(u.basket)})
	})
	return mux
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

const trapSpec = `{"openapi":"3.0.3","info":{"title":"Quibble shop","version":"1.0"},
"components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}},
"schemas":{"Account":{"type":"object","properties":{"id":{"type":"string"},"email":{"type":"string","format":"email","example":"mail1@mail.com"},"basket":{"type":"string"}}},
"Product":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},"price":{"type":"number"}}}}},
"paths":{
"/api/products":{"get":{"responses":{"200":{"description":"catalogue","content":{"application/json":{"schema":{"type":"object","properties":{"products":{"type":"array","items":{"$ref":"#/components/schemas/Product"}},"count":{"type":"integer"}}}}}}}}},
"/api/products/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"},"example":1}],"responses":{"200":{"description":"one product","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Product"}}}}}}},
"/api/basket":{"get":{"security":[{"bearer":[]}],"responses":{"200":{"description":"the caller's basket"}}}},
"/api/baskets/{id}":{"get":{"security":[{"bearer":[]}],"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"}}],"responses":{"200":{"description":"a basket"}}}},
"/api/account":{"get":{"security":[{"bearer":[]}],"responses":{"200":{"description":"the caller's account","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Account"},
"examples":{"two":{"value":{"id":"u_1","email":"mail2@mail.com","basket":"/api/baskets/1"}}}}}}}}}}}`
