package testapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/itsdangerous"
	"github.com/leakhound/leakhound/internal/jwt"
)

// Secrets of the exposure area. The weak ones are on leakhound's built-in
// list on purpose; the strong ones are random and only live in this file.
const (
	WeakSessionKey   = "changeme"
	WeakJWTSecret    = "jwt-secret"
	strongSessionKey = "Vq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9m"
	strongJWTSecret  = "pB4cF6hD1sG0aYuEiOwQeRtZk3Jr9mVq7wX2zL5tN8"
	// TrustedOrigin is the one origin the fixed variant allows.
	TrustedOrigin = "https://app.northwind.example"
)

// issuedAt is the fixed signing time of the vulnerable variant's sessions and
// tokens, so that reports of the demo are the same on every run.
var issuedAt = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)

// booking is a visit booked by a patient.
type booking struct {
	ID     int
	Owner  int
	Date   string
	Reason string
}

var bookings = []booking{
	{5001, 1001, "2026-12-02T09:30:00Z", "annual check-up"},
	{5002, 1002, "2026-12-03T14:00:00Z", "flu vaccination"},
}

// misconfigMiddleware is what sits in front of every route of a Flask app:
// Flask-CORS and, in the vulnerable variant, the Werkzeug debugger, which
// answers ?__debugger__=yes on any path.
func misconfigMiddleware(v Variant, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" {
			w.Header().Add("Vary", "Origin")
			if v == Vulnerable {
				// CORS(app, supports_credentials=True, origins=<reflect>)
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
			} else if origin == TrustedOrigin {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
			}
		}
		if v == Vulnerable && r.URL.Query().Get("__debugger__") == "yes" && r.URL.Query().Get("cmd") == "resource" {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			fmt.Fprint(w, debuggerJS)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// misconfigRoutes are the routes of the error, debug, file, session, JWT,
// CORS, caching and transport checks (exposure.go serves the sensitive-data
// checks).
func misconfigRoutes(v Variant, d *Data) []Route {
	sessionKey, jwtSecret := strongSessionKey, strongJWTSecret
	if v == Vulnerable {
		sessionKey, jwtSecret = WeakSessionKey, WeakJWTSecret
	}
	routes := []Route{
		{Pattern: "GET /api/appointments/{id}", Link: "/api/appointments/5001", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			raw := r.PathValue("id")
			id, err := strconv.Atoi(raw)
			if err != nil || len(raw) > 2048 {
				badKey(w, v, "GetItem", raw, false)
				return
			}
			for _, a := range bookings {
				if a.ID == id && a.Owner == p.ID {
					writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "date": a.Date, "reason": a.Reason, "patient": map[string]any{"name": p.Name, "email": p.Email, "phone": p.Phone}})
					return
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		}},
		{Pattern: "GET /api/invoices/{id}", Link: "/api/invoices/7001", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			raw := r.PathValue("id")
			if _, err := strconv.Atoi(raw); err != nil {
				badKey(w, v, "GetItem", raw, true)
				return
			}
			if raw == "7001" && p.ID == 1001 {
				writeJSON(w, http.StatusOK, map[string]any{"id": 7001, "amount": "120.00", "currency": "USD", "status": "paid"})
				return
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
		}},
		{Pattern: "GET /api/search", Link: "/api/search?q=flu", Handler: func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query().Get("q")
			if len(q) > 2048 || q == "" || strings.ContainsAny(q, "[]{}") {
				badKey(w, v, "Query", q, false)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": []map[string]any{{"topic": "Influenza vaccination", "url": "/status"}}})
		}},
		{Pattern: "GET /api/session", Link: "/api/session", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			if v == Vulnerable {
				payload, _ := json.Marshal(map[string]any{"user_id": p.ID, "email": p.Email, "role": p.Role})
				// session["user_id"] = ...; no SESSION_COOKIE_* hardening
				w.Header().Add("Set-Cookie", "session="+itsdangerous.Sign(sessionKey, payload, issuedAt)+"; Path=/")
			} else {
				payload, _ := json.Marshal(map[string]any{"uid": p.ID})
				w.Header().Add("Set-Cookie", "session="+itsdangerous.Sign(sessionKey, payload, time.Now())+"; Path=/; Secure; HttpOnly; SameSite=Lax")
			}
			writeJSON(w, http.StatusOK, map[string]any{"logged_in": true})
		}},
		{Pattern: "GET /api/session/profile", Link: "/api/session/profile", Handler: func(w http.ResponseWriter, r *http.Request) {
			c, err := r.Cookie("session")
			if err != nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "no session"})
				return
			}
			ck, err := itsdangerous.Parse(c.Value)
			if err != nil || !ck.Verify(sessionKey) {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "bad session"})
				return
			}
			var s map[string]any
			_ = json.Unmarshal(ck.JSON, &s)
			writeJSON(w, http.StatusOK, map[string]any{"session": "valid", "user_id": s["user_id"]})
		}},
		{Pattern: "GET /api/token", Link: "/api/token", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			now := time.Now().Unix()
			claims := map[string]any{"sub": strconv.Itoa(p.ID), "iat": now, "exp": now + 900}
			if v == Vulnerable {
				claims = map[string]any{"sub": strconv.Itoa(p.ID), "email": p.Email, "role": p.Role, "iat": issuedAt.Unix()}
			}
			tok, _ := jwt.SignHS256(jwtSecret, nil, claims)
			writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer"})
		}},
		{Pattern: "GET /api/v2/me", Link: "/api/v2/me", Handler: func(w http.ResponseWriter, r *http.Request) {
			t, err := jwt.Parse(bearer(r))
			if err != nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "token required"})
				return
			}
			ok := t.Verify(jwtSecret)
			if v == Vulnerable && strings.EqualFold(t.Alg(), "none") {
				ok = true // jwt.decode(token, options={"verify_signature": False}) when alg is none
			}
			if exp, has := t.NumericClaim("exp"); v == Fixed && (!has || exp < time.Now().Unix()) {
				ok = false
			}
			if !ok {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid token"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"sub": t.Claims["sub"]})
		}},
	}
	if v == Fixed {
		routes = append(routes, Route{Pattern: "POST /api/lookup", Handler: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"found": false})
		}})
		return routes
	}
	return append(routes,
		Route{Pattern: "GET /api/lookup", Link: "/api/lookup?email=alice.moreau%40proton.me", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"found": r.URL.Query().Get("email") == p.Email})
		}},
		Route{Pattern: "GET /console", Handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, consolePage)
		}},
		Route{Pattern: "GET /api/debug/config", Handler: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{
				"DEBUG": true, "ENV": "production", "SECRET_KEY": sessionKey, "JWT_SECRET_KEY": jwtSecret,
				"AWS_ACCESS_KEY_ID": demoAWSKeyID, "AWS_SECRET_ACCESS_KEY": demoAWSSecret, "AWS_DEFAULT_REGION": "us-east-1",
				"DYNAMODB_TABLE": "clinic-patients", "SESSION_COOKIE_SECURE": false,
			})
		}},
		Route{Pattern: "GET /static/.env", Handler: text("FLASK_APP=app.py\nFLASK_DEBUG=1\nSECRET_KEY=" + sessionKey + "\nAWS_ACCESS_KEY_ID=" + demoAWSKeyID + "\nAWS_SECRET_ACCESS_KEY=" + demoAWSSecret + "\nDYNAMODB_TABLE=clinic-patients\n")},
		Route{Pattern: "GET /static/config.py", Handler: text("import os\n\nclass Config:\n    DEBUG = True\n    SECRET_KEY = '" + sessionKey + "'\n    DYNAMODB_TABLE = os.environ.get('DYNAMODB_TABLE', 'clinic-patients')\n")},
		Route{Pattern: "GET /static/app.py", Handler: text("from flask import Flask, jsonify\nimport boto3\n\napp = Flask(__name__, static_folder='.')\ntable = boto3.resource('dynamodb').Table('clinic-patients')\n\n@app.get('/api/appointments/<id>')\ndef get_appointment(id):\n    return jsonify(table.get_item(Key={'id': int(id)})['Item'])\n")},
		Route{Pattern: "GET /logs/app.log", Handler: text("2026-11-20 09:14:02,117 INFO GET /api/patients/1001 200\n2026-11-20 09:14:02,118 DEBUG item={'id': 1001, 'email': 'alice.moreau@proton.me', 'ssn': '412-67-3385', 'phone': '+1 415-555-0132'}\n2026-11-20 09:15:40,002 ERROR GetItem failed for id=abc\n")},
		Route{Pattern: "GET /.git/HEAD", Handler: text("ref: refs/heads/main\n")},
	)
}

