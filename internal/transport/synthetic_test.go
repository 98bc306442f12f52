package transport

import (
	"net/http"
	"strings"
	"testing"
)

func TestCurlPrintsForgedCredentialsOnly(t *testing.T) {
	t.Parallel()
	real := Identity{Name: "alice", Header: http.Header{"Authorization": {"Bearer real-secret-token"}}}
	forged := Identity{Name: "jwt-alg-none", Header: http.Header{"Authorization": {"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."}}, Synthetic: true}
	if c := Curl("GET", "http://127.0.0.1/x", real, nil, nil); strings.Contains(c, "real-secret-token") || !strings.Contains(c, "$ALICE_AUTHORIZATION") {
		t.Errorf("a real credential must be a placeholder: %s", c)
	}
	if c := Curl("GET", "http://127.0.0.1/x", forged, nil, nil); !strings.Contains(c, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.") {
		t.Errorf("the forged credential must be in the reproduction: %s", c)
	}
}
