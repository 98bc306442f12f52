package authz

import (
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
)

func TestFillFor(t *testing.T) {
	k := &Knowledge{Markers: map[string]map[string]Marker{
		"alice": {
			"1001":        {Value: "1001", Kind: "id", Context: "$.id"},
			"5001":        {Value: "5001", Kind: "id", Context: "$.orders.id"},
			"5002":        {Value: "5002", Kind: "id", Context: "$.orders.id"},
			"u_1001":      {Value: "u_1001", Kind: "id", Context: "profile_id"},
			"a@x.io":      {Value: "a@x.io", Kind: "email", Context: "$.email", Path: "/api/me $.email"},
			"u_7":         {Value: "u_7", Kind: "id", Context: "$.user.id", Path: "/api/me $.user.id"},
			"quietNote17": {Value: "quietNote17", Kind: "reference", Context: "$.notes.note_title"},
		},
	}}
	cases := []struct {
		ep   surface.Endpoint
		want []string
	}{
		{surface.Endpoint{Method: "GET", Path: "/orders/{order_id}"}, []string{"/orders/5001", "/orders/5002"}},
		{surface.Endpoint{Method: "GET", Path: "/profiles/{profile_id}"}, []string{"/profiles/u_1001"}},
		{surface.Endpoint{Method: "GET", Path: "/users/{id}", Params: []surface.Param{{Name: "id", In: "path", Values: []string{"1002"}}}}, []string{"/users/1001", "/users/5001", "/users/5002"}},
		{surface.Endpoint{Method: "GET", Path: "/invoices/{invoice_id}"}, nil},
		// A title learnt under the parameter's own name, whatever its shape.
		{surface.Endpoint{Method: "GET", Path: "/notes/{note_title}"}, []string{"/notes/quietNote17"}},
		// An owner reference in the query takes the identity's subject.
		{surface.Endpoint{Method: "GET", Path: "/profile", Params: []surface.Param{{Name: "user_id", In: "query", Role: surface.RoleOwner}}}, []string{"/profile?user_id=u_7"}},
		{surface.Endpoint{Method: "GET", Path: "/statements", Params: []surface.Param{{Name: "email", In: "query", Role: surface.RoleOwner}}}, []string{"/statements?email=a%40x.io"}},
		// A read-POST with the reference in its body.
		{surface.Endpoint{Method: "POST", Path: "/orders/get", Body: &surface.Body{ContentType: "application/json"},
			Params: []surface.Param{{Name: "order_id", In: "body", Pointer: "/order_id", Role: surface.RoleObject, Required: true, Type: "integer"}}},
			[]string{"POST /orders/get {\"order_id\":5001}", "POST /orders/get {\"order_id\":5002}"}},
	}
	for _, c := range cases {
		var got []string
		for _, f := range k.fillFor("alice", c.ep) {
			got = append(got, RequestKey(f.req))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("fillFor(%s) = %q, want %q", c.ep.Path, got, c.want)
		}
	}
}

func TestSameIdentities(t *testing.T) {
	list1 := Flatten([]byte(`{"generated_at":"10:00:01","Items":[{"patient_id":"u_1","email":"a@x.io"},{"patient_id":"u_2","email":"b@x.io"}]}`))
	list2 := Flatten([]byte(`{"generated_at":"10:00:02","Items":[{"patient_id":"u_2","email":"b@x.io"},{"patient_id":"u_1","email":"a@x.io"}]}`))
	if !sameIdentities(list1, list2) {
		t.Error("the same list in another order, at another time, names the same people")
	}
	me1 := Flatten([]byte(`{"patient_id":"u_1","email":"a@x.io"}`))
	me2 := Flatten([]byte(`{"patient_id":"u_2","email":"b@x.io"}`))
	if sameIdentities(me1, me2) {
		t.Error("two users' own views differ")
	}
}
