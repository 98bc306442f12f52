package wild

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"
)

// graphql: a paste-bin GraphQL server in the style of express-graphql /
// Apollo on Node: introspection on, a bare GET answers "Must provide query
// string.", resolver errors carry a Node stack trace in extensions, and a
// me(token:) field decodes whatever JWT it is handed.

func init() { register("graphql", newGraphQL) }

const gqlSchema = `
schema {
  query: Query
  mutation: Mutation
}

type Query {
  "A paste by id."
  paste(id: ID!): Paste
  "Recent pastes. public: false lists private pastes."
  pastes(public: Boolean = true, limit: Int = 20): [Paste!]!
  "The user a token belongs to (defaults to the Authorization header)."
  me(token: String): User
}

type Mutation {
  login(username: String!, password: String!): AuthPayload
  createPaste(title: String!, content: String!, public: Boolean = true): Paste
}

type Paste {
  id: ID!
  title: String!
  content: String!
  public: Boolean!
  owner: User!
  createdAt: String!
}

type User {
  id: ID!
  username: String!
  email: String
}

type AuthPayload {
  token: String!
  user: User!
}
`

type gqlUser struct{ ID, Username, Password, Email string }

type gqlPaste struct {
	ID            int
	Title, Body   string
	Public        bool
	Owner, Create string
}

type gqlAPI struct {
	mode   Mode
	secret []byte
	mu     sync.Mutex
	users  []gqlUser
	pastes []*gqlPaste
	schema *graphql.Schema
}

type gqlViewerKey struct{}

