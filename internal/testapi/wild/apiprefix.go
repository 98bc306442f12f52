package wild

import (
	"net/http"
	"strings"
)

// apiprefix: a Flask blueprint registered with url_prefix="/api/v3" and
// nothing else: no spec, no docs, no index; the site root and /api/v3 itself
// answer werkzeug's 404 page.

func init() { register("apiprefix", newAPIPrefix) }

type apUser struct {
	ID, Username, Password, Email, Phone, SSN, Hash, Question, Answer, Role, LastIP string
}

type apOrder struct {
	ID, UserID, Item, Street string
	Total                    float64
}

type apAPI struct {
	mode   Mode
	secret []byte
	users  []apUser
	orders []apOrder
}

const apPrefix = "/api/v3"

func newAPIPrefix(mode Mode) (*Target, error) {
	a := &apAPI{mode: mode, secret: randSecret()}
	a.users = []apUser{
		{ID: "1", Username: "admin", Password: "root-Cellar-7781", Email: "sysadmin@example.com", Phone: "+1-312-555-0100", SSN: "900-00-0001",
			Hash: "$2b$12$Qd1u7hV3oWm9aE0pLrT8YeZkN4xB6cJ2sF5gH7iK9lM1nO3pQ5rS.", Question: "First pet?", Answer: "biscuit", Role: "admin", LastIP: "10.20.0.4"},
		{ID: "2", Username: "alice", Password: "maple-Leaf-3391", Email: "alice.martin@example.com", Phone: "+1-312-555-0142", SSN: "921-37-4410",
			Hash: "$2b$12$Ab3dE5fG7hI9jK1lM3nO5uP7qR9sT1uV3wX5yZ7aB9cD1eF3gH5iK", Question: "Mother's maiden name?", Answer: "hollis", Role: "user", LastIP: "198.51.100.23"},
		{ID: "3", Username: "bob", Password: "slate-Roof-5520", Email: "bob.nguyen@example.com", Phone: "+1-312-555-0199", SSN: "948-02-6613",
			Hash: "$2b$12$Zy9xW7vU5tS3rQ1pO9nM7lK5jI3hG1fE9dC7bA5zY3xW1vU9tS7rQ", Question: "City you were born in?", Answer: "tacoma", Role: "user", LastIP: "203.0.113.77"},
	}
	a.orders = []apOrder{
		{ID: "7001", UserID: "2", Item: "Standing desk", Street: "55 Birch Avenue, Evanston IL 60201", Total: 489},
		{ID: "7002", UserID: "3", Item: "Monitor arm", Street: "9 Dockside Road, Gary IN 46402", Total: 79.9},
		{ID: "7003", UserID: "2", Item: "Desk mat", Street: "55 Birch Avenue, Evanston IL 60201", Total: 19.5},
	}
	rt := &router{notFound: flaskNotFound, badMethod: flaskBadMethod}
	rt.handle("POST", apPrefix+"/auth/login", a.login)
	rt.handle("GET", apPrefix+"/users/me", a.auth(a.me))
	rt.handle("GET", apPrefix+"/users/{user_id}", a.auth(a.user))
	rt.handle("GET", apPrefix+"/search", a.search)
	rt.handle("GET", apPrefix+"/orders/{order_id}", a.order)
	rt.handle("GET", apPrefix+"/admin/users", a.auth(a.adminUsers))
	rt.handle("GET", apPrefix+"/health", func(w http.ResponseWriter, r *http.Request, _ params) {
		writePyJSON(w, 200, map[string]string{"status": "ok"})
	})
	rt.handle("GET", apPrefix+"/products", func(w http.ResponseWriter, r *http.Request, _ params) {
		writePyJSON(w, 200, []map[string]any{{"id": 1, "name": "Standing desk", "price": 489}, {"id": 2, "name": "Monitor arm", "price": 79.9}, {"id": 3, "name": "Desk mat", "price": 19.5}})
	})

	t := &Target{Name: "apiprefix", Handler: rt, Base: apPrefix, Operations: rt.operations()}
	for _, n := range []string{"alice", "bob", "admin"} {
		u := a.byName(n)
		t.Identities = append(t.Identities, Identity{Name: n, Header: "Authorization", Value: "Bearer " + signJWT(a.secret, stdClaims(u.ID, u.Username, map[string]any{"role": u.Role}))})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "GET", Path: apPrefix + "/users/{user_id}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "any authenticated user reads any user by numeric id"},
		{Kind: "excessive data exposure", Method: "GET", Path: apPrefix + "/users/{user_id}", Location: "response", CWE: "CWE-359", OWASP: "API3:2023", MinSeverity: "high", Needs: "read-only",
			Note: "whole user row: SSN, bcrypt hash, security question and answer, last login IP"},
		{Kind: "traceback datastore error", Method: "GET", Path: apPrefix + "/search", Location: "query", CWE: "CWE-209", OWASP: "API8:2023", MinSeverity: "medium", Needs: "read-only",
			Note: "a quote in ?q= answers 500 with a Python traceback, a psycopg2 error and the SQL text"},
		{Kind: "missing authentication", Method: "GET", Path: apPrefix + "/orders/{order_id}", Location: "path", CWE: "CWE-306", OWASP: "API2:2023", MinSeverity: "high", Needs: "read-only",
			Note: "orders with customer e-mail and shipping address answer without any token"},
		{Kind: "BFLA", Method: "GET", Path: apPrefix + "/admin/users", Location: "path", CWE: "CWE-285", OWASP: "API5:2023", MinSeverity: "high", Needs: "read-only",
			Note: "the admin user list answers any authenticated user"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: apPrefix + "/health", Note: "health check"},
		{Method: "GET", Path: apPrefix + "/products", Note: "public catalogue"},
		{Method: "GET", Path: apPrefix + "/users/me", Note: "the caller's own account, no sensitive fields"},
	}
	return t, nil
}

