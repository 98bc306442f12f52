package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
)

func connect(t *testing.T, s Scanner) *mcp.ClientSession {
	t.Helper()
	metas := []check.Meta{{ID: "bola", Title: "BOLA", Severity: finding.Critical, CWE: []string{"CWE-639"}, OWASP: "API1:2023"}}
	srv := New(s, metas, "test")
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "0"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func callText(t *testing.T, cs *mcp.ClientSession, name string, args any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatal(err)
	}
	return res.Content[0].(*mcp.TextContent).Text, res.IsError
}

func TestScanAndGetFinding(t *testing.T) {
	f := finding.Finding{Check: "bola", Title: "BOLA", Severity: finding.Critical, Method: "GET", Path: "/users/{id}", Identity: "alice",
		Evidence: finding.NewEvidence("GET /users/2", 200, `{"email":"bob@example.org"}`, []finding.Value{finding.NewValue("email", "$.email", "bob@example.org")})}
	f.ComputeFingerprint()
	var got ScanInput
	cs := connect(t, func(ctx context.Context, in ScanInput) (*finding.Report, error) {
		got = in
		return &finding.Report{Target: in.Target, Score: 64, Grade: "D", Findings: []finding.Finding{f}, Summary: finding.Summarize([]finding.Finding{f})}, nil
	})
	text, isErr := callText(t, cs, "scan", map[string]any{"target": "http://127.0.0.1:1/", "identities": []string{"alice=X: y"}, "checks": []string{"bola"}})
	if isErr {
		t.Fatal(text)
	}
	if got.Target != "http://127.0.0.1:1/" || len(got.Identities) != 1 || got.Checks[0] != "bola" {
		t.Errorf("scanner got %+v", got)
	}
	var out ScanOutput
	if err := json.Unmarshal([]byte(text), &out); err != nil || out.Grade != "D" || out.Critical != 1 || out.Findings[0].Severity != "critical" {
		t.Fatalf("scan answer %v %s", err, text)
	}
	text, isErr = callText(t, cs, "get_finding", map[string]any{"fingerprint": f.Fingerprint})
	if isErr || !strings.Contains(text, "b***@example.org") || strings.Contains(text, "bob@example.org") {
		t.Errorf("get_finding: error %v, %s", isErr, text)
	}
}

func TestScanErrors(t *testing.T) {
	cs := connect(t, func(ctx context.Context, in ScanInput) (*finding.Report, error) {
		return nil, errors.New("target unreachable")
	})
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"target": "http://127.0.0.1:1/"}, "target unreachable"},
		{map[string]any{"target": "http://127.0.0.1:1/", "checks": []string{"x"}}, `unknown check "x"`},
		{map[string]any{}, "target"},
	} {
		text, isErr := callText(t, cs, "scan", tc.args)
		if !isErr || !strings.Contains(text, tc.want) {
			t.Errorf("%v: error %v %q, want %q", tc.args, isErr, text, tc.want)
		}
	}
}

func TestStoreBounded(t *testing.T) {
	s := &store{byFP: map[string]finding.Finding{}}
	for i := range maxKept + 10 {
		s.put([]finding.Finding{{Fingerprint: string(rune(i + 1000))}})
	}
	if len(s.byFP) != maxKept || len(s.order) != maxKept {
		t.Errorf("store holds %d/%d", len(s.byFP), len(s.order))
	}
	if _, ok := s.get(string(rune(1000))); ok {
		t.Error("the oldest finding was not evicted")
	}
}

// TestScanSaysWhatWasNotTested: an incomplete scan and a category the scan
// could not exercise reach the MCP client as such, not as a bare grade.
func TestScanSaysWhatWasNotTested(t *testing.T) {
	cs := connect(t, func(ctx context.Context, in ScanInput) (*finding.Report, error) {
		return &finding.Report{Target: in.Target, Grade: finding.GradeIncomplete, Incomplete: []string{"no API endpoint found"},
			Categories: []finding.CategoryScore{{ID: "API1:2023", Name: "BOLA", Grade: finding.GradeNotTested, NotTested: "one identity only"}}}, nil
	})
	text, isErr := callText(t, cs, "scan", map[string]any{"target": "http://127.0.0.1:1/"})
	if isErr {
		t.Fatal(text)
	}
	var out ScanOutput
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Incomplete) != 1 || len(out.Categories) != 1 || out.Categories[0].NotTested != "one identity only" {
		t.Errorf("incomplete %q, categories %+v: want the reasons", out.Incomplete, out.Categories)
	}
}
