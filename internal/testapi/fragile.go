package testapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Fragile is an API that a careless scan damages, for the safety tests
// (docs/safety.md). It serves, besides ordinary reads:
//   - GET /createdb, which wipes and re-seeds every table (a reset by GET);
//   - GET /api/admin/rebuild-index, an expensive side effect served by GET;
//   - GET /api/logout, which revokes the caller's token;
//   - DELETE /api/users/{id} and DELETE /api/addresses/{id}, with no
//     authorization at all (anyone deletes anyone);
//   - PATCH /api/users/{id}, which anyone may send (write BOLA) and which
//     binds the role too (mass assignment);
//   - POST /api/register, which creates an account (Location of the new
//     user) and tells an existing email apart;
//   - POST /api/login, whose failed attempts are rate-limited: after
//     FragileLoginAttempts failures it answers 429 with Retry-After;
//   - POST /api/search, a read served by POST;
//   - GET /api/runs (a noun: a read) and GET /api/admin/stats.
//
// Every operation counts its calls (Calls), State snapshots what a scan must
// leave as it found it, and the index at "/" links the dangerous GETs so a
// crawl meets them. The OpenAPI description is at /openapi.json.
type Fragile struct {
	mu       sync.Mutex
	calls    map[string]int
	users    map[int]*fragileUser
	addrs    map[int]fragileAddress
	revoked  map[string]bool
	nextID   int
	failures int
	created  []int
	deleted  []string
	handler  http.Handler
}

type fragileUser struct {
	ID       int    `json:"id"`
	Email    string `json:"email"`
	Nickname string `json:"nickname"`
	Role     string `json:"role"`
	Token    string `json:"-"`
	Password string `json:"-"`
}

type fragileAddress struct {
	ID     int    `json:"id"`
	UserID int    `json:"user_id"`
	Line   string `json:"line"`
}

// FragileLoginAttempts is how many failed logins the fragile API accepts
// before it answers 429.
const FragileLoginAttempts = 1

// Fragile tokens and passwords: alice and bob are patients, carol is the
// administrator; dave logs in with a password (a login flow).
const (
	FragileAliceToken = "fragile-alice-Vb73kQ"
	FragileBobToken   = "fragile-bob-Lw28pZ"
	FragileAdminToken = "fragile-carol-Hn45sX"
	FragileDaveEmail  = "dave.ito@example.net"
	FragileDavePass   = "dave-correct-horse-1"
)

// NewFragile builds the fragile API with its seeded state.
func NewFragile() *Fragile {
	f := &Fragile{calls: map[string]int{}}
	f.seed()
	mux := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			f.calls[pattern]++
			f.mu.Unlock()
			h(w, r)
		})
	}
	route("GET /{$}", f.index)
	route("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(fragileSpec))
	})
	route("GET /createdb", func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		f.seed()
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"status": "database re-created"})
	})
	route("GET /api/admin/rebuild-index", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "index rebuilt", "documents": 3})
	})
	route("GET /api/logout", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if t := bearer(r); t != "" {
			f.revoked[t] = true
		}
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"status": "logged out"})
	})
	route("GET /api/me", f.me)
	route("GET /api/users", f.listUsers)
	route("GET /api/users/{id}", f.getUser)
	route("PATCH /api/users/{id}", f.patchUser)
	route("DELETE /api/users/{id}", f.deleteUser)
	route("GET /api/users/{id}/addresses", f.listAddresses)
	route("DELETE /api/addresses/{id}", f.deleteAddress)
	route("POST /api/register", f.register)
	route("POST /api/login", f.login)
	route("POST /api/search", f.search)
	route("GET /api/runs", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"runs": []map[string]any{{"id": 1, "state": "done"}}})
	})
	route("GET /api/admin/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"users": 3, "uptime_s": 1234})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	})
	f.handler = mux
	return f
}

// seed (re)creates the tables; the caller holds mu (or owns f).
func (f *Fragile) seed() {
	f.users = map[int]*fragileUser{
		1001: {ID: 1001, Email: "alice.moreau@proton.me", Nickname: "ali", Role: "patient", Token: FragileAliceToken},
		1002: {ID: 1002, Email: "bob.okafor@fastmail.com", Nickname: "bobby", Role: "patient", Token: FragileBobToken},
		1003: {ID: 1003, Email: "carol.nguyen@outlook.com", Nickname: "cn", Role: "admin", Token: FragileAdminToken},
		1004: {ID: 1004, Email: FragileDaveEmail, Nickname: "dave", Role: "patient", Password: FragileDavePass},
	}
	f.addrs = map[int]fragileAddress{
		1: {ID: 1, UserID: 1001, Line: "742 Evergreen Terrace, Springfield, OR 97403"},
		2: {ID: 2, UserID: 1002, Line: "12 Harbor Road, Portland, ME 04101"},
	}
	f.revoked = map[string]bool{}
	f.nextID = 2000
}

