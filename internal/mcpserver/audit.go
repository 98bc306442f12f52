package mcpserver

import (
	"context"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/finding"
)

// AuditDynamoDBInput is the input of the audit_dynamodb tool.
type AuditDynamoDBInput struct {
	EndpointURL string   `json:"endpoint_url,omitempty" jsonschema:"DynamoDB endpoint such as http://127.0.0.1:8000 (DynamoDB Local, dynalite); empty for AWS itself"`
	Region      string   `json:"region,omitempty" jsonschema:"AWS region, optional"`
	Tables      []string `json:"tables,omitempty" jsonschema:"tables to audit; every table when empty"`
	Sample      int      `json:"sample,omitempty" jsonschema:"items read per table at most (default 1000)"`
}

// AuditLogsInput is the input of the audit_logs tool.
type AuditLogsInput struct {
	Paths []string `json:"paths" jsonschema:"log files or directories on this machine (plain text, JSON lines, gzip, Werkzeug and gunicorn access logs)"`
}

// Audits are the audits of data at rest the front end provides; a nil
// function leaves its tool out.
type Audits struct {
	DynamoDB func(ctx context.Context, in AuditDynamoDBInput) (*finding.Report, error)
	Logs     func(ctx context.Context, in AuditLogsInput) (*finding.Report, error)
}

// addAudits registers audit_dynamodb and audit_logs. Their findings go to
// the same store as the scan's, so get_finding details them too.
func addAudits(srv *mcp.Server, st *store, a Audits) {
	no := false
	answer := func(rep *finding.Report, err error) (*mcp.CallToolResult, ScanOutput, error) {
		if rep == nil {
			if err == nil {
				err = errors.New("the audit produced no report")
			}
			return nil, ScanOutput{}, err
		}
		st.put(rep.Findings)
		out := summarize(rep)
		if err != nil {
			out.Errors = append(out.Errors, err.Error())
		}
		return nil, out, nil
	}
	if a.DynamoDB != nil {
		mcp.AddTool(srv, &mcp.Tool{
			Name:  "audit_dynamodb",
			Title: "Audit DynamoDB tables",
			Description: "Read-only audit of DynamoDB tables (DescribeTable, DescribeContinuousBackups, DescribeTimeToLive, a sample of items by Scan): " +
				"attributes holding personal data or credentials in clear, fast password hashes, indexes projecting every attribute, " +
				"encryption keys and point-in-time recovery. Each finding's remediation names the attributes to move or encrypt, a " +
				"ProjectionExpression and an IAM policy on dynamodb:Attributes. Values are masked.",
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, DestructiveHint: &no, OpenWorldHint: &no},
		}, func(ctx context.Context, _ *mcp.CallToolRequest, in AuditDynamoDBInput) (*mcp.CallToolResult, ScanOutput, error) {
			return answer(a.DynamoDB(ctx, in))
		})
	}
	if a.Logs != nil {
		mcp.AddTool(srv, &mcp.Tool{
			Name:  "audit_logs",
			Title: "Audit log files",
			Description: "Audit log files or directories for personal data and secrets (CWE-532), per file and line range, and for whole " +
				"records logged with logger.info('… %s', item). Values are masked.",
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, DestructiveHint: &no, OpenWorldHint: &no},
		}, func(ctx context.Context, _ *mcp.CallToolRequest, in AuditLogsInput) (*mcp.CallToolResult, ScanOutput, error) {
			if len(in.Paths) == 0 {
				return nil, ScanOutput{}, errors.New("paths: give at least one log file or directory")
			}
			return answer(a.Logs(ctx, in))
		})
	}
}
