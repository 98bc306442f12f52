package bola_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/transport"
)

// ledgerSpec documents the ledger API the way a real one does: ids are
// small sequential integers, and the examples (42) belong to nobody.
const ledgerSpec = `{"openapi": "3.0.3", "info": {"title": "ledger", "version": "1"},
 "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
 "security": [{"bearer": []}],
 "paths": {
  "/api/me": {"get": {"responses": {"200": {"description": "me"}}}},
  "/api/statements": {"get": {"parameters": [{"name": "account_id", "in": "query", "required": true,
     "schema": {"type": "integer", "example": 42}}], "responses": {"200": {"description": "statement"}}}},
  "/api/accounts/lookup": {"post": {"summary": "Look up an account by id", "requestBody": {"required": true,
     "content": {"application/json": {"schema": {"type": "object", "required": ["account_id"],
     "properties": {"account_id": {"type": "integer", "example": 42}}}}}}, "responses": {"200": {"description": "account"}}}},
  "/api/accounts/{account_id}": {"get": {"parameters": [{"name": "account_id", "in": "path", "required": true,
     "schema": {"type": "integer"}}], "responses": {"200": {"description": "account"}, "404": {"description": "not yours"}}}},
  "/api/branches": {"get": {"security": [], "responses": {"200": {"description": "public directory"}}}}
 }}`

// ledger is a banking API whose ids are small integers (alice owns
// account 2, bob account 3, carol account 1). Vulnerable: the statement
// (query) and the lookup (JSON body) serve any account to any logged-in
// user. Fixed: both serve the owner only. In both, /api/accounts/{id}
// enforces ownership, and /api/branches is a public directory naming every
// account's small id (a trap: they are nobody's markers).
type ledger struct {
	fixed bool
	mu    sync.Mutex
	reqs  []string // "who METHOD path?query body"
}

type ledgerUser struct {
	token, name, username, email, iban string
	id                                 int
	// noAccount marks a customer without an account: its /me names none.
	noAccount bool
}

var ledgerUsers = []ledgerUser{
	{"tok-carol", "Carol Okafor", "carol", "carol.okafor@ledger-bank.com", "DE89370400440532013000", 1, false},
	{"tok-alice", "Alice Martin", "alice", "alice.martin@fastmail.com", "FR1420041010050500013M02606", 2, false},
	{"tok-bob", "Bob Nguyen", "bob", "bob.nguyen@posteo.de", "NL91ABNA0417164300", 3, false},
	{"tok-dave", "Dave Ito", "dave", "dave.ito@mailbox.org", "", 4, true},
}