func newGraphQL(mode Mode) (*Target, error) {
	a := &gqlAPI{mode: mode, secret: randSecret()}
	a.users = []gqlUser{
		{"1", "alice", "quartz-Bell-39", "alice.martin@example.com"},
		{"2", "bob", "amber-Moth-71", "bob.nguyen@example.com"},
		{"3", "carol", "cedar-Path-05", "carol.diaz@example.com"},
	}
	a.pastes = []*gqlPaste{
		{1, "Meeting notes template", "## Agenda\n- \n## Actions\n- ", true, "1", "2026-10-02T09:12:00Z"},
		{2, "staging creds", "staging postgres: app / " + randHex(6) + "@staging-db.internal", false, "1", "2026-10-05T16:40:00Z"},
		{3, "journal", "Appointment with Dr. Reyes moved to Thursday; refill prescription.", false, "2", "2026-10-11T21:03:00Z"},
		{4, "dotfiles", "set -o vi\nexport EDITOR=vim", true, "2", "2026-10-12T08:00:00Z"},
		{5, "offer letter", "Base salary 142,000; start date 2027-01-04.", false, "3", "2026-10-20T13:30:00Z"},
	}
	s, err := graphql.ParseSchema(gqlSchema, &gqlRoot{a}, graphql.UseStringDescriptions())
	if err != nil {
		return nil, err
	}
	a.schema = s

	rt := &router{notFound: expressNotFound}
	rt.badMethod = func(w http.ResponseWriter, r *http.Request, allow []string) {
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, 405, map[string]any{"errors": []map[string]string{{"message": "GraphQL only supports GET and POST requests."}}})
	}
	rt.handle("GET", "/graphql", a.serve)
	rt.handle("POST", "/graphql", a.serve)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Express")
		rt.ServeHTTP(w, r)
	})
	t := &Target{Name: "graphql", Handler: h, Base: "/graphql", Operations: rt.operations()}
	for _, u := range a.users[:2] {
		t.Identities = append(t.Identities, Identity{Name: u.Username, Header: "Authorization", Value: "Bearer " + a.token(u)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "POST", Path: "/graphql", Location: "graphql-arg", Operation: "paste", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "paste(id:) returns another user's private paste to any caller, even anonymous"},
		{Kind: "BOLA", Method: "POST", Path: "/graphql", Location: "graphql-arg", Operation: "pastes", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "pastes(public: false) lists every user's private pastes"},
		{Kind: "unverified JWT", Method: "POST", Path: "/graphql", Location: "graphql-arg", Operation: "me", CWE: "CWE-347", OWASP: "API2:2023", MinSeverity: "high", Needs: "read-only",
			Note: `me(token:) accepts an alg "none" token naming any user and returns that user with e-mail`},
		{Kind: "stack trace in errors", Method: "POST", Path: "/graphql", Location: "response", Operation: "paste", CWE: "CWE-209", OWASP: "API8:2023", MinSeverity: "low", Needs: "read-only",
			Note: "paste(id:) with an unknown or malformed id returns errors[].extensions.exception.stacktrace with server paths and SQL"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/graphql", Note: `a bare GET answers 400 {"errors":[{"message":"Must provide query string."}]}, the normal express-graphql answer`},
	}
	hr := newHAR(h, "https://paste.example.com")
	ct := [2]string{"Content-Type", "application/json"}
	rec := hr.do("POST", "/graphql", [][2]string{ct}, `{"operationName":"Login","variables":{"u":"alice","p":"quartz-Bell-39"},"query":"mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id username } } }"}`)
	var lr struct {
		Data struct{ Login struct{ Token string } }
	}
	json.Unmarshal(rec.Body.Bytes(), &lr)
	au := [2]string{"Authorization", "Bearer " + lr.Data.Login.Token}
	hr.do("POST", "/graphql", [][2]string{ct, au}, `{"operationName":"Me","variables":{},"query":"query Me { me { id username email } }"}`)
	hr.do("POST", "/graphql", [][2]string{ct, au}, `{"operationName":"Recent","variables":{"public":true},"query":"query Recent($public: Boolean) { pastes(public: $public, limit: 10) { id title owner { username } createdAt } }"}`)
	hr.do("POST", "/graphql", [][2]string{ct, au}, `{"operationName":"Paste","variables":{"id":"2"},"query":"query Paste($id: ID!) { paste(id: $id) { id title content public owner { username } } }"}`)
	t.HAR = hr.bytes()
	return t, nil
}

func (a *gqlAPI) token(u gqlUser) string {
	return signJWT(a.secret, stdClaims(u.ID, u.Username, nil))
}

func (a *gqlAPI) userByID(id string) *gqlUser {
	for i := range a.users {
		if a.users[i].ID == id {
			return &a.users[i]
		}
	}
	return nil
}

func (a *gqlAPI) serve(w http.ResponseWriter, r *http.Request, _ params) {
	var req struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	if r.Method == "GET" {
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			json.Unmarshal([]byte(v), &req.Variables)
		}
	} else {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/graphql") {
			req.Query = string(b)
		} else if len(strings.TrimSpace(string(b))) > 0 && json.Unmarshal(b, &req) != nil {
			writeJSON(w, 400, map[string]any{"errors": []map[string]string{{"message": "POST body sent invalid JSON."}}})
			return
		}
	}
	if strings.TrimSpace(req.Query) == "" {
		writeJSON(w, 400, map[string]any{"errors": []map[string]string{{"message": "Must provide query string."}}})
		return
	}
	if r.Method == "GET" && strings.HasPrefix(strings.TrimSpace(req.Query), "mutation") {
		w.Header().Set("Allow", "POST")
		writeJSON(w, 405, map[string]any{"errors": []map[string]string{{"message": "Can only perform a mutation operation from a POST request."}}})
		return
	}
	ctx := r.Context()
	if c, err := parseJWT(a.secret, bearer(r, "Authorization"), false); err == nil {
		if u := a.userByID(claimString(c, "sub")); u != nil {
			ctx = context.WithValue(ctx, gqlViewerKey{}, u)
		}
	}
	res := a.schema.Exec(ctx, req.Query, req.OperationName, req.Variables)
	status := 200
	if len(res.Data) == 0 && len(res.Errors) > 0 {
		status = 400
	}
	writeJSON(w, status, res)
}

// ------------------------------------------------------------- resolvers

type gqlRoot struct{ a *gqlAPI }

func viewer(ctx context.Context) *gqlUser {
	u, _ := ctx.Value(gqlViewerKey{}).(*gqlUser)
	return u
}

// gqlError is a resolver error; in vulnerable mode it carries the stack the
// Node server would have attached.
type gqlError struct {
	msg   string
	stack []string
}

func (e *gqlError) Error() string { return e.msg }

func (e *gqlError) Extensions() map[string]any {
	if e.stack == nil {
		return map[string]any{"code": "NOT_FOUND"}
	}
	return map[string]any{"code": "INTERNAL_SERVER_ERROR", "exception": map[string]any{"stacktrace": e.stack}}
}

func (r *gqlRoot) fail(msg string, lines ...string) error {
	if r.a.mode == Fixed {
		return &gqlError{msg: "Paste not found"}
	}
	return &gqlError{msg: msg, stack: append([]string{"Error: " + msg}, lines...)}
}

