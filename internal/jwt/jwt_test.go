package jwt

import (
	"strings"
	"testing"
)

func TestSignParseCrack(t *testing.T) {
	tok, err := SignHS256("secret123", nil, map[string]any{"sub": "1", "exp": 1700000000})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.Alg() != "HS256" || !p.IsHMAC() {
		t.Errorf("alg = %q", p.Alg())
	}
	if exp, ok := p.NumericClaim("exp"); !ok || exp != 1700000000 {
		t.Errorf("exp = %d, %v", exp, ok)
	}
	if !p.Verify("secret123") || p.Verify("secret124") {
		t.Error("Verify wrong")
	}
	if k, ok := p.Crack([]string{"x", "secret123"}); !ok || k != "secret123" {
		t.Errorf("Crack = %q %v", k, ok)
	}
	if !Find.MatchString("token=" + tok + "&x=1") {
		t.Error("Find missed the token")
	}
}

func TestVariants(t *testing.T) {
	tok, _ := SignHS256("k", map[string]any{"alg": "HS256", "typ": "JWT", "kid": "1"}, map[string]any{"sub": "1"})
	p, _ := Parse(tok)
	none, err := Parse(p.NoneVariant())
	if err != nil {
		t.Fatal(err)
	}
	if none.Alg() != "none" || none.HeaderString("kid") != "1" || string(none.RawClaims) != string(p.RawClaims) {
		t.Errorf("none variant = %+v", none)
	}
	if !strings.HasSuffix(p.NoneVariant(), ".") {
		t.Error("alg none token must have an empty signature")
	}
	bad, err := Parse(p.TamperedVariant())
	if err != nil || bad.Verify("k") {
		t.Errorf("tampered token still verifies (err %v)", err)
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	for _, v := range []string{"", "a.b", "a.b.c", "eyJ.eyJ.", "e30.e30.", "bnVsbA.bnVsbA.", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.AA", strings.Repeat("a.", 10000)} {
		if tok, err := Parse(v); err == nil {
			t.Errorf("Parse(%.30q) = %+v, want error", v, tok)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")
	f.Fuzz(func(t *testing.T, v string) {
		if tok, err := Parse(v); err == nil {
			_ = tok.NoneVariant()
			_ = tok.TamperedVariant()
			_, _ = tok.Crack([]string{"a"})
			_, _ = tok.NumericClaim("exp")
		}
	})
}
