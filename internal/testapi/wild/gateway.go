package wild

import (
	"net/http"
)

// gateway: Lambda functions behind an API Gateway REST API on stage "prod".
// Any path or method with no resource answers 403 "Missing Authentication
// Token" (the gateway's answer, even for /); a Lambda authorizer reads the
// custom X-Api-Token header.

func init() { register("gateway", newGateway) }

type gwUser struct{ ID, Username, Password, Name, Email, Phone, Address string }

type gwReceipt struct {
	ID, UserID, Store, Card string
	Total                   float64
}

type gwAPI struct {
	mode     Mode
	secret   []byte
	users    []gwUser
	receipts []gwReceipt
}

func gwError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("x-amzn-ErrorType", typ)
	writeText(w, status, "application/json", `{"message":"`+msg+`"}`)
}

func newGateway(mode Mode) (*Target, error) {
	a := &gwAPI{mode: mode, secret: randSecret()}
	a.users = []gwUser{
		{"10482", "alice", "pebble-Shore-27", "Alice Martin", "alice.martin@example.com", "+1-206-555-0142", "77 Pine Street, Seattle WA 98101"},
		{"10483", "bob", "cinder-Block-64", "Bob Nguyen", "bob.nguyen@example.com", "+1-206-555-0199", "1200 Harbor Ave, Seattle WA 98126"},
	}
	a.receipts = []gwReceipt{
		{"R-88017", "10482", "Pike Place", "4242424242424242", 23.4},
		{"R-88018", "10483", "Capitol Hill", "5105105105105100", 61.15},
		{"R-88021", "10482", "Ballard", "4242424242424242", 8.9},
	}
	missing := func(w http.ResponseWriter, r *http.Request) {
		gwError(w, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	rt := &router{notFound: missing, badMethod: func(w http.ResponseWriter, r *http.Request, _ []string) { missing(w, r) }}
	rt.handle("POST", "/prod/login", a.login)
	rt.handle("GET", "/prod/me", a.auth(a.me))
	rt.handle("GET", "/prod/users/{userId}", a.auth(a.user))
	rt.handle("GET", "/prod/receipts/{receiptId}", a.receipt)
	rt.handle("GET", "/prod/stores", func(w http.ResponseWriter, r *http.Request, _ params) {
		writeJSON(w, 200, map[string]any{"stores": []map[string]string{
			{"name": "Pike Place", "phone": "+1-206-555-0110", "address": "85 Pike St, Seattle WA 98101"},
			{"name": "Capitol Hill", "phone": "+1-206-555-0111", "address": "401 Broadway E, Seattle WA 98102"},
			{"name": "Ballard", "phone": "+1-206-555-0112", "address": "5300 Ballard Ave NW, Seattle WA 98107"},
		}})
	})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", randHex(4)+"-"+randHex(2)+"-"+randHex(2)+"-"+randHex(2)+"-"+randHex(6))
		w.Header().Set("x-amz-apigw-id", randHex(6)+"=")
		rt.ServeHTTP(w, r)
	})
	t := &Target{Name: "gateway", Handler: h, Base: "/prod", Operations: rt.operations()}
	for _, u := range a.users {
		t.Identities = append(t.Identities, Identity{Name: u.Username, Header: "X-Api-Token", Value: a.token(u)})
	}
	t.Weaknesses = []Weakness{
		{Kind: "BOLA", Method: "GET", Path: "/prod/users/{userId}", Location: "path", CWE: "CWE-639", OWASP: "API1:2023", MinSeverity: "high", Needs: "read-only",
			Note: "any authorised caller reads any user (e-mail, phone, home address) by numeric id"},
		{Kind: "missing authentication", Method: "GET", Path: "/prod/receipts/{receiptId}", Location: "path", CWE: "CWE-306", OWASP: "API2:2023", MinSeverity: "high", Needs: "read-only",
			Note: "no authorizer on this resource: receipts with customer name, e-mail and card number answer anonymously"},
	}
	t.Traps = []Trap{
		{Method: "GET", Path: "/prod/stores", Note: "public store locator: shop phones and addresses"},
		{Method: "GET", Path: "/prod/me", Note: "the caller's own record"},
	}
	hr := newHAR(h, "https://k3x9qz7b2m.execute-api.us-west-2.amazonaws.com")
	rec := hr.do("POST", "/prod/login", [][2]string{{"Content-Type", "application/json"}}, `{"username":"alice","password":"pebble-Shore-27"}`)
	tk := [2]string{"X-Api-Token", jsonField(rec.Body.String(), "token")}
	hr.do("GET", "/prod/me", [][2]string{tk}, "")
	hr.do("GET", "/prod/users/10482", [][2]string{tk}, "")
	hr.do("GET", "/prod/receipts/R-88017", [][2]string{tk}, "")
	hr.do("GET", "/prod/stores", nil, "")
	t.HAR = hr.bytes()
	return t, nil
}

