package wild

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// queryowner: a Flask app over DynamoDB where the owner of a record travels in
// the query string (GET /profile?user_id=…). The handler does
// table.get_item(Key={"user_id": request.args["user_id"]}) without a
// projection and jsonify()s the whole item.

func init() { register("queryowner", newQueryOwner) }

type qoUser struct {
	UserID, Username, Password, FullName, Email, Phone, NationalID, Card, CardExp, PasswordHash, Account, CreatedAt string
}

type qoOrder struct {
	OrderID, Account, Item, Street, City, Zip string
	Total                                     float64
}

type qoAPI struct {
	mode     Mode
	secret   []byte
	users    []*qoUser
	orders   []qoOrder
	mu       sync.Mutex
	failures map[string]int
}

func newQueryOwner(mode Mode) (*Target, error) {
	a := &qoAPI{mode: mode, secret: randSecret(), failures: map[string]int{}}
	a.users = []*qoUser{
		{UserID: "3f6c2a1e-8b7d-4c52-9e0a-71d4b2c9e5a1", Username: "alice", Password: "tulip-Garden-81", FullName: "Alice Martin", Email: "alice.martin@example.com",
			Phone: "+1-415-555-0132", NationalID: "912-48-3307", Card: "4111111111111111", CardExp: "09/29",
			PasswordHash: "pbkdf2:sha256:600000$Jq8rLk2N$5e9c1f4b7a2d8e3f6a0b9c4d7e2f1a8b3c6d9e0f4a7b2c5d8e1f3a6b9c2d5e8f", Account: "ACC-20931", CreatedAt: "2023-02-11T09:14:52Z"},
		{UserID: "a84e1d97-2f3b-4e6a-b1c5-0d9f7e3a6c28", Username: "bob", Password: "harbor-Light-27", FullName: "Robert Nguyen", Email: "bob.nguyen@example.com",
			Phone: "+1-415-555-0178", NationalID: "934-21-7754", Card: "5555555555554444", CardExp: "03/28",
			PasswordHash: "pbkdf2:sha256:600000$Pz4xWm7Q$a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00", Account: "ACC-20932", CreatedAt: "2023-05-30T17:40:03Z"},
		{UserID: "c1d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f", Username: "admin", Password: "Adm1n-Vault-553", FullName: "Site Operations", Email: "ops@example.com",
			Phone: "+1-415-555-0100", NationalID: "987-65-4320", Card: "378282246310005", CardExp: "12/27",
			PasswordHash: "pbkdf2:sha256:600000$Vb9sTn3K$0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", Account: "ACC-10001", CreatedAt: "2022-11-01T08:00:00Z"},
	}
	a.orders = []qoOrder{
		{OrderID: "ord-5501", Account: "ACC-20931", Item: "Ceramic teapot", Total: 34.0, Street: "221 Lantern Row", City: "Springfield", Zip: "97477"},
		{OrderID: "ord-5502", Account: "ACC-20932", Item: "Trail running shoes", Total: 129.99, Street: "48 Quarry Lane", City: "Shelbyville", Zip: "97478"},
		{OrderID: "ord-5507", Account: "ACC-20932", Item: "Headlamp", Total: 24.5, Street: "48 Quarry Lane", City: "Shelbyville", Zip: "97478"},
	}
	rt := &router{notFound: flaskNotFound, badMethod: flaskBadMethod}
	rt.handle("POST", "/auth/login", a.login)
	rt.handle("GET", "/session", a.auth(a.session))
	rt.handle("GET", "/profile", a.auth(a.profile))
	rt.handle("GET", "/orders", a.auth(a.ordersH))
	rt.handle("GET", "/cards", a.auth(a.cards))
	rt.handle("GET", "/products", a.products)

	t := &Target{Name: "queryowner", Handler: rt, Base: "/", Operations: rt.operations()}
	for _, u := range a.users {
		t.Identities = append(t.Identities, Identity{Name: u.Username, Header: "Authorization", Value: "Bearer " + a.token(u)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "GET", Path: "/profile", Location: "query", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "?user_id=<another user's id> returns that user's record"},
		{Kind: "excessive data exposure", Method: "GET", Path: "/profile", Location: "response", CWE: "CWE-359", OWASP: "API3:2023", MinSeverity: "high", Needs: "read-only",
			Note: "the whole DynamoDB item comes back: national id, full card number and expiry, password hash"},
		{Kind: "BOLA", Method: "GET", Path: "/orders", Location: "query", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "?account=<another account> lists that account's orders with shipping address"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/cards", Note: "only the caller's cards, numbers masked as ****4242"},
		{Method: "GET", Path: "/products", Note: "public catalogue"},
		{Method: "POST", Path: "/auth/login", Note: "same answer for unknown user and wrong password; 429 after five failures"},
	}
	t.HAR = a.recordHAR(rt)
	return t, nil
}

func (a *qoAPI) token(u *qoUser) string {
	now := time.Now().Unix()
	return signJWT(a.secret, map[string]any{"fresh": false, "iat": now, "jti": randHex(16), "type": "access", "sub": u.UserID, "nbf": now, "exp": now + 8*3600})
}

func (a *qoAPI) auth(next func(w http.ResponseWriter, r *http.Request, u *qoUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ params) {
		h := getHeader(r, "Authorization")
		if h == "" {
			writePyJSON(w, 401, map[string]string{"msg": "Missing Authorization Header"})
			return
		}
		if !strings.HasPrefix(h, "Bearer ") {
			writePyJSON(w, 422, map[string]string{"msg": "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"})
			return
		}
		c, err := parseJWT(a.secret, strings.TrimPrefix(h, "Bearer "), false)
		if err != nil {
			writePyJSON(w, 422, map[string]string{"msg": "Signature verification failed"})
			return
		}
		u := a.byID(claimString(c, "sub"))
		if u == nil {
			writePyJSON(w, 401, map[string]string{"msg": "User not found"})
			return
		}
		next(w, r, u)
	}
}

func (a *qoAPI) byID(id string) *qoUser {
	for _, u := range a.users {
		if u.UserID == id {
			return u
		}
	}
	return nil
}

func (a *qoAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Username, Password string }
	if !readJSON(r, &in) {
		writePyJSON(w, 400, map[string]string{"msg": "Bad request"})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	key := strings.ToLower(in.Username)
	if a.failures[key] >= 5 {
		w.Header().Set("Retry-After", "300")
		writePyJSON(w, 429, map[string]string{"msg": "Too many login attempts. Try again in 5 minutes."})
		return
	}
	for _, u := range a.users {
		if u.Username == key && u.Password == in.Password {
			a.failures[key] = 0
			writePyJSON(w, 200, map[string]string{"access_token": a.token(u)})
			return
		}
	}
	a.failures[key]++
	writePyJSON(w, 401, map[string]string{"msg": "Bad username or password"})
}

func (a *qoAPI) session(w http.ResponseWriter, r *http.Request, u *qoUser) {
	writePyJSON(w, 200, map[string]string{"user_id": u.UserID, "username": u.Username, "account": u.Account})
}

func (a *qoAPI) profile(w http.ResponseWriter, r *http.Request, u *qoUser) {
	id := r.URL.Query().Get("user_id")
	if id == "" {
		id = u.UserID
	}
	if a.mode == Fixed {
		if id != u.UserID {
			writePyJSON(w, 403, map[string]string{"msg": "You can only view your own profile"})
			return
		}
		writePyJSON(w, 200, map[string]any{"user_id": u.UserID, "username": u.Username, "full_name": u.FullName, "email": u.Email, "created_at": u.CreatedAt})
		return
	}
	x := a.byID(id)
	if x == nil {
		writePyJSON(w, 404, map[string]string{"msg": "Item not found"})
		return
	}
	writePyJSON(w, 200, map[string]any{"Item": map[string]any{
		"user_id": x.UserID, "username": x.Username, "full_name": x.FullName, "email": x.Email, "phone": x.Phone,
		"national_id": x.NationalID, "card_number": x.Card, "card_exp": x.CardExp, "password_hash": x.PasswordHash,
		"account": x.Account, "created_at": x.CreatedAt,
	}})
}

func (a *qoAPI) ordersH(w http.ResponseWriter, r *http.Request, u *qoUser) {
	acct := r.URL.Query().Get("account")
	if acct == "" {
		acct = u.Account
	}
	if a.mode == Fixed && acct != u.Account {
		writePyJSON(w, 403, map[string]string{"msg": "Not your account"})
		return
	}
	out := []map[string]any{}
	for _, o := range a.orders {
		if o.Account == acct {
			out = append(out, map[string]any{"order_id": o.OrderID, "account": o.Account, "item": o.Item, "total": o.Total,
				"ship_to": map[string]string{"street": o.Street, "city": o.City, "zip": o.Zip}})
		}
	}
	writePyJSON(w, 200, map[string]any{"Items": out, "Count": len(out)})
}

func (a *qoAPI) cards(w http.ResponseWriter, r *http.Request, u *qoUser) {
	brand := map[byte]string{'4': "visa", '5': "mastercard", '3': "amex"}[u.Card[0]]
	writePyJSON(w, 200, map[string]any{"cards": []map[string]string{{"brand": brand, "number": mask(u.Card), "exp": u.CardExp}}})
}

func (a *qoAPI) products(w http.ResponseWriter, r *http.Request, _ params) {
	writePyJSON(w, 200, map[string]any{"products": []map[string]any{
		{"sku": "TEA-001", "name": "Ceramic teapot", "price": 34.0},
		{"sku": "RUN-114", "name": "Trail running shoes", "price": 129.99},
		{"sku": "LMP-020", "name": "Headlamp", "price": 24.5},
	}})
}

func (a *qoAPI) recordHAR(h http.Handler) []byte {
	hr := newHAR(h, "https://shop-api.example.com")
	u := a.users[0]
	rec := hr.do("POST", "/auth/login", [][2]string{{"Content-Type", "application/json"}}, `{"username":"alice","password":"`+u.Password+`"}`)
	tok := jsonField(rec.Body.String(), "access_token")
	au := [2]string{"Authorization", "Bearer " + tok}
	hr.do("GET", "/session", [][2]string{au}, "")
	hr.do("GET", "/profile?user_id="+u.UserID, [][2]string{au}, "")
	hr.do("GET", "/orders?account="+u.Account, [][2]string{au}, "")
	hr.do("GET", "/cards", [][2]string{au}, "")
	hr.do("GET", "/products", nil, "")
	return hr.bytes()
}
