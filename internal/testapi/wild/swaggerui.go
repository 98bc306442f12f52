package wild

import (
	"encoding/json"
	"net/http"
	"strings"
)

// swaggerui: an Express app whose only documentation is swagger-ui-express:
// the OpenAPI document exists nowhere as a file, only inlined as
// "swaggerDoc" in /api-docs/swagger-ui-init.js.

func init() { register("swaggerui", newSwaggerUI) }

type suAccount struct {
	ID, Owner, Email, IBAN, Name string
	Balance                      float64
}

type suUser struct{ ID, Email, Password, Name string }

type suAPI struct {
	mode     Mode
	secret   []byte
	env      map[string]string
	users    []suUser
	accounts []suAccount
}

func newSwaggerUI(mode Mode) (*Target, error) {
	a := &suAPI{mode: mode, secret: []byte(randHex(24))}
	a.env = map[string]string{
		"NODE_ENV":              "production",
		"PORT":                  "3000",
		"DATABASE_URL":          "postgres://billing:" + randHex(8) + "@billing-db.internal:5432/billing",
		"JWT_SECRET":            string(a.secret),
		"SESSION_SECRET":        randHex(16),
		"SMTP_PASSWORD":         randHex(10),
		"PAYMENTS_API_KEY":      "pk_srv_" + randHex(16),
		"AWS_ACCESS_KEY_ID":     "AKIA" + strings.ToUpper(randHex(8)),
		"AWS_SECRET_ACCESS_KEY": randHex(20),
		"npm_package_name":      "billing-service",
		"npm_package_version":   "2.3.1",
	}
	a.users = []suUser{
		{"usr_8f21", "alice.martin@example.com", "sunset-Quay-12", "Alice Martin"},
		{"usr_8f22", "bob.nguyen@example.com", "cobalt-Fern-48", "Bob Nguyen"},
	}
	a.accounts = []suAccount{
		{ID: "acc_51a0", Owner: "usr_8f21", Email: "alice.martin@example.com", IBAN: "GB33BUKB20201555555555", Name: "Alice Martin", Balance: 1842.17},
		{ID: "acc_51a1", Owner: "usr_8f22", Email: "bob.nguyen@example.com", IBAN: "GB94BARC10201530093459", Name: "Bob Nguyen", Balance: 302.55},
		{ID: "acc_51a2", Owner: "usr_8f22", Email: "bob.nguyen@example.com", IBAN: "GB94BARC20040415453785", Name: "Bob Nguyen (savings)", Balance: 12040},
	}
	rt := &router{trailingSlash: false, notFound: expressNotFound}
	rt.handle("GET", "/api-docs", func(w http.ResponseWriter, r *http.Request, _ params) {
		w.Header().Set("Location", "/api-docs/")
		writeHTML(w, 301, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting</title>\n</head>\n<body>\n<pre>Redirecting to /api-docs/</pre>\n</body>\n</html>\n")
	})
	rt.handle("GET", "/api-docs/", func(w http.ResponseWriter, r *http.Request, _ params) { writeHTML(w, 200, suIndex) })
	rt.handle("GET", "/api-docs/swagger-ui-init.js", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeText(w, 200, "application/javascript; charset=UTF-8", suInitJS())
	})
	for _, f := range []string{"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"} {
		ct := "application/javascript; charset=UTF-8"
		if strings.HasSuffix(f, ".css") {
			ct = "text/css; charset=UTF-8"
		}
		body := "/*! " + f + " (swagger-ui-dist 5.11.0), trimmed */\n"
		rt.handle("GET", "/api-docs/"+f, func(w http.ResponseWriter, r *http.Request, _ params) { writeText(w, 200, ct, body) })
	}
	rt.handle("POST", "/api/v1/auth/login", a.login)
	rt.handle("GET", "/api/v1/info", a.info)
	rt.handle("GET", "/api/v1/accounts", a.auth(a.list))
	rt.handle("GET", "/api/v1/accounts/{accountId}", a.auth(a.account))
	rt.handle("GET", "/api/v1/plans", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeJSON(w, 200, []map[string]any{{"id": "basic", "price": 0}, {"id": "plus", "price": 9}, {"id": "business", "price": 49}})
	})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Express")
		rt.ServeHTTP(w, r)
	})
	t := &Target{Name: "swaggerui", Handler: h, Base: "/api-docs/", Operations: rt.operations()}
	for _, u := range a.users {
		t.Identities = append(t.Identities, Identity{Name: strings.SplitN(u.Email, ".", 2)[0], Header: "Authorization", Value: "Bearer " + a.token(u)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "env/config dump with secrets", Method: "GET", Path: "/api/v1/info", Location: "response", CWE: "CWE-215", OWASP: "API8:2023", MinSeverity: "high", Needs: "read-only",
			Note: "anonymous GET returns process.env: DATABASE_URL with password, JWT_SECRET (signs this instance's tokens), AWS keys"},
		{Kind: "BOLA", Method: "GET", Path: "/api/v1/accounts/{accountId}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "any account id (listed by its owner's GET /api/v1/accounts) returns IBAN, balance and e-mail"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/api/v1/plans", Note: "public price list"},
		{Method: "GET", Path: "/api-docs/", Note: "the documentation page itself"},
		{Method: "GET", Path: "/api/v1/accounts", Note: "only the caller's own accounts"},
	}
	return t, nil
}

func (a *suAPI) token(u suUser) string {
	return signJWT(a.secret, stdClaims(u.ID, u.Name, map[string]any{"email": u.Email}))
}

func (a *suAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, u *suUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		tok := bearer(r, "Authorization")
		if tok == "" {
			writeJSON(w, 401, map[string]string{"error": "No authorization token was found"})
			return
		}
		c, err := parseJWT(a.secret, tok, false)
		if err == nil {
			for i := range a.users {
				if a.users[i].ID == claimString(c, "sub") {
					next(w, r, p, &a.users[i])
					return
				}
			}
		}
		writeJSON(w, 401, map[string]string{"error": "invalid signature"})
	}
}

func (a *suAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Email, Password string }
	readJSON(r, &in)
	for _, u := range a.users {
		if u.Email == in.Email && u.Password == in.Password {
			writeJSON(w, 200, map[string]string{"token": a.token(u)})
			return
		}
	}
	writeJSON(w, 401, map[string]string{"error": "Invalid email or password"})
}

