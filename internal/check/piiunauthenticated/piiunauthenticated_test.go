package piiunauthenticated_test

import (
	"net/http"
	"testing"

	"github.com/leakhound/leakhound/internal/check/piiunauthenticated"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

func exchange(identity, body string) *transport.Exchange {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &transport.Exchange{Method: "GET", URL: "http://127.0.0.1/api/patients/1001", Template: "/api/patients/{id}", Identity: identity, Status: 200, Header: h, Body: []byte(body)}
}

const record = `{"id":1001,"name":"Alice Moreau","email":"alice.moreau@proton.me","ssn":"412-67-3385"}`

func TestAnonymousCallerGetsPersonalData(t *testing.T) {
	fs := piiunauthenticated.New().Inspect(exchange(transport.AnonymousName, record), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %d", len(fs))
	}
	if fs[0].Severity != finding.Critical || fs[0].CWE[0] != "CWE-306" {
		t.Errorf("severity %s cwe %v", fs[0].Severity, fs[0].CWE)
	}
	// One person's contact data is already worth reporting when anonymous.
	fs = piiunauthenticated.New().Inspect(exchange(transport.AnonymousName, `{"email":"alice.moreau@proton.me"}`), nil)
	if len(fs) != 1 || fs[0].Severity != finding.Medium {
		t.Fatalf("one email to anonymous: want one medium finding, got %d", len(fs))
	}
}

func TestSilentForAuthenticatedOrFixed(t *testing.T) {
	if fs := piiunauthenticated.New().Inspect(exchange("alice", record), nil); len(fs) != 0 {
		t.Fatalf("authenticated caller: want nothing, got %d", len(fs))
	}
	fixed := exchange(transport.AnonymousName, `{"error":"login required"}`)
	fixed.Status = 401
	if fs := piiunauthenticated.New().Inspect(fixed, nil); len(fs) != 0 {
		t.Fatalf("fixed endpoint: want nothing, got %d", len(fs))
	}
}
