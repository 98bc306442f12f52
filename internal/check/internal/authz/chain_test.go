package authz_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/checktest"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// TestOwnershipChain learns an item's owner through a chain of two
// anchors: the user directory names alice's id beside her email (learnt
// from /me), and her item list names its owner by that id. The item ids
// are small numbers, markers only through the chain. The answers were
// once visited in map order, so the chain held in some scans only: each
// learning here starts afresh, and every one must hold it.
func TestOwnershipChain(t *testing.T) {
	people := map[string]struct{ id, email, item string }{
		"alice": {"1", "alice.martin@example.com", "101"},
		"bob":   {"2", "bob.nguyen@example.com", "201"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, ok := people[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/me":
			_ = json.NewEncoder(w).Encode(map[string]string{"email": who.email})
		case "/users":
			_ = json.NewEncoder(w).Encode(map[string]any{"users": []map[string]string{
				{"id": "1", "email": people["alice"].email}, {"id": "2", "email": people["bob"].email}}})
		case "/items/mine":
			_ = json.NewEncoder(w).Encode(map[string]any{"items": []map[string]string{
				{"id": who.item, "ownerId": who.id}}})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	ids := []transport.Identity{
		{Name: "alice", Role: "user", Header: http.Header{"Authorization": {"Bearer alice"}}},
		{Name: "bob", Role: "user", Header: http.Header{"Authorization": {"Bearer bob"}}},
	}
	var eps []surface.Endpoint
	for _, p := range []string{"/items/mine", "/users", "/me"} {
		eps = append(eps, surface.Endpoint{Method: http.MethodGet, Path: p})
	}
	env := checktest.New(t, srv.URL, checktest.Options{Identities: ids, Endpoints: eps})
	for i := range 16 {
		k, err := authz.NewLearner().Learn(context.Background(), env)
		if err != nil {
			t.Fatal(err)
		}
		for name, p := range people {
			if !k.IsMarkerOf(name, p.id) || !k.IsMarkerOf(name, p.item) {
				t.Fatalf("learning %d: %s's id %s and item %s are not both its markers", i, name, p.id, p.item)
			}
		}
		if k.IsMarkerOf("alice", "201") || k.IsMarkerOf("bob", "101") {
			t.Fatalf("learning %d: an item was given to the wrong owner", i)
		}
	}
}
