package surface

import "testing"

func TestIssuesTokens(t *testing.T) {
	token := []Response{{Status: "200", Examples: [][]byte{[]byte(`{"data": {"accessToken": "x"}}`)}}}
	for _, tc := range []struct {
		ep   Endpoint
		want bool
	}{
		{Endpoint{Method: "POST", Path: "/auth/signin", Responses: token}, true},
		{Endpoint{Method: "POST", Path: "/x", OperationID: "createSession", Responses: token}, true},
		{Endpoint{Method: "GET", Path: "/login", Responses: token}, false},
		{Endpoint{Method: "POST", Path: "/auth/logout", Responses: token}, false},
		{Endpoint{Method: "POST", Path: "/auth/token/refresh", Responses: token}, false},
		{Endpoint{Method: "POST", Path: "/login", Responses: []Response{{Status: "200", Examples: [][]byte{[]byte(`{"ok": true}`)}}}}, false},
		{Endpoint{Method: "POST", Path: "/login", Responses: []Response{{Status: "401", Examples: [][]byte{[]byte(`{"token": "x"}`)}}}}, false},
		{Endpoint{Method: "POST", Path: "/orders", Responses: token}, false},
	} {
		if got := IssuesTokens(tc.ep); got != tc.want {
			t.Errorf("%s %s %s: %v, want %v", tc.ep.Method, tc.ep.Path, tc.ep.OperationID, got, tc.want)
		}
	}
}
