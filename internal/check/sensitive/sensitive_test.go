package sensitive

import (
	"strings"
	"testing"
)

func has(ms []Match, typ, value string) bool {
	for _, m := range ms {
		if m.Type == typ && (value == "" || m.Value == value) {
			return true
		}
	}
	return false
}

func TestBuiltinTemplateError(t *testing.T) {
	ms := Builtin{}.Detect([]byte("jinja2.exceptions.TemplateSyntaxError: unexpected '}'"), "text/plain")
	if !has(ms, "template_error", "") {
		t.Errorf("no template_error in %+v", ms)
	}
}

func TestMustMatch(t *testing.T) {
	cases := []struct {
		name, body, ct, typ, value string
	}{
		{"traceback", "Traceback (most recent call last):\n  File \"/srv/app/app.py\", line 3, in f", "text/plain", "python_traceback", ""},
		{"server path in frame", "Traceback (most recent call last):\n  File \"/srv/app/app.py\", line 3, in f", "text/plain", "server_path", "/srv/app/app.py"},
		{"botocore", `{"error": "An error occurred (ValidationException) when calling the GetItem operation: bad key"}`, "application/json", "botocore_error", ""},
		{"dynamodb code", `ResourceNotFoundException: Requested resource not found`, "text/plain", "dynamodb_error", "ResourceNotFoundException"},
		{"dynamodb arn", `{"t":"arn:aws:dynamodb:us-east-1:123456789012:table/patients"}`, "application/json", "dynamodb_arn", "arn:aws:dynamodb:us-east-1:123456789012:table/patients"},
		{"sql", `sqlite3.OperationalError: near "x": syntax error`, "text/plain", "sql_error", ""},
		{"jinja", `jinja2.exceptions.UndefinedError: 'user' is undefined`, "text/plain", "flask_error", ""},
		{"debugger", `<script>var CONSOLE_MODE = false, EVALEX = true;</script>`, "text/html", "werkzeug_debugger", ""},
		{"email json", `{"email":"alice.moreau@proton.me"}`, "application/json", "email", "alice.moreau@proton.me"},
		{"ssn by key", `{"ssn":"412-67-3385"}`, "application/json", "ssn", "412-67-3385"},
		{"ssn in text", `patient 412-67-3385 seen`, "text/plain", "ssn", "412-67-3385"},
		{"card luhn", `{"card_number":"4539 1488 0343 6467"}`, "application/json", "card", ""},
		{"aws key", `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE`, "text/plain", "aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"},
		{"secret assignment", "SECRET_KEY=changeme\n", "text/plain", "secret_key", "changeme"},
		{"secret python", "    SECRET_KEY = 'dev-key-123'\n", "text/plain", "secret_key", "dev-key-123"},
		{"secret json key", `{"JWT_SECRET_KEY":"jwt-secret"}`, "application/json", "secret_jwt", "jwt-secret"},
		{"werkzeug hash", `{"password_hash":"pbkdf2:sha256:600000$Xk2Lr8Qp$8f1c0d2e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"}`, "application/json", "password_hash", ""},
		{"role", `{"role":"admin"}`, "application/json", "role", "admin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms := Default.Detect([]byte(c.body), c.ct)
			if !has(ms, c.typ, c.value) {
				t.Errorf("no %s %q in %+v", c.typ, c.value, ms)
			}
		})
	}
}

func TestMustNotMatch(t *testing.T) {
	cases := []struct{ name, body string }{
		{"generic error", `{"error":"invalid request","error_id":"3f9c2a7e"}`},
		{"uuid", `{"id":"123e4567-e89b-12d3-a456-426614174000"}`},
		{"invalid ssn area", `{"ssn":"000-12-3456"}`},
		{"sample ssn", `{"note":"078-05-1120"}`},
		{"non-luhn card", `{"card_number":"4539 1488 0343 6468"}`},
		{"timestamp", `{"ts":1732700000000}`},
		{"example email", `{"contact":"support@example.com"}`},
		{"placeholder secret", "SECRET_KEY=${SECRET_KEY}\n"},
		{"health", `{"status":"ok"}`},
		{"html not found", `<html><body>Not Found</body></html>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if ms := Default.Detect([]byte(c.body), ""); len(ms) > 0 {
				t.Errorf("unexpected matches %+v", ms)
			}
		})
	}
}

func TestWindowNeverCutsAValue(t *testing.T) {
	body := strings.Repeat("x", 50) + "SECRET=supersecretvalue" + strings.Repeat("y", 50)
	w := Window(body, 0, 60, []string{"supersecretvalue"})
	if !strings.Contains(w, "supersecretvalue") {
		t.Errorf("window %q cuts the value", w)
	}
	w = Window(body, 65, 200, []string{"supersecretvalue"})
	if !strings.Contains(w, "supersecretvalue") {
		t.Errorf("window %q cuts the value", w)
	}
	if got := Window("abc", -5, 99, nil); got != "abc" {
		t.Errorf("Window clamps to %q", got)
	}
}

func TestDetectDeepAndHugeInput(t *testing.T) {
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	_ = Default.Detect([]byte(deep), "application/json")
	big := strings.Repeat("1", 3<<20)
	_ = Default.Detect([]byte(big), "text/plain")
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte(`{"email":"a@b.co","ssn":"412-67-3385","card":"4539 1488 0343 6467"}`), 3, 40)
	f.Add([]byte("Traceback (most recent call last):\n  File \"/srv/app.py\", line 1\nSECRET_KEY=x1234"), 0, 10)
	f.Fuzz(func(t *testing.T, body []byte, start, end int) {
		ms := Default.Detect(body, "")
		_ = Window(string(body), start, end, Values(ms))
		_ = Builtin{}.Detect(body, "application/json")
	})
}

// Many matches in one body must not break detection (the project rule set
// once panicked past a few thousand matches).
func TestManyMatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 200000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"email":"alice.moreau@proton.me"}`)
	}
	b.WriteString("]")
	if ms := Default.Detect([]byte(b.String()), "application/json"); len(ms) == 0 {
		t.Error("no match in a body of 200,000 emails")
	}
}