// ServeHTTP serves the API.
func (f *Fragile) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

// Calls returns how many times each operation ("GET /createdb") was called.
func (f *Fragile) Calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.calls))
	for k, v := range f.calls {
		out[k] = v
	}
	return out
}

// Created returns the ids of the accounts registered so far, and Deleted
// the paths of the objects deleted ("/api/users/2000").
func (f *Fragile) Created() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.created...)
}

// Deleted returns the paths of the objects deleted so far.
func (f *Fragile) Deleted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.deleted...)
}

// State is a canonical snapshot of everything a scan may change: users
// (email, nickname, role), addresses and revoked tokens.
func (f *Fragile) State() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var lines []string
	for _, u := range f.users {
		lines = append(lines, fmt.Sprintf("user %d %s %q %s", u.ID, u.Email, u.Nickname, u.Role))
	}
	for _, a := range f.addrs {
		lines = append(lines, fmt.Sprintf("address %d %d %s", a.ID, a.UserID, a.Line))
	}
	for t := range f.revoked {
		lines = append(lines, "revoked "+t)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func (f *Fragile) caller(r *http.Request) *fragileUser {
	t := bearer(r)
	if t == "" || f.revoked[t] {
		return nil
	}
	for _, u := range f.users {
		if u.Token == t {
			return u
		}
	}
	return nil
}

func (f *Fragile) index(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"name": "Fragile API", "links": []string{
		"/api/me", "/api/users", "/api/runs", "/api/admin/stats", "/api/admin/rebuild-index", "/api/logout", "/createdb",
	}})
}

func (f *Fragile) me(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.caller(r)
	if u == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": u.ID, "email": u.Email, "nickname": u.Nickname, "role": u.Role,
		"addresses": "/api/users/" + strconv.Itoa(u.ID) + "/addresses", "self": "/api/users/" + strconv.Itoa(u.ID)})
}

func (f *Fragile) listUsers(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.caller(r) == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
		return
	}
	var out []map[string]any
	for _, u := range f.users {
		out = append(out, map[string]any{"id": u.ID, "href": "/api/users/" + strconv.Itoa(u.ID)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(int) < out[j]["id"].(int) })
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
}

func (f *Fragile) user(w http.ResponseWriter, r *http.Request) *fragileUser {
	id, _ := strconv.Atoi(r.PathValue("id"))
	u := f.users[id]
	if u == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	}
	return u
}

// getUser serves any user to any logged-in caller (BOLA on reads).
func (f *Fragile) getUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.caller(r) == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
		return
	}
	if u := f.user(w, r); u != nil {
		writeJSON(w, http.StatusOK, u)
	}
}

// patchUser lets any logged-in caller change anyone's nickname and role.
func (f *Fragile) patchUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.caller(r) == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
		return
	}
	u := f.user(w, r)
	if u == nil {
		return
	}
	var in map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad json"})
		return
	}
	if v, ok := in["nickname"].(string); ok {
		u.Nickname = v
	}
	if v, ok := in["role"].(string); ok {
		u.Role = v
	}
	writeJSON(w, http.StatusOK, u)
}