func (l *ledger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var caller *ledgerUser
	for i := range ledgerUsers {
		if r.Header.Get("Authorization") == "Bearer "+ledgerUsers[i].token {
			caller = &ledgerUsers[i]
		}
	}
	body := make([]byte, 1<<12)
	n, _ := r.Body.Read(body)
	body = body[:n]
	who := "anonymous"
	if caller != nil {
		who = caller.username
	}
	l.mu.Lock()
	l.reqs = append(l.reqs, who+" "+r.Method+" "+r.URL.RequestURI()+" "+string(body))
	l.mu.Unlock()
	write := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	account := func(id int) *ledgerUser {
		for i := range ledgerUsers {
			if ledgerUsers[i].id == id && !ledgerUsers[i].noAccount {
				return &ledgerUsers[i]
			}
		}
		return nil
	}
	// serve answers the account named by id: to anyone logged in when the
	// API is vulnerable, to its owner only when owned or fixed.
	serve := func(id int, owned bool, v func(*ledgerUser) any) {
		a := account(id)
		if a == nil || (owned || l.fixed) && a != caller {
			write(404, map[string]any{"error": "not found"})
			return
		}
		write(200, v(a))
	}
	if r.URL.Path == "/api/branches" {
		var out []map[string]any
		for _, u := range ledgerUsers[:3] {
			out = append(out, map[string]any{"account_id": u.id, "branch": "Paris " + strconv.Itoa(u.id), "open": true})
		}
		write(200, map[string]any{"branches": out})
		return
	}
	if caller == nil {
		write(401, map[string]any{"error": "authentication required"})
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/me":
		me := map[string]any{"user_id": caller.id, "username": caller.username, "name": caller.name,
			"email": caller.email, "role": "user"}
		if !caller.noAccount {
			me["account_id"] = caller.id
		}
		write(200, me)
	case r.Method == http.MethodGet && r.URL.Path == "/api/statements":
		id, err := strconv.Atoi(r.URL.Query().Get("account_id"))
		if err != nil {
			write(400, map[string]any{"error": "account_id must be an integer"})
			return
		}
		serve(id, false, func(a *ledgerUser) any {
			return map[string]any{"account_id": a.id, "holder": a.name, "holder_email": a.email, "iban": a.iban,
				"transactions": []map[string]any{{"amount": -12.5 * float64(a.id), "label": "Groceries " + a.username}}}
		})
	case r.Method == http.MethodPost && r.URL.Path == "/api/accounts/lookup":
		var in struct {
			AccountID int `json:"account_id"`
		}
		if json.Unmarshal(body, &in) != nil {
			write(400, map[string]any{"error": "bad body"})
			return
		}
		serve(in.AccountID, false, func(a *ledgerUser) any {
			return map[string]any{"account": map[string]any{"account_id": a.id, "balance": 100.25 * float64(a.id)},
				"owner": map[string]any{"name": a.name, "email": a.email}}
		})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/accounts/"):
		id, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/api/accounts/"))
		serve(id, true, func(a *ledgerUser) any {
			return map[string]any{"account_id": a.id, "owner_id": a.id, "iban": a.iban, "balance": 100.25 * float64(a.id)}
		})
	default:
		write(404, map[string]any{"error": "not found"})
	}
}

func (l *ledger) sent(prefix string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.reqs {
		if strings.HasPrefix(r, prefix) {
			return true
		}
	}
	return false
}

