package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	awsdynamodb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/leakhound/leakhound/internal/audit"
	auditdynamo "github.com/leakhound/leakhound/internal/audit/dynamodb"
	auditlogs "github.com/leakhound/leakhound/internal/audit/logs"
	"github.com/leakhound/leakhound/internal/baseline"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/suppress"
)

// runAudit dispatches `leakhound audit dynamodb|logs`: audits of data at
// rest that share the finding model, reports, baselines, suppressions and
// exit codes of scan (docs/audit.md).
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	help := &commandHelp{
		usage:   "audit dynamodb|logs [flags]",
		summary: "Audit data at rest: DynamoDB tables and log files, with the findings, reports and exit codes of scan.",
		details: "Kinds:\n  audit dynamodb [flags]          DynamoDB tables (read-only): personal data and credentials in clear, fast password hashes\n" +
			"  audit logs FILE|DIR|- [flags]   log files: personal data and secrets, whole records logged\n\n" +
			"Run 'leakhound audit dynamodb --help' or 'leakhound audit logs --help' for the flags (docs/audit.md).",
		examples: []string{
			"leakhound audit dynamodb --region eu-west-1",
			"leakhound audit logs /var/log/app/ --format sarif -o logs.sarif",
		},
	}
	if len(args) == 0 {
		help.write(stderr)
		return usagef("audit needs a kind: dynamodb or logs")
	}
	switch args[0] {
	case "dynamodb":
		return runAuditDynamoDB(ctx, args[1:], stdout, stderr)
	case "logs":
		return runAuditLogs(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		help.write(stdout)
		return nil
	}
	return usagef("unknown audit %q (want dynamodb or logs)", args[0])
}

// auditFlags are the report flags every audit takes, as scan has them.
type auditFlags struct {
	config   string
	format   string
	output   string
	reports  []string
	failOn   string
	baseline string
	reveal   bool
	quiet    bool
	verbose  int
}

