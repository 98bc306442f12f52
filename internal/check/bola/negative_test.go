package bola_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/bola"
	"github.com/leakhound/leakhound/internal/check/bolaadjacent"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/check/missingauth"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/transport"
)

// tricky is an API whose answers to other users' ids look like data but are
// not leaks: a 2xx with an error body, an empty object, the caller's own
// data whatever the id, public content, and volatile fields. One route,
// /api/leaky/{id}, is a real BOLA with volatile fields, so the test proves
// it can still see one.
func tricky() http.Handler {
	type user struct {
		ID    int
		Token string
		Email string
		Name  string
	}
	users := []user{{1, "tok-ann", "ann.lee@proton.me", "Ann Lee"}, {2, "tok-ben", "ben.roy@fastmail.com", "Ben Roy"}}
	caller := func(r *http.Request) *user {
		for i := range users {
			if r.Header.Get("Authorization") == "Bearer "+users[i].Token {
				return &users[i]
			}
		}
		return nil
	}
	var seq atomic.Int64
	write := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	// objects: kind base + user id (notes 11/12, carts 21/22, ...)
	owner := func(r *http.Request, base int) (int, bool) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil || id-base < 1 || id-base > len(users) {
			return 0, false
		}
		return id - base, true
	}
	record := func(u user, id int) map[string]any {
		return map[string]any{"id": id, "owner_email": u.Email, "owner_name": u.Name, "note": "blood pressure diary"}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, map[string]any{"links": []string{"/api/me"}})
	})
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		c := caller(r)
		if c == nil {
			write(w, 401, map[string]any{"error": "login"})
			return
		}
		var links []string
		for _, base := range []int{10, 20, 30, 40, 50, 60} {
			links = append(links, fmt.Sprintf("/api/%s/%d", map[int]string{10: "notes", 20: "carts", 30: "profile", 40: "stamps", 50: "public", 60: "leaky"}[base], base+c.ID))
		}
		write(w, 200, map[string]any{"id": c.ID, "email": c.Email, "name": c.Name, "links": links})
	})
	obj := func(base int, other func(w http.ResponseWriter, c *user, o int)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			c := caller(r)
			o, ok := owner(r, base)
			if c == nil {
				write(w, 401, map[string]any{"error": "login"})
				return
			}
			if !ok {
				write(w, 404, map[string]any{"error": "not found"})
				return
			}
			if o != c.ID {
				other(w, c, o)
				return
			}
			m := record(users[o-1], base+o)
			m["served_at"] = time.Now().Format(time.RFC3339Nano)
			m["request_id"] = seq.Add(1)
			write(w, 200, m)
		}
	}
	mux.HandleFunc("GET /api/notes/{id}", obj(10, func(w http.ResponseWriter, c *user, o int) {
		write(w, 200, map[string]any{"error": "not yours", "status": "forbidden"})
	}))
	mux.HandleFunc("GET /api/carts/{id}", obj(20, func(w http.ResponseWriter, c *user, o int) { write(w, 200, map[string]any{}) }))
	mux.HandleFunc("GET /api/profile/{id}", obj(30, func(w http.ResponseWriter, c *user, o int) {
		write(w, 200, record(*c, 30+c.ID)) // the caller's own, whatever the id
	}))
	mux.HandleFunc("GET /api/stamps/{id}", obj(40, func(w http.ResponseWriter, c *user, o int) { write(w, 404, map[string]any{"error": "not found"}) }))
	mux.HandleFunc("GET /api/public/{id}", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, map[string]any{"id": r.PathValue("id"), "title": "Clinic opening hours", "served_at": time.Now().Format(time.RFC3339Nano)})
	})
	mux.HandleFunc("GET /api/leaky/{id}", obj(60, func(w http.ResponseWriter, c *user, o int) {
		m := record(users[o-1], 60+o)
		m["served_at"] = time.Now().Format(time.RFC3339Nano)
		m["request_id"] = seq.Add(1)
		write(w, 200, m)
	}))
	return mux
}

func TestVerdictsOnTrickyAnswers(t *testing.T) {
	srv := httptest.NewServer(tricky())
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ids := []transport.Identity{
		{Name: "ann", Role: "user", Header: http.Header{"Authorization": {"Bearer tok-ann"}}},
		{Name: "ben", Role: "user", Header: http.Header{"Authorization": {"Bearer tok-ben"}}},
	}
	l := authz.NewLearner()
	rep, err := scan.Run(context.Background(), scan.Options{
		Client:     transport.Config{Target: u, Concurrency: 4},
		Identities: ids,
		Checks:     []check.Check{bola.New(l), bolaadjacent.New(l), missingauth.New(l)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var leaky bool
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.Path, "/api/leaky/") && f.Check == "bola" {
			leaky = true
			if f.Confidence.String() != "high" || f.Evidence.Details["volatile_fields"] == "0" {
				t.Errorf("leaky: confidence %s, volatile fields %s", f.Confidence, f.Evidence.Details["volatile_fields"])
			}
			continue
		}
		if strings.HasPrefix(f.Path, "/api/leaky/") && f.Check == "bola-adjacent-id" {
			continue // ids 61/62: a neighbour of an own id is the other user's
		}
		t.Errorf("false alarm: %s %s as %s: %s", f.Check, f.Path, f.Identity, f.Title)
	}
	if !leaky {
		t.Error("the real BOLA behind volatile fields was missed")
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors: %q", rep.Errors)
	}
}
