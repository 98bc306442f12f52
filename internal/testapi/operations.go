package testapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// NewOperations builds the operations API: the API shapes a scanner meets
// on APIs it was not written against, each vulnerable or fixed with the
// variant. Its description is OperationsSpec; OperationsHAR is a recording
// of it. Identities are the same tokens as the main API (alice, bob, and
// carol the administrator). The weaknesses of the vulnerable variant:
//
//   - GET /profile?user_id=: an owner reference in the query, answered for
//     any user (no ownership check, no projection).
//   - GET /users/{user_id}/profile: string ids (u_1001) known only from
//     GET /me; the specification gives no example.
//   - GET /notes/{note_title}: objects keyed by a title, listed with their
//     owner by the public index GET /notes.
//   - GET /passphrase/{username}: any user's passphrase to anonymous
//     callers.
//   - GET /books/{book_title}: the specification's example (bookTitle77)
//     answers 404; the real titles come from GET /books/mine.
//   - POST /rpc/profile/get {"id"}: an RPC read returning any profile.
//   - POST /rpc/search {"value"}: a quote in a well-formed body answers 500
//     with a Python traceback.
//   - POST /rpc/admin/list-users {"authLevel"}: trusts the privilege level
//     sent by the client.
//   - PUT /rpc/items/{item_id}: a PUT-only update (PATCH answers 405) that
//     lets any user rename another's item.
//   - POST /rpc/register: sign-up open to mass assignment ("admin": true).
//   - POST /rpc/login: different answers for unknown users and wrong
//     passwords.
//   - GET /status: answers 500 with a traceback, without any parameter.
//   - POST /rpc/invoices/fetch {"invoice_no"}: in the recording only;
//     INV-0003 is alice's, its neighbour INV-0002 bob's, served to anyone.
//
// The fixed variant checks ownership and roles, projects its answers,
// rejects bad input with 400 and answers both login failures alike.
func NewOperations(v Variant) *API {
	return build(v, "Operations API", []func(Variant, *Data) []Route{operationRoutes})
}

// OpsID is the string id of a person in the operations API: u_1001.
func OpsID(p Person) string { return fmt.Sprintf("u_%d", p.ID) }

type opsNote struct {
	Title, Owner, Secret string
}

type opsItem struct {
	ID, Owner, Title string
}

type opsInvoice struct {
	No, Owner string
	Amount    float64
}

