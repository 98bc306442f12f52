package wild

import (
	"net/http"
	"strings"
	"sync"
)

// specexample: a FastAPI library service that serves its own /openapi.json.
// The path-parameter example in that document (bookTitle77) names no real
// book, so a scanner that fills parameters from examples only sees 404s; the
// real titles come from GET /books.

func init() { register("specexample", newSpecExample) }

type seBook struct{ Title, Name, Author string }

type seLoan struct{ Title, Member, Due string }

type seMember struct {
	ID, Username, Password, Name, Email string
	Librarian                           bool
}

type seAPI struct {
	mode    Mode
	secret  []byte
	mu      sync.Mutex
	books   []seBook
	loans   []seLoan
	members []seMember
}

func newSpecExample(mode Mode) (*Target, error) {
	a := &seAPI{mode: mode, secret: randSecret()}
	a.books = []seBook{
		{"harborLights12", "Harbor Lights", "M. Okafor"},
		{"quietRiver3", "The Quiet River", "J. Lindqvist"},
		{"ironGarden41", "Iron Garden", "S. Patel"},
	}
	a.members = []seMember{
		{ID: "m-201", Username: "alice", Password: "reading-Nook-15", Name: "Alice Martin", Email: "alice.martin@example.com"},
		{ID: "m-202", Username: "bob", Password: "paper-Crane-90", Name: "Bob Nguyen", Email: "bob.nguyen@example.com"},
		{ID: "m-203", Username: "carol", Password: "ink-Well-2207", Name: "Carol Diaz", Email: "carol.diaz@example.com"},
		{ID: "m-001", Username: "admin", Password: "front-Desk-4410", Name: "Front Desk", Email: "desk@example.com", Librarian: true},
	}
	a.loans = []seLoan{
		{"harborLights12", "m-202", "2026-12-14"},
		{"harborLights12", "m-203", "2026-12-21"},
		{"quietRiver3", "m-201", "2026-12-09"},
	}
	rt := &router{}
	rt.notFound = func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, map[string]string{"detail": "Not Found"})
	}
	rt.badMethod = func(w http.ResponseWriter, r *http.Request, allow []string) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeJSON(w, 405, map[string]string{"detail": "Method Not Allowed"})
	}
	rt.handle("GET", "/openapi.json", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeText(w, 200, "application/json", seSpec)
	})
	rt.handle("GET", "/docs", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeHTML(w, 200, `<!DOCTYPE html>
<html>
<head>
<link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
<title>Library API - Swagger UI</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
<script>
const ui = SwaggerUIBundle({
    url: '/openapi.json',
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
})
</script>
</body>
</html>
`)
	})
	rt.handle("POST", "/token", a.login)
	rt.handle("GET", "/members/me", a.auth(a.me))
	rt.handle("GET", "/books", a.list)
	rt.handle("GET", "/books/{book_title}", a.book)
	rt.handle("GET", "/books/{book_title}/loans", a.auth(a.bookLoans))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "uvicorn")
		rt.ServeHTTP(w, r)
	})
	t := &Target{Name: "specexample", Handler: h, Base: "/", Operations: rt.operations()}
	for _, n := range []string{"alice", "bob", "admin"} {
		m := a.member(n)
		t.Identities = append(t.Identities, Identity{Name: n, Header: "Authorization", Value: "Bearer " + a.token(m)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "excessive data exposure", Method: "GET", Path: "/books/{book_title}/loans", Location: "response", CWE: "CWE-359", OWASP: "API3:2023", MinSeverity: "medium", Needs: "read-only",
			Note: "any member sees who borrowed a book: other borrowers' names and e-mails; real titles come from GET /books, the spec's example bookTitle77 is 404"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/openapi.json", Note: "schema examples carry sample e-mails (reader@example.com); they are documentation, not leaked data"},
		{Method: "GET", Path: "/books", Note: "public catalogue"},
		{Method: "GET", Path: "/books/{book_title}", Note: "public book page; the documented example bookTitle77 answers 404"},
		{Method: "GET", Path: "/members/me", Note: "the caller's own membership"},
	}
	return t, nil
}

func (a *seAPI) member(n string) *seMember {
	for i := range a.members {
		if a.members[i].Username == n || a.members[i].ID == n {
			return &a.members[i]
		}
	}
	return nil
}

func (a *seAPI) token(m *seMember) string {
	return signJWT(a.secret, stdClaims(m.Username, m.Name, nil))
}

func (a *seAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, m *seMember)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		h := getHeader(r, "Authorization")
		if !strings.HasPrefix(strings.ToLower(h), "bearer ") {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeJSON(w, 401, map[string]string{"detail": "Not authenticated"})
			return
		}
		c, err := parseJWT(a.secret, strings.TrimSpace(h[7:]), false)
		var m *seMember
		if err == nil {
			m = a.member(claimString(c, "sub"))
		}
		if m == nil {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeJSON(w, 401, map[string]string{"detail": "Could not validate credentials"})
			return
		}
		next(w, r, p, m)
	}
}

