package wild

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// rpc: an Express app fronted by API Gateway where every operation is a POST
// with a JSON body (plus one PUT-only update), the way many Lambda back ends
// are written.

func init() { register("rpc", newRPC) }

type rpcUser struct {
	ID, Username, Email, Password, Phone, Address, AuthLevel string
	Admin, Banned                                            bool
}

type rpcItem struct {
	ID, OwnerID, Name string
	Price             float64
}

type rpcAPI struct {
	mode   Mode
	secret []byte
	mu     sync.Mutex
	users  []*rpcUser
	items  []*rpcItem
	nextID int
}

func newRPC(mode Mode) (*Target, error) {
	a := &rpcAPI{mode: mode, secret: randSecret(), nextID: 5}
	a.users = []*rpcUser{
		{ID: "1", Username: "alice", Email: "alice.martin@example.com", Password: "Wonderland-42!", Phone: "+1-202-555-0142", Address: "12 Lantern Row, Springfield", AuthLevel: "1"},
		{ID: "2", Username: "bob", Email: "bob.nguyen@example.com", Password: "Builder#2024", Phone: "+1-202-555-0199", Address: "48 Quarry Lane, Shelbyville", AuthLevel: "1"},
		{ID: "3", Username: "admin", Email: "ops.admin@example.com", Password: "Ops-Only-9931", Phone: "+1-202-555-0100", Address: "1 Harbour Plaza, Springfield", AuthLevel: "0", Admin: true},
		{ID: "4", Username: "carol", Email: "carol.diaz@example.com", Password: "Carol!Pass77", Phone: "+1-202-555-0117", Address: "7 Mill Street, Ogdenville", AuthLevel: "1"},
	}
	a.items = []*rpcItem{
		{ID: "101", OwnerID: "1", Name: "Brass desk lamp", Price: 39.5},
		{ID: "102", OwnerID: "1", Name: "Walnut bookshelf", Price: 120},
		{ID: "201", OwnerID: "2", Name: "Road bike (54cm)", Price: 310},
		{ID: "401", OwnerID: "4", Name: "Espresso machine", Price: 95},
	}

	rt := &router{trailingSlash: true, notFound: expressNotFound}
	rt.badMethod = func(w http.ResponseWriter, r *http.Request, allow []string) {
		w.Header().Set("X-Powered-By", "Express")
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeJSON(w, 405, map[string]string{"message": "Method Not Allowed"})
	}
	rt.handle("POST", "/login", a.login)
	rt.handle("POST", "/register", a.register)
	rt.handle("POST", "/profile/me", a.auth(a.profileMe))
	rt.handle("POST", "/profile/get", a.auth(a.profileGet))
	rt.handle("POST", "/ban-user", a.auth(a.banUser))
	rt.handle("POST", "/search", a.search)
	rt.handle("POST", "/items/list", a.auth(a.itemsList))
	rt.handle("POST", "/items/get", a.auth(a.itemsGet))
	rt.handle("PUT", "/items/{id}", a.auth(a.itemsPut))
	rt.handle("POST", "/admin/users/list", a.auth(a.adminUsers))
	rt.handle("POST", "/staff/list", a.staff)

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Express")
		w.Header().Set("X-Amzn-RequestId", randHex(4)+"-"+randHex(2)+"-"+randHex(2)+"-"+randHex(2)+"-"+randHex(6))
		rt.ServeHTTP(w, r)
	})

	t := &Target{Name: "rpc", Handler: h, Base: "/", Operations: rt.operations(), Spec: []byte(rpcSpec)}
	for _, u := range a.users[:3] {
		t.Identities = append(t.Identities, Identity{Name: u.Username, Header: "Authorization", Value: "Bearer " + a.token(u)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "POST", Path: "/profile/get", Location: "body", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: `body {"id":"2"} returns another user's profile (email, phone, home address)`},
		{Kind: "BFLA client-trusted role", Method: "POST", Path: "/ban-user", Location: "body", CWE: "CWE-285", OWASP: "API5:2023", MinSeverity: "high", Needs: "allow-write",
			Note: `an ordinary user bans anyone by sending "authLevel":"0" in the body`},
		{Kind: "traceback datastore error", Method: "POST", Path: "/search", Location: "body", CWE: "CWE-209", OWASP: "API8:2023", MinSeverity: "medium", Needs: "read-only",
			Note: `a single quote in "value" of a well-formed body answers 500 with a Python traceback and the SQL statement`},
		{Kind: "BOLA", Method: "PUT", Path: "/items/{id}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "allow-write",
			Note: "PUT-only update (PATCH answers 405) overwrites another user's item; reads through /items/get are owner-checked"},
		{Kind: "mass assignment", Method: "POST", Path: "/register", Location: "body", CWE: "CWE-915", OWASP: "API3:2023", MinSeverity: "high", Needs: "allow-write",
			Note: `"admin":true in the sign-up body makes the new account an administrator`},
		{Kind: "user enumeration", Method: "POST", Path: "/login", Location: "body", CWE: "CWE-204", OWASP: "API2:2023", MinSeverity: "low", Needs: "read-only",
			Note: "unknown e-mail answers 404 'No account found', a known one with a wrong password 401 'Incorrect password'"},
	}
	t.Traps = []Trap{
		{Method: "POST", Path: "/staff/list", Note: "public staff directory: names, job titles and office e-mails published on the company site"},
		{Method: "POST", Path: "/profile/me", Note: "returns only the caller's own profile, whatever the body says"},
		{Method: "POST", Path: "/items/get", Note: "owner-checked: another user's item answers 404"},
	}
	t.HAR = a.recordHAR(h)
	return t, nil
}

