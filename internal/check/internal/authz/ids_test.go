package authz_test

import (
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/check/internal/authz"
)

func TestTemplate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/api/users/1001":                             "/api/users/{user_id}",
		"/api/users/1001/orders/5001":                 "/api/users/{user_id}/orders/{order_id}",
		"/api/profiles/u_1001":                        "/api/profiles/{profile_id}",
		"/api/records?patient_id=1001":                "/api/records?patient_id={patient_id}",
		"/api/v1/categories/0042":                     "/api/v1/categories/{category_id}",
		"/api/invoices/INV-2024-0042":                 "/api/invoices/{invoice_id}",
		"/api/v2/me":                                  "/api/v2/me",
		"/api/search?q=1001":                          "/api/search?q=1001",
		"/files/3fa85f64-5717-4562-b3fc-2c963f66afa6": "/files/{file_id}",
	} {
		if got := authz.Template(in); got != want {
			t.Errorf("Template(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNeighbours(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"1001":                                 {"1002", "1000", "1003", "999"},
		"u_1001":                               {"u_1002", "u_1000", "u_1003", "u_999"},
		"0042":                                 {"0043", "0041", "0044", "0040"},
		"INV-0001":                             {"INV-0002", "INV-0000", "INV-0003"},
		"3fa85f64-5717-4562-b3fc-2c963f66afa6": nil,
		"0":                                    {"1", "2"},
	} {
		if got := authz.Neighbours(in); !slices.Equal(got, want) {
			t.Errorf("Neighbours(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReplace(t *testing.T) {
	t.Parallel()
	p := "/api/users/1001/orders/5001?x=1"
	ids := authz.IDs(p)
	if len(ids) != 2 {
		t.Fatalf("ids = %v", ids)
	}
	if got := authz.Replace(p, ids[1], "5003"); got != "/api/users/1001/orders/5003?x=1" {
		t.Errorf("Replace = %q", got)
	}
	q := "/api/records?patient_id=1001"
	if got := authz.Replace(q, authz.IDs(q)[0], "1002"); got != "/api/records?patient_id=1002" {
		t.Errorf("Replace = %q", got)
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	a := authz.Flatten([]byte(`{"id":1001,"email":"a@x.io","served_at":"10:00:01","tags":["x","y"]}`))
	b := authz.Flatten([]byte(`{"id":1001,"email":"a@x.io","served_at":"10:00:02","tags":["x","y"]}`))
	vol := authz.Volatile(a, b)
	if !vol["$.served_at"] || len(vol) != 1 {
		t.Errorf("volatile = %v", vol)
	}
	shape, vals := authz.Similarity(a.Without(vol), b.Without(vol))
	if shape != 1 || vals != 1 {
		t.Errorf("similarity = %v %v", shape, vals)
	}
	for body, want := range map[string]bool{
		`{}`: true, `[]`: true, `{"error":"not yours"}`: true, `{"status":"ok","message":"nothing"}`: true,
		`{"id":1}`: false, `not json`: true, `{"users":[]}`: true,
	} {
		if got := authz.IsErrorOrEmpty(authz.Flatten([]byte(body))); got != want {
			t.Errorf("IsErrorOrEmpty(%s) = %v, want %v", body, got, want)
		}
	}
}

func TestSensitiveInFollowsValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ body, path, want string }{
		{`{"email":"alice.moreau@proton.me"}`, "$.email", "email"},
		{`{"ssn":"412-67-3385"}`, "$.ssn", "ssn"},
		{`{"card_number":"4539 1488 0343 6467"}`, "$.card_number", "card"},
		{`{"card_number":"4539 1488 0343 6468"}`, "$.card_number", ""},
		// A masked card under a card key, a masked e-mail: nothing sensitive.
		{`{"card_number":"**** 4242"}`, "$.card_number", ""},
		{`{"email":"a***@proton.me"}`, "$.email", ""},
		{`{"password_hash":"pbkdf2:sha256:600000$Zq3vK8Lm$1d4b3f0e9a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a"}`, "$.password_hash", "password_hash"},
		{`{"phone":"+1 415-555-0132"}`, "$.phone", "phone"},
		{`{"count":"412673385"}`, "$.count", ""},
		{`{"order_id":"5001"}`, "$.order_id", ""},
		{`{"filename":"report final.pdf"}`, "$.filename", ""},
		{`{"secret_answer":"8"}`, "$.secret_answer", "credential"},
	} {
		got := ""
		for _, s := range authz.SensitiveIn([]byte(c.body), authz.Flatten([]byte(c.body))) {
			if s.Path == c.path {
				got = string(s.Type)
			}
		}
		if got != c.want {
			t.Errorf("SensitiveIn(%s) at %s = %q, want %q", c.body, c.path, got, c.want)
		}
	}
}

func TestSmallIntegersAndProfileCards(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"1": true, "42": true, "999": true, "1001": false, "u_1": false, "": false} {
		if got := authz.LooksLikeSmallInt(v); got != want {
			t.Errorf("LooksLikeSmallInt(%q) = %v, want %v", v, got, want)
		}
	}
	card := authz.Flatten([]byte(`{"id":"u_1001","display_name":"Alice","avatar_url":"/a/1.png"}`))
	if !authz.ProfileCard(card) {
		t.Error("a display name and an avatar are a profile card")
	}
	full := authz.Flatten([]byte(`{"id":"u_1001","display_name":"Alice","email":"alice.moreau@proton.me"}`))
	if authz.ProfileCard(full) {
		t.Error("an e-mail makes it more than a profile card")
	}
}
