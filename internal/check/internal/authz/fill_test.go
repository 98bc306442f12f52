package authz

import (
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/surface"
)

func TestFillFor(t *testing.T) {
	k := &Knowledge{Markers: map[string]map[string]Marker{
		"alice": {
			"1001":   {Value: "1001", Kind: "id", Context: "$.id"},
			"5001":   {Value: "5001", Kind: "id", Context: "$.orders.id"},
			"5002":   {Value: "5002", Kind: "id", Context: "$.orders.id"},
			"u_1001": {Value: "u_1001", Kind: "id", Context: "profile_id"},
			"a@x.io": {Value: "a@x.io", Kind: "email", Context: "$.email"},
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
	}
	for _, c := range cases {
		if got := k.fillFor("alice", c.ep); !slices.Equal(got, c.want) {
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