func (r *gqlRoot) Paste(ctx context.Context, args struct{ ID graphql.ID }) (*pasteR, error) {
	id, err := strconv.Atoi(string(args.ID))
	if err != nil {
		return nil, r.fail(`invalid input syntax for type integer: "`+string(args.ID)+`"`,
			"    at Parser.parseErrorMessage (/app/node_modules/pg-protocol/dist/parser.js:287:98)",
			"    at Parser.handlePacket (/app/node_modules/pg-protocol/dist/parser.js:126:29)",
			"    at async PasteModel.findById (/app/src/models/paste.js:18:17)  [SELECT * FROM pastes WHERE id = $1]",
			"    at async Query.paste (/app/src/graphql/resolvers/paste.js:12:19)")
	}
	r.a.mu.Lock()
	defer r.a.mu.Unlock()
	v := viewer(ctx)
	for _, p := range r.a.pastes {
		if p.ID != id {
			continue
		}
		if r.a.mode == Fixed && !p.Public && (v == nil || v.ID != p.Owner) {
			break
		}
		return &pasteR{r.a, p, v}, nil
	}
	return nil, r.fail("Cannot read properties of undefined (reading 'ownerId')",
		"    at Query.paste (/app/src/graphql/resolvers/paste.js:15:27)",
		"    at field.resolve (/app/node_modules/graphql-extensions/dist/index.js:134:26)",
		"    at resolveField (/app/node_modules/graphql/execution/execute.js:464:18)")
}

func (r *gqlRoot) Pastes(ctx context.Context, args struct {
	Public bool
	Limit  int32
}) ([]*pasteR, error) {
	pub := args.Public
	limit := 20
	if args.Limit > 0 {
		limit = int(args.Limit)
	}
	v := viewer(ctx)
	r.a.mu.Lock()
	defer r.a.mu.Unlock()
	out := []*pasteR{}
	for _, p := range r.a.pastes {
		if len(out) >= limit || p.Public != pub {
			continue
		}
		if !pub && r.a.mode == Fixed && (v == nil || v.ID != p.Owner) {
			continue
		}
		out = append(out, &pasteR{r.a, p, v})
	}
	return out, nil
}

func (r *gqlRoot) Me(ctx context.Context, args struct{ Token *string }) (*userR, error) {
	if args.Token == nil {
		if v := viewer(ctx); v != nil {
			return &userR{v, true}, nil
		}
		return nil, nil
	}
	c, err := parseJWT(r.a.secret, *args.Token, r.a.mode == Vulnerable)
	if err != nil {
		return nil, &gqlError{msg: "invalid token"}
	}
	u := r.a.userByID(claimString(c, "sub"))
	if u == nil {
		return nil, nil
	}
	return &userR{u, true}, nil
}

func (r *gqlRoot) Login(ctx context.Context, args struct{ Username, Password string }) (*authR, error) {
	for i := range r.a.users {
		u := &r.a.users[i]
		if u.Username == args.Username && u.Password == args.Password {
			return &authR{r.a.token(*u), &userR{u, true}}, nil
		}
	}
	return nil, &gqlError{msg: "Invalid username or password"}
}

func (r *gqlRoot) CreatePaste(ctx context.Context, args struct {
	Title, Content string
	Public         bool
}) (*pasteR, error) {
	v := viewer(ctx)
	if v == nil {
		return nil, &gqlError{msg: "You must be logged in"}
	}
	r.a.mu.Lock()
	defer r.a.mu.Unlock()
	p := &gqlPaste{ID: len(r.a.pastes) + 1, Title: args.Title, Body: args.Content, Public: args.Public, Owner: v.ID, Create: "2026-11-30T00:00:00Z"}
	r.a.pastes = append(r.a.pastes, p)
	return &pasteR{r.a, p, v}, nil
}

type pasteR struct {
	a *gqlAPI
	p *gqlPaste
	v *gqlUser
}

func (p *pasteR) ID() graphql.ID    { return graphql.ID(strconv.Itoa(p.p.ID)) }
func (p *pasteR) Title() string     { return p.p.Title }
func (p *pasteR) Content() string   { return p.p.Body }
func (p *pasteR) Public() bool      { return p.p.Public }
func (p *pasteR) CreatedAt() string { return p.p.Create }
func (p *pasteR) Owner() *userR {
	u := p.a.userByID(p.p.Owner)
	return &userR{u, p.v != nil && p.v.ID == u.ID}
}

type userR struct {
	u    *gqlUser
	self bool
}

func (u *userR) ID() graphql.ID   { return graphql.ID(u.u.ID) }
func (u *userR) Username() string { return u.u.Username }
func (u *userR) Email() *string {
	if !u.self {
		return nil
	}
	return &u.u.Email
}

type authR struct {
	tok string
	u   *userR
}

func (a *authR) Token() string { return a.tok }
func (a *authR) User() *userR  { return a.u }
