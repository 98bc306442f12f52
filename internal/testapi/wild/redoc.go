package wild

import (
	"net/http"
	"strings"
	"time"
)

// redoc: a Spring Boot style service documented by a Redoc page at /docs
// that loads a YAML document from /static/api.yaml; the API lives under /v1.
// Its JWTs are signed with the secret left over from the starter project.

func init() { register("redoc", newRedoc) }

// redocWeakSecret is the planted weakness: a dictionary word as HS256 key.
const redocWeakSecret = "secret"

type rdCustomer struct{ ID, Username, Password, Name, Email, Phone, SSN, Role string }

type rdAPI struct {
	mode      Mode
	secret    []byte
	customers []rdCustomer
}

func newRedoc(mode Mode) (*Target, error) {
	a := &rdAPI{mode: mode, secret: randSecret()}
	if mode == Vulnerable {
		a.secret = []byte(redocWeakSecret)
	}
	a.customers = []rdCustomer{
		{"5001", "alice", "fjord-Light-58", "Alice Martin", "alice.martin@example.com", "+1-303-555-0142", "931-55-0187", "customer"},
		{"5002", "bob", "basalt-Rock-22", "Bob Nguyen", "bob.nguyen@example.com", "+1-303-555-0199", "957-14-2290", "customer"},
		{"5000", "admin", "teller-Desk-6613", "Branch Admin", "branch.admin@example.com", "+1-303-555-0100", "900-44-1000", "admin"},
	}
	rt := &router{}
	rt.notFound = func(w http.ResponseWriter, r *http.Request) { springError(w, r, 404, "Not Found") }
	rt.badMethod = func(w http.ResponseWriter, r *http.Request, allow []string) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		springError(w, r, 405, "Method Not Allowed")
	}
	rt.handle("GET", "/docs", func(w http.ResponseWriter, r *http.Request, _ params) { writeHTML(w, 200, rdDocs) })
	rt.handle("GET", "/static/api.yaml", func(w http.ResponseWriter, r *http.Request, _ params) {
		spec := rdSpecVulnerable
		if a.mode == Fixed {
			spec = rdSpecFixed
		}
		writeText(w, 200, "application/yaml", rdSpecHead+spec+rdSpecTail)
	})
	rt.handle("POST", "/v1/auth/token", a.login)
	rt.handle("GET", "/v1/customers/me", a.auth(func(w http.ResponseWriter, r *http.Request, p params, c *rdCustomer) {
		writeJSON(w, 200, map[string]string{"customerId": c.ID, "name": c.Name, "email": c.Email})
	}))
	rt.handle("GET", "/v1/customers/search", a.auth(a.searchGet))
	rt.handle("POST", "/v1/customers/search", a.auth(a.searchPost))
	rt.handle("GET", "/v1/customers/{customerId}", a.auth(a.customer))
	rt.handle("GET", "/v1/admin/customers", a.auth(a.adminList))
	rt.handle("GET", "/v1/branches", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeJSON(w, 200, []map[string]string{
			{"branch": "Downtown", "manager": "Elena Petrova", "phone": "+1-303-555-0120", "email": "downtown@example.com"},
			{"branch": "Highlands", "manager": "Sam Whitaker", "phone": "+1-303-555-0121", "email": "highlands@example.com"},
		})
	})
	t := &Target{Name: "redoc", Handler: rt, Base: "/docs", Operations: rt.operations()}
	for _, n := range []string{"alice", "bob", "admin"} {
		c := a.byName(n)
		t.Identities = append(t.Identities, Identity{Name: n, Header: "Authorization", Value: "Bearer " + a.token(c)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "GET", Path: "/v1/customers/{customerId}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "any customer record (e-mail, phone, SSN) by id"},
		{Kind: "weak JWT secret", Method: "GET", Path: "*", Location: "header", CWE: "CWE-798", OWASP: "API2:2023", MinSeverity: "high", Needs: "read-only",
			Note: `HS256 tokens are signed with the dictionary word "secret"; a forged role=admin token opens /v1/admin/customers`},
		{Kind: "PII in URL", Method: "GET", Path: "/v1/customers/search", Location: "query", CWE: "CWE-598", OWASP: "API3:2023", MinSeverity: "low", Needs: "read-only",
			Note: "the documented lookup takes ?ssn= and ?email= in the query string"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/v1/branches", Note: "public branch directory with phones and managers' names"},
		{Method: "GET", Path: "/v1/customers/me", Note: "the caller's own record"},
		{Method: "GET", Path: "/v1/admin/customers", Note: "403 for a genuine non-admin token"},
	}
	return t, nil
}

func springError(w http.ResponseWriter, r *http.Request, status int, e string) {
	writeJSON(w, status, map[string]any{"timestamp": time.Now().UTC().Format("2006-01-02T15:04:05.000+00:00"), "status": status, "error": e, "path": r.URL.Path})
}

func (a *rdAPI) byName(n string) *rdCustomer {
	for i := range a.customers {
		if a.customers[i].Username == n || a.customers[i].ID == n {
			return &a.customers[i]
		}
	}
	return nil
}

func (a *rdAPI) token(c *rdCustomer) string {
	return signJWT(a.secret, stdClaims(c.ID, c.Name, map[string]any{"role": c.Role}))
}

func (a *rdAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, c *rdCustomer)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		claims, err := parseJWT(a.secret, bearer(r, "Authorization"), false)
		if err != nil {
			springError(w, r, 401, "Unauthorized")
			return
		}
		c := a.byName(claimString(claims, "sub"))
		if c == nil {
			springError(w, r, 401, "Unauthorized")
			return
		}
		// The role comes from the (verified) token, as Spring Security would map it.
		cc := *c
		cc.Role = claimString(claims, "role")
		next(w, r, p, &cc)
	}
}