// deleteUser deletes anyone, without authorization.
func (f *Fragile) deleteUser(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u := f.user(w, r); u != nil {
		delete(f.users, u.ID)
		f.deleted = append(f.deleted, r.URL.Path)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (f *Fragile) listAddresses(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.caller(r) == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
		return
	}
	id, _ := strconv.Atoi(r.PathValue("id"))
	out := []map[string]any{}
	for _, a := range f.addrs {
		if a.UserID == id {
			out = append(out, map[string]any{"id": a.ID, "line": a.Line, "href": "/api/addresses/" + strconv.Itoa(a.ID)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"addresses": out})
}

// deleteAddress deletes any address, ignoring (even broken) bodies.
func (f *Fragile) deleteAddress(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, _ := strconv.Atoi(r.PathValue("id"))
	if _, ok := f.addrs[id]; !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		return
	}
	delete(f.addrs, id)
	f.deleted = append(f.deleted, r.URL.Path)
	w.WriteHeader(http.StatusNoContent)
}

type fragileCredentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// register creates an account; an existing email gets 409 (enumeration).
func (f *Fragile) register(w http.ResponseWriter, r *http.Request) {
	var in fragileCredentials
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil || in.Email == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "email and password required"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if strings.EqualFold(u.Email, in.Email) {
			writeJSON(w, http.StatusConflict, map[string]any{"error": "email already registered"})
			return
		}
	}
	f.nextID++
	u := &fragileUser{ID: f.nextID, Email: in.Email, Nickname: "", Role: "patient", Password: in.Password}
	f.users[u.ID] = u
	f.created = append(f.created, u.ID)
	w.Header().Set("Location", "/api/users/"+strconv.Itoa(u.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"id": u.ID, "email": u.Email})
}

// login tells a wrong password (401) from an unknown account (404), and
// rate-limits failed attempts: past FragileLoginAttempts, 429.
func (f *Fragile) login(w http.ResponseWriter, r *http.Request) {
	var in fragileCredentials
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad json"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var found *fragileUser
	for _, u := range f.users {
		if strings.EqualFold(u.Email, in.Email) {
			found = u
		}
	}
	if found != nil && found.Password != "" && found.Password == in.Password {
		if found.Token == "" {
			found.Token = "fragile-session-" + strconv.Itoa(found.ID)
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": found.Token})
		return
	}
	if f.failures >= FragileLoginAttempts {
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": "too many attempts"})
		return
	}
	f.failures++
	if found == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such account"})
		return
	}
	writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "wrong password"})
}

// search is a read served by POST.
func (f *Fragile) search(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Q string `json:"q"`
	}
	_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in)
	writeJSON(w, http.StatusOK, map[string]any{"results": []any{}, "q": in.Q})
}

const fragileSpec = `{
  "openapi": "3.0.3",
  "info": {"title": "Fragile API", "version": "1.0.0"},
  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
  "security": [{"bearer": []}],
  "paths": {
    "/createdb": {"get": {"operationId": "createDatabase", "summary": "Drop and re-create every table", "security": [], "responses": {"200": {"description": "done"}}}},
    "/api/admin/rebuild-index": {"get": {"operationId": "rebuildIndex", "summary": "Rebuild the search index", "responses": {"200": {"description": "done"}}}},
    "/api/logout": {"get": {"operationId": "logout", "summary": "End the session", "responses": {"200": {"description": "done"}}}},
    "/api/me": {"get": {"operationId": "getMe", "responses": {"200": {"description": "the caller"}}}},
    "/api/runs": {"get": {"operationId": "listRuns", "summary": "Runs", "responses": {"200": {"description": "runs"}}}},
    "/api/admin/stats": {"get": {"operationId": "getStats", "responses": {"200": {"description": "stats"}}}},
    "/api/users": {"get": {"operationId": "listUsers", "responses": {"200": {"description": "users"}}}},
    "/api/users/{id}": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "get": {"operationId": "getUser", "responses": {"200": {"description": "a user"}}},
      "patch": {"operationId": "updateUser", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"nickname": {"type": "string"}}}, "example": {"nickname": "ali"}}}}, "responses": {"200": {"description": "updated"}}},
      "delete": {"operationId": "deleteUser", "security": [], "responses": {"204": {"description": "deleted"}}}
    },
    "/api/users/{id}/addresses": {"get": {"operationId": "listAddresses", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "addresses"}}}},
    "/api/addresses/{id}": {"delete": {"operationId": "deleteAddress", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"204": {"description": "deleted"}}}},
    "/api/register": {"post": {"operationId": "registerUser", "security": [], "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}, "example": {"email": "new.user@example.com", "password": "a-new-password"}}}}, "responses": {"201": {"description": "created"}, "409": {"description": "exists"}}}},
    "/api/login": {"post": {"operationId": "login", "security": [], "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}, "example": {"email": "someone@example.com", "password": "secret"}}}}, "responses": {"200": {"description": "token"}, "401": {"description": "wrong password"}}}},
    "/api/search": {"post": {"operationId": "searchUsers", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"q": {"type": "string"}}}, "example": {"q": "ali"}}}}, "responses": {"200": {"description": "results"}}}}
  }
}`
