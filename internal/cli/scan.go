package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/baseline"
	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/score"
	"github.com/leakhound/leakhound/internal/suppress"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("scan", stderr)
	var f scanFlags
	help := scanHelp(&f)
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("scan takes one TARGET_URL, got %d arguments", fs.NArg())
	}
	cfg, err := f.build(fs, fs.Arg(0))
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Verbosity)
	announceConfig(cfg, stderr)
	limitMemory(cfg)
	endProgress := startProgress(cfg, stderr)
	rep, err := Scan(ctx, cfg, log)
	endProgress()
	return finish(rep, err, cfg, stdout, stderr, log)
}

func scanHelp(f *scanFlags) *commandHelp {
	return &commandHelp{
		usage:   "scan TARGET_URL [flags]",
		summary: "Scan an API for leaks of personal data and secrets: map it, probe it read-only as each identity, report each weakness.",
		details: "Exit codes: 0 clean, 1 findings at or above --fail-on (or score below --min-score), 2 usage or configuration error, 3 the scan could not run, 4 the scan is incomplete.",
		groups:  f.groups(forScan),
		examples: []string{
			"leakhound scan https://api.example.test --identity 'alice=Authorization: Bearer eyJ…' --identity 'bob=Authorization: Bearer eyJ…'",
			"leakhound scan https://api.example.test/api/v3 --spec openapi.yaml --format sarif -o leakhound.sarif --report html=report.html",
			"leakhound scan https://staging.example.test --proxy http://127.0.0.1:8080 -H 'X-Api-Key: …' --checks bola,pii-exposure",
		},
	}
}

// announceConfig says on stderr that a config file was read without
// --config, so identities or report paths meant for another target are not
// used silently.
func announceConfig(cfg *Config, stderr io.Writer) {
	if cfg.ImplicitConfig != "" {
		fmt.Fprintf(stderr, "leakhound: using ./%s (--no-config to ignore it)\n", cfg.ImplicitConfig)
	}
}

// Scan runs one scan as configured. It is the entry point every front end
// (the CLI commands, the MCP server) shares. The report is returned with an
// error when the scan stopped part-way.
func Scan(ctx context.Context, cfg *Config, log *slog.Logger) (*finding.Report, error) {
	in, err := loadSurface(cfg, log)
	if err != nil {
		return nil, err
	}
	opts := scanOptions(cfg, log, in)
	if cfg.Safety.WriteLog != "" {
		f, err := os.OpenFile(cfg.Safety.WriteLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, usagef("--write-log: %v", err)
		}
		defer f.Close()
		opts.Client.WriteLog = f
	}
	rep, err := scan.Run(ctx, opts)
	if rep != nil {
		postProcess(rep, cfg, log, time.Now())
	}
	if rep != nil && cfg.Reveal {
		for i := range rep.Findings {
			rep.Findings[i].Reveal()
		}
	}
	return rep, err
}

// limitMemory sets the Go runtime's soft memory limit to --max-memory,
// unless GOMEMLIMIT is set: the collector then works harder instead of
// letting garbage double the heap, which keeps the process near the budget
// (docs/limits.md). A quarter of the budget is for cached answers and recorded
// exchanges (transport.Config.MaxMemory), the rest for the answers in
// flight, the checks reading them and the scanner itself.
func limitMemory(cfg *Config) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cfg.MaxMemory)
	}
}

// scanOptions turns the configuration and the loaded surface into engine
// options.
func scanOptions(cfg *Config, log *slog.Logger, in *surfaceInput) scan.Options {
	checks := all.New(all.Options{Wordlist: cfg.Wordlist, ForgeSessions: cfg.ForgeSessions})
	return scan.Options{
		Client: transport.Config{
			Target:      cfg.Target,
			Rate:        cfg.Rate,
			Concurrency: cfg.Concurrency,
			Timeout:     cfg.Timeout,
			MaxRequests: cfg.MaxRequests,
			MaxBody:     cfg.MaxBody,
			AllowWrite:  cfg.AllowWrite,
			UserAgent:   cmp.Or(cfg.Network.UserAgent, "leakhound/"+Version),
			Header:      cfg.Network.Header,
			Proxy:       cfg.Network.Proxy,
			TLS:         cfg.Network.TLS,
			MaxRetries:  2,
			// Safety (docs/safety.md).
			StrictReadOnly: cfg.Safety.StrictReadOnly,
			Scope:          cfg.Safety.Scope,
			// Bounds against hostile servers (docs/limits.md).
			MaxMemory:    cfg.MaxMemory,
			MaxRetryWait: cfg.MaxRetryWait,
		},
		MaxTime:       cfg.MaxTime,
		Identities:    append(append([]transport.Identity(nil), cfg.Identities...), in.identities...),
		Endpoints:     in.endpoints,
		Values:        in.values,
		Discovery:     in.discovery,
		GraphQLSchema: in.graphQL,
		Checks:        selectChecks(checks.Active, cfg.Checks, cfg.ExcludeChecks),
		Passive:       selectChecks(checks.Passive, cfg.Checks, cfg.ExcludeChecks),
		Tool:          finding.Tool{Name: "leakhound", Version: Version},
		Logger:        log,
		Progress:      cfg.Progress,
	}
}