func text(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, body)
	}
}

// badKey answers a key DynamoDB rejects: the vulnerable variant returns what
// `return {"error": str(e), "trace": traceback.format_exc()}, 500` (or the
// Werkzeug debugger, html) shows; the fixed one a generic error with an id.
func badKey(w http.ResponseWriter, v Variant, op, raw string, html bool) {
	if v == Fixed {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid request", "error_id": "3f9c2a7e"})
		return
	}
	msg := "An error occurred (ValidationException) when calling the " + op + " operation: One or more parameter values were invalid: Type mismatch for key id expected: N actual: S"
	if len(raw) > 2048 {
		msg = "An error occurred (ValidationException) when calling the " + op + " operation: One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes"
	}
	trace := "Traceback (most recent call last):\n  File \"/srv/clinic/app.py\", line 88, in get_appointment\n    item = table.get_item(Key={'id': id})['Item']\n  File \"/usr/lib/python3/dist-packages/botocore/client.py\", line 960, in _make_api_call\n    raise error_class(parsed_response, operation_name)\nbotocore.exceptions.ClientError: " + msg + "\n"
	if html {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, debuggerPage, msg, msg, trace)
		return
	}
	writeJSON(w, http.StatusInternalServerError, map[string]any{
		"error": "botocore.exceptions.ClientError: " + msg,
		"table": "arn:aws:dynamodb:us-east-1:123456789012:table/clinic-appointments",
		"trace": trace,
	})
}

