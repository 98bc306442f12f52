package wild

import (
	"net/http"
	"strings"
)

// spa: an Express server for a React single-page app. app.use("/api", api)
// then app.get("*", sendIndex): every GET the API router does not know, even
// under /api, answers 200 with the HTML shell. The API routes are only named
// in the bundled JavaScript.

func init() { register("spa", newSPA) }

const spaBundle = "/static/js/main.7c3e9f1a.js"

type spaUser struct {
	ID, Username, Password, Name, Email, Phone, DOB, Hash, ResetToken, Role string
}

type spaAPI struct {
	mode   Mode
	secret []byte
	users  []spaUser
}

func newSPA(mode Mode) (*Target, error) {
	a := &spaAPI{mode: mode, secret: randSecret()}
	a.users = []spaUser{
		{"1", "admin", "helm-Station-8080", "Site Admin", "admin@example.com", "+1-617-555-0100", "1980-01-01", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$7s2Kq1mQ0c9x8Yb3vWzR4tN6pL2jH5gF1dS8aE0uI3o", randHex(16), "admin"},
		{"2", "alice", "clover-Field-73", "Alice Martin", "alice.martin@example.com", "+1-617-555-0142", "1991-06-23", "$argon2id$v=19$m=65536,t=3,p=4$YWxpY2VzYWx0$Qm9iIGlzIG5vdCBhbGljZSBidXQgdGhpcyBpcyBmYWtl", randHex(16), "user"},
		{"3", "bob", "ember-Glow-1904", "Bob Nguyen", "bob.nguyen@example.com", "+1-617-555-0199", "1984-12-05", "$argon2id$v=19$m=65536,t=3,p=4$Ym9ic2FsdHg$ZmFrZWhhc2hmb3Jib2J0aGF0aXNub3RyZWFsYXRhbGw", randHex(16), "user"},
	}
	shell := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		writeHTML(w, 200, spaIndex)
	}
	rt := &router{trailingSlash: true}
	rt.notFound = func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" || r.Method == "HEAD" {
			shell(w, r)
			return
		}
		expressNotFound(w, r)
	}
	rt.badMethod = func(w http.ResponseWriter, r *http.Request, _ []string) { rt.notFound(w, r) }
	rt.handle("GET", "/", func(w http.ResponseWriter, r *http.Request, _ params) { shell(w, r) })
	rt.handle("GET", "/admin", func(w http.ResponseWriter, r *http.Request, _ params) { shell(w, r) })
	rt.handle("GET", spaBundle, func(w http.ResponseWriter, r *http.Request, _ params) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		writeText(w, 200, "application/javascript; charset=UTF-8", spaJS)
	})
	rt.handle("GET", "/static/css/main.2b81d0c4.css", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeText(w, 200, "text/css; charset=UTF-8", "body{margin:0;font-family:-apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,sans-serif}.App{text-align:center}\n")
	})
	rt.handle("POST", "/api/auth/login", a.login)
	rt.handle("GET", "/api/session", a.auth(func(w http.ResponseWriter, r *http.Request, p params, u *spaUser) {
		writeJSON(w, 200, map[string]any{"user": map[string]string{"id": u.ID, "username": u.Username, "name": u.Name, "role": u.Role}})
	}))
	rt.handle("GET", "/api/users/{id}", a.auth(a.user))
	rt.handle("GET", "/api/team", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeJSON(w, 200, []map[string]string{
			{"name": "Grace Okoye", "role": "CEO", "email": "grace@example.com", "photo": "/static/media/grace.jpg"},
			{"name": "Tomás Ferreira", "role": "CTO", "email": "tomas@example.com", "photo": "/static/media/tomas.jpg"},
			{"name": "Mei Tanaka", "role": "Head of Support", "email": "support@example.com", "photo": "/static/media/mei.jpg"},
		})
	})
	rt.handle("GET", "/api/admin/stats", a.auth(func(w http.ResponseWriter, r *http.Request, p params, u *spaUser) {
		if u.Role != "admin" {
			writeJSON(w, 403, map[string]string{"error": "Forbidden"})
			return
		}
		writeJSON(w, 200, map[string]int{"users": len(a.users), "signupsToday": 4})
	}))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Express")
		rt.ServeHTTP(w, r)
	})
	t := &Target{Name: "spa", Handler: h, Base: "/", Operations: rt.operations()}
	for _, n := range []string{"alice", "bob", "admin"} {
		for _, u := range a.users {
			if u.Username == n {
				t.Identities = append(t.Identities, Identity{Name: n, Header: "Authorization", Value: "Bearer " + a.token(u)})
			}
		}
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "GET", Path: "/api/users/{id}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "route named only in the JS bundle (axios.get(`/api/users/${id}`)); any user reads any user"},
		{Kind: "excessive data exposure", Method: "GET", Path: "/api/users/{id}", Location: "response", CWE: "CWE-359", OWASP: "API3:2023", MinSeverity: "high", Needs: "read-only",
			Note: "the whole Mongo document: argon2 hash, password reset token, birth date, phone"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/admin", Note: "client-side route: the same 200 HTML shell every unknown path gets; the admin API behind it answers 403"},
		{Method: "GET", Path: "/api/admin/stats", Note: "403 for non-admins in both modes"},
		{Method: "GET", Path: "/api/team", Note: "public team page data"},
		{Method: "GET", Path: "/api/session", Note: "the caller's own session"},
	}
	return t, nil
}

