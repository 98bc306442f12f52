package detect

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

func typesAtLeast(res *Result, min finding.Confidence) map[Type]int {
	out := map[Type]int{}
	for _, m := range res.Matches {
		if m.Confidence >= min {
			out[m.Type]++
		}
	}
	return out
}

// describe lists what matched without raw values.
func describe(res *Result) []string {
	var out []string
	for _, m := range res.Matches {
		out = append(out, string(m.Type)+"("+m.Confidence.String()+") "+m.Path+" "+m.Masked())
	}
	return out
}

func TestRuleSamples(t *testing.T) {
	t.Parallel()
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if len(r.Match) == 0 {
				t.Fatalf("rule %s has no must-match sample", r.ID)
			}
			for i, s := range r.Match {
				res := Scan([]byte(s), "")
				if typesAtLeast(res, finding.ConfidenceMedium)[r.Type] == 0 {
					t.Errorf("match sample %d: no %s; got %v", i, r.Type, describe(res))
				}
			}
			for i, s := range r.NoMatch {
				res := Scan([]byte(s), "")
				if typesAtLeast(res, finding.ConfidenceMedium)[r.Type] > 0 {
					t.Errorf("no-match sample %d: got %v", i, describe(res))
				}
			}
		})
	}
}

func TestHardNegativesStaySilent(t *testing.T) {
	t.Parallel()
	for i, s := range HardNegatives() {
		res := Scan([]byte(s), "")
		if n := typesAtLeast(res, finding.ConfidenceMedium); len(n) > 0 {
			t.Errorf("hard negative %d: got %v", i, describe(res))
		}
	}
}

func TestKeyClassifier(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]Level{
		"password_hash": LevelCritical, "passwordHash": LevelCritical, "PASSWORD": LevelCritical, "api_key": LevelCritical,
		"apiKey": LevelCritical, "ssn": LevelCritical, "card_number": LevelCritical, "cardNumber": LevelCritical,
		"refresh_token": LevelCritical, "secret_answer": LevelCritical, "securityAnswer": LevelCritical,
		"passphrase": LevelCritical, "signing_key": LevelCritical, "FLASK_SECRET_KEY": LevelCritical,
		"email": LevelPersonal, "date_of_birth": LevelPersonal, "phoneNumber": LevelPersonal, "diagnosis": LevelPersonal,
		"username": LevelIdentity, "role": LevelInternal, "is_admin": LevelInternal,
		"id": LevelNone, "total": LevelNone, "": LevelNone, "tokenizer_version": LevelNone, "partition_key": LevelNone,
		"sort_key": LevelNone, "public_key": LevelNone, "secretary": LevelNone,
	} {
		if got := KeyLevel(name); got != want {
			t.Errorf("KeyLevel(%q) = %v (type %q), want %v", name, got, KeyType(name), want)
		}
	}
}

func TestLevelTableCoversEveryType(t *testing.T) {
	t.Parallel()
	for _, r := range Rules() {
		if LevelOf(r.Type) == LevelNone {
			t.Errorf("rule %s: type %s has no level", r.ID, r.Type)
		}
	}
}

func TestTracebackSourceLiteralsAreMasked(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"Traceback (most recent call last):\n  File \"/srv/app/db.py\", line 12, in connect\n    conn = db.login('svc', 'Hunter2Quibble')\nOperationalError: denied",
		`{"error":"Traceback (most recent call last):\n  File \"/srv/app/db.py\", line 12, in connect\n    conn = db.login(\"svc\", \"Hunter2Quibble\")\nOperationalError: denied"}`,
	} {
		if got := MaskText(body); strings.Contains(got, "Hunter2Quibble") {
			t.Errorf("literal shown: %s", got)
		}
	}
}