func (a *gwAPI) token(u gwUser) string {
	return signJWT(a.secret, stdClaims(u.ID, u.Username, map[string]any{"scope": "customer"}))
}

func (a *gwAPI) current(r *http.Request) (*gwUser, bool) {
	tok := getHeader(r, "X-Api-Token")
	if tok == "" {
		return nil, false
	}
	c, err := parseJWT(a.secret, tok, false)
	if err != nil {
		return nil, true
	}
	for i := range a.users {
		if a.users[i].ID == claimString(c, "sub") {
			return &a.users[i], true
		}
	}
	return nil, true
}

func (a *gwAPI) auth(next func(w http.ResponseWriter, r *http.Request, p params, u *gwUser)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) {
		u, sent := a.current(r)
		if !sent {
			gwError(w, 401, "UnauthorizedException", "Unauthorized")
			return
		}
		if u == nil {
			gwError(w, 403, "AccessDeniedException", "User is not authorized to access this resource with an explicit deny")
			return
		}
		next(w, r, p, u)
	}
}

func (a *gwAPI) login(w http.ResponseWriter, r *http.Request, _ params) {
	var in struct{ Username, Password string }
	readJSON(r, &in)
	for _, u := range a.users {
		if u.Username == in.Username && u.Password == in.Password {
			writeJSON(w, 200, map[string]string{"token": a.token(u)})
			return
		}
	}
	writeJSON(w, 401, map[string]string{"error": "invalid credentials"})
}

func gwUserJSON(u *gwUser) map[string]string {
	return map[string]string{"userId": u.ID, "username": u.Username, "name": u.Name, "email": u.Email, "phone": u.Phone, "address": u.Address}
}

func (a *gwAPI) me(w http.ResponseWriter, r *http.Request, _ params, u *gwUser) {
	writeJSON(w, 200, gwUserJSON(u))
}

func (a *gwAPI) user(w http.ResponseWriter, r *http.Request, p params, u *gwUser) {
	for i := range a.users {
		x := &a.users[i]
		if x.ID == p["userId"] {
			if a.mode == Fixed && x.ID != u.ID {
				writeJSON(w, 403, map[string]string{"error": "forbidden"})
				return
			}
			writeJSON(w, 200, gwUserJSON(x))
			return
		}
	}
	writeJSON(w, 404, map[string]string{"error": "user not found"})
}

func (a *gwAPI) receipt(w http.ResponseWriter, r *http.Request, p params) {
	var caller *gwUser
	if a.mode == Fixed {
		u, sent := a.current(r)
		if !sent {
			gwError(w, 401, "UnauthorizedException", "Unauthorized")
			return
		}
		if u == nil {
			gwError(w, 403, "AccessDeniedException", "User is not authorized to access this resource with an explicit deny")
			return
		}
		caller = u
	}
	for _, rc := range a.receipts {
		if rc.ID != p["receiptId"] || (caller != nil && rc.UserID != caller.ID) {
			continue
		}
		var c *gwUser
		for i := range a.users {
			if a.users[i].ID == rc.UserID {
				c = &a.users[i]
			}
		}
		card := rc.Card
		if a.mode == Fixed {
			card = mask(card)
		}
		writeJSON(w, 200, map[string]any{"receiptId": rc.ID, "store": rc.Store, "total": rc.Total,
			"customer": map[string]string{"name": c.Name, "email": c.Email}, "card": card})
		return
	}
	writeJSON(w, 404, map[string]string{"error": "receipt not found"})
}