func (a *rdAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Username, Password string }
	readJSON(r, &in)
	c := a.byName(in.Username)
	if c == nil || c.Password != in.Password || in.Username == c.ID {
		springError(w, r, 401, "Unauthorized")
		return
	}
	writeJSON(w, 200, map[string]any{"access_token": a.token(c), "token_type": "Bearer", "expires_in": 28800})
}

func rdJSON(c *rdCustomer) map[string]string {
	return map[string]string{"customerId": c.ID, "name": c.Name, "email": c.Email, "phone": c.Phone, "ssn": c.SSN}
}

func (a *rdAPI) customer(w http.ResponseWriter, r *http.Request, p params, me *rdCustomer) {
	c := a.byName(p["customerId"])
	if c == nil || c.ID != p["customerId"] || (a.mode == Fixed && c.ID != me.ID && me.Role != "admin") {
		springError(w, r, 404, "Not Found")
		return
	}
	writeJSON(w, 200, rdJSON(c))
}

func (a *rdAPI) find(ssn, email string) []map[string]string {
	out := []map[string]string{}
	for i := range a.customers {
		c := &a.customers[i]
		if (ssn != "" && c.SSN == ssn) || (email != "" && strings.EqualFold(c.Email, email)) {
			out = append(out, map[string]string{"customerId": c.ID, "name": c.Name})
		}
	}
	return out
}

func (a *rdAPI) searchGet(w http.ResponseWriter, r *http.Request, p params, me *rdCustomer) {
	if a.mode == Fixed {
		writeJSON(w, 400, map[string]string{"error": "Send search criteria in a POST body; identifiers are not accepted in the URL"})
		return
	}
	q := r.URL.Query()
	if q.Get("ssn") == "" && q.Get("email") == "" {
		writeJSON(w, 400, map[string]string{"error": "ssn or email is required"})
		return
	}
	writeJSON(w, 200, map[string]any{"results": a.find(q.Get("ssn"), q.Get("email"))})
}

func (a *rdAPI) searchPost(w http.ResponseWriter, r *http.Request, p params, me *rdCustomer) {
	var in struct{ SSN, Email string }
	if !readJSON(r, &in) || (in.SSN == "" && in.Email == "") {
		writeJSON(w, 400, map[string]string{"error": "ssn or email is required"})
		return
	}
	writeJSON(w, 200, map[string]any{"results": a.find(in.SSN, in.Email)})
}

func (a *rdAPI) adminList(w http.ResponseWriter, r *http.Request, p params, me *rdCustomer) {
	if me.Role != "admin" {
		springError(w, r, 403, "Forbidden")
		return
	}
	out := []map[string]string{}
	for i := range a.customers {
		out = append(out, rdJSON(&a.customers[i]))
	}
	writeJSON(w, 200, out)
}

const rdDocs = `<!DOCTYPE html>
<html>
  <head>
    <title>Customer API</title>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    <style>body { margin: 0; padding: 0; }</style>
  </head>
  <body>
    <redoc spec-url="/static/api.yaml"></redoc>
    <script src="https://cdn.redoc.ly/redoc/latest/bundles/redoc.standalone.js"> </script>
  </body>
</html>
`

const rdSpecHead = `openapi: 3.0.1
info:
  title: Customer API
  version: 1.8.0
  description: |
    Customer records for branch staff and the mobile app.
    Authenticate with a bearer token from /v1/auth/token.
servers:
  - url: /v1
security:
  - bearerAuth: []
paths:
  /auth/token:
    post:
      summary: Obtain an access token
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                username: {type: string}
                password: {type: string, format: password}
      responses:
        '200':
          description: Token
  /customers/me:
    get:
      summary: The caller's record
      responses:
        '200':
          description: Customer
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Customer'
  /customers/{customerId}:
    get:
      summary: Customer by id
      parameters:
        - name: customerId
          in: path
          required: true
          schema: {type: string}
          example: '5001'
      responses:
        '200':
          description: Customer
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Customer'
        '404':
          description: Not found
`

const rdSpecVulnerable = `  /customers/search:
    get:
      summary: Find customers by SSN or e-mail
      parameters:
        - name: ssn
          in: query
          schema: {type: string}
          example: 900-00-0000
        - name: email
          in: query
          schema: {type: string, format: email}
      responses:
        '200':
          description: Matches
`

const rdSpecFixed = `  /customers/search:
    post:
      summary: Find customers by SSN or e-mail
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                ssn: {type: string}
                email: {type: string, format: email}
      responses:
        '200':
          description: Matches
`

const rdSpecTail = `  /admin/customers:
    get:
      summary: All customers (administrators)
      responses:
        '200':
          description: Customers
        '403':
          description: Not an administrator
  /branches:
    get:
      summary: Branch directory
      security: []
      responses:
        '200':
          description: Branches
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
  schemas:
    Customer:
      type: object
      properties:
        customerId: {type: string}
        name: {type: string}
        email: {type: string, format: email}
        phone: {type: string}
        ssn: {type: string}
`
