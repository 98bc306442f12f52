package cli

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/mcpserver"
	"github.com/leakhound/leakhound/internal/testapi"
)

// mcpClient connects an in-process MCP client to the server `leakhound mcp`
// would serve with args.
func mcpClient(t *testing.T, args ...string) *mcp.ClientSession {
	t.Helper()
	fs := newFlagSet("mcp", io.Discard)
	var f scanFlags
	scanHelp(&f).bind(fs, io.Discard)
	if err := parse(fs, args); err != nil {
		t.Fatal(err)
	}
	srv := newMCPServer(fs, f, false, io.Discard)
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool and decodes its text answer into out; it returns the
// text of an error answer.
func call(t *testing.T, cs *mcp.ClientSession, tool string, args any, out any) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if len(res.Content) == 0 {
		t.Fatalf("%s: empty answer", tool)
	}
	text := res.Content[0].(*mcp.TextContent).Text
	if res.IsError {
		return text
	}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		t.Fatalf("%s: %v in %s", tool, err, text)
	}
	return ""
}

func TestMCPServer(t *testing.T) {
	vuln := serve(t, testapi.Vulnerable)
	cs := mcpClient(t, "--rate", "200", "--max-requests", "500")

	tools := map[string]bool{}
	for tool, err := range cs.Tools(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		tools[tool.Name] = true
	}
	for _, name := range []string{"scan", "get_finding", "list_checks"} {
		if !tools[name] {
			t.Errorf("tool %s missing (have %v)", name, tools)
		}
	}

	var checks mcpserver.ChecksOutput
	if msg := call(t, cs, "list_checks", map[string]any{}, &checks); msg != "" {
		t.Fatal(msg)
	}
	if len(checks.Checks) != len(all.Metas()) || checks.Checks[0].ID == "" {
		t.Fatalf("list_checks: %+v", checks)
	}

	var scanned mcpserver.ScanOutput
	alice := "alice=Authorization: Bearer " + testapi.AliceToken
	if msg := call(t, cs, "scan", map[string]any{"target": vuln, "identities": []string{alice}}, &scanned); msg != "" {
		t.Fatal(msg)
	}
	if len(scanned.Findings) == 0 || scanned.Grade == "" || scanned.Total != len(scanned.Findings) || scanned.RequestsSent == 0 {
		t.Fatalf("scan: %+v", scanned)
	}

	first := scanned.Findings[0]
	var detail mcpserver.FindingDetail
	if msg := call(t, cs, "get_finding", map[string]any{"fingerprint": first.Fingerprint}, &detail); msg != "" {
		t.Fatal(msg)
	}
	if detail.Fingerprint != first.Fingerprint || detail.Remediation == "" || detail.Reproduce == "" || detail.Evidence.Request == "" {
		t.Errorf("get_finding: %+v", detail)
	}
	if strings.Contains(detail.Reproduce, testapi.AliceToken) {
		t.Error("get_finding shows a credential")
	}

	// Restrict to one check.
	only := checks.Checks[len(checks.Checks)-1].ID
	scanned = mcpserver.ScanOutput{}
	if msg := call(t, cs, "scan", map[string]any{"target": vuln, "checks": []string{only}}, &scanned); msg != "" {
		t.Fatal(msg)
	}
	for _, f := range scanned.Findings {
		if f.Check != only {
			t.Errorf("scan restricted to %s returned a %s finding", only, f.Check)
		}
	}

	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"get_finding", map[string]any{"fingerprint": "0000"}, "no finding with fingerprint"},
		{"scan", map[string]any{"target": "http://192.0.2.1/"}, "not on this machine"},
		{"scan", map[string]any{"target": vuln, "checks": []string{"nope"}}, `unknown check "nope"`},
		{"scan", map[string]any{"target": "ftp://127.0.0.1/"}, "http:// or https://"},
	} {
		if msg := call(t, cs, tc.tool, tc.args, &struct{}{}); !strings.Contains(msg, tc.want) {
			t.Errorf("%s %v: answer %q, want an error containing %q", tc.tool, tc.args, msg, tc.want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"127.0.0.1": true, "127.8.0.1": true, "::1": true, "localhost": true, "api.localhost": true, "192.0.2.1": false, "example.com": false} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v", host, got)
		}
	}
}
