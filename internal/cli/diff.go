package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/baseline"
	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/report"
)

// runDiff compares two JSON reports by fingerprint. With --format text or
// json it lists new, fixed and unchanged findings; any report format
// (markdown, sarif, html, junit) renders NEW restricted to its new findings,
// with the fixed ones listed where the format can. It exits 1 when a new
// unsuppressed finding is at or above --fail-on.
func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("diff", stderr)
	g := newGroup("Flags")
	format := g.fs.String("format", "text", "text, json, or a report format ("+strings.Join(report.Formats(), ", ")+") of the new findings")
	failOn := g.fs.String("fail-on", "high", "exit 1 when a new finding is at or above this severity")
	help := &commandHelp{
		usage:   "diff OLD.json NEW.json [flags]",
		summary: "Compare two JSON reports: new, fixed and unchanged findings (exit 1 when a new finding is at or above --fail-on).",
		groups:  []flagGroup{g},
		examples: []string{
			"leakhound diff yesterday.json today.json",
			"leakhound diff main.json branch.json --format markdown --fail-on medium",
		},
	}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("diff takes OLD.json and NEW.json, got %d arguments", fs.NArg())
	}
	sev, err := finding.ParseSeverity(*failOn)
	if err != nil {
		return usagef("--fail-on: %v", err)
	}
	oldPath, newPath := fs.Arg(0), fs.Arg(1)
	old, err := baseline.Load(oldPath)
	if err != nil {
		return usagef("%s: %v", oldPath, err)
	}
	cur, err := baseline.Load(newPath)
	if err != nil {
		return usagef("%s: %v", newPath, err)
	}
	d := baseline.Apply(cur, old, oldPath)
	switch f := strings.ToLower(*format); f {
	case "text":
		writeDiffText(stdout, d)
	case "json":
		out := struct {
			New         []finding.Finding      `json:"new"`
			Fixed       []finding.FixedFinding `json:"fixed"`
			NotRetested []finding.FixedFinding `json:"not_retested"`
			Unchanged   []finding.FixedFinding `json:"unchanged"`
		}{New: nonNilFindings(d.New), Fixed: cur.Baseline.Fixed, NotRetested: []finding.FixedFinding{}, Unchanged: []finding.FixedFinding{}}
		out.NotRetested = append(out.NotRetested, cur.Baseline.NotRetested...)
		for _, u := range d.Unchanged {
			out.Unchanged = append(out.Unchanged, baseline.Fixed(u))
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	default:
		r, err := report.New(f, report.Options{FailOn: sev, Rules: all.Metas()})
		if err != nil {
			return usagef("--format: %v", err)
		}
		if err := r.Report(stdout, cur); err != nil {
			return fmt.Errorf("write %s: %w", f, err)
		}
	}
	if worst, any := finding.Max(d.New); any && worst >= sev {
		return errFindings
	}
	return nil
}

func nonNilFindings(fs []finding.Finding) []finding.Finding {
	if fs == nil {
		return []finding.Finding{}
	}
	return fs
}

func writeDiffText(w io.Writer, d baseline.Diff) {
	fmt.Fprintf(w, "%d new, %d fixed, %d not re-tested, %d unchanged\n", len(d.New), len(d.Fixed), len(d.NotRetested), len(d.Unchanged))
	section := func(name string, fs []finding.Finding) {
		if len(fs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s\n", name)
		for _, f := range fs {
			line := fmt.Sprintf("  %-8s %-22s %s %s", f.Severity, f.Check, f.Method, f.Path)
			if f.Subject != "" {
				line += " (" + f.Subject + ")"
			}
			if f.Suppressed != nil {
				line += " [suppressed]"
			}
			fmt.Fprintf(w, "%s  %s\n", line, f.Fingerprint)
		}
	}
	section("NEW", d.New)
	section("FIXED", d.Fixed)
	section("NOT RE-TESTED (gone from the report, but their operation did not answer: not evidence of a fix)", d.NotRetested)
	section("UNCHANGED", d.Unchanged)
}