func (a *spaAPI) token(u spaUser) string {
	return signJWT(a.secret, stdClaims(u.ID, u.Username, map[string]any{"role": u.Role}))
}

func (a *spaAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, u *spaUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		tok := bearer(r, "Authorization")
		if c, err := parseJWT(a.secret, tok, false); err == nil {
			for i := range a.users {
				if a.users[i].ID == claimString(c, "sub") {
					next(w, r, p, &a.users[i])
					return
				}
			}
		}
		writeJSON(w, 401, map[string]string{"error": "Please authenticate"})
	}
}

func (a *spaAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Username, Password string }
	readJSON(r, &in)
	for _, u := range a.users {
		if u.Username == strings.ToLower(in.Username) && u.Password == in.Password {
			writeJSON(w, 200, map[string]any{"token": a.token(u), "user": map[string]string{"id": u.ID, "username": u.Username}})
			return
		}
	}
	writeJSON(w, 401, map[string]string{"error": "Invalid login"})
}

func (a *spaAPI) user(w http.ResponseWriter, r *http.Request, p params, u *spaUser) {
	for _, x := range a.users {
		if x.ID != p["id"] {
			continue
		}
		if a.mode == Fixed {
			if x.ID != u.ID && u.Role != "admin" {
				writeJSON(w, 403, map[string]string{"error": "Forbidden"})
				return
			}
			writeJSON(w, 200, map[string]string{"_id": x.ID, "username": x.Username, "name": x.Name, "email": x.Email})
			return
		}
		writeJSON(w, 200, map[string]any{"_id": x.ID, "username": x.Username, "name": x.Name, "email": x.Email, "phone": x.Phone,
			"dob": x.DOB, "password": x.Hash, "resetPasswordToken": x.ResetToken, "role": x.Role, "__v": 0})
		return
	}
	writeJSON(w, 404, map[string]string{"error": "User not found"})
}

const spaIndex = `<!doctype html><html lang="en"><head><meta charset="utf-8"/><link rel="icon" href="/favicon.ico"/><meta name="viewport" content="width=device-width,initial-scale=1"/><meta name="theme-color" content="#000000"/><title>Roster</title><script defer="defer" src="` + spaBundle + `"></script><link href="/static/css/main.2b81d0c4.css" rel="stylesheet"></head><body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>`

const spaJS = `/*! For license information please see main.7c3e9f1a.js.LICENSE.txt */
(()=>{"use strict";var e={},t=window.React,n=window.axios;
const r=n.create({baseURL:"",headers:{"Content-Type":"application/json"}});
r.interceptors.request.use((e=>{const t=localStorage.getItem("token");return t&&(e.headers.Authorization="Bearer ".concat(t)),e}));
const a={login:(e,t)=>fetch("/api/auth/login",{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify({username:e,password:t})}).then((e=>e.json())),
session:()=>r.get("/api/session"),
getUser:e=>axios.get(` + "`/api/users/${e}`" + `,{headers:{Authorization:"Bearer ".concat(localStorage.getItem("token"))}}),
team:()=>fetch("/api/team").then((e=>e.json())),
adminStats:()=>r.get("/api/admin/stats")};
function o(){const[e,n]=t.useState(null);return t.useEffect((()=>{a.session().then((e=>a.getUser(e.data.user.id))).then((e=>n(e.data)))}),[]),e?t.createElement("div",{className:"Profile"},e.name):null}
const l=[{path:"/",element:o},{path:"/team",element:function(){return null}},{path:"/admin",element:function(){return a.adminStats(),null}}];
e.routes=l,e.api=a})();
//# sourceMappingURL=main.7c3e9f1a.js.map
`
