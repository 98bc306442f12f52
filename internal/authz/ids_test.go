package authz_test

import (
	"testing"

	"github.com/leakhound/leakhound/internal/authz"
)

func TestTemplate(t *testing.T) {
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

func TestReplace(t *testing.T) {
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

func TestClassify(t *testing.T) {
	for _, c := range []struct{ path, value, want string }{
		{"$.email", "alice.moreau@proton.me", "email"},
		{"$.ssn", "412-67-3385", "ssn"},
		{"$.card_number", "4539 1488 0343 6467", "card"},
		{"$.card_number", "4539 1488 0343 6468", ""},
		{"$.password_hash", "pbkdf2:sha256:600000$abc$def", "password_hash"},
		{"$.phone", "+1 415-555-0132", "phone"},
		{"$.count", "412673385", ""},
		{"$.order_id", "5001", ""},
		{"$.name", "Alice Moreau", "name"},
		{"$.filename", "report final.pdf", ""},
		{"$.status", "ok", ""},
	} {
		if got := authz.Classify(c.path, c.value); got != c.want {
			t.Errorf("Classify(%s, %s) = %q, want %q", c.path, c.value, got, c.want)
		}
	}
}
