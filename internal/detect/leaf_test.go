package detect

import (
	"strings"
	"testing"
)

func TestMaskExcerptByStructure(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		gone     []string // raw values that must not remain
		kept     []string // keys and harmless values that must remain
	}{
		{
			name: "a name under an unknown key",
			in:   `{"account_id":1,"holder":"Carol Okafor","iban":"DE** **** 3000"}`,
			gone: []string{"Carol", "Okafor"},
			kept: []string{`"holder":"C…(11-20)"`, `"account_id":1`, `"iban":"DE** **** 3000"`},
		},
		{
			name: "a balance",
			in:   `{"balance":18250.11,"currency":"EUR","count":2}`,
			gone: []string{"18250"},
			kept: []string{`"balance":"1…(5-10)"`, `"currency":"EUR"`, `"count":2`},
		},
		{
			name: "nested arrays",
			in:   `{"rows":[["Carol Okafor",18250.11,[{"label":"Rent November","amount":-1200.0}]]],"ok":true,"next":null}`,
			gone: []string{"Carol", "18250", "Rent", "1200"},
			kept: []string{`"rows":[[`, `"label":`, `"amount":`, `"ok":true`, `"next":null`},
		},
		{
			name: "an excerpt cut short",
			in:   "{\n  \"holder\": \"Carol Okafor\",\n  \"note\": \"pays rent to Dr. We",
			gone: []string{"Carol", "Dr. We"},
			kept: []string{`"holder": "C…(11-20)"`, `"note": "p…(11-20)"`},
		},
		{
			name: "JSON after text, ids and instants kept",
			in:   `existing email → 200 {"id": 4021, "user_id": "u_1001", "sub": "1003", "iat": 1767600000, "owner": "Carol Okafor"}`,
			gone: []string{"Carol"},
			kept: []string{"existing email → 200 ", `"id": 4021`, `"user_id": "u_1001"`, `"sub": "1003"`, `"iat": 1767600000`},
		},
		{
			name: "an excerpt whose opening was cut off",
			in:   "…kafor\",\n      \"nickname\": \"caro\",\n      \"balance\": 18250.11,\n      \"id\": 1001\n    },\n    {\n      \"holder\": \"Dmitri Volkov\",…",
			gone: []string{"kafor", "caro\"", "18250", "Dmitri"},
			kept: []string{`"nickname": "****"`, `"balance": "1…(5-10)"`, `"id": 1001`, `"holder": "D…(11-20)"`},
		},
		{
			name: "a compact excerpt whose opening was cut off",
			in:   `…,"holder":"Carol Okafor","account_id":1}]}`,
			gone: []string{"Carol"},
			kept: []string{`"holder":"C…(11-20)"`, `"account_id":1}]}`},
		},
		{
			name: "header values",
			in:   "X-Account-Holder: Carol Okafor\nServer: Werkzeug/3.0.1\nSet-Cookie: session=abcdefghijk; Path=/; HttpOnly\nAuthorization: Bearer <forged token>",
			gone: []string{"Carol", "abcdefghijk"},
			kept: []string{"X-Account-Holder: C…(11-20)", "Server: Werkzeug/3.0.1", "Set-Cookie: session=a…(11-20); Path=/; HttpOnly", "Authorization: Bearer <forged token>"},
		},
		{
			name: "form values",
			in:   "holder=Carol+Okafor&page=2&balance=18250.11",
			gone: []string{"Carol", "18250"},
			kept: []string{"holder=C…(11-20)", "page=2", "balance=1…(5-10)"},
		},
		{
			name: "text that is no header stays",
			in:   "undocumented: $.email, $.role\nref: refs/heads/main",
			kept: []string{"undocumented: $.email, $.role", "ref: refs/heads/main"},
		},
		{
			name: "values masked before are kept",
			in:   `{"email":"c***@ledgerly-bank.com","name":"Caro…","address":"742 …","card":"**** **** **** 4242","x":"C…(11-20)"}`,
			kept: []string{`"c***@ledgerly-bank.com"`, `"Caro…"`, `"742 …"`, `"**** **** **** 4242"`, `"C…(11-20)"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MaskExcerpt(tc.in)
			for _, g := range tc.gone {
				if strings.Contains(got, g) {
					t.Errorf("%q remains in %s", g, got)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(got, k) {
					t.Errorf("%q missing from %s", k, got)
				}
			}
		})
	}
}

func TestMaskLeafShape(t *testing.T) {
	for in, want := range map[string]string{"EUR": "****", "Carol": "C…(5-10)", "Carol Okafor": "C…(11-20)", strings.Repeat("x", 60): "x…(>50)"} {
		if got := MaskLeaf(in); got != want || !IsMasked(got) {
			t.Errorf("MaskLeaf(%q) = %q, want %q (recognised as masked: %v)", in, got, want, IsMasked(got))
		}
	}
}
