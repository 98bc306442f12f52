package live

import (
	"net/http"
	"testing"

	"github.com/leakhound/leakhound/internal/transport"
)

func resp(status int, ct, body string) *transport.Response {
	return &transport.Response{Status: status, Header: http.Header{"Content-Type": {ct}}, Body: []byte(body)}
}

func TestHasData(t *testing.T) {
	for _, tc := range []struct {
		r    *transport.Response
		want bool
	}{
		{resp(200, "application/json", `{"id": 1}`), true},
		{resp(200, "application/json", `[{"a": "b"}]`), true},
		{resp(200, "application/json", `{}`), false},
		{resp(200, "application/json", `{"data": [], "ok": true}`), false},
		{resp(200, "application/json", `null`), false},
		{resp(200, "text/html", `<html>login</html>`), false},
		{resp(200, "text/csv", "id,email\n1,a@b.c"), true},
		{resp(401, "application/json", `{"error": "x"}`), false},
		{resp(200, "application/json", ``), false},
		{nil, false},
	} {
		if got := HasData(tc.r); got != tc.want {
			t.Errorf("HasData(%v) = %v, want %v", tc.r, got, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	v := map[string]any{"a": []any{map[string]any{"b": "x"}}, "c": 1.0}
	for path, want := range map[string]any{"$.a[].b": "x", "$.c": 1.0} {
		if got, ok := Lookup(v, path); !ok || got != want {
			t.Errorf("Lookup(%s) = %v %v", path, got, ok)
		}
	}
	for _, path := range []string{"$.z", "$.c.d", "$[]", "$x", "$.a[].z"} {
		if _, ok := Lookup(v, path); ok {
			t.Errorf("Lookup(%s) found something", path)
		}
	}
}

func TestShapeHidesValues(t *testing.T) {
	s := Shape(resp(200, "application/json", `{"ssn": "412-67-3385", "id": 1}`))
	if s != "200 application/json, 31 bytes, object with id, ssn" {
		t.Errorf("Shape = %q", s)
	}
}