func scanLedger(t *testing.T, fixed bool, ids ...transport.Identity) (*finding.Report, *ledger) {
	t.Helper()
	api := &ledger{fixed: fixed}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	doc, err := openapi.Parse([]byte(ledgerSpec))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), scan.Options{
		Client:     transport.Config{Target: u, Concurrency: 4, Timeout: 5 * time.Second, MaxRequests: 3000, MaxBody: 1 << 20},
		Identities: ids,
		Endpoints:  doc.Endpoints,
		Checks:     []check.Check{bola.New(authz.NewLearner())},
		Passive:    []check.Passive{piiexposure.New()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep, api
}

func ledgerID(name string) transport.Identity {
	return transport.Identity{Name: name, Role: "user", Header: http.Header{"Authorization": {"Bearer tok-" + name}}}
}

// TestBOLAWithSmallIDs is the core case: two normal users whose own ids
// are small integers learnt from /me (account_id: 2), a BOLA in a query
// parameter and one in a JSON body.
func TestBOLAWithSmallIDs(t *testing.T) {
	t.Run("vulnerable", func(t *testing.T) {
		rep, api := scanLedger(t, false, ledgerID("alice"), ledgerID("bob"))
		got := map[string]finding.Finding{}
		for _, f := range rep.Findings {
			if f.Check == "bola" {
				got[f.Method+" "+f.Path] = f
			}
		}
		for _, want := range []string{"GET /api/statements", "POST /api/accounts/lookup"} {
			f, ok := got[want]
			if !ok {
				t.Errorf("no bola finding on %s; got %v", want, keys(got))
				continue
			}
			if strings.HasPrefix(f.Title, "Unconfirmed") || f.Evidence.Details["negative_control"] == authz.NoControl {
				t.Errorf("%s: %q, negative control %q: want a confirmed finding", want, f.Title, f.Evidence.Details["negative_control"])
			}
			if f.Severity != finding.Critical {
				t.Errorf("%s: severity %s, want critical (e-mail and IBAN of another customer)", want, f.Severity)
			}
			blob := f.Title + f.Reproduce + f.Evidence.Excerpt
			for _, v := range f.Evidence.Details {
				blob += v
			}
			for _, u := range ledgerUsers {
				for _, raw := range []string{u.email, u.iban, u.token} {
					if raw != "" && strings.Contains(blob, raw) {
						t.Errorf("%s: raw value %.6s… in the finding", want, raw)
					}
				}
			}
		}
		for k := range got {
			if k != "GET /api/statements" && k != "POST /api/accounts/lookup" {
				t.Errorf("false alarm: bola on %s", k)
			}
		}
		if !api.sent("bob GET /api/statements?account_id=2") && !api.sent("alice GET /api/statements?account_id=3") {
			t.Error("no user asked for the other's statement")
		}
		// The statement served to anyone is an exposure; the account
		// served to its owner only is not.
		pii := map[string]bool{}
		for _, f := range rep.Findings {
			if f.Check == "pii-exposure" {
				pii[f.Path] = true
			}
		}
		if !pii["/api/statements"] {
			t.Error("no pii-exposure on the statement served to everyone")
		}
		if pii["/api/accounts/{account_id}"] || pii["/api/accounts/{id}"] {
			t.Error("pii-exposure on the owner's own account, served to her only")
		}
	})
	t.Run("fixed", func(t *testing.T) {
		rep, api := scanLedger(t, true, ledgerID("alice"), ledgerID("bob"))
		for _, f := range rep.Findings {
			if f.Check == "bola" {
				t.Errorf("fixed variant: bola on %s %s: %s", f.Method, f.Path, f.Title)
			}
		}
		// The fixed API was exercised: each user's own small id was tried
		// as the other user, in the query and in the JSON body.
		for _, p := range []string{"bob GET /api/statements?account_id=2", "alice GET /api/statements?account_id=3",
			`bob POST /api/accounts/lookup {"account_id":2}`, `alice POST /api/accounts/lookup {"account_id":3}`} {
			if !api.sent(p) {
				t.Errorf("never sent %q", p)
			}
		}
		for _, c := range rep.Categories {
			if c.ID == "API1:2023" && c.NotTested != "" {
				t.Errorf("API1 reported as not tested (%s) although bola ran", c.NotTested)
			}
		}
	})
}

// TestBOLANotTestedIsNotClean: when bola has nothing to test (one
// identity), API1 is reported as not tested, never graded A.
func TestBOLANotTestedIsNotClean(t *testing.T) {
	rep, _ := scanLedger(t, false, ledgerID("alice"))
	var api1 *finding.CategoryScore
	for i := range rep.Categories {
		if rep.Categories[i].ID == "API1:2023" {
			api1 = &rep.Categories[i]
		}
	}
	if api1 == nil {
		t.Fatalf("no API1 category in %+v", rep.Categories)
	}
	if api1.Grade != finding.GradeNotTested || api1.NotTested == "" || api1.Score != 0 {
		t.Errorf("API1 = %+v, want grade %q with a reason", *api1, finding.GradeNotTested)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.HasPrefix(w, "bola not tested")
	}
	if !warned {
		t.Errorf("no warning says bola was not tested: %q", rep.Warnings)
	}
}

// TestBOLANonexistentIDControl: the attacker owns no object of the
// template (dave has no account), so the negative control is a
// nonexistent id asked by it.
func TestBOLANonexistentIDControl(t *testing.T) {
	t.Run("vulnerable", func(t *testing.T) {
		rep, _ := scanLedger(t, false, ledgerID("alice"), ledgerID("dave"))
		var got *finding.Finding
		for i, f := range rep.Findings {
			if f.Check == "bola" && f.Path == "/api/statements" {
				got = &rep.Findings[i]
			}
		}
		if got == nil {
			t.Fatal("no bola finding on /api/statements")
		}
		if c := got.Evidence.Details["negative_control"]; !strings.Contains(c, "nonexistent id") || strings.HasPrefix(got.Title, "Unconfirmed") {
			t.Errorf("%q with negative control %q, want one confirmed by a nonexistent id", got.Title, c)
		}
	})
	t.Run("fixed", func(t *testing.T) {
		rep, api := scanLedger(t, true, ledgerID("alice"), ledgerID("dave"))
		for _, f := range rep.Findings {
			if f.Check == "bola" {
				t.Errorf("fixed variant: bola on %s %s: %s", f.Method, f.Path, f.Title)
			}
		}
		if !api.sent("dave GET /api/statements?account_id=2") {
			t.Error("dave never asked for alice's statement")
		}
	})
}
