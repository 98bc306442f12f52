package wild

import (
	"net/http"
	"strings"
	"sync"
)

// stringids: a Django REST Framework style API with opaque "Token" auth and
// string identifiers (u_1001, INV-0003) instead of integers.

func init() { register("stringids", newStringIDs) }

type siUser struct {
	ID, Username, Password, Display, Email, Phone, DOB, Address string
	Staff                                                       bool
}

type siInvoice struct {
	ID, Customer, Email, Address, Item string
	Amount                             float64
}

type siAPI struct {
	mode     Mode
	users    []siUser
	invoices []siInvoice
	mu       sync.Mutex
	tokens   map[string]string // token -> user id
}

func newStringIDs(mode Mode) (*Target, error) {
	a := &siAPI{mode: mode, tokens: map[string]string{}}
	a.users = []siUser{
		{ID: "u_1001", Username: "alice", Password: "orchid-Bay-52", Display: "Alice Martin", Email: "alice.martin@example.com", Phone: "+44 7700 900142", DOB: "1988-04-17", Address: "14 Kestrel Close, Bristol BS1 4XY"},
		{ID: "u_1002", Username: "bob", Password: "granite-Peak-08", Display: "Bob Nguyen", Email: "bob.nguyen@example.com", Phone: "+44 7700 900199", DOB: "1979-11-02", Address: "3 Ferry Road, Leeds LS2 7AB"},
		{ID: "u_1003", Username: "carol", Password: "willow-Creek-61", Display: "Carol Diaz", Email: "carol.diaz@example.com", Phone: "+44 7700 900117", DOB: "1993-07-29", Address: "90 Orchard Way, York YO1 6HT"},
		{ID: "u_0001", Username: "admin", Password: "staff-Only-7741", Display: "Billing Team", Email: "billing@example.com", Phone: "+44 7700 900100", DOB: "1970-01-01", Address: "1 Exchange Square, London EC2A 2BR", Staff: true},
	}
	a.invoices = []siInvoice{
		{ID: "INV-0001", Customer: "u_1003", Item: "Pro plan, January", Amount: 49},
		{ID: "INV-0002", Customer: "u_1003", Item: "Pro plan, February", Amount: 49},
		{ID: "INV-0003", Customer: "u_1001", Item: "Team plan, January", Amount: 129},
		{ID: "INV-0004", Customer: "u_1002", Item: "Starter plan, January", Amount: 12},
		{ID: "INV-0005", Customer: "u_1001", Item: "Team plan, February", Amount: 129},
		{ID: "INV-0006", Customer: "u_1002", Item: "Starter plan, February", Amount: 12},
	}
	rt := &router{trailingSlash: true}
	rt.notFound = func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 404, "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n")
	}
	rt.badMethod = func(w http.ResponseWriter, r *http.Request, allow []string) {
		w.Header().Set("Allow", strings.Join(append(allow, "HEAD", "OPTIONS"), ", "))
		writeJSON(w, 405, map[string]string{"detail": "Method \"" + r.Method + "\" not allowed."})
	}
	rt.handle("POST", "/api-token-auth", a.login)
	rt.handle("GET", "/me", a.auth(a.me))
	rt.handle("GET", "/users/{user_id}/profile", a.auth(a.profile))
	rt.handle("GET", "/users/{user_id}/public", a.public)
	rt.handle("GET", "/invoices", a.auth(a.list))
	rt.handle("GET", "/invoices/{invoice_id}", a.auth(a.invoice))
	rt.handle("GET", "/plans", a.plans)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept, Authorization, Cookie")
		w.Header().Set("X-Frame-Options", "DENY")
		rt.ServeHTTP(w, r)
	})

	t := &Target{Name: "stringids", Handler: h, Base: "/", Operations: rt.operations()}
	for _, name := range []string{"alice", "bob", "admin"} {
		u := a.byName(name)
		tok := randHex(20)
		a.tokens[tok] = u.ID
		t.Identities = append(t.Identities, Identity{Name: name, Header: "Authorization", Value: "Token " + tok})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "GET", Path: "/users/{user_id}/profile", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "any user_id (u_1002, learnt from GET /me of another account or by counting) returns e-mail, phone, birth date and home address"},
		{Kind: "BOLA", Method: "GET", Path: "/invoices/{invoice_id}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "INV-0004 sits between the caller's INV-0003 and INV-0005 and belongs to another customer"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/users/{user_id}/public", Note: "public card: display name and member-since only"},
		{Method: "GET", Path: "/plans", Note: "public price list"},
		{Method: "GET", Path: "/me", Note: "the caller's own account"},
	}
	t.HAR = a.recordHAR(h)
	return t, nil
}

func (a *siAPI) byName(n string) *siUser {
	for i := range a.users {
		if a.users[i].Username == n {
			return &a.users[i]
		}
	}
	return nil
}

func (a *siAPI) byID(id string) *siUser {
	for i := range a.users {
		if a.users[i].ID == id {
			return &a.users[i]
		}
	}
	return nil
}

