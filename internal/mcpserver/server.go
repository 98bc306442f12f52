// Package mcpserver exposes leakhound to coding assistants as a Model Context
// Protocol server: tools scan, get_finding and list_checks, and the audits
// of data at rest audit_dynamodb and audit_logs. It does not scan
// by itself: the front end passes the scan entry point it uses, so MCP scans
// behave exactly like CLI scans. Evidence stays masked.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/finding"
)

// ScanInput is the input of the scan tool.
type ScanInput struct {
	Target     string   `json:"target" jsonschema:"base URL of the API to scan, such as http://127.0.0.1:5000/"`
	Spec       string   `json:"spec,omitempty" jsonschema:"OpenAPI or Swagger document (file path or URL), optional"`
	Identities []string `json:"identities,omitempty" jsonschema:"credentials of each identity as NAME=HEADER: VALUE, for example alice=Authorization: Bearer TOKEN; repeat a NAME for more headers"`
	Checks     []string `json:"checks,omitempty" jsonschema:"ids of the checks to run (see list_checks); all when empty"`
}

// Scanner runs one scan. The front end provides it.
type Scanner func(ctx context.Context, in ScanInput) (*finding.Report, error)

// FindingSummary is one finding in the scan tool's answer.
type FindingSummary struct {
	Fingerprint string `json:"fingerprint"`
	Check       string `json:"check"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	Confidence  string `json:"confidence"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Identity    string `json:"identity,omitempty"`
	Subject     string `json:"subject,omitempty"`
	Suppressed  bool   `json:"suppressed,omitempty"`
}

// CategoryScore is one category's score.
type CategoryScore struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Score int    `json:"score"`
	Grade string `json:"grade"`
	// NotTested says why the scan could not exercise the category (grade
	// "not tested").
	NotTested string `json:"not_tested,omitempty"`
}

// ScanOutput is the scan tool's answer: the report summary and its findings,
// most severe first. get_finding gives the details of one.
type ScanOutput struct {
	Target string `json:"target"`
	// Incomplete lists why the scan cannot vouch for the target (grade
	// "incomplete"): no endpoint found, no identity verified, most
	// requests unanswered.
	Incomplete   []string         `json:"incomplete,omitempty"`
	Score        int              `json:"score"`
	Grade        string           `json:"grade"`
	Critical     int              `json:"critical"`
	High         int              `json:"high"`
	Medium       int              `json:"medium"`
	Low          int              `json:"low"`
	Info         int              `json:"info"`
	Total        int              `json:"total"`
	Endpoints    int              `json:"endpoints"`
	RequestsSent int              `json:"requests_sent"`
	Partial      bool             `json:"partial"`
	Errors       []string         `json:"errors,omitempty"`
	Categories   []CategoryScore  `json:"categories,omitempty"`
	Findings     []FindingSummary `json:"findings"`
}

// FindingInput is the input of get_finding.
type FindingInput struct {
	Fingerprint string `json:"fingerprint" jsonschema:"fingerprint of a finding returned by scan"`
}

// FindingDetail is everything about one finding, evidence masked.
type FindingDetail struct {
	FindingSummary
	Description string               `json:"description"`
	CWE         []string             `json:"cwe"`
	OWASP       string               `json:"owasp"`
	URL         string               `json:"url"`
	Evidence    finding.Evidence     `json:"evidence"`
	Remediation string               `json:"remediation"`
	Reproduce   string               `json:"reproduce"`
	Instances   []finding.Instance   `json:"instances,omitempty"`
	Occurrences int                  `json:"occurrences"`
	Suppression *finding.Suppression `json:"suppression,omitempty"`
}

// CheckInfo describes one check.
type CheckInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	CWE         []string `json:"cwe"`
	OWASP       string   `json:"owasp"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation"`
}

// ChecksOutput is the answer of list_checks.
type ChecksOutput struct {
	Checks []CheckInfo `json:"checks"`
}

// maxKept bounds the findings kept for get_finding across scans.
const maxKept = 10000

// store keeps the findings of past scans by fingerprint for get_finding.
type store struct {
	mu    sync.Mutex
	byFP  map[string]finding.Finding
	order []string
}

