package testapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Deployment is an API served the way APIs are deployed in the wild, for
// discovery tests that scan without a spec: routes under a prefix, a spec
// only inside a documentation page, a gateway's uniform 403, a single-page
// app that answers HTML everywhere, a GraphQL endpoint. Each carries its
// ground truth: the operations it serves and the checks its planted
// weaknesses must fire.
type Deployment struct {
	// Name is the deployment style ("api-prefix", "swagger-ui", ...).
	Name string
	// Base is the path a scan is pointed at ("/" or "/prod").
	Base string
	// Operations are the operations the API serves, "GET /api/v2/users/{id}".
	Operations []string
	// Weaknesses are the ids of the checks its planted weaknesses fire.
	Weaknesses []string
	// TokenHeader is the header identities send ("Authorization" with a
	// "Bearer " prefix, or a custom header carrying the raw token); ""
	// when the API has no logins.
	TokenHeader string
	// Data holds the people and their tokens (AliceToken, BobToken).
	Data *Data

	handler  http.Handler
	mu       sync.Mutex
	requests []Recorded
}

// ServeHTTP records the request, then serves it.
func (d *Deployment) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	r.Body = io.NopCloser(bytes.NewReader(body))
	d.mu.Lock()
	d.requests = append(d.requests, Recorded{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body})
	d.mu.Unlock()
	d.handler.ServeHTTP(w, r)
}

// Requests returns every request received so far.
func (d *Deployment) Requests() []Recorded {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Recorded(nil), d.requests...)
}

// TokenValue is what an identity with token sends in TokenHeader.
func (d *Deployment) TokenValue(token string) string {
	if d.TokenHeader == "Authorization" {
		return "Bearer " + token
	}
	return token
}

// Deployments returns a fresh instance of every deployment style, the empty
// one last.
func Deployments() []*Deployment {
	return []*Deployment{
		PrefixAPI(), SwaggerUIAPI(), RedocAPI(), GatewayAPI(), SPAAPI(), GraphQLAPI(), EmptyAPI(),
	}
}

// caller finds the person whose token the request carries in header.
func (d *Deployment) caller(r *http.Request) *Person {
	v := r.Header.Get(d.TokenHeader)
	if d.TokenHeader == "Authorization" {
		v = bearer(r)
	}
	if v == "" {
		return nil
	}
	for i := range d.Data.People {
		if d.Data.People[i].Token == v {
			return &d.Data.People[i]
		}
	}
	return nil
}

// personHandler serves a request of the logged-in person p.
type personHandler func(w http.ResponseWriter, r *http.Request, p *Person)

// login returns the wrapper of the routes that need a login: it serves
// callers carrying a person's token, and refuses the others with 401 and
// refusal, the body the deployment's framework answers.
func (d *Deployment) login(refusal map[string]any) func(personHandler) http.HandlerFunc {
	return func(h personHandler) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			p := d.caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, refusal)
				return
			}
			h(w, r, p)
		}
	}
}

// static serves body with contentType.
func static(contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	}
}

// withHeader sets one response header on every answer of h: the banner of
// the deployment's server or framework (Server: uvicorn).
func withHeader(name, value string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(name, value)
		h.ServeHTTP(w, r)
	})
}

func publicOf(p *Person) Public { return Public{ID: p.ID, Username: p.Username, Name: p.Name} }

// flask404 is Flask's default not-found page.
func flask404(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n")
}

// express404 is Express's default not-found page.
func express404(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot %s %s</pre>\n</body>\n</html>\n", r.Method, strings.ReplaceAll(r.URL.Path, "<", "&lt;"))
}