// group returns the report flags as a help group.
func (f *auditFlags) group() flagGroup {
	g := newGroup("Report")
	fs := g.fs
	fs.StringVar(&f.format, "format", "text", "report format on --output: "+strings.Join(report.Formats(), ", "))
	fs.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of stdout")
	fs.StringArrayVar(&f.reports, "report", nil, "also write FORMAT=FILE (repeatable)")
	fs.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding at or above this severity exists: critical, high, medium, low, info")
	fs.StringVar(&f.baseline, "baseline", "", "previous JSON report: report only new findings, list fixed ones")
	fs.StringVar(&f.config, "config", "", "YAML file with report settings and suppressions (as for scan; flags win)")
	fs.BoolVar(&f.reveal, "reveal", false, "show evidence unmasked (raw personal data and secrets)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "log errors only")
	fs.CountVarP(&f.verbose, "verbose", "v", "log more (-v, -vv)")
	return g
}

// build reads the config file (the scan's, or .leakhound.yaml when present)
// for its report settings and suppressions, and validates the flags.
func (f *auditFlags) build(fs *pflag.FlagSet) (*Config, error) {
	var fc fileConfig
	if f.config == "" {
		if _, err := os.Stat(DefaultConfigFile); err == nil {
			f.config = DefaultConfigFile
		}
	}
	if f.config != "" {
		b, err := os.ReadFile(f.config)
		if err != nil {
			return nil, usagef("read config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) {
			return nil, usagef("config %s: %v", f.config, err)
		}
	}
	pick := func(name, flagVal, fileVal string) string {
		if fs.Changed(name) || fileVal == "" {
			return flagVal
		}
		return fileVal
	}
	c := &Config{Rules: append(audit.DynamoDBRules(), audit.LogRules()...)}
	c.Format = strings.ToLower(pick("format", f.format, fc.Format))
	if _, err := report.New(c.Format, report.Options{}); err != nil {
		return nil, usagef("--format: %v", err)
	}
	c.Output = pick("output", f.output, fc.Output)
	reports := f.reports
	if !fs.Changed("report") {
		reports = fc.Reports
	}
	for _, r := range reports {
		format, file, ok := strings.Cut(r, "=")
		if !ok || format == "" || file == "" {
			return nil, usagef("--report %q: want FORMAT=FILE", r)
		}
		if _, err := report.New(format, report.Options{}); err != nil {
			return nil, usagef("--report: %v", err)
		}
		c.Reports = append(c.Reports, ReportTarget{Format: strings.ToLower(format), File: file})
	}
	var err error
	if c.FailOn, err = finding.ParseSeverity(pick("fail-on", f.failOn, fc.FailOn)); err != nil {
		return nil, usagef("--fail-on: %v", err)
	}
	c.Reveal = f.reveal
	if !fs.Changed("reveal") && fc.Reveal != nil {
		c.Reveal = *fc.Reveal
	}
	c.Verbosity = f.verbose
	if f.quiet {
		c.Verbosity = -1
	}
	c.Suppressions = fc.Suppressions
	if err := suppress.ValidateAll(c.Suppressions); err != nil {
		return nil, usagef("config %s: %v", f.config, err)
	}
	if c.BaselinePath = pick("baseline", f.baseline, fc.Baseline); c.BaselinePath != "" {
		if c.Baseline, err = baseline.Load(c.BaselinePath); err != nil {
			return nil, usagef("--baseline %s: %v", c.BaselinePath, err)
		}
	}
	return c, nil
}

// DynamoDBAudit is what `leakhound audit dynamodb` audits.
type DynamoDBAudit struct {
	// Endpoint replaces the AWS endpoint (dynalite, DynamoDB Local).
	Endpoint string
	Region   string
	// Profile names a shared-config profile (empty: the default chain).
	Profile  string
	Tables   []string
	Sample   int
	Segments int
	Rate     float64
	Timeout  time.Duration
}

func runAuditDynamoDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit dynamodb", stderr)
	var f auditFlags
	var a DynamoDBAudit
	g := newGroup("DynamoDB")
	g.fs.StringVar(&a.Endpoint, "endpoint-url", "", "DynamoDB endpoint URL instead of AWS's (dynalite, DynamoDB Local), such as http://127.0.0.1:8000")
	g.fs.StringVar(&a.Region, "region", "", "AWS region (default: AWS_REGION, the profile's region; us-east-1 with --endpoint-url)")
	g.fs.StringVar(&a.Profile, "profile", "", "shared config profile (default: AWS_PROFILE or the default chain)")
	g.fs.StringArrayVar(&a.Tables, "table", nil, "table to audit (repeatable; default: every table ListTables returns)")
	g.fs.IntVar(&a.Sample, "sample", auditdynamo.DefaultSample, "items read per table at most")
	g.fs.IntVar(&a.Segments, "segments", auditdynamo.DefaultSegments, "parallel Scan segments per table")
	g.fs.Float64Var(&a.Rate, "rate", 20, "DynamoDB API calls per second at most (0: no limit)")
	g.fs.DurationVar(&a.Timeout, "timeout", 10*time.Minute, "time the whole audit may take")
	help := &commandHelp{
		usage:   "audit dynamodb [flags]",
		summary: "Audit DynamoDB tables for personal data and credentials at rest (read-only).",
		details: "Reports attributes holding personal data or credentials in clear, passwords in clear or with a fast hash,\n" +
			"indexes projecting ALL attributes, AWS owned encryption keys and point-in-time recovery off, with a remedy per\n" +
			"table (attributes to move or encrypt, a ProjectionExpression, an IAM policy on dynamodb:Attributes). Calls only\n" +
			"ListTables, DescribeTable, DescribeContinuousBackups, DescribeTimeToLive and Scan, with the standard AWS\n" +
			"credential chain (docs/audit.md).",
		groups: []flagGroup{g, f.group()},
		examples: []string{
			"leakhound audit dynamodb --region eu-west-1",
			"leakhound audit dynamodb --table users --table orders --sample 200 --format sarif -o audit.sarif",
			"leakhound audit dynamodb --endpoint-url http://127.0.0.1:8000",
		},
	}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("audit dynamodb takes no arguments (use --table NAME), got %q", fs.Arg(0))
	}
	cfg, err := f.build(fs)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Verbosity)
	rep, err := AuditDynamoDB(ctx, a, log)
	if err != nil {
		return err
	}
	postProcess(rep, cfg, log, time.Now())
	if cfg.Reveal {
		revealAll(rep)
	}
	return finish(rep, nil, cfg, stdout, stderr, log)
}

