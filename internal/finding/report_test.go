package finding

import "testing"

func TestCoverageAnswered(t *testing.T) {
	t.Parallel()
	c := &Coverage{Operations: []OperationCoverage{
		{Method: "GET", Path: "/users/{id}", Requests: 4, Answered: 1},
		{Method: "GET", Path: "/orders/{order_id}", Requests: 3, Answered: 0},
	}}
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/users/{user_id}", true}, // placeholder names do not matter
		{"get", "/users/{id}", true},
		{"DELETE", "/users/{id}", false},
		{"GET", "/orders/{id}", false}, // requested, never answered
		{"GET", "/invoices/{id}", false},
	} {
		if got := c.Answered(tc.method, tc.path); got != tc.want {
			t.Errorf("Answered(%s %s) = %v, want %v", tc.method, tc.path, got, tc.want)
		}
	}
	if (*Coverage)(nil).Answered("GET", "/users/{id}") {
		t.Error("no coverage answers nothing")
	}
	for status, want := range map[int]bool{200: true, 403: true, 500: true, 404: false, 410: false, 429: false, 503: false, 0: false} {
		if IsAnswer(status) != want {
			t.Errorf("IsAnswer(%d) = %v", status, !want)
		}
	}
}