// PrefixAPI is a Flask API whose routes all live under /api/v2, with no spec
// and nothing at the root but Flask's 404 page. Planted: whole user records
// (password hashes, SSNs) in the user list and items, any user's record for
// any caller (BOLA), orders listed to anonymous callers, an admin list open
// to every user, and a traceback for a malformed order id.
func PrefixAPI() *Deployment {
	d := &Deployment{Name: "api-prefix", Base: "/", TokenHeader: "Authorization", Data: NewData()}
	d.Operations = []string{
		"GET /api/v2/users", "GET /api/v2/users/{id}", "GET /api/v2/me",
		"GET /api/v2/orders", "GET /api/v2/orders/{id}", "GET /api/v2/admin/users", "GET /api/v2/health",
	}
	d.Weaknesses = []string{"bola", "credential-exposure", "missing-authentication", "bfla", "error-disclosure"}
	orders := []map[string]any{
		{"id": 7001, "user_id": 1001, "item": "Blood panel", "ship_to": "742 Evergreen Terrace, Springfield, OR 97403", "phone": "+1 415-555-0132"},
		{"id": 7002, "user_id": 1002, "item": "Vaccination", "ship_to": "12 Harbor Road, Portland, ME 04101", "phone": "+1 212-555-0187"},
	}
	mux := http.NewServeMux()
	login := d.login(map[string]any{"message": "The server could not verify that you are authorized to access the URL requested."})
	mux.HandleFunc("GET /api/v2/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /api/v2/me", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		writeJSON(w, http.StatusOK, publicOf(p))
	}))
	mux.HandleFunc("GET /api/v2/users", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		rows := []map[string]any{}
		for i := range d.Data.People {
			rows = append(rows, fullRecord(&d.Data.People[i]))
		}
		writeJSON(w, http.StatusOK, map[string]any{"users": rows})
	}))
	mux.HandleFunc("GET /api/v2/users/{id}", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		if q := d.Data.ByID(id); q != nil {
			writeJSON(w, http.StatusOK, fullRecord(q))
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "no such user"})
	}))
	mux.HandleFunc("GET /api/v2/admin/users", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		rows := []map[string]any{}
		for i := range d.Data.People {
			q := d.Data.People[i]
			rows = append(rows, map[string]any{"id": q.ID, "username": q.Username, "email": q.Email, "role": q.Role, "phone": q.Phone})
		}
		writeJSON(w, http.StatusOK, rows)
	}))
	mux.HandleFunc("GET /api/v2/orders", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, orders)
	})
	mux.HandleFunc("GET /api/v2/orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "Traceback (most recent call last):\n  File \"/srv/shop/app.py\", line 51, in get_order\n    order_id = int(order_id)\nValueError: invalid literal for int() with base 10: '%s'\n", strings.ReplaceAll(r.PathValue("id"), "\n", ""))
			return
		}
		for _, o := range orders {
			if o["id"] == id {
				writeJSON(w, http.StatusOK, o)
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "no such order"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { flask404(w) })
	d.handler = withHeader("Server", "Werkzeug/3.0.1 Python/3.11.2", mux)
	return d
}