func (a *seAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("username") == "" {
		writeJSON(w, 422, map[string]any{"detail": []map[string]any{{"type": "missing", "loc": []string{"body", "username"}, "msg": "Field required", "input": nil}}})
		return
	}
	m := a.member(r.PostForm.Get("username"))
	if m == nil || m.Password != r.PostForm.Get("password") {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeJSON(w, 401, map[string]string{"detail": "Incorrect username or password"})
		return
	}
	writeJSON(w, 200, map[string]string{"access_token": a.token(m), "token_type": "bearer"})
}

func (a *seAPI) me(w http.ResponseWriter, r *http.Request, _ params, m *seMember) {
	a.mu.Lock()
	defer a.mu.Unlock()
	loans := []map[string]string{}
	for _, l := range a.loans {
		if l.Member == m.ID {
			loans = append(loans, map[string]string{"book_title": l.Title, "due_back": l.Due})
		}
	}
	writeJSON(w, 200, map[string]any{"member_id": m.ID, "name": m.Name, "email": m.Email, "loans": loans})
}

func (a *seAPI) list(w http.ResponseWriter, r *http.Request, _ params) {
	out := []map[string]string{}
	for _, b := range a.books {
		out = append(out, map[string]string{"book_title": b.Title, "name": b.Name, "author": b.Author})
	}
	writeJSON(w, 200, out)
}

func (a *seAPI) find(title string) *seBook {
	for i := range a.books {
		if a.books[i].Title == title {
			return &a.books[i]
		}
	}
	return nil
}

func (a *seAPI) book(w http.ResponseWriter, r *http.Request, p params) {
	b := a.find(p["book_title"])
	if b == nil {
		writeJSON(w, 404, map[string]string{"detail": "Book not found"})
		return
	}
	writeJSON(w, 200, map[string]any{"book_title": b.Title, "name": b.Name, "author": b.Author, "copies": 2})
}

