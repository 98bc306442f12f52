package har

import (
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/surface"
)

func TestLoadFile(t *testing.T) {
	target, _ := url.Parse("http://shop.test/")
	rec, err := LoadFile(filepath.Join("testdata", "shop.har"), target)
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
		"GET /api/users/{user_id}/orders -> /api/users/7f3c9a2e-1b4d-4c5e-9f60-123456789abc/orders",
		"POST /api/orders -> /api/orders",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	id, _ := rec.Endpoints[0].Param("path", "order_id")
	if diff := cmp.Diff([]string{"1001", "1002"}, id.Values); diff != "" {
		t.Errorf("recorded ids (-want +got):\n%s", diff)
	}
	if rec.Endpoints[2].Body == nil || string(rec.Endpoints[2].Body.Example) != `{"item": 3}` {
		t.Errorf("body = %+v", rec.Endpoints[2].Body)
	}
	if rec.Skipped != 1 {
		t.Errorf("skipped = %d, want the other origin skipped", rec.Skipped)
	}
	// Credentials are exposed, never applied: two distinct sets.
	if len(rec.Credentials) != 2 || rec.Credentials[0].Name != "har-1" ||
		rec.Credentials[0].Header.Get("Authorization") != "Bearer alice-token" ||
		rec.Credentials[1].Header.Get("Cookie") != "session=bob-session" {
		t.Errorf("credentials = %+v", rec.Credentials)
	}
	if diff := cmp.Diff([]string{"Authorization"}, rec.Credentials[0].HeaderNames()); diff != "" {
		t.Error(diff)
	}
}

func TestMalformed(t *testing.T) {
	for _, in := range []string{"", "{", "[]", `{"foo": 1}`, `{"log": {"entries": 5}}`} {
		_, err := Read(strings.NewReader(in), nil)
		if !errors.Is(err, surface.ErrMalformed) {
			t.Errorf("Read(%q) err = %v, want ErrMalformed", in, err)
		}
	}
}

func TestCredentialsByValueKeepTheirNames(t *testing.T) {
	const tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
	h := `{"log":{"entries":[
	 {"request":{"method":"GET","url":"http://api.test/a","headers":[
	   {"name":"JWT_TOKEN","value":"` + tok + `"},
	   {"name":"X-Client-Ident","value":"k9Vq2Lw8Zr5Tx1Nb7Mc3Pd6F"},
	   {"name":"X-Request-Id","value":"0f8fad5b-d9cb-469f-a165-70867728950e"},
	   {"name":"If-None-Match","value":"W/\"5e15153d7ab2c1e3a8f4b0d9\""},
	   {"name":"X-Mode","value":"compact"}]},"response":{"status":200}}]}}`
	rec, err := Read(strings.NewReader(h), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Credentials) != 1 {
		t.Fatalf("credentials = %+v", rec.Credentials)
	}
	// JWT_TOKEN keeps its case; a request id, an ETag and a mode are not credentials.
	if diff := cmp.Diff([]string{"JWT_TOKEN", "X-Client-Ident"}, rec.Credentials[0].HeaderNames()); diff != "" {
		t.Error(diff)
	}
}
