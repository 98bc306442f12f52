package safety

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leakhound/leakhound/internal/surface"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		ep    surface.Endpoint
		class Class
		word  string
	}{
		// Reads.
		{"plain GET", surface.Endpoint{Method: "GET", Path: "/api/users/{id}"}, Read, ""},
		{"noun runs stays a read", surface.Endpoint{Method: "GET", Path: "/api/runs"}, Read, ""},
		{"noun run before an id", surface.Endpoint{Method: "GET", Path: "/api/run/{run_id}"}, Read, ""},
		{"noun compound sync-status", surface.Endpoint{Method: "GET", Path: "/api/sync-status"}, Read, ""},
		{"password-reset is a noun phrase", surface.Endpoint{Method: "GET", Path: "/api/password-reset"}, Read, ""},
		{"settings is not set", surface.Endpoint{Method: "GET", Path: "/api/settings"}, Read, ""},
		{"address is not add", surface.Endpoint{Method: "GET", Path: "/api/users/{id}/address"}, Read, ""},
		{"dropdown is not drop", surface.Endpoint{Method: "GET", Path: "/api/dropdown-options"}, Read, ""},
		{"register namespace", surface.Endpoint{Method: "GET", Path: "/api/register/check-email"}, Read, ""},
		{"upload namespace", surface.Endpoint{Method: "GET", Path: "/api/upload/status"}, Read, ""},
		{"edit before an id", surface.Endpoint{Method: "GET", Path: "/api/edit/{id}"}, Write, "edit"},
		{"reset in the middle still counts", surface.Endpoint{Method: "GET", Path: "/api/reset/confirm"}, Never, "reset"},
		{"summary noun title", surface.Endpoint{Method: "GET", Path: "/runs", Summary: "Runs"}, Read, ""},
		{"summary noun phrase", surface.Endpoint{Method: "GET", Path: "/transfers", Summary: "Transfer history"}, Read, ""},
		{"reads its reset status", surface.Endpoint{Method: "GET", Path: "/jobs", OperationID: "getResetStatus"}, Read, ""},
		{"HEAD read", surface.Endpoint{Method: "HEAD", Path: "/"}, Read, ""},
		{"empty method is GET", surface.Endpoint{Path: "/health"}, Read, ""},

		// Reset-like and session-ending, whatever the method.
		{"createdb by GET", surface.Endpoint{Method: "GET", Path: "/createdb"}, Never, "createdb"},
		{"initdb", surface.Endpoint{Method: "GET", Path: "/admin/initdb"}, Never, "initdb"},
		{"db reset", surface.Endpoint{Method: "GET", Path: "/db/reset"}, Never, "reset"},
		{"db-reset compound", surface.Endpoint{Method: "GET", Path: "/api/db-reset"}, Never, "reset-db"},
		{"createDatabase operationId", surface.Endpoint{Method: "POST", Path: "/setup", OperationID: "createDatabase"}, Never, "create-database"},
		{"rebuild-index", surface.Endpoint{Method: "GET", Path: "/api/admin/rebuild-index"}, Never, "rebuild-index"},
		{"reset-password is a verb", surface.Endpoint{Method: "POST", Path: "/api/users/{id}/reset-password"}, Never, "reset"},
		{"logout GET", surface.Endpoint{Method: "GET", Path: "/api/logout"}, Never, "logout"},
		{"log-out split", surface.Endpoint{Method: "GET", Path: "/auth/log-out"}, Never, "logout"},
		{"sign_out", surface.Endpoint{Method: "POST", Path: "/sign_out"}, Never, "signout"},
		{"logout by extension", surface.Endpoint{Method: "GET", Path: "/logout.php"}, Never, "logout"},
		{"revoke token", surface.Endpoint{Method: "POST", Path: "/oauth/tokens/{id}/revoke"}, Never, "revoke"},
		{"seed", surface.Endpoint{Method: "GET", Path: "/seed"}, Never, "seed"},
		{"reset summary", surface.Endpoint{Method: "GET", Path: "/x", Summary: "Reset the database"}, Never, "reset"},
		{"reset in a read POST", surface.Endpoint{Method: "POST", Path: "/search/reset"}, Never, "reset"},
		{"logout beats DELETE", surface.Endpoint{Method: "DELETE", Path: "/session/logout"}, Never, "logout"},
		{"action query", surface.Endpoint{Method: "GET", Path: "/admin.php?action=truncate"}, Never, "truncate"},
		{"wipe operationId last", surface.Endpoint{Method: "POST", Path: "/x", OperationID: "storage_wipe"}, Never, "wipe"},

		// Destructive.
		{"DELETE method", surface.Endpoint{Method: "DELETE", Path: "/api/users/{id}"}, Destructive, ""},
		{"run action", surface.Endpoint{Method: "GET", Path: "/jobs/7/run"}, Destructive, "run"},
		{"run action templated", surface.Endpoint{Method: "POST", Path: "/jobs/{id}/run"}, Destructive, "run"},
		{"delete by GET", surface.Endpoint{Method: "GET", Path: "/admin/delete-user/5"}, Destructive, "delete"},
		{"deleteUser operationId", surface.Endpoint{Method: "POST", Path: "/rpc", OperationID: "deleteUser"}, Destructive, "delete"},
		{"users_delete operationId", surface.Endpoint{Method: "POST", Path: "/rpc", OperationID: "users_delete"}, Destructive, "delete"},
		{"third person summary", surface.Endpoint{Method: "GET", Path: "/x", Summary: "Deletes user"}, Destructive, "delete"},
		{"runs the job", surface.Endpoint{Method: "GET", Path: "/x", Summary: "Runs the nightly job"}, Destructive, "run"},
		{"ban", surface.Endpoint{Method: "PUT", Path: "/users/{id}/ban"}, Destructive, "ban"},
		{"cancel", surface.Endpoint{Method: "POST", Path: "/orders/{id}/cancel"}, Destructive, "cancel"},
		{"send money", surface.Endpoint{Method: "POST", Path: "/api/send-money"}, Destructive, "send"},
		{"search then delete", surface.Endpoint{Method: "POST", Path: "/search/delete"}, Destructive, "delete"},
		{"export with delete summary", surface.Endpoint{Method: "POST", Path: "/export", Summary: "Delete the export"}, Destructive, "delete"},

		// Writes.
		{"POST collection", surface.Endpoint{Method: "POST", Path: "/api/users"}, Write, ""},
		{"POST plural reports is a create", surface.Endpoint{Method: "POST", Path: "/api/reports"}, Write, ""},
		{"PATCH", surface.Endpoint{Method: "PATCH", Path: "/api/users/{id}"}, Write, ""},
		{"GET that creates", surface.Endpoint{Method: "GET", Path: "/api/users/create"}, Write, "create"},
		{"register", surface.Endpoint{Method: "POST", Path: "/api/register"}, Write, "register"},
		{"search saved by create verb", surface.Endpoint{Method: "POST", Path: "/search", OperationID: "createSavedSearch"}, Write, "create"},
		{"graphql is not a read by name", surface.Endpoint{Method: "POST", Path: "/graphql"}, Write, ""},

		// Read-POSTs.
		{"POST search", surface.Endpoint{Method: "POST", Path: "/api/search"}, ReadPOST, "search"},
		{"POST users search", surface.Endpoint{Method: "POST", Path: "/api/users/search"}, ReadPOST, "search"},
		{"POST export", surface.Endpoint{Method: "POST", Path: "/api/invoices/{id}/export"}, ReadPOST, "export"},
		{"POST getUser", surface.Endpoint{Method: "POST", Path: "/rpc/getUser"}, ReadPOST, "get"},
		{"POST operationId", surface.Endpoint{Method: "POST", Path: "/v2/items", OperationID: "queryItems"}, ReadPOST, "query"},
		{"POST summary", surface.Endpoint{Method: "POST", Path: "/v2/items/_q", Summary: "Lists all items matching a filter"}, ReadPOST, "list"},
		{"POST details", surface.Endpoint{Method: "POST", Path: "/account/details"}, ReadPOST, "details"},
		{"PUT search stays a write", surface.Endpoint{Method: "PUT", Path: "/api/search"}, Write, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Classify(tt.ep)
			if v.Class != tt.class || v.Word != tt.word {
				t.Errorf("Classify(%s %s op=%q sum=%q) = %+v, want class %s word %q", tt.ep.Method, tt.ep.Path, tt.ep.OperationID, tt.ep.Summary, v, tt.class, tt.word)
			}
			if v.Reason == "" {
				t.Error("verdict without a reason")
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	modes := []Mode{ReadOnly, StrictReadOnly, AllowWrite}
	want := map[Class][]bool{
		Read:        {true, true, true},
		ReadPOST:    {true, false, true},
		Write:       {false, false, true},
		Destructive: {false, false, true},
		Never:       {false, false, false},
	}
	for class, row := range want {
		for i, m := range modes {
			if got := (Verdict{Class: class}).Allowed(m); got != row[i] {
				t.Errorf("%s allowed in %s = %v, want %v", class, m, got, row[i])
			}
		}
	}
	if (Verdict{}).Allowed(AllowWrite) {
		t.Error("an unclassified verdict must not be allowed")
	}
}

func TestClassifyRequest(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		class        Class
	}{
		{"GET", "/api/logout", Never},
		{"GET", "/api/logout?next=%2F", Never},
		{"GET", "/api/items?action=delete&id=3", Destructive},
		{"GET", "/api/items?sort=delete", Read}, // sort is not an action key
		{"GET", "/api/items/7", Read},
		{"GET", "/api/%72eset", Never}, // escaped
		{"POST", "/api/lookup", ReadPOST},
	} {
		if got := ClassifyRequest(tt.method, tt.path); got.Class != tt.class {
			t.Errorf("ClassifyRequest(%s %s) = %+v, want %s", tt.method, tt.path, got, tt.class)
		}
	}
}

func TestTokens(t *testing.T) {
	for in, want := range map[string][]string{
		"rebuildIndex":       {"rebuild", "index"},
		"HTMLExport":         {"html", "export"},
		"reset_password.php": {"reset", "password", "php"},
		"v2":                 {"v2"},
		"getUserByID":        {"get", "user", "by", "id"},
		"\xffReset\xfe":      {"reset"},
		"ÉtéRun":             {"été", "run"},
		"":                   nil,
	} {
		if diff := cmp.Diff(want, tokens(in)); diff != "" {
			t.Errorf("tokens(%q) (-want +got):\n%s", in, diff)
		}
	}
}

// TestWordsAreData keeps the word list well-formed: lower-case single
// tokens, each once, every class known, and the list the brief names.
func TestWordsAreData(t *testing.T) {
	seen := map[string]bool{}
	for _, w := range Words {
		if seen[w.Word] {
			t.Errorf("%q listed twice", w.Word)
		}
		seen[w.Word] = true
		if toks := tokens(w.Word); len(toks) != 1 || toks[0] != w.Word {
			t.Errorf("%q is not one lower-case token", w.Word)
		}
		if !slices.Contains([]Class{Read, Write, Destructive, Never}, w.Class) {
			t.Errorf("%q has class %q", w.Word, w.Class)
		}
	}
	for _, must := range []string{"reset", "createdb", "initdb", "seed", "drop", "delete", "remove", "purge", "truncate",
		"wipe", "clear", "flush", "destroy", "rebuild", "reindex", "restart", "shutdown", "reboot", "kill", "logout",
		"signout", "logoff", "revoke", "unsubscribe", "deactivate", "disable", "cancel", "approve", "reject", "ban",
		"unban", "promote", "transfer", "pay", "send", "execute", "run", "trigger", "import", "sync",
		"get", "fetch", "list", "search", "query", "find", "lookup", "details", "view", "read", "export", "download", "report"} {
		if !seen[must] {
			t.Errorf("word %q missing from the list", must)
		}
	}
}

func TestScope(t *testing.T) {
	rule := func(s string) Rule {
		r, err := ParseRule(s)
		if err != nil {
			t.Fatalf("ParseRule(%q): %v", s, err)
		}
		return r
	}
	tests := []struct {
		scope        Scope
		method, path string
		want         bool
	}{
		{Scope{}, "GET", "/anything", true},
		{Scope{Exclude: []Rule{rule("GET /api/admin/*")}}, "GET", "/api/admin/users", false},
		{Scope{Exclude: []Rule{rule("GET /api/admin/*")}}, "HEAD", "/api/admin/users", false},
		{Scope{Exclude: []Rule{rule("GET /api/admin/*")}}, "GET", "/api/admin/users?x=1", false},
		{Scope{Exclude: []Rule{rule("GET /api/admin/*")}}, "GET", "/api/admin/{id}", false},
		{Scope{Exclude: []Rule{rule("GET /api/admin/*")}}, "POST", "/api/admin/users", true},
		{Scope{Exclude: []Rule{rule("GET /api/admin/*")}}, "GET", "/api/admin/users/7", true}, // * is one segment
		{Scope{Exclude: []Rule{rule("GET /api/admin/*")}}, "GET", "/api/admin", true},
		{Scope{Exclude: []Rule{rule("/admin/**")}}, "DELETE", "/admin", false},
		{Scope{Exclude: []Rule{rule("/admin/**")}}, "GET", "/admin/a/b/c", false},
		{Scope{Exclude: []Rule{rule("/admin/**")}}, "GET", "/administrator", true},
		{Scope{Exclude: []Rule{rule("/**/export")}}, "GET", "/a/b/export", false},
		{Scope{Include: []Rule{rule("/api/**")}}, "GET", "/api/users", true},
		{Scope{Include: []Rule{rule("/api/**")}}, "GET", "/", false},
		{Scope{Include: []Rule{rule("/api/**")}, Exclude: []Rule{rule("DELETE /api/*")}}, "DELETE", "/api/users", false},
		{Scope{Include: []Rule{rule("/api/**")}, Exclude: []Rule{rule("DELETE /api/*")}}, "PUT", "/api/users", true},
	}
	for _, tt := range tests {
		got, why := tt.scope.Allows(tt.method, tt.path)
		if got != tt.want {
			t.Errorf("%+v Allows(%s %s) = %v (%s), want %v", tt.scope, tt.method, tt.path, got, why, tt.want)
		}
		if !got && why == "" {
			t.Errorf("refusal of %s %s without a reason", tt.method, tt.path)
		}
	}
	for _, bad := range []string{"api/*", "GET", "G3T /x", "/a/[b"} {
		if _, err := ParseRule(bad); err == nil {
			t.Errorf("ParseRule(%q) accepted", bad)
		}
	}
}

// TestDocListsEveryWord keeps the table of docs/safety.md in step with
// Words: each word in its class's row, marked * when it is also a noun.
func TestDocListsEveryWord(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "safety.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[Class]string{}
	for _, line := range strings.Split(string(b), "\n") {
		for _, c := range []Class{Never, Destructive, Write, Read} {
			if strings.HasPrefix(line, "| "+string(c)+" ") {
				rows[c] = line
			}
		}
	}
	for _, w := range Words {
		cell := "`" + w.Word + "`"
		if w.Noun {
			cell = "`" + w.Word + "*`"
		}
		if !strings.Contains(rows[w.Class]+",", cell+",") && !strings.Contains(rows[w.Class], cell+" |") {
			t.Errorf("docs/safety.md: %s missing from the %s row", cell, w.Class)
		}
	}
	n := 0
	for _, row := range rows {
		cells := strings.Split(strings.TrimSuffix(row, "|"), "|")
		n += strings.Count(cells[len(cells)-1], "`") / 2
	}
	if n != len(Words) {
		t.Errorf("docs/safety.md lists %d words, the list has %d", n, len(Words))
	}
}