// swaggerSpec is the description the swagger-ui deployment embeds in its
// init script.
func swaggerSpec() map[string]any {
	op := func(id string, secured bool, params ...string) map[string]any {
		o := map[string]any{"operationId": id, "responses": map[string]any{"200": map[string]any{"description": "ok"}}}
		if secured {
			o["security"] = []any{map[string]any{"bearerAuth": []any{}}}
		} else {
			o["security"] = []any{}
		}
		var ps []any
		for _, p := range params {
			ps = append(ps, map[string]any{"name": p, "in": "path", "required": true, "schema": map[string]any{"type": "integer"}})
		}
		if ps != nil {
			o["parameters"] = ps
		}
		return o
	}
	return map[string]any{
		"openapi": "3.0.0",
		"info":    map[string]any{"title": "Storefront API", "version": "2.3.0"},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"paths": map[string]any{
			"/info":            map[string]any{"get": op("getInfo", false)},
			"/products":        map[string]any{"get": op("listProducts", false)},
			"/users/me":        map[string]any{"get": op("getMe", true)},
			"/users/{userId}":  map[string]any{"get": op("getUser", true, "userId")},
			"/carts/{cartId}":  map[string]any{"get": op("getCart", true, "cartId")},
			"/orders/{userId}": map[string]any{"get": op("listUserOrders", true, "userId")},
		},
		"components": map[string]any{"securitySchemes": map[string]any{"bearerAuth": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
}

// SwaggerUIAPI is an Express API whose spec is only served through
// swagger-ui-express at /docs/: the page is HTML, and the spec sits inline
// in /docs/swagger-ui-init.js as "swaggerDoc". Planted: /api/v1/info leaks
// the process environment (cloud keys, a database URL with its password,
// file-system paths that must never be requested), any user's record for
// any caller (BOLA).
func SwaggerUIAPI() *Deployment {
	d := &Deployment{Name: "swagger-ui", Base: "/", TokenHeader: "Authorization", Data: NewData()}
	d.Operations = []string{
		"GET /api/v1/info", "GET /api/v1/products", "GET /api/v1/users/me", "GET /api/v1/users/{userId}",
		"GET /api/v1/carts/{cartId}", "GET /api/v1/orders/{userId}",
	}
	d.Weaknesses = []string{"credential-exposure", "bola"}
	spec, _ := json.Marshal(swaggerSpec())
	mux := http.NewServeMux()
	login := d.login(map[string]any{"error": "jwt must be provided"})
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/docs/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /docs/{$}", static("text/html; charset=utf-8", `<!-- HTML for static distribution bundle build -->
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>Swagger UI</title>
  <link rel="stylesheet" type="text/css" href="./swagger-ui.css" >
  <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32" />
</head>
<body>
<div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js"> </script>
<script src="./swagger-ui-standalone-preset.js"> </script>
<script src="./swagger-ui-init.js"> </script>
</body>
</html>
`))
	mux.HandleFunc("GET /docs/swagger-ui-init.js", static("application/javascript; charset=UTF-8", fmt.Sprintf(`
window.onload = function() {
  // Build a system
  var url = window.location.search.match(/url=([^&]+)/);
  if (url && url.length > 1) {
    url = decodeURIComponent(url[1]);
  } else {
    url = window.location.origin;
  }
  var options = {
  "swaggerDoc": %s,
  "customOptions": {}
};
  url = options.swaggerUrl || url
  var urls = options.swaggerUrls
  var customOptions = options.customOptions
  var spec1 = options.swaggerDoc
  var swaggerOptions = {
    spec: spec1,
    url: url,
    urls: urls,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [
      SwaggerUIBundle.presets.apis,
      SwaggerUIStandalonePreset
    ],
    layout: "StandaloneLayout"
  }
  var ui = SwaggerUIBundle(swaggerOptions)
  window.ui = ui
}
`, spec)))
	for _, asset := range []string{"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"} {
		mux.HandleFunc("GET /docs/"+asset, static("application/javascript; charset=UTF-8", "/* swagger-ui asset */\n"))
	}
	mux.HandleFunc("GET /api/v1/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"name": "storefront-api", "version": "2.3.0", "node": "v20.11.1",
			"env": map[string]any{
				"NODE_ENV":              "production",
				"PATH":                  "/usr/local/bin:/usr/bin:/bin",
				"LOG_FILE":              "/var/log/storefront/server.log",
				"HOME":                  "/home/node",
				"DATABASE_URL":          "postgres://storefront:Tr0ub4dor-and-3@db.internal:5432/shop",
				"AWS_ACCESS_KEY_ID":     "AKIAQ4NSBIX7LPY3KZ2M",
				"AWS_SECRET_ACCESS_KEY": "wJa1rXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKQ",
				"JWT_SECRET":            "f3c9a1d07e5b4c2a9d8e6f1b0a3c5e7d",
			},
		})
	})
	mux.HandleFunc("GET /api/v1/products", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []map[string]any{{"id": 1, "name": "Kettle", "price": 25}, {"id": 2, "name": "Teapot", "price": 32}})
	})
	mux.HandleFunc("GET /api/v1/users/me", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		writeJSON(w, http.StatusOK, map[string]any{"id": p.ID, "username": p.Username, "email": p.Email, "cartId": 300 + p.ID%1000})
	}))
	mux.HandleFunc("GET /api/v1/users/{userId}", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		id, _ := strconv.Atoi(r.PathValue("userId"))
		if q := d.Data.ByID(id); q != nil {
			writeJSON(w, http.StatusOK, map[string]any{"id": q.ID, "username": q.Username, "email": q.Email, "phone": q.Phone, "address": q.Address, "date_of_birth": q.DOB})
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	}))
	mux.HandleFunc("GET /api/v1/carts/{cartId}", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		id, _ := strconv.Atoi(r.PathValue("cartId"))
		if id != 300+p.ID%1000 {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "items": []any{}})
	}))
	mux.HandleFunc("GET /api/v1/orders/{userId}", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		id, _ := strconv.Atoi(r.PathValue("userId"))
		if id != p.ID {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": "forbidden"})
			return
		}
		writeJSON(w, http.StatusOK, []any{})
	}))
	mux.HandleFunc("/", express404)
	d.handler = withHeader("X-Powered-By", "Express", mux)
	return d
}

const redocSpec = `openapi: 3.1.0
info:
  title: Clinic records API
  version: 1.0.0
servers:
  - url: /v1
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
security:
  - bearer: []
paths:
  /patients/{patient_id}:
    get:
      operationId: get_patient_v1_patients__patient_id__get
      parameters:
        - name: patient_id
          in: path
          required: true
          schema: {type: integer}
      responses:
        "200": {description: Successful Response}
  /patients/{patient_id}/records:
    get:
      operationId: list_records
      parameters:
        - name: patient_id
          in: path
          required: true
          schema: {type: integer}
      responses:
        "200": {description: Successful Response}
  /me:
    get:
      operationId: read_me
      responses:
        "200": {description: Successful Response}
  /doctors:
    get:
      operationId: list_doctors
      security: []
      responses:
        "200": {description: Successful Response}
`

// RedocAPI is a FastAPI-style app documented only through a Redoc page at
// /reference whose <redoc spec-url> points at a YAML file; its /docs is an
// HTML page that must not be read as YAML. Planted: patient records served
// without any login (missing authentication) and to any caller (BOLA).
func RedocAPI() *Deployment {
	d := &Deployment{Name: "redoc", Base: "/", TokenHeader: "Authorization", Data: NewData()}
	d.Operations = []string{"GET /v1/patients/{patient_id}", "GET /v1/patients/{patient_id}/records", "GET /v1/me", "GET /v1/doctors"}
	// Anonymous callers get the same records as anyone: one weakness,
	// missing authentication (an object anonymous reads identically is
	// not also reported as BOLA).
	d.Weaknesses = []string{"missing-authentication"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /reference", static("text/html; charset=utf-8", `<!DOCTYPE html>
<html>
  <head>
    <title>Clinic records API - ReDoc</title>
    <meta charset="utf-8"/>
    <link rel="shortcut icon" href="/static/favicon.png">
  </head>
  <body>
    <redoc spec-url="/static/spec/clinic.yaml"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"> </script>
  </body>
</html>`))
	mux.HandleFunc("GET /docs", static("text/html; charset=utf-8", "<!DOCTYPE html>\n<html><head><title>Clinic portal help</title></head>\n<body><h1>Help</h1>\n<p>key: value pages are not specs</p>\n<a href=\"/reference\">API reference</a></body></html>\n"))
	mux.HandleFunc("GET /static/spec/clinic.yaml", static("application/yaml", redocSpec))
	mux.HandleFunc("GET /v1/me", d.login(map[string]any{"detail": "Not authenticated"})(func(w http.ResponseWriter, r *http.Request, p *Person) {
		writeJSON(w, http.StatusOK, map[string]any{"username": p.Username, "name": p.Name, "patient_id": p.ID})
	}))
	mux.HandleFunc("GET /v1/doctors", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []map[string]any{{"id": 1, "name": "Dr. Ines Park", "specialty": "cardiology"}})
	})
	patient := func(r *http.Request) *Person {
		id, _ := strconv.Atoi(r.PathValue("patient_id"))
		return d.Data.ByID(id)
	}
	mux.HandleFunc("GET /v1/patients/{patient_id}", func(w http.ResponseWriter, r *http.Request) {
		if p := patient(r); p != nil {
			writeJSON(w, http.StatusOK, map[string]any{"id": p.ID, "name": p.Name, "ssn": p.SSN, "date_of_birth": p.DOB, "address": p.Address, "phone": p.Phone})
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
	})
	mux.HandleFunc("GET /v1/patients/{patient_id}/records", func(w http.ResponseWriter, r *http.Request) {
		if p := patient(r); p != nil {
			writeJSON(w, http.StatusOK, []map[string]any{{"id": 1, "patient_id": p.ID, "diagnosis": "hypertension"}})
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
	})
	d.handler = withHeader("Server", "uvicorn", mux)
	return d
}

// GatewayAPI is an API-Gateway-style deployment under the stage /prod: every
// path it does not know answers 403 {"message":"Missing Authentication
// Token"} (the root included), routes refuse callers without the custom
// X-Api-Token header with 401, and CORS preflights name that header.
// Planted: any caller's token reads any account (BOLA), an open admin list.
func GatewayAPI() *Deployment {
	d := &Deployment{Name: "gateway", Base: "/prod", TokenHeader: "X-Api-Token", Data: NewData()}
	d.Operations = []string{"GET /prod/profile", "GET /prod/accounts", "GET /prod/accounts/{id}", "GET /prod/admin/users"}
	d.Weaknesses = []string{"bola", "bfla"}
	gw := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("x-amzn-RequestId", "3f1c2b4a-9d8e-4f7a-b6c5-1e2d3c4b5a69")
		w.Header().Set("x-amz-apigw-id", "Qm2xV9pLrFkAbCd=")
		writeJSON(w, status, v)
	}
	missing := func(w http.ResponseWriter) {
		gw(w, http.StatusForbidden, map[string]any{"message": "Missing Authentication Token"})
	}
	routes := map[string]personHandler{
		"/prod/profile": func(w http.ResponseWriter, r *http.Request, p *Person) {
			gw(w, http.StatusOK, map[string]any{"accountId": p.ID, "username": p.Username, "name": p.Name})
		},
		"/prod/accounts": func(w http.ResponseWriter, r *http.Request, p *Person) {
			gw(w, http.StatusOK, map[string]any{"Items": []any{map[string]any{"accountId": p.ID, "id": p.ID, "name": p.Name}}, "Count": 1})
		},
		"/prod/admin/users": func(w http.ResponseWriter, r *http.Request, p *Person) {
			rows := []map[string]any{}
			for _, q := range d.Data.People {
				rows = append(rows, map[string]any{"id": q.ID, "email": q.Email, "role": q.Role, "phone": q.Phone})
			}
			gw(w, http.StatusOK, map[string]any{"Items": rows, "Count": len(rows)})
		},
	}
	d.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimSuffix(r.URL.Path, "/")
		h, ok := routes[path]
		if !ok && strings.HasPrefix(path, "/prod/accounts/") {
			rest := strings.TrimPrefix(path, "/prod/accounts/")
			if id, err := strconv.Atoi(rest); err == nil && !strings.Contains(rest, "/") {
				ok = true
				h = func(w http.ResponseWriter, r *http.Request, p *Person) {
					if q := d.Data.ByID(id); q != nil {
						gw(w, http.StatusOK, map[string]any{"accountId": q.ID, "name": q.Name, "email": q.Email, "phone": q.Phone, "iban": "DE89 3704 0044 0532 0130 00"})
						return
					}
					gw(w, http.StatusNotFound, map[string]any{"message": "account not found"})
				}
			}
		}
		if !ok {
			missing(w)
			return
		}
		switch r.Method {
		case http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Allow-Methods", "GET,OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type,X-Amz-Date,X-Api-Token,X-Amz-Security-Token")
			w.WriteHeader(http.StatusOK)
			return
		case http.MethodGet, http.MethodHead:
		default:
			missing(w)
			return
		}
		p := d.caller(r)
		if p == nil {
			gw(w, http.StatusUnauthorized, map[string]any{"message": "Unauthorized"})
			return
		}
		h(w, r, p)
	})
	return d
}

const spaShell = `<!doctype html><html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width,initial-scale=1"/><title>Acme Billing</title><script defer="defer" src="/static/js/main.8c1f2a.js"></script><link href="/static/css/main.4b2e.css" rel="stylesheet"></head><body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>`

const spaBundle = `"use strict";(self.webpackChunkbilling=self.webpackChunkbilling||[]).push([[179],{4523:function(e,t,n){
var r=n(7294),o=n(9669),a=n.n(o);const i="/api",c={PATH:"/usr/local/bin:/usr/bin:/bin",LOG:"/var/log/billing/app.log"};
function s(){return fetch("/api/session").then(function(e){return e.json()})}
function l(e){return a().get(i+"/invoices/"+e)}
function u(){return a().get("/api/invoices")}
function d(){return fetch(` + "`" + `/api/account/settings` + "`" + `,{credentials:"include"})}
function f(e){return a().get(` + "`" + `/api/customers/${e}/payment-methods` + "`" + `)}
const p={home:"/",login:"/login",invoices:"/invoices/:id"};
function m(){return a().delete("/api/account/delete-all")}
var h="application/json",g="./locales/en.json",y="text/html";
}}]);`

// SPAAPI is a single-page app behind one server that answers every GET it
// does not route with the app's HTML shell (200), /api included; the routes
// are only named in the JavaScript bundle (fetch, axios, template
// literals). Planted: invoices of any customer (BOLA), the API key in the
// account settings (credential exposure). The bundle also names a destructive route
// (/api/account/delete-all) that must never be requested and file-system
// paths that are not URLs.
func SPAAPI() *Deployment {
	d := &Deployment{Name: "spa", Base: "/", TokenHeader: "Authorization", Data: NewData()}
	d.Operations = []string{
		"GET /api/session", "GET /api/invoices", "GET /api/invoices/{id}", "GET /api/account/settings",
		"GET /api/customers/{id}/payment-methods", "DELETE /api/account/delete-all",
	}
	d.Weaknesses = []string{"bola", "credential-exposure"}
	invoices := []map[string]any{
		{"id": 9101, "customer_id": 1001, "amount": "120.00", "email": "alice.moreau@proton.me", "billing_address": "742 Evergreen Terrace, Springfield, OR 97403"},
		{"id": 9102, "customer_id": 1002, "amount": "45.00", "email": "bob.okafor@fastmail.com", "billing_address": "12 Harbor Road, Portland, ME 04101"},
	}
	mux := http.NewServeMux()
	login := d.login(map[string]any{"error": "unauthorized"})
	mux.HandleFunc("GET /static/js/main.8c1f2a.js", static("application/javascript", spaBundle))
	mux.HandleFunc("GET /api/session", func(w http.ResponseWriter, r *http.Request) {
		p := d.caller(r)
		if p == nil {
			writeJSON(w, http.StatusOK, map[string]any{"authenticated": false})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"authenticated": true, "user": publicOf(p)})
	})
	mux.HandleFunc("GET /api/invoices", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		mine := []map[string]any{}
		for _, inv := range invoices {
			if inv["customer_id"] == p.ID {
				mine = append(mine, inv)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": mine})
	}))
	mux.HandleFunc("GET /api/invoices/{id}", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		for _, inv := range invoices {
			if inv["id"] == id {
				writeJSON(w, http.StatusOK, inv)
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	}))
	mux.HandleFunc("GET /api/account/settings", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		writeJSON(w, http.StatusOK, map[string]any{"user_id": p.ID, "email": p.Email, "api_key": "sk_live_51Hq8ZrLx0Wd7u" + strconv.Itoa(p.ID) + "mQpT3vN9aBcXy", "theme": "dark"})
	}))
	mux.HandleFunc("GET /api/customers/{id}/payment-methods", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		if id != p.ID {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
			return
		}
		writeJSON(w, http.StatusOK, []map[string]any{{"brand": "visa", "last4": "6467"}})
	}))
	mux.HandleFunc("DELETE /api/account/delete-all", login(func(w http.ResponseWriter, r *http.Request, p *Person) {
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("/", static("text/html; charset=utf-8", spaShell))
	d.handler = mux
	return d
}

// GraphQLAPI serves one GraphQL endpoint: a bare GET answers 400 "Must
// provide query string." as express-graphql does; everything else is a
// plain 404. It has no logins: scans of it run anonymously.
func GraphQLAPI() *Deployment {
	d := &Deployment{Name: "graphql", Base: "/", Data: NewData()}
	d.Operations = []string{"GET /graphql"}
	d.Weaknesses = []string{"server-banner"}
	d.handler = withHeader("X-Powered-By", "Express", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graphql" {
			express404(w, r)
			return
		}
		if r.URL.Query().Get("query") == "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []any{map[string]any{"message": "Must provide query string."}}})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"__typename": "Query"}})
	}))
	return d
}

// EmptyAPI answers 404 to everything: a scan of it tests nothing and must
// say so instead of grading it.
func EmptyAPI() *Deployment {
	d := &Deployment{Name: "empty", Base: "/", TokenHeader: "Authorization", Data: NewData()}
	d.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "404 page not found\n")
	})
	return d
}

// OperationsSorted returns the operations in order, for messages.
func (d *Deployment) OperationsSorted() []string {
	out := append([]string(nil), d.Operations...)
	sort.Strings(out)
	return out
}