func (a *rpcAPI) token(u *rpcUser) string {
	return signJWT(a.secret, stdClaims(u.ID, u.Username, map[string]any{"email": u.Email, "authLevel": u.AuthLevel}))
}

func (a *rpcAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, u *rpcUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		tok := bearer(r, "Authorization")
		if tok == "" {
			writeJSON(w, 401, map[string]string{"message": "Unauthorized"})
			return
		}
		c, err := parseJWT(a.secret, tok, false)
		if err != nil {
			writeJSON(w, 401, map[string]string{"message": "jwt malformed"})
			return
		}
		a.mu.Lock()
		u := a.userByID(claimString(c, "sub"))
		a.mu.Unlock()
		if u == nil {
			writeJSON(w, 401, map[string]string{"message": "Unauthorized"})
			return
		}
		next(w, r, p, u)
	}
}

func (a *rpcAPI) userByID(id string) *rpcUser {
	for _, u := range a.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (a *rpcAPI) userByEmail(e string) *rpcUser {
	for _, u := range a.users {
		if strings.EqualFold(u.Email, e) {
			return u
		}
	}
	return nil
}

func rpcProfile(u *rpcUser) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Username, "email": u.Email, "phone": u.Phone, "address": u.Address}
}

func (a *rpcAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Email, Password string }
	if !readJSON(r, &in) || in.Email == "" || in.Password == "" {
		writeJSON(w, 400, map[string]string{"message": "email and password are required"})
		return
	}
	a.mu.Lock()
	u := a.userByEmail(in.Email)
	a.mu.Unlock()
	if a.mode == Vulnerable {
		if u == nil {
			writeJSON(w, 404, map[string]string{"message": "No account found for this email"})
			return
		}
		if u.Password != in.Password {
			writeJSON(w, 401, map[string]string{"message": "Incorrect password"})
			return
		}
	} else if u == nil || u.Password != in.Password {
		writeJSON(w, 401, map[string]string{"message": "Invalid email or password"})
		return
	}
	if u.Banned {
		writeJSON(w, 403, map[string]string{"message": "Account suspended"})
		return
	}
	writeJSON(w, 200, map[string]any{"token": a.token(u), "expiresIn": 28800})
}