const debuggerPage = `<!doctype html>
<html lang=en>
  <head>
    <title>botocore.exceptions.ClientError: %s // Werkzeug Debugger</title>
    <link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">
    <script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
    <script>
      var CONSOLE_MODE = false,
          EVALEX = true,
          EVALEX_TRUSTED = false,
          SECRET = "Xk3fQ9pL2mZr7TbVw8Nc";
    </script>
  </head>
  <body style="background-color: #fff">
    <div class="debugger">
<h1>botocore.exceptions.ClientError</h1>
<div class="detail"><p class="errormsg">botocore.exceptions.ClientError: %s</p></div>
<h2 class="traceback">Traceback <em>(most recent call last)</em></h2>
<div class="plain"><textarea cols="50" rows="10" name="code" readonly>%s</textarea></div>
<div class="footer">Brought to you by <strong class="arthur">DON'T PANIC</strong>, your friendly Werkzeug powered traceback interpreter.</div>
<!-- The debugger caught an exception in your WSGI application. -->
    </div>
  </body>
</html>
`

const consolePage = `<!doctype html>
<html lang=en>
  <head>
    <title>Console // Werkzeug Debugger</title>
    <link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">
    <script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
    <script>
      var CONSOLE_MODE = true,
          EVALEX = true,
          EVALEX_TRUSTED = false,
          SECRET = "Xk3fQ9pL2mZr7TbVw8Nc";
    </script>
  </head>
  <body style="background-color: #fff">
    <div class="debugger">
<h1>Interactive Console</h1>
<div class="explanation">In this console you can execute Python expressions in the context of the application.</div>
<div class="console"><div class="inner">The Console requires JavaScript.</div></div>
    </div>
  </body>
</html>
`

const debuggerJS = `docReady(() => {
  if (!EVALEX_TRUSTED) { initPinBox(); }
  addEventListenersToElements(document.querySelectorAll("div.detail"), "click", () => {});
});
function initPinBox() {
  fetch(document.location.pathname + "?__debugger__=yes&cmd=pinauth&pin=" + "&s=" + SECRET);
}
`