func operationRoutes(v Variant, d *Data) []Route {
	var mu sync.Mutex
	notes := []opsNote{
		{"quietNote17", "alice", "alice's locker code is 4411"},
		{"loudNote42", "bob", "bob's spare key is under the mat"},
	}
	books := []opsNote{
		{"gardenJournal", "alice", "seed order for the allotment"},
		{"harborLog", "bob", "mooring fee paid in cash"},
	}
	items := []opsItem{{"it-0001", "alice", "blue kettle"}, {"it-0002", "bob", "red lamp"}}
	invoices := []opsInvoice{{"INV-0002", "bob", 310.5}, {"INV-0003", "alice", 120}}
	passphrases := map[string]string{"alice": "correct horse battery staple", "bob": "tr0ub4dor and three"}
	registered := map[string]map[string]any{}

	byUsername := func(name string) *Person {
		for i := range d.People {
			if d.People[i].Username == name {
				return &d.People[i]
			}
		}
		return nil
	}
	byOpsID := func(id string) *Person {
		for i := range d.People {
			if OpsID(d.People[i]) == id {
				return &d.People[i]
			}
		}
		return nil
	}
	profile := func(p *Person) map[string]any {
		if v == Fixed {
			// ProjectionExpression: only what the caller needs.
			return map[string]any{"user_id": OpsID(*p), "username": p.Username, "name": p.Name}
		}
		return map[string]any{"user_id": OpsID(*p), "username": p.Username, "name": p.Name, "email": p.Email, "ssn": p.SSN, "address": p.Address}
	}
	login := func(w http.ResponseWriter, r *http.Request) *Person {
		p := d.Caller(r)
		if p == nil {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Unauthorized"})
		}
		return p
	}
	body := func(r *http.Request) map[string]any {
		var m map[string]any
		_ = json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16)).Decode(&m)
		if m == nil {
			m = map[string]any{}
		}
		return m
	}
	str := func(m map[string]any, k string) string {
		s, _ := m[k].(string)
		return s
	}
	traceback := func(w http.ResponseWriter, where string) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "Traceback (most recent call last):\n  File \"/var/task/app.py\", line 88, in %s\n    rows = db.execute(sql)\nsqlite3.OperationalError: near \"'\": syntax error\n", where)
	}

	return []Route{
		{Pattern: "GET /openapi.json", Handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(OperationsSpec))
		}},
		{Pattern: "GET /status", Link: "/status", Handler: func(w http.ResponseWriter, r *http.Request) {
			if v == Vulnerable {
				traceback(w, "status")
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
		}},
		{Pattern: "GET /me", Link: "/me", Handler: func(w http.ResponseWriter, r *http.Request) {
			if p := login(w, r); p != nil {
				writeJSON(w, http.StatusOK, map[string]any{"id": OpsID(*p), "username": p.Username, "email": p.Email})
			}
		}},
		{Pattern: "GET /profile", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			id := r.URL.Query().Get("user_id")
			if id == "" {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "user_id is required"})
				return
			}
			t := byOpsID(id)
			if t == nil {
				writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such user"})
				return
			}
			if v == Fixed && t.ID != p.ID {
				writeJSON(w, http.StatusForbidden, map[string]any{"error": "forbidden"})
				return
			}
			writeJSON(w, http.StatusOK, profile(t))
		}},
		{Pattern: "GET /users/{user_id}/profile", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			t := byOpsID(r.PathValue("user_id"))
			if t == nil || (v == Fixed && t.ID != p.ID) {
				writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
				return
			}
			writeJSON(w, http.StatusOK, profile(t))
		}},
		{Pattern: "GET /notes", Link: "/notes", Handler: func(w http.ResponseWriter, r *http.Request) {
			out := []map[string]any{}
			for _, n := range notes {
				out = append(out, map[string]any{"note_title": n.Title, "owner": n.Owner})
			}
			writeJSON(w, http.StatusOK, map[string]any{"notes": out})
		}},
		{Pattern: "GET /notes/{note_title}", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			for _, n := range notes {
				if n.Title == r.PathValue("note_title") && (v == Vulnerable || n.Owner == p.Username) {
					writeJSON(w, http.StatusOK, map[string]any{"note_title": n.Title, "owner": n.Owner, "text": n.Secret})
					return
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		}},
		{Pattern: "GET /passphrase/{username}", Handler: func(w http.ResponseWriter, r *http.Request) {
			name := r.PathValue("username")
			if v == Fixed {
				p := login(w, r)
				if p == nil {
					return
				}
				if p.Username != name {
					writeJSON(w, http.StatusForbidden, map[string]any{"error": "forbidden"})
					return
				}
			}
			pp, ok := passphrases[name]
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"username": name, "passphrase": pp})
		}},
		{Pattern: "GET /books/mine", Link: "/books/mine", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			out := []map[string]any{}
			for _, b := range books {
				if b.Owner == p.Username {
					out = append(out, map[string]any{"book_title": b.Title})
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"books": out})
		}},
		{Pattern: "GET /books/{book_title}", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			for _, b := range books {
				if b.Title == r.PathValue("book_title") && (v == Vulnerable || b.Owner == p.Username) {
					owner := byUsername(b.Owner)
					writeJSON(w, http.StatusOK, map[string]any{"book_title": b.Title, "owner": b.Owner, "owner_email": owner.Email, "private_note": b.Secret})
					return
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		}},
		{Pattern: "POST /rpc/profile/get", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			t := byOpsID(str(body(r), "id"))
			if t == nil || (v == Fixed && t.ID != p.ID) {
				writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
				return
			}
			writeJSON(w, http.StatusOK, profile(t))
		}},
		{Pattern: "POST /rpc/search", Handler: func(w http.ResponseWriter, r *http.Request) {
			if login(w, r) == nil {
				return
			}
			q := str(body(r), "value")
			if strings.ContainsAny(q, "'\"") {
				if v == Vulnerable {
					traceback(w, "search")
					return
				}
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid search value"})
				return
			}
			out := []string{}
			for _, b := range []string{"kettle", "lamp"} {
				if strings.Contains(b, q) {
					out = append(out, b)
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"results": out})
		}},
		{Pattern: "POST /rpc/admin/list-users", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			level := fmt.Sprint(body(r)["authLevel"])
			admin := p.Role == "admin"
			if v == Vulnerable {
				admin = admin || level == "0"
			}
			if !admin {
				writeJSON(w, http.StatusForbidden, map[string]any{"error": "administrators only"})
				return
			}
			out := []map[string]any{}
			for i := range d.People {
				out = append(out, map[string]any{"user_id": OpsID(d.People[i]), "username": d.People[i].Username, "email": d.People[i].Email})
			}
			writeJSON(w, http.StatusOK, map[string]any{"users": out})
		}},
		{Pattern: "GET /rpc/items/mine", Link: "/rpc/items/mine", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			out := []map[string]any{}
			for _, it := range items {
				if it.Owner == p.Username {
					out = append(out, map[string]any{"item_id": it.ID, "title": it.Title})
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"items": out})
		}},
		{Pattern: "GET /rpc/items/{item_id}", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, it := range items {
				if it.ID == r.PathValue("item_id") && it.Owner == p.Username {
					writeJSON(w, http.StatusOK, map[string]any{"item_id": it.ID, "owner": it.Owner, "title": it.Title})
					return
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		}},
		{Pattern: "PATCH /rpc/items/{item_id}", Handler: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "method not allowed"})
		}},
		{Pattern: "PUT /rpc/items/{item_id}", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			m := body(r)
			mu.Lock()
			defer mu.Unlock()
			for i := range items {
				if items[i].ID != r.PathValue("item_id") {
					continue
				}
				if v == Fixed && items[i].Owner != p.Username {
					writeJSON(w, http.StatusForbidden, map[string]any{"error": "forbidden"})
					return
				}
				if t := str(m, "title"); t != "" {
					items[i].Title = t
				}
				writeJSON(w, http.StatusOK, map[string]any{"item_id": items[i].ID, "owner": items[i].Owner, "title": items[i].Title})
				return
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		}},
		{Pattern: "POST /rpc/register", Handler: func(w http.ResponseWriter, r *http.Request) {
			m := body(r)
			name := str(m, "username")
			if name == "" || str(m, "password") == "" {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "username and password are required"})
				return
			}
			acct := map[string]any{"username": name, "admin": false, "role": "user"}
			if v == Vulnerable {
				for k, val := range m {
					if k != "password" {
						acct[k] = val // every member the client sent is stored
					}
				}
			}
			mu.Lock()
			registered[name] = acct
			mu.Unlock()
			writeJSON(w, http.StatusCreated, acct)
		}},
		{Pattern: "POST /rpc/login", Handler: func(w http.ResponseWriter, r *http.Request) {
			m := body(r)
			p := byUsername(str(m, "username"))
			switch {
			case p != nil && str(m, "password") == "correct-"+p.Username:
				writeJSON(w, http.StatusOK, map[string]any{"token": p.Token})
			case v == Fixed:
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid username or password"})
			case p == nil:
				writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such user"})
			default:
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "wrong password"})
			}
		}},
		{Pattern: "POST /rpc/invoices/fetch", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := login(w, r)
			if p == nil {
				return
			}
			no := str(body(r), "invoice_no")
			for _, in := range invoices {
				if in.No == no && (v == Vulnerable || in.Owner == p.Username) {
					owner := byUsername(in.Owner)
					writeJSON(w, http.StatusOK, map[string]any{"invoice_no": in.No, "amount": in.Amount, "billed_to": owner.Name, "email": owner.Email})
					return
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		}},
	}
}