func (a *apAPI) byName(n string) *apUser {
	for i := range a.users {
		if a.users[i].Username == n {
			return &a.users[i]
		}
	}
	return nil
}

func (a *apAPI) byID(id string) *apUser {
	for i := range a.users {
		if a.users[i].ID == id {
			return &a.users[i]
		}
	}
	return nil
}

func (a *apAPI) current(r *http.Request) *apUser {
	tok := bearer(r, "Authorization")
	if tok == "" {
		return nil
	}
	c, err := parseJWT(a.secret, tok, false)
	if err != nil {
		return nil
	}
	return a.byID(claimString(c, "sub"))
}

func (a *apAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, u *apUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		u := a.current(r)
		if u == nil {
			writePyJSON(w, 401, map[string]string{"message": "Authentication required"})
			return
		}
		next(w, r, p, u)
	}
}

func (a *apAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Username, Password string }
	readJSON(r, &in)
	u := a.byName(in.Username)
	if u == nil || u.Password != in.Password {
		writePyJSON(w, 401, map[string]string{"message": "Invalid credentials"})
		return
	}
	writePyJSON(w, 200, map[string]string{"access_token": signJWT(a.secret, stdClaims(u.ID, u.Username, map[string]any{"role": u.Role}))})
}

func (a *apAPI) me(w http.ResponseWriter, r *http.Request, _ params, u *apUser) {
	writePyJSON(w, 200, map[string]string{"id": u.ID, "username": u.Username, "email": u.Email, "role": u.Role})
}

func (a *apAPI) user(w http.ResponseWriter, r *http.Request, p params, u *apUser) {
	x := a.byID(p["user_id"])
	if a.mode == Fixed {
		if x == nil || (x.ID != u.ID && u.Role != "admin") {
			writePyJSON(w, 404, map[string]string{"message": "User not found"})
			return
		}
		writePyJSON(w, 200, map[string]string{"id": x.ID, "username": x.Username, "email": x.Email, "role": x.Role})
		return
	}
	if x == nil {
		writePyJSON(w, 404, map[string]string{"message": "User not found"})
		return
	}
	// return jsonify(user.__dict__)
	writePyJSON(w, 200, map[string]string{"id": x.ID, "username": x.Username, "email": x.Email, "phone": x.Phone, "ssn": x.SSN,
		"password_hash": x.Hash, "security_question": x.Question, "security_answer": x.Answer, "role": x.Role, "last_login_ip": x.LastIP})
}

func (a *apAPI) search(w http.ResponseWriter, r *http.Request, _ params) {
	q := r.URL.Query().Get("q")
	if a.mode == Vulnerable && strings.ContainsAny(q, `'`) {
		sql := "SELECT id, name, price FROM products WHERE name ILIKE '%" + q + "%'"
		writePyJSON(w, 500, map[string]string{
			"error": "unterminated quoted string at or near \"'%\"",
			"trace": "Traceback (most recent call last):\n" +
				"  File \"/srv/app/venv/lib/python3.11/site-packages/flask/app.py\", line 1463, in wsgi_app\n    response = self.full_dispatch_request()\n" +
				"  File \"/srv/app/shop/api/v3/search.py\", line 22, in search\n    cur.execute(f\"SELECT id, name, price FROM products WHERE name ILIKE '%{q}%'\")\n" +
				"psycopg2.errors.SyntaxError: unterminated quoted string at or near \"'%\"\nLINE 1: " + sql + "\n",
		})
		return
	}
	out := []map[string]any{}
	for _, p := range []string{"Standing desk", "Monitor arm", "Desk mat"} {
		if strings.Contains(strings.ToLower(p), strings.ToLower(q)) {
			out = append(out, map[string]any{"name": p})
		}
	}
	writePyJSON(w, 200, map[string]any{"results": out})
}

func (a *apAPI) order(w http.ResponseWriter, r *http.Request, p params) {
	u := a.current(r)
	if a.mode == Fixed && u == nil {
		writePyJSON(w, 401, map[string]string{"message": "Authentication required"})
		return
	}
	for _, o := range a.orders {
		if o.ID != p["order_id"] {
			continue
		}
		if a.mode == Fixed && o.UserID != u.ID && u.Role != "admin" {
			break
		}
		c := a.byID(o.UserID)
		writePyJSON(w, 200, map[string]any{"id": o.ID, "item": o.Item, "total": o.Total, "customer": map[string]string{"username": c.Username, "email": c.Email, "phone": c.Phone}, "ship_to": o.Street})
		return
	}
	writePyJSON(w, 404, map[string]string{"message": "Order not found"})
}

func (a *apAPI) adminUsers(w http.ResponseWriter, r *http.Request, _ params, u *apUser) {
	if a.mode == Fixed && u.Role != "admin" {
		writePyJSON(w, 403, map[string]string{"message": "Admin privileges required"})
		return
	}
	out := []map[string]string{}
	for _, x := range a.users {
		out = append(out, map[string]string{"id": x.ID, "username": x.Username, "email": x.Email, "role": x.Role, "last_login_ip": x.LastIP})
	}
	writePyJSON(w, 200, map[string]any{"users": out, "total": len(out)})
}