func (a *suAPI) info(w http.ResponseWriter, r *http.Request, _ params) {
	out := map[string]any{"name": "billing-service", "version": "2.3.1", "uptime": 5123.4}
	if a.mode == Vulnerable {
		out["node"] = "v18.19.0"
		out["env"] = a.env
	}
	writeJSON(w, 200, out)
}

func (a *suAPI) list(w http.ResponseWriter, r *http.Request, _ params, u *suUser) {
	out := []map[string]any{}
	for _, x := range a.accounts {
		if x.Owner == u.ID {
			out = append(out, map[string]any{"id": x.ID, "name": x.Name, "iban": mask(x.IBAN)})
		}
	}
	writeJSON(w, 200, out)
}

func (a *suAPI) account(w http.ResponseWriter, r *http.Request, p params, u *suUser) {
	for _, x := range a.accounts {
		if x.ID != p["accountId"] {
			continue
		}
		if a.mode == Fixed && x.Owner != u.ID {
			writeJSON(w, 403, map[string]string{"error": "Forbidden"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": x.ID, "owner": x.Owner, "name": x.Name, "email": x.Email, "iban": x.IBAN, "balance": x.Balance, "currency": "GBP"})
		return
	}
	writeJSON(w, 404, map[string]string{"error": "Account not found"})
}

const suIndex = `<!-- HTML for static distribution bundle build -->
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>Swagger UI</title>
  <link rel="stylesheet" type="text/css" href="./swagger-ui.css" >
  <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32" />
  <style>
    html { box-sizing: border-box; overflow: -moz-scrollbars-vertical; overflow-y: scroll; }
    *, *:before, *:after { box-sizing: inherit; }
    body { margin:0; background: #fafafa; }
  </style>
</head>

<body>

<div id="swagger-ui"></div>

<script src="./swagger-ui-bundle.js"> </script>
<script src="./swagger-ui-standalone-preset.js"> </script>
<script src="./swagger-ui-init.js"> </script>

</body>

</html>
`

func suInitJS() string {
	var doc any
	if err := json.Unmarshal([]byte(suSpec), &doc); err != nil {
		panic(err)
	}
	opts := map[string]any{"swaggerDoc": doc, "customOptions": map[string]any{}}
	b, _ := json.MarshalIndent(opts, "  ", "  ")
	return `
window.onload = function() {
  // Build a system
  var url = window.location.search.match(/url=([^&]+)/);
  if (url && url.length > 1) {
    url = decodeURIComponent(url[1]);
  } else {
    url = window.location.origin;
  }
  var options = ` + string(b) + `;
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
    plugins: [
      SwaggerUIBundle.plugins.DownloadUrl
    ],
    layout: "StandaloneLayout"
  }
  for (var attrname in customOptions) {
    swaggerOptions[attrname] = customOptions[attrname];
  }
  var ui = SwaggerUIBundle(swaggerOptions)

  if (customOptions.oauth) {
    ui.initOAuth(customOptions.oauth)
  }

  if (customOptions.preauthorizeApiKey) {
    const key = customOptions.preauthorizeApiKey.authDefinitionKey;
    const value = customOptions.preauthorizeApiKey.apiKeyValue;
    if (!!key && !!value) {
      const pid = setInterval(() => {
        const authorized = ui.preauthorizeApiKey(key, value);
        if(!!authorized) clearInterval(pid);
      }, 500)

    }
  }

  if (customOptions.authAction) {
    ui.authActions.authorize(customOptions.authAction)
  }

  window.ui = ui
}
`
}

const suSpec = `{
  "openapi": "3.0.0",
  "info": {"title": "Billing Service", "version": "2.3.1", "description": "Accounts and plans."},
  "servers": [{"url": "/api/v1"}],
  "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
  "paths": {
    "/auth/login": {"post": {"tags": ["Auth"], "summary": "Log in", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}}, "responses": {"200": {"description": "JWT"}}}},
    "/info": {"get": {"tags": ["System"], "summary": "Service information", "responses": {"200": {"description": "Service name and version"}}}},
    "/accounts": {"get": {"tags": ["Accounts"], "summary": "My accounts", "security": [{"bearerAuth": []}], "responses": {"200": {"description": "Accounts of the caller"}}}},
    "/accounts/{accountId}": {"get": {"tags": ["Accounts"], "summary": "Account details", "security": [{"bearerAuth": []}], "parameters": [{"in": "path", "name": "accountId", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "Account"}, "404": {"description": "Not found"}}}},
    "/plans": {"get": {"tags": ["Plans"], "summary": "Price list", "responses": {"200": {"description": "Plans"}}}}
  }
}`
