package wild

import (
	"net/http"
	"sync"
)

// slugs: an Express note-taking API whose objects are keyed by a title, a
// slug or a username instead of a number. Tokens travel in x-access-token, as
// in the classic jsonwebtoken tutorials.

func init() { register("slugs", newSlugs) }

type slugNote struct{ Title, Owner, Secret string }

type slugUser struct{ Username, Password, Display, Passphrase string }

type slugAPI struct {
	mode   Mode
	secret []byte
	mu     sync.Mutex
	users  []slugUser
	notes  []slugNote
}

func newSlugs(mode Mode) (*Target, error) {
	a := &slugAPI{mode: mode, secret: randSecret()}
	a.users = []slugUser{
		{Username: "alice", Password: "lilac-Road-64", Display: "Alice M.", Passphrase: "correct-violet-kettle-harbor"},
		{Username: "bob", Password: "gravel-Path-19", Display: "Bob N.", Passphrase: "amber-tiger-window-lantern"},
		{Username: "carol", Password: "meadow-Song-33", Display: "Carol D.", Passphrase: "silent-copper-river-moss"},
	}
	a.notes = []slugNote{
		{Title: "quietNote17", Owner: "alice", Secret: "locker code 4417, spare key under the blue pot"},
		{Title: "groceryPlan3", Owner: "alice", Secret: "pharmacy refill: sertraline 50mg on the 14th"},
		{Title: "harborLetter9", Owner: "bob", Secret: "wifi: HarborNet / pw Seagull!2291"},
		{Title: "draftSpeech4", Owner: "carol", Secret: "resignation letter draft, do not share before Friday"},
	}
	rt := &router{trailingSlash: true, notFound: expressNotFound}
	rt.handle("POST", "/auth/login", a.login)
	rt.handle("GET", "/me", a.auth(a.me))
	rt.handle("GET", "/notes", a.index)
	rt.handle("GET", "/notes/{note_title}", a.auth(a.note))
	rt.handle("GET", "/passphrase/{username}", a.passphrase)
	rt.handle("GET", "/authors/{username}", a.author)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Express")
		rt.ServeHTTP(w, r)
	})
	t := &Target{Name: "slugs", Handler: h, Base: "/", Operations: rt.operations()}
	for _, u := range a.users[:2] {
		t.Identities = append(t.Identities, Identity{Name: u.Username, Header: "x-access-token", Value: a.token(u.Username)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA by slug", Method: "GET", Path: "/notes/{note_title}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "any valid token reads any note's secret; titles come from the public index GET /notes"},
		{Kind: "missing authentication", Method: "GET", Path: "/passphrase/{username}", Location: "path", CWE: "CWE-306", OWASP: "API2:2023", MinSeverity: "high", Needs: "read-only",
			Note: "anonymous callers read any user's recovery passphrase"},
		{Kind: "BOLA by username", Method: "GET", Path: "/passphrase/{username}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "the username in the path selects whose passphrase comes back"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/authors/{username}", Note: "public author card: display name and avatar only"},
		{Method: "GET", Path: "/notes", Note: "public index of note titles and owners, by design"},
		{Method: "GET", Path: "/me", Note: "the caller's own account only"},
	}
	t.HAR = a.recordHAR(h)
	return t, nil
}

func (a *slugAPI) token(name string) string {
	return signJWT(a.secret, stdClaims(name, name, map[string]any{"username": name}))
}

func (a *slugAPI) user(name string) *slugUser {
	for i := range a.users {
		if a.users[i].Username == name {
			return &a.users[i]
		}
	}
	return nil
}

func (a *slugAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, u *slugUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		tok := getHeader(r, "x-access-token")
		if tok == "" {
			writeJSON(w, 403, map[string]any{"auth": false, "message": "No token provided."})
			return
		}
		c, err := parseJWT(a.secret, tok, false)
		if err != nil {
			writeJSON(w, 500, map[string]any{"auth": false, "message": "Failed to authenticate token."})
			return
		}
		u := a.user(claimString(c, "username"))
		if u == nil {
			writeJSON(w, 404, map[string]any{"message": "No user found."})
			return
		}
		next(w, r, p, u)
	}
}

func (a *slugAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Username, Password string }
	if !readJSON(r, &in) {
		writeJSON(w, 400, map[string]any{"message": "Bad request"})
		return
	}
	u := a.user(in.Username)
	if u == nil || u.Password != in.Password {
		writeJSON(w, 401, map[string]any{"auth": false, "token": nil})
		return
	}
	writeJSON(w, 200, map[string]any{"auth": true, "token": a.token(u.Username)})
}

func (a *slugAPI) me(w http.ResponseWriter, r *http.Request, _ params, u *slugUser) {
	writeJSON(w, 200, map[string]any{"username": u.Username, "displayName": u.Display, "passphrase": u.Passphrase})
}

func (a *slugAPI) index(w http.ResponseWriter, r *http.Request, _ params) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []map[string]string{}
	for _, n := range a.notes {
		out = append(out, map[string]string{"note_title": n.Title, "owner": n.Owner})
	}
	writeJSON(w, 200, out)
}

func (a *slugAPI) note(w http.ResponseWriter, r *http.Request, p params, u *slugUser) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, n := range a.notes {
		if n.Title == p["note_title"] && (a.mode == Vulnerable || n.Owner == u.Username) {
			writeJSON(w, 200, map[string]string{"note_title": n.Title, "owner": n.Owner, "secret": n.Secret})
			return
		}
	}
	writeJSON(w, 404, map[string]string{"message": "Note not found"})
}

func (a *slugAPI) passphrase(w http.ResponseWriter, r *http.Request, p params) {
	show := func(u *slugUser) {
		writeJSON(w, 200, map[string]string{"username": u.Username, "passphrase": u.Passphrase})
	}
	if a.mode == Vulnerable {
		u := a.user(p["username"])
		if u == nil {
			writeJSON(w, 404, map[string]string{"message": "No user found."})
			return
		}
		show(u)
		return
	}
	a.auth(func(w http.ResponseWriter, r *http.Request, p params, u *slugUser) {
		if p["username"] != u.Username {
			writeJSON(w, 403, map[string]string{"message": "Forbidden"})
			return
		}
		show(u)
	})(w, r, p)
}

func (a *slugAPI) author(w http.ResponseWriter, r *http.Request, p params) {
	u := a.user(p["username"])
	if u == nil {
		writeJSON(w, 404, map[string]string{"message": "No user found."})
		return
	}
	writeJSON(w, 200, map[string]string{"username": u.Username, "displayName": u.Display,
		"avatarUrl": "https://cdn.example.com/avatars/" + u.Username + ".png"})
}

func (a *slugAPI) recordHAR(h http.Handler) []byte {
	hr := newHAR(h, "https://notes.example.com")
	rec := hr.do("POST", "/auth/login", [][2]string{{"Content-Type", "application/json"}}, `{"username":"alice","password":"lilac-Road-64"}`)
	tk := [2]string{"x-access-token", jsonField(rec.Body.String(), "token")}
	hr.do("GET", "/me", [][2]string{tk}, "")
	hr.do("GET", "/notes", nil, "")
	hr.do("GET", "/notes/quietNote17", [][2]string{tk}, "")
	hr.do("GET", "/authors/bob", nil, "")
	hr.do("GET", "/passphrase/alice", [][2]string{tk}, "")
	return hr.bytes()
}
