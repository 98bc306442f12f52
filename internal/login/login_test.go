package login

import (
	"context"
	"net/http"
	"testing"

	"github.com/leakhound/leakhound/internal/transport"
)

func TestJSONPath(t *testing.T) {
	body := []byte(`{"data":{"tokens":[{"access":"t-1"},{"access":"t-2"}],"n":42,"empty":"","obj":{}}}`)
	for path, want := range map[string]string{
		"data.tokens[1].access":   "t-2",
		"$.data.tokens[0].access": "t-1",
		"data.n":                  "42",
	} {
		if got, err := JSONPath(body, path); err != nil || got != want {
			t.Errorf("JSONPath(%s) = %q, %v; want %q", path, got, err, want)
		}
	}
	for _, path := range []string{"data.missing", "data.tokens[5].access", "data.empty", "data.obj", "data.tokens[x]"} {
		if got, err := JSONPath(body, path); err == nil {
			t.Errorf("JSONPath(%s) = %q, want an error", path, got)
		}
	}
	if _, err := JSONPath([]byte("<html>"), "a"); err == nil {
		t.Error("non-JSON accepted")
	}
}

func TestValidate(t *testing.T) {
	for name, f := range map[string]Flow{
		"no path":     {TokenJSON: "t"},
		"no source":   {Path: "/login"},
		"two sources": {Path: "/login", TokenJSON: "t", TokenCookie: "s"},
		"bad format":  {Path: "/login", TokenJSON: "t", SendFormat: "Bearer"},
		"bad header":  {Path: "/login", TokenJSON: "t", SendHeader: "X: y"},
	} {
		if err := f.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	ok := Flow{Path: "/login", TokenCookie: "session"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if h, f := ok.send(); h != "Cookie" || f != "session={token}" {
		t.Errorf("cookie default = %s: %s", h, f)
	}
}

func TestLoginKeepsTheSendHeaderAsConfigured(t *testing.T) {
	f := &Flow{Path: "/login", TokenJSON: "token", SendHeader: "JWT_TOKEN", SendFormat: "{token}"}
	send := func(context.Context, transport.Request) (*transport.Response, error) {
		return &transport.Response{Status: 200, Body: []byte(`{"token":"t-1"}`), Header: http.Header{}}, nil
	}
	h, err := f.Login(context.Background(), send)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || len(h["JWT_TOKEN"]) != 1 || h["JWT_TOKEN"][0] != "t-1" {
		t.Errorf("headers = %v, want JWT_TOKEN as configured", h)
	}
}