func (a *seAPI) bookLoans(w http.ResponseWriter, r *http.Request, p params, m *seMember) {
	b := a.find(p["book_title"])
	if b == nil {
		writeJSON(w, 404, map[string]string{"detail": "Book not found"})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []map[string]any{}
	for _, l := range a.loans {
		if l.Title != b.Title {
			continue
		}
		x := a.member(l.Member)
		if a.mode == Vulnerable || m.Librarian {
			out = append(out, map[string]any{"due_back": l.Due, "borrower": map[string]string{"member_id": x.ID, "name": x.Name, "email": x.Email}})
		} else {
			out = append(out, map[string]any{"due_back": l.Due, "yours": x.ID == m.ID})
		}
	}
	writeJSON(w, 200, map[string]any{"book_title": b.Title, "on_loan": len(out), "loans": out})
}

var seSpec = strings.ReplaceAll(`{"openapi":"3.1.0","info":{"title":"Library API","description":"Lending service of the city library.","version":"0.9.2"},
"paths":{
"/token":{"post":{"summary":"Login For Access Token","operationId":"login_for_access_token_token_post","requestBody":{"content":{"application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/Body_login_for_access_token_token_post"}}},"required":true},"responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Token"}}}},"422":{"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}}}}},
"/members/me":{"get":{"summary":"Read Me","operationId":"read_me_members_me_get","responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Member"}}}}},"security":[{"OAuth2PasswordBearer":[]}]}},
"/books":{"get":{"summary":"List Books","operationId":"list_books_books_get","responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/Book"},"title":"Response List Books Books Get"}}}}}}},
"/books/{book_title}":{"get":{"summary":"Read Book","operationId":"read_book_books__book_title__get","parameters":[{"name":"book_title","in":"path","required":true,"schema":{"type":"string","title":"Book Title"},"example":"bookTitle77"}],"responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Book"}}}},"404":{"description":"Book not found"},"422":{"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}}}}},
"/books/{book_title}/loans":{"get":{"summary":"Read Book Loans","operationId":"read_book_loans_books__book_title__loans_get","security":[{"OAuth2PasswordBearer":[]}],"parameters":[{"name":"book_title","in":"path","required":true,"schema":{"type":"string","title":"Book Title"},"example":"bookTitle77"}],"responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/LoanList"}}}},"404":{"description":"Book not found"},"422":{"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}}}}}
},
"components":{"schemas":{
"Body_login_for_access_token_token_post":{"properties":{"grant_type":{"anyOf":[{"type":"string","pattern":"password"},{"type":"null"}],"title":"Grant Type"},"username":{"type":"string","title":"Username"},"password":{"type":"string","title":"Password"}},"type":"object","required":["username","password"],"title":"Body_login_for_access_token_token_post"},
"Token":{"properties":{"access_token":{"type":"string","title":"Access Token"},"token_type":{"type":"string","title":"Token Type"}},"type":"object","required":["access_token","token_type"],"title":"Token"},
"Book":{"properties":{"book_title":{"type":"string","title":"Book Title"},"name":{"type":"string","title":"Name"},"author":{"type":"string","title":"Author"},"copies":{"type":"integer","title":"Copies"}},"type":"object","required":["book_title","name"],"title":"Book","examples":[{"book_title":"bookTitle77","name":"An Example Book","author":"A. Writer","copies":1}]},
"Borrower":{"properties":{"member_id":{"type":"string","title":"Member Id"},"name":{"type":"string","title":"Name"},"email":{"type":"string","format":"email","title":"Email"}},"type":"object","title":"Borrower","examples":[{"member_id":"m-000","name":"Jane Reader","email":"reader@example.com"}]},
"Loan":{"properties":{"due_back":{"type":"string","format":"date","title":"Due Back"},"borrower":{"$ref":"#/components/schemas/Borrower"}},"type":"object","title":"Loan"},
"LoanList":{"properties":{"book_title":{"type":"string","title":"Book Title"},"on_loan":{"type":"integer","title":"On Loan"},"loans":{"type":"array","items":{"$ref":"#/components/schemas/Loan"},"title":"Loans"}},"type":"object","title":"LoanList"},
"Member":{"properties":{"member_id":{"type":"string","title":"Member Id"},"name":{"type":"string","title":"Name"},"email":{"type":"string","format":"email","title":"Email"}},"type":"object","title":"Member","examples":[{"member_id":"m-000","name":"Jane Reader","email":"reader@example.com"},{"member_id":"m-001","name":"John Sample","email":"john.sample@example.org"}]},
"HTTPValidationError":{"properties":{"detail":{"items":{"$ref":"#/components/schemas/ValidationError"},"type":"array","title":"Detail"}},"type":"object","title":"HTTPValidationError"},
"ValidationError":{"properties":{"loc":{"items":{"anyOf":[{"type":"string"},{"type":"integer"}]},"type":"array","title":"Location"},"msg":{"type":"string","title":"Message"},"type":{"type":"string","title":"Error Type"}},"type":"object","required":["loc","msg","type"],"title":"ValidationError"}
},
"securitySchemes":{"OAuth2PasswordBearer":{"type":"oauth2","flows":{"password":{"scopes":{},"tokenUrl":"token"}}}}}}`, "\n", "")