func (a *siAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, u *siUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		h := getHeader(r, "Authorization")
		w.Header().Set("WWW-Authenticate", "Token")
		if h == "" {
			writeJSON(w, 401, map[string]string{"detail": "Authentication credentials were not provided."})
			return
		}
		f := strings.Fields(h)
		if len(f) != 2 || !strings.EqualFold(f[0], "Token") {
			writeJSON(w, 401, map[string]string{"detail": "Invalid token header. No credentials provided."})
			return
		}
		a.mu.Lock()
		id, ok := a.tokens[f[1]]
		a.mu.Unlock()
		if !ok {
			writeJSON(w, 401, map[string]string{"detail": "Invalid token."})
			return
		}
		w.Header().Del("WWW-Authenticate")
		next(w, r, p, a.byID(id))
	}
}

func (a *siAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Username, Password string }
	if !readJSON(r, &in) {
		writeJSON(w, 400, map[string]string{"detail": "JSON parse error"})
		return
	}
	u := a.byName(in.Username)
	if u == nil || u.Password != in.Password {
		writeJSON(w, 400, map[string][]string{"non_field_errors": {"Unable to log in with provided credentials."}})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for tok, id := range a.tokens {
		if id == u.ID {
			writeJSON(w, 200, map[string]string{"token": tok})
			return
		}
	}
	tok := randHex(20)
	a.tokens[tok] = u.ID
	writeJSON(w, 200, map[string]string{"token": tok})
}

func (a *siAPI) me(w http.ResponseWriter, r *http.Request, _ params, u *siUser) {
	writeJSON(w, 200, map[string]any{"id": u.ID, "username": u.Username, "display_name": u.Display, "email": u.Email, "is_staff": u.Staff})
}

func (a *siAPI) profile(w http.ResponseWriter, r *http.Request, p params, u *siUser) {
	x := a.byID(p["user_id"])
	if x == nil || (a.mode == Fixed && x.ID != u.ID && !u.Staff) {
		writeJSON(w, 404, map[string]string{"detail": "Not found."})
		return
	}
	writeJSON(w, 200, map[string]any{"id": x.ID, "username": x.Username, "display_name": x.Display, "email": x.Email,
		"phone": x.Phone, "date_of_birth": x.DOB, "home_address": x.Address})
}

func (a *siAPI) public(w http.ResponseWriter, r *http.Request, p params) {
	x := a.byID(p["user_id"])
	if x == nil {
		writeJSON(w, 404, map[string]string{"detail": "Not found."})
		return
	}
	writeJSON(w, 200, map[string]any{"id": x.ID, "display_name": x.Display, "member_since": "2023"})
}

func (a *siAPI) invoiceJSON(iv siInvoice) map[string]any {
	c := a.byID(iv.Customer)
	return map[string]any{"id": iv.ID, "customer": iv.Customer, "billing_name": c.Display, "billing_email": c.Email,
		"billing_address": c.Address, "description": iv.Item, "amount": iv.Amount, "currency": "GBP", "status": "paid"}
}

func (a *siAPI) list(w http.ResponseWriter, r *http.Request, _ params, u *siUser) {
	out := []map[string]any{}
	for _, iv := range a.invoices {
		if iv.Customer == u.ID {
			out = append(out, map[string]any{"id": iv.ID, "description": iv.Item, "amount": iv.Amount})
		}
	}
	writeJSON(w, 200, map[string]any{"count": len(out), "next": nil, "previous": nil, "results": out})
}

func (a *siAPI) invoice(w http.ResponseWriter, r *http.Request, p params, u *siUser) {
	for _, iv := range a.invoices {
		if iv.ID == p["invoice_id"] && (a.mode == Vulnerable || iv.Customer == u.ID || u.Staff) {
			writeJSON(w, 200, a.invoiceJSON(iv))
			return
		}
	}
	writeJSON(w, 404, map[string]string{"detail": "Not found."})
}

func (a *siAPI) plans(w http.ResponseWriter, r *http.Request, _ params) {
	writeJSON(w, 200, []map[string]any{
		{"id": "starter", "name": "Starter", "monthly": 12},
		{"id": "pro", "name": "Pro", "monthly": 49},
		{"id": "team", "name": "Team", "monthly": 129},
	})
}

func (a *siAPI) recordHAR(h http.Handler) []byte {
	hr := newHAR(h, "https://billing.example.com")
	rec := hr.do("POST", "/api-token-auth", [][2]string{{"Content-Type", "application/json"}}, `{"username":"alice","password":"orchid-Bay-52"}`)
	au := [2]string{"Authorization", "Token " + jsonField(rec.Body.String(), "token")}
	hr.do("GET", "/me", [][2]string{au}, "")
	hr.do("GET", "/users/u_1001/profile", [][2]string{au}, "")
	hr.do("GET", "/invoices", [][2]string{au}, "")
	hr.do("GET", "/invoices/INV-0003", [][2]string{au}, "")
	hr.do("GET", "/plans", nil, "")
	return hr.bytes()
}