// AuditDynamoDB runs a DynamoDB audit; the CLI and the MCP server share it.
// Bad settings are usage errors; a report is returned whenever the audit
// ran, marked incomplete when no table could be read.
func AuditDynamoDB(ctx context.Context, a DynamoDBAudit, log *slog.Logger) (*finding.Report, error) {
	if a.Sample < 1 || a.Sample > 1_000_000 {
		return nil, usagef("--sample must be between 1 and 1000000")
	}
	if a.Segments < 1 || a.Segments > 64 {
		return nil, usagef("--segments must be between 1 and 64")
	}
	if a.Rate < 0 {
		return nil, usagef("--rate must not be negative")
	}
	for _, t := range a.Tables {
		if strings.TrimSpace(t) == "" {
			return nil, usagef("--table needs a table name")
		}
	}
	if a.Endpoint != "" {
		u, err := url.Parse(a.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return nil, usagef("--endpoint-url %q: want an http:// or https:// URL without credentials", a.Endpoint)
		}
		if a.Region == "" {
			a.Region = "us-east-1"
		}
	}
	var opts []func(*awsconfig.LoadOptions) error
	if a.Region != "" {
		opts = append(opts, awsconfig.WithRegion(a.Region))
	}
	if a.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(a.Profile))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, usagef("AWS configuration: %v", err)
	}
	if awsCfg.Region == "" {
		return nil, usagef("no AWS region: set --region, AWS_REGION or a profile region")
	}
	client := awsdynamodb.NewFromConfig(awsCfg, func(o *awsdynamodb.Options) {
		if a.Endpoint != "" {
			o.BaseEndpoint = aws.String(a.Endpoint)
		}
	})
	target := a.Endpoint
	if target == "" {
		target = "dynamodb://" + awsCfg.Region
	}
	ctx, cancel := context.WithTimeout(ctx, a.Timeout)
	defer cancel()
	started := time.Now()
	log.Info("auditing DynamoDB", "target", target, "tables", len(a.Tables), "sample", a.Sample)
	res, err := auditdynamo.Audit(ctx, auditdynamo.Options{
		Client: client, Tables: a.Tables, Sample: a.Sample, Segments: a.Segments, Rate: a.Rate,
		Endpoint: a.Endpoint, Region: awsCfg.Region,
	})
	if res == nil {
		return nil, scanFailed{err}
	}
	rep := audit.Report(Version, target, len(res.Tables), res.Calls, started, res.Findings)
	for _, w := range res.Warnings {
		rep.Errors = append(rep.Errors, w)
	}
	for _, f := range res.Failed {
		rep.Errors = append(rep.Errors, "table "+f)
	}
	switch {
	case err != nil:
		rep.MarkIncomplete("the audit stopped: " + oneLine(err.Error()))
	case len(res.Tables) == 0 && len(res.Failed) > 0:
		rep.MarkIncomplete(fmt.Sprintf("no table could be read (%d failed): %s", len(res.Failed), res.Failed[0]))
	case len(res.Tables) == 0:
		rep.MarkIncomplete("no table found")
	}
	return rep, nil
}

func runAuditLogs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit logs", stderr)
	var f auditFlags
	g := newGroup("Logs")
	maxLine := g.fs.String("max-line", "1MiB", "bytes of one line inspected at most")
	help := &commandHelp{
		usage:   "audit logs FILE|DIR|- [flags]",
		summary: "Audit log files for personal data and secrets, per file and line range, masked.",
		details: "Reads plain text, JSON lines, gzip (by content), Werkzeug and gunicorn access logs (request URLs), directories\n" +
			"recursively and - for standard input; reports whole records logged with logger.info('... %s', item) apart\n" +
			"(docs/audit.md).",
		groups: []flagGroup{g, f.group()},
		examples: []string{
			"leakhound audit logs /var/log/app/",
			"zcat app.log.3.gz | leakhound audit logs - --format json",
		},
	}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("audit logs needs a FILE, DIR or - (standard input)")
	}
	cfg, err := f.build(fs)
	if err != nil {
		return err
	}
	n, err := parseSize(*maxLine)
	if err != nil || n > 64<<20 {
		return usagef("--max-line: want a size up to 64MiB")
	}
	log := newLogger(stderr, cfg.Verbosity)
	rep, err := AuditLogs(ctx, fs.Args(), os.Stdin, int(n), log)
	if err != nil {
		return err
	}
	postProcess(rep, cfg, log, time.Now())
	if cfg.Reveal {
		revealAll(rep)
	}
	return finish(rep, nil, cfg, stdout, stderr, log)
}

// AuditLogs audits log files; the CLI and the MCP server share it. A path
// that does not exist is a usage error; a report with nothing read is
// incomplete.
func AuditLogs(ctx context.Context, paths []string, stdin io.Reader, maxLine int, log *slog.Logger) (*finding.Report, error) {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return nil, usagef("audit logs: %v", err)
		}
	}
	started := time.Now()
	res, err := auditlogs.Audit(ctx, auditlogs.Options{Paths: paths, Stdin: stdin, MaxLine: maxLine})
	if res == nil {
		return nil, scanFailed{err}
	}
	log.Info("audited logs", "files", res.Files, "bytes", res.Bytes, "lines", res.Lines, "seconds", time.Since(started).Seconds())
	rep := audit.Report(Version, strings.Join(paths, " "), res.Files, 0, started, res.Findings)
	rep.Errors = append(rep.Errors, res.Skipped...)
	switch {
	case err != nil:
		rep.MarkIncomplete("the audit stopped: " + oneLine(err.Error()))
	case res.Files == 0:
		rep.MarkIncomplete("no log file could be read")
	}
	return rep, nil
}

func revealAll(rep *finding.Report) {
	for i := range rep.Findings {
		rep.Findings[i].Reveal()
	}
}