// OperationsHAR returns a HAR recording of alice using the operations API
// at base: a read-POST with a JSON body (POST /rpc/invoices/fetch, not in
// the specification) and its answer.
func OperationsHAR(base string) []byte {
	entry := func(method, path, reqBody, respBody string) map[string]any {
		e := map[string]any{
			"request": map[string]any{
				"method": method, "url": base + path,
				"headers": []any{map[string]any{"name": "Authorization", "value": "Bearer " + AliceToken}, map[string]any{"name": "Content-Type", "value": "application/json"}},
			},
			"response": map[string]any{"status": 200, "content": map[string]any{"mimeType": "application/json", "text": respBody}},
		}
		if reqBody != "" {
			e["request"].(map[string]any)["postData"] = map[string]any{"mimeType": "application/json", "text": reqBody}
		}
		return e
	}
	doc := map[string]any{"log": map[string]any{"version": "1.2", "entries": []any{
		entry("POST", "/rpc/invoices/fetch", `{"invoice_no":"INV-0003"}`, `{"invoice_no":"INV-0003","amount":120,"billed_to":"Alice Moreau","email":"alice.moreau@proton.me"}`),
	}}}
	b, _ := json.Marshal(doc)
	return b
}

// OperationsSpec is the OpenAPI description of the operations API. Its
// example for book_title (bookTitle77) is no real title.
const OperationsSpec = `{
  "openapi": "3.0.3",
  "info": {"title": "Operations API", "version": "1.0"},
  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {"Profile": {"type": "object", "properties": {"user_id": {"type": "string"}, "username": {"type": "string"}, "name": {"type": "string"}}}}},
  "security": [{"bearer": []}],
  "paths": {
    "/status": {"get": {"operationId": "status", "security": [], "responses": {"200": {"description": "ok"}}}},
    "/me": {"get": {"operationId": "whoAmI", "responses": {"200": {"description": "the caller"}}}},
    "/profile": {"get": {"operationId": "getProfile",
      "parameters": [{"name": "user_id", "in": "query", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "a profile", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}}}}},
    "/users/{user_id}/profile": {"get": {"operationId": "getUserProfile",
      "parameters": [{"name": "user_id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "a profile"}}}},
    "/notes": {"get": {"operationId": "listNotes", "security": [], "responses": {"200": {"description": "public index"}}}},
    "/notes/{note_title}": {"get": {"operationId": "getNote",
      "parameters": [{"name": "note_title", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "a note"}}}},
    "/passphrase/{username}": {"get": {"operationId": "getPassphrase",
      "parameters": [{"name": "username", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "a passphrase"}}}},
    "/books/mine": {"get": {"operationId": "listMyBooks", "responses": {"200": {"description": "my books"}}}},
    "/books/{book_title}": {"get": {"operationId": "getBook",
      "parameters": [{"name": "book_title", "in": "path", "required": true, "schema": {"type": "string", "example": "bookTitle77"}}],
      "responses": {"200": {"description": "a book"}}}},
    "/rpc/profile/get": {"post": {"operationId": "getProfileRPC",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}},
      "responses": {"200": {"description": "a profile"}}}},
    "/rpc/search": {"post": {"operationId": "search",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string", "example": "lamp"}}}}}},
      "responses": {"200": {"description": "results"}}}},
    "/rpc/admin/list-users": {"post": {"operationId": "listUsers", "summary": "List every account (administrators)",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["authLevel"], "properties": {"authLevel": {"type": "string", "enum": ["1", "0"]}}}}}},
      "responses": {"200": {"description": "users"}, "403": {"description": "not an administrator"}}}},
    "/rpc/items/mine": {"get": {"operationId": "listMyItems", "responses": {"200": {"description": "my items"}}}},
    "/rpc/items/{item_id}": {
      "get": {"operationId": "getItem", "parameters": [{"name": "item_id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "an item"}}},
      "put": {"operationId": "updateItem", "parameters": [{"name": "item_id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"title": {"type": "string"}}}}}},
        "responses": {"200": {"description": "updated"}}}},
    "/rpc/register": {"post": {"operationId": "register", "security": [],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string", "format": "password"}}}}}},
      "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object", "properties": {"username": {"type": "string"}, "admin": {"type": "boolean"}, "role": {"type": "string"}}}}}}}}},
    "/rpc/login": {"post": {"operationId": "login", "security": [],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string", "format": "password"}}}}}},
      "responses": {"200": {"description": "a token"}, "401": {"description": "refused"}}}}
  }
}`