func (s *store) put(fs []finding.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		if _, ok := s.byFP[f.Fingerprint]; !ok {
			s.order = append(s.order, f.Fingerprint)
		}
		s.byFP[f.Fingerprint] = f
	}
	for len(s.order) > maxKept {
		delete(s.byFP, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *store) get(fp string) (finding.Finding, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.byFP[fp]
	return f, ok
}

// New returns the MCP server. metas describe the checks (list_checks);
// audits, when given, add the audit_dynamodb and audit_logs tools.
func New(scan Scanner, metas []check.Meta, version string, audits ...Audits) *mcp.Server {
	srv := mcp.NewServer(&mcp.Implementation{Name: "leakhound", Title: "leakhound API security scanner", Version: version}, &mcp.ServerOptions{
		Instructions: "leakhound scans a running HTTP API for leaks of personal data and secrets, broken object and function level " +
			"authorization, and misconfigurations. Call scan with the base URL of a local API (and identities to test access " +
			"between users), then get_finding for the evidence, a curl reproduction and the fix of a finding. Evidence is masked.",
	})
	st := &store{byFP: map[string]finding.Finding{}}
	known := map[string]bool{}
	for _, m := range metas {
		known[m.ID] = true
	}

	no := false
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "scan",
		Title:       "Scan an API",
		Description: "Scan a running HTTP API and return its score, grade and findings (most severe first). Sends real requests to the target; write probes are off.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: false, DestructiveHint: &no, OpenWorldHint: &no},
	}, func(ctx context.Context, _ *mcp.CallToolRequest, in ScanInput) (*mcp.CallToolResult, ScanOutput, error) {
		for _, c := range in.Checks {
			if !known[c] {
				return nil, ScanOutput{}, fmt.Errorf("unknown check %q: call list_checks", c)
			}
		}
		rep, err := scan(ctx, in)
		if rep == nil {
			if err == nil {
				err = errors.New("the scan produced no report")
			}
			return nil, ScanOutput{}, err
		}
		st.put(rep.Findings)
		out := summarize(rep)
		if err != nil && !rep.Partial {
			out.Errors = append(out.Errors, err.Error())
		}
		return nil, out, nil
	})

	mcp.AddTool(srv, &mcp.Tool{
		Name:        "get_finding",
		Title:       "Get a finding",
		Description: "Full detail of one finding from a previous scan, by fingerprint: masked evidence, where it was seen, a curl reproduction and the remediation.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: &no},
	}, func(ctx context.Context, _ *mcp.CallToolRequest, in FindingInput) (*mcp.CallToolResult, FindingDetail, error) {
		f, ok := st.get(in.Fingerprint)
		if !ok {
			return nil, FindingDetail{}, fmt.Errorf("no finding with fingerprint %q: run scan first and use a fingerprint it returned", in.Fingerprint)
		}
		return nil, detail(f), nil
	})

	mcp.AddTool(srv, &mcp.Tool{
		Name:        "list_checks",
		Title:       "List checks",
		Description: "Every check leakhound runs: id, title, default severity, CWE, OWASP API Top 10 category, description and remediation.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: &no},
	}, func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, ChecksOutput, error) {
		out := ChecksOutput{Checks: []CheckInfo{}}
		for _, m := range metas {
			out.Checks = append(out.Checks, CheckInfo{ID: m.ID, Title: m.Title, Severity: m.Severity.String(), CWE: nonNil(m.CWE), OWASP: m.OWASP, Description: m.Description, Remediation: m.Remediation})
		}
		return nil, out, nil
	})
	for _, a := range audits {
		addAudits(srv, st, a)
	}
	return srv
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func summary(f finding.Finding) FindingSummary {
	return FindingSummary{
		Fingerprint: f.Fingerprint, Check: f.Check, Title: f.Title, Severity: f.Severity.String(),
		Confidence: f.Confidence.String(), Method: f.Method, Path: f.Path, Identity: f.Identity,
		Subject: f.Subject, Suppressed: f.Suppressed != nil,
	}
}

func summarize(r *finding.Report) ScanOutput {
	out := ScanOutput{
		Target: r.Target, Incomplete: r.Incomplete, Score: r.Score, Grade: r.Grade,
		Critical: r.Summary.Critical, High: r.Summary.High, Medium: r.Summary.Medium, Low: r.Summary.Low, Info: r.Summary.Info, Total: r.Summary.Total,
		Endpoints: r.Endpoints, RequestsSent: r.RequestsSent, Partial: r.Partial, Errors: r.Errors,
		Findings: make([]FindingSummary, 0, len(r.Findings)),
	}
	for _, c := range r.Categories {
		out.Categories = append(out.Categories, CategoryScore{ID: c.ID, Name: c.Name, Score: c.Score, Grade: c.Grade, NotTested: c.NotTested})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, summary(f))
	}
	return out
}

func detail(f finding.Finding) FindingDetail {
	return FindingDetail{
		FindingSummary: summary(f), Description: f.Description, CWE: nonNil(f.CWE), OWASP: f.OWASP, URL: f.URL,
		Evidence: f.Evidence, Remediation: f.Remediation, Reproduce: f.Reproduce, Instances: f.Instances,
		Occurrences: f.Occurrences, Suppression: f.Suppressed,
	}
}