// selectChecks keeps the checks whose id is in ids, or all when ids is empty.
// selectChecks keeps the checks whose id is in only (all when only is
// empty) and not in exclude.
func selectChecks[C interface{ Meta() check.Meta }](cs []C, only, exclude []string) []C {
	var out []C
	for _, c := range cs {
		id := c.Meta().ID
		if (len(only) == 0 || slices.Contains(only, id)) && !slices.Contains(exclude, id) {
			out = append(out, c)
		}
	}
	return out
}

// validateCheckIDs rejects unknown ids in --checks and --exclude-checks, and
// a selection that leaves no check.
func validateCheckIDs(only, exclude []string) error {
	known := map[string]bool{}
	for _, m := range all.Metas() {
		known[m.ID] = true
	}
	for flag, ids := range map[string][]string{"--checks": only, "--exclude-checks": exclude} {
		for _, id := range ids {
			if !known[id] {
				return usagef("%s: unknown check %q (see 'leakhound checks')", flag, id)
			}
		}
	}
	left := 0
	for id := range known {
		if (len(only) == 0 || slices.Contains(only, id)) && !slices.Contains(exclude, id) {
			left++
		}
	}
	if left == 0 {
		return usagef("--checks and --exclude-checks leave no check to run")
	}
	return nil
}

// postProcess applies suppressions (rescoring without them) and the
// baseline, in that order, so a suppressed finding that is new stays
// visible as suppressed.
func postProcess(rep *finding.Report, cfg *Config, log *slog.Logger, now time.Time) {
	if len(cfg.Suppressions) > 0 {
		res := suppress.Apply(rep.Findings, cfg.Suppressions, now)
		for _, w := range res.Warnings {
			log.Warn(w)
		}
		if res.Suppressed > 0 {
			log.Info("findings suppressed by configuration", "count", res.Suppressed)
		}
		score.Apply(rep, nil)
	}
	if cfg.Baseline != nil {
		d := baseline.Apply(rep, cfg.Baseline, cfg.BaselinePath)
		log.Info("compared with baseline", "file", cfg.BaselinePath, "new", len(d.New), "fixed", len(d.Fixed), "unchanged", len(d.Unchanged))
	}
}

// finish writes the reports and turns the outcome into the command's error.
func finish(rep *finding.Report, scanErr error, cfg *Config, stdout, stderr io.Writer, log *slog.Logger) error {
	if errors.Is(scanErr, surface.ErrMalformed) || errors.Is(scanErr, surface.ErrUnavailable) {
		return usageError{scanErr}
	}
	if scanErr != nil && (rep == nil || errors.Is(scanErr, scan.ErrUnreachable)) {
		return scanFailed{scanErr}
	}
	if cfg.Reveal {
		log.Warn("--reveal: the report shows raw personal data and secrets")
	}
	if err := writeReports(rep, cfg, stdout); err != nil {
		return err
	}
	if scanErr != nil {
		return scanFailed{fmt.Errorf("partial report written: %w", scanErr)}
	}
	if len(rep.Incomplete) > 0 {
		fmt.Fprintf(stderr, "leakhound: scan incomplete: %s\n", oneLine(strings.Join(rep.Incomplete, "; ")))
		return errIncomplete
	}
	if worst, any := finding.Max(rep.Findings); any && worst >= cfg.FailOn {
		return errFindings
	}
	if cfg.MinScore > 0 && rep.Score < cfg.MinScore {
		fmt.Fprintf(stderr, "leakhound: score %d is below --min-score %d\n", rep.Score, cfg.MinScore)
		return errFindings
	}
	return nil
}

func writeReports(rep *finding.Report, cfg *Config, stdout io.Writer) error {
	color := cfg.Output == "" && isTerminal(stdout)
	width := 0
	if color {
		width = terminalWidth(stdout)
	}
	main := ReportTarget{Format: cfg.Format, File: cfg.Output}
	rules := cfg.Rules
	if rules == nil {
		rules = all.Metas()
	}
	for _, t := range append([]ReportTarget{main}, cfg.Reports...) {
		r, err := report.New(t.Format, report.Options{Color: color && t.File == "", Width: width, FailOn: cfg.FailOn, Rules: rules, SARIFCategory: cfg.SarifCategory})
		if err != nil {
			return usageError{err}
		}
		if t.File == "" || t.File == "-" {
			if err := r.Report(stdout, rep); err != nil {
				return fmt.Errorf("write %s report: %w", t.Format, err)
			}
			continue
		}
		var buf bytes.Buffer
		if err := r.Report(&buf, rep); err != nil {
			return fmt.Errorf("write %s report: %w", t.Format, err)
		}
		if err := writeFile(t.File, buf.Bytes()); err != nil {
			return fmt.Errorf("write %s report: %w", t.Format, err)
		}
	}
	return nil
}

// writeFile writes atomically, readable by the owner only: even masked
// reports describe weaknesses.
func writeFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".leakhound-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write in its folder: %w", name, errors.Unwrap(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("%s: %w", name, errors.Unwrap(err))
	}
	return nil
}

// checkWritable makes sure a report can be written to name before the scan
// sends its first request, so that no result is lost at the end: the folder
// must exist and take a new file, and an existing name must be a writable
// regular file. It leaves nothing behind.
func checkWritable(name string) error {
	if name == "" || name == "-" {
		return nil
	}
	if st, err := os.Stat(name); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", name)
		}
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", name, errors.Unwrap(err))
		}
		f.Close()
	}
	dir := filepath.Dir(name)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: folder %s does not exist", name, dir)
	}
	tmp, err := os.CreateTemp(dir, ".leakhound-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write in folder %s", name, dir)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}