func (a *rpcAPI) register(w http.ResponseWriter, r *http.Request, _ params) {
	var in map[string]any
	if !readJSON(r, &in) {
		writeJSON(w, 400, map[string]string{"message": "Invalid request body"})
		return
	}
	name, _ := in["username"].(string)
	pass, _ := in["password"].(string)
	email, _ := in["email"].(string)
	if name == "" || len(pass) < 8 {
		writeJSON(w, 400, map[string]string{"message": "username and a password of at least 8 characters are required"})
		return
	}
	if email == "" {
		email = strings.ToLower(name) + "@example.com"
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.userByEmail(email) != nil {
		writeJSON(w, 409, map[string]string{"message": "Email already registered"})
		return
	}
	u := &rpcUser{ID: strconv.Itoa(a.nextID), Username: name, Email: email, Password: pass, AuthLevel: "1"}
	a.nextID++
	if a.mode == Vulnerable {
		// Object.assign(user, req.body)
		if v, ok := in["admin"].(bool); ok && v {
			u.Admin, u.AuthLevel = true, "0"
		}
		if v, ok := in["authLevel"].(string); ok && v != "" {
			u.AuthLevel = v
			u.Admin = v == "0"
		}
		if v, ok := in["phone"].(string); ok {
			u.Phone = v
		}
	}
	a.users = append(a.users, u)
	writeJSON(w, 201, map[string]any{"id": u.ID, "username": u.Username, "email": u.Email, "admin": u.Admin, "authLevel": u.AuthLevel, "token": a.token(u)})
}

func (a *rpcAPI) profileMe(w http.ResponseWriter, r *http.Request, _ params, u *rpcUser) {
	writeJSON(w, 200, rpcProfile(u))
}

func (a *rpcAPI) profileGet(w http.ResponseWriter, r *http.Request, _ params, u *rpcUser) {
	var in struct {
		ID any `json:"id"`
	}
	if !readJSON(r, &in) || in.ID == nil {
		writeJSON(w, 400, map[string]string{"message": "id is required"})
		return
	}
	id := fmt.Sprint(in.ID)
	a.mu.Lock()
	other := a.userByID(id)
	a.mu.Unlock()
	if a.mode == Fixed && id != u.ID && !u.Admin {
		writeJSON(w, 403, map[string]string{"message": "Forbidden"})
		return
	}
	if other == nil {
		writeJSON(w, 404, map[string]string{"message": "Profile not found"})
		return
	}
	writeJSON(w, 200, rpcProfile(other))
}

func (a *rpcAPI) banUser(w http.ResponseWriter, r *http.Request, _ params, u *rpcUser) {
	var in struct {
		Email     string `json:"email"`
		AuthLevel any    `json:"authLevel"`
	}
	if !readJSON(r, &in) || in.Email == "" {
		writeJSON(w, 400, map[string]string{"message": "email is required"})
		return
	}
	allowed := u.Admin
	if a.mode == Vulnerable && fmt.Sprint(in.AuthLevel) == "0" {
		allowed = true // the front end sends the caller's level; trusted as is
	}
	if !allowed {
		writeJSON(w, 403, map[string]string{"message": "Insufficient privileges"})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	target := a.userByEmail(in.Email)
	if target == nil {
		writeJSON(w, 404, map[string]string{"message": "User not found"})
		return
	}
	target.Banned = true
	writeJSON(w, 200, map[string]any{"message": "User " + target.Email + " has been banned", "banned": true})
}

func (a *rpcAPI) search(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct {
		Value *string `json:"value"`
	}
	if !readJSON(r, &in) || in.Value == nil {
		writeJSON(w, 400, map[string]string{"message": "Invalid request body"})
		return
	}
	v := *in.Value
	if a.mode == Vulnerable && strings.Contains(v, "'") {
		tail := v[strings.Index(v, "'"):]
		trace := "Traceback (most recent call last):\n" +
			"  File \"/var/task/handler.py\", line 88, in lambda_handler\n    return ROUTES[path](event, body)\n" +
			"  File \"/var/task/app/search.py\", line 31, in search_items\n    cur.execute(\"SELECT id, name, price FROM items WHERE name LIKE '%\" + value + \"%'\")\n" +
			"sqlite3.OperationalError: near \"" + tail + "\": syntax error\n"
		writeJSON(w, 500, map[string]any{"errorMessage": "near \"" + tail + "\": syntax error", "errorType": "OperationalError", "trace": trace})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	res := []map[string]any{}
	for _, it := range a.items {
		if strings.Contains(strings.ToLower(it.Name), strings.ToLower(v)) {
			res = append(res, map[string]any{"id": it.ID, "name": it.Name, "price": it.Price})
		}
	}
	writeJSON(w, 200, map[string]any{"results": res, "count": len(res)})
}

func rpcItemJSON(it *rpcItem) map[string]any {
	return map[string]any{"id": it.ID, "ownerId": it.OwnerID, "name": it.Name, "price": it.Price}
}

func (a *rpcAPI) itemsList(w http.ResponseWriter, r *http.Request, _ params, u *rpcUser) {
	a.mu.Lock()
	defer a.mu.Unlock()
	res := []map[string]any{}
	for _, it := range a.items {
		if it.OwnerID == u.ID {
			res = append(res, rpcItemJSON(it))
		}
	}
	writeJSON(w, 200, map[string]any{"items": res})
}

func (a *rpcAPI) itemsGet(w http.ResponseWriter, r *http.Request, _ params, u *rpcUser) {
	var in struct {
		ID any `json:"id"`
	}
	if !readJSON(r, &in) || in.ID == nil {
		writeJSON(w, 400, map[string]string{"message": "id is required"})
		return
	}
	id := fmt.Sprint(in.ID)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, it := range a.items {
		if it.ID == id && (it.OwnerID == u.ID || u.Admin) {
			writeJSON(w, 200, rpcItemJSON(it))
			return
		}
	}
	writeJSON(w, 404, map[string]string{"message": "Item not found"})
}

func (a *rpcAPI) itemsPut(w http.ResponseWriter, r *http.Request, p params, u *rpcUser) {
	var in struct {
		Name  *string  `json:"name"`
		Price *float64 `json:"price"`
	}
	if !readJSON(r, &in) || in.Name == nil || in.Price == nil {
		writeJSON(w, 400, map[string]string{"message": "name and price are required"})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, it := range a.items {
		if it.ID != p["id"] {
			continue
		}
		if a.mode == Fixed && it.OwnerID != u.ID && !u.Admin {
			break
		}
		it.Name, it.Price = *in.Name, *in.Price
		writeJSON(w, 200, rpcItemJSON(it))
		return
	}
	writeJSON(w, 404, map[string]string{"message": "Item not found"})
}

func (a *rpcAPI) adminUsers(w http.ResponseWriter, r *http.Request, _ params, u *rpcUser) {
	if !u.Admin {
		writeJSON(w, 403, map[string]string{"message": "Admins only"})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	res := []map[string]any{}
	for _, x := range a.users {
		m := rpcProfile(x)
		m["admin"], m["banned"] = x.Admin, x.Banned
		res = append(res, m)
	}
	writeJSON(w, 200, map[string]any{"users": res})
}

func (a *rpcAPI) staff(w http.ResponseWriter, r *http.Request, _ params) {
	writeJSON(w, 200, map[string]any{"staff": []map[string]string{
		{"name": "Dana Whitfield", "title": "Head of Customer Support", "email": "support@example.com", "office": "+1-202-555-0160"},
		{"name": "Marcus Hale", "title": "Data Protection Officer", "email": "privacy@example.com", "office": "+1-202-555-0161"},
		{"name": "Priya Raman", "title": "Press Relations", "email": "press@example.com", "office": "+1-202-555-0162"},
	}})
}

func (a *rpcAPI) recordHAR(h http.Handler) []byte {
	hr := newHAR(h, "https://api.example.com")
	ct := [2]string{"Content-Type", "application/json"}
	rec := hr.do("POST", "/login", [][2]string{ct}, `{"email":"alice.martin@example.com","password":"Wonderland-42!"}`)
	tok := ""
	if i := strings.Index(rec.Body.String(), `"token":"`); i >= 0 {
		tok = rec.Body.String()[i+9:]
		tok = tok[:strings.Index(tok, `"`)]
	}
	au := [2]string{"Authorization", "Bearer " + tok}
	hr.do("POST", "/profile/me", [][2]string{ct, au}, `{}`)
	hr.do("POST", "/profile/get", [][2]string{ct, au}, `{"id":"1"}`)
	hr.do("POST", "/items/list", [][2]string{ct, au}, `{}`)
	hr.do("POST", "/items/get", [][2]string{ct, au}, `{"id":"101"}`)
	hr.do("PUT", "/items/101", [][2]string{ct, au}, `{"name":"Brass desk lamp","price":39.5}`)
	hr.do("POST", "/search", [][2]string{ct}, `{"value":"lamp"}`)
	hr.do("POST", "/staff/list", [][2]string{ct}, `{}`)
	return hr.bytes()
}

const rpcSpec = `{
  "openapi": "3.0.3",
  "info": {"title": "Marketplace RPC API", "version": "1.4.0", "description": "Lambda-backed RPC endpoints. Every call is a POST with a JSON body unless noted."},
  "servers": [{"url": "/"}],
  "components": {
    "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    "schemas": {
      "Profile": {"type": "object", "properties": {"id": {"type": "string"}, "username": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"}, "address": {"type": "string"}}},
      "Item": {"type": "object", "properties": {"id": {"type": "string"}, "ownerId": {"type": "string"}, "name": {"type": "string"}, "price": {"type": "number"}}},
      "Message": {"type": "object", "properties": {"message": {"type": "string"}}}
    }
  },
  "paths": {
    "/login": {"post": {"summary": "Log in", "security": [],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string", "format": "email", "example": "jane.doe@example.com"}, "password": {"type": "string", "format": "password"}}}}}},
      "responses": {"200": {"description": "token", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "expiresIn": {"type": "integer"}}}}}}, "401": {"description": "bad credentials"}, "404": {"description": "no such account"}}}},
    "/register": {"post": {"summary": "Sign up", "security": [],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string", "example": "jdoe"}, "email": {"type": "string", "format": "email"}, "password": {"type": "string", "format": "password", "minLength": 8}}}}}},
      "responses": {"201": {"description": "created"}, "409": {"description": "email taken"}}}},
    "/profile/me": {"post": {"summary": "Caller's profile", "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
      "responses": {"200": {"description": "profile", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}}}}},
    "/profile/get": {"post": {"summary": "Get a profile by id",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "example": "1"}}}}}},
      "responses": {"200": {"description": "profile", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}}, "404": {"description": "not found"}}}},
    "/ban-user": {"post": {"summary": "Ban a user (moderators)",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}, "authLevel": {"type": "string", "description": "caller's auth level as known to the front end", "example": "1"}}}}}},
      "responses": {"200": {"description": "banned"}, "403": {"description": "forbidden"}}}},
    "/search": {"post": {"summary": "Search the catalogue", "security": [],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string", "example": "lamp"}}}}}},
      "responses": {"200": {"description": "results"}}}},
    "/items/list": {"post": {"summary": "Caller's items", "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
      "responses": {"200": {"description": "items"}}}},
    "/items/get": {"post": {"summary": "Get one of the caller's items",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "example": "101"}}}}}},
      "responses": {"200": {"description": "item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}, "404": {"description": "not found"}}}},
    "/items/{id}": {"put": {"summary": "Replace an item", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "101"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "price"], "properties": {"name": {"type": "string"}, "price": {"type": "number"}}}}}},
      "responses": {"200": {"description": "updated", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}, "404": {"description": "not found"}}}},
    "/admin/users/list": {"post": {"summary": "All accounts (administrators)", "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
      "responses": {"200": {"description": "users"}, "403": {"description": "not an administrator"}}}},
    "/staff/list": {"post": {"summary": "Public staff directory", "security": [], "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
      "responses": {"200": {"description": "staff"}}}}
  },
  "security": [{"bearerAuth": []}]
}
`
