package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/pflag"

	auditdynamo "github.com/leakhound/leakhound/internal/audit/dynamodb"
	auditlogs "github.com/leakhound/leakhound/internal/audit/logs"
	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/mcpserver"
)

// runMCP serves the Model Context Protocol over stdin/stdout, so a coding
// assistant can scan a local API. It takes the scan flags (rate, budget,
// timeouts) as defaults for every scan, and only scans loopback targets
// unless --allow-remote.
func runMCP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mcp", stderr)
	var f scanFlags
	server := newGroup("Server")
	allowRemote := server.fs.Bool("allow-remote", false, "allow scans of targets that are not on this machine (loopback)")
	help := &commandHelp{
		usage:   "mcp [flags]",
		summary: "Serve the Model Context Protocol on stdin/stdout (tools: scan, get_finding, list_checks, audit_dynamodb, audit_logs), for coding assistants.",
		details: "The scan flags below are the defaults of every scan the server runs.",
		groups:  append([]flagGroup{server}, f.groups(forMCP)...),
		examples: []string{
			"leakhound mcp",
			"leakhound mcp --rate 20 --max-requests 1000",
		},
	}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("mcp takes no arguments")
	}
	log := newLogger(stderr, f.verbose)
	srv := newMCPServer(fs, f, *allowRemote, stderr)
	log.Info("MCP server on stdio")
	t := &mcp.IOTransport{Reader: io.NopCloser(os.Stdin), Writer: nopWriteCloser{stdout}}
	if err := srv.Run(ctx, t); err != nil && ctx.Err() == nil {
		return fmt.Errorf("mcp: %w", err)
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// newMCPServer builds the MCP server around Scan, the entry point of the
// scan command: each call of the scan tool is configured like a scan
// command line with the flags of `leakhound mcp`.
func newMCPServer(fs *pflag.FlagSet, defaults scanFlags, allowRemote bool, stderr io.Writer) *mcp.Server {
	scanner := func(ctx context.Context, in mcpserver.ScanInput) (*finding.Report, error) {
		f := defaults
		f.spec = in.Spec
		f.identities = in.Identities
		f.reveal = false
		cfg, err := f.build(fs, in.Target)
		if err != nil {
			return nil, err
		}
		if !allowRemote && !isLoopback(cfg.Target.Hostname()) {
			return nil, fmt.Errorf("target %s is not on this machine; start leakhound mcp with --allow-remote to scan it", cfg.Target.Host)
		}
		cfg.Checks = in.Checks
		cfg.Reveal = false
		return Scan(ctx, cfg, newLogger(stderr, cfg.Verbosity))
	}
	audits := mcpserver.Audits{
		DynamoDB: func(ctx context.Context, in mcpserver.AuditDynamoDBInput) (*finding.Report, error) {
			// Like scans, audits stay on this machine unless --allow-remote:
			// without an endpoint the audit would read AWS itself.
			if !allowRemote {
				u, err := url.Parse(in.EndpointURL)
				if in.EndpointURL == "" || err != nil || !isLoopback(u.Hostname()) {
					return nil, fmt.Errorf("endpoint_url %q is not on this machine; start leakhound mcp with --allow-remote to audit AWS or a remote endpoint", in.EndpointURL)
				}
			}
			a := DynamoDBAudit{Endpoint: in.EndpointURL, Region: in.Region, Tables: in.Tables, Sample: in.Sample,
				Segments: auditdynamo.DefaultSegments, Rate: 20, Timeout: 5 * time.Minute}
			if a.Sample == 0 {
				a.Sample = auditdynamo.DefaultSample
			}
			return AuditDynamoDB(ctx, a, newLogger(stderr, defaults.verbose))
		},
		Logs: func(ctx context.Context, in mcpserver.AuditLogsInput) (*finding.Report, error) {
			for _, p := range in.Paths {
				if p == "-" {
					return nil, fmt.Errorf("audit_logs reads files and directories, not standard input")
				}
			}
			return AuditLogs(ctx, in.Paths, nil, auditlogs.MaxLine, newLogger(stderr, defaults.verbose))
		},
	}
	return mcpserver.New(scanner, all.Metas(), Version, audits)
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
