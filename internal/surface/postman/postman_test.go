package postman

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/surface"
)

func TestLoadFile(t *testing.T) {
	rec, err := LoadFile(filepath.Join("testdata", "shop.postman_collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ep := range rec.Endpoints {
		p, _ := ep.Concrete()
		got = append(got, ep.Key()+" -> "+p)
	}
	want := []string{
		"GET /api/orders/{order_id} -> /api/orders/1001?expand=items",
		"POST /api/orders -> /api/orders",
		"GET /api/admin/users/{user_id} -> /api/admin/users/42",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	if len(rec.Credentials) != 2 ||
		rec.Credentials[0].Header.Get("Authorization") != "Bearer collection-token" ||
		rec.Credentials[1].Header.Get("X-Api-Key") != "admin-key" {
		t.Errorf("credentials = %+v", rec.Credentials)
	}
	if b := rec.Endpoints[1].Body; b == nil || string(b.Example) != `{"item": 3}` {
		t.Errorf("body = %+v", b)
	}
}

func TestMalformed(t *testing.T) {
	for _, in := range []string{"", "{", "[]", `{"item": []}`, `{"info": {}, "item": 3}`} {
		_, err := Read(strings.NewReader(in))
		if !errors.Is(err, surface.ErrMalformed) {
			t.Errorf("Read(%q) err = %v, want ErrMalformed", in, err)
		}
	}
}
