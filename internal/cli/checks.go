package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/leakhound/leakhound/internal/check/all"
)

func runChecks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("checks", stderr)
	g := newGroup("Flags")
	format := g.fs.String("format", "text", "text or json")
	help := &commandHelp{
		usage:    "checks [--format text|json]",
		summary:  "List every check: id, title, default severity, CWE and OWASP API Top 10 category.",
		groups:   []flagGroup{g},
		examples: []string{"leakhound checks", "leakhound checks --format json"},
	}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("checks takes no arguments")
	}
	metas := all.Metas()
	switch *format {
	case "json":
		type row struct {
			ID          string   `json:"id"`
			Title       string   `json:"title"`
			Severity    string   `json:"severity"`
			CWE         []string `json:"cwe"`
			OWASP       string   `json:"owasp"`
			Description string   `json:"description"`
		}
		rows := make([]row, 0, len(metas))
		for _, m := range metas {
			rows = append(rows, row{m.ID, m.Title, m.Severity.String(), m.CWE, m.OWASP, m.Description})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "text":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSEVERITY\tCWE\tOWASP\tTITLE")
		for _, m := range metas {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Severity, strings.Join(m.CWE, ","), m.OWASP, m.Title)
		}
		return tw.Flush()
	default:
		return usagef("--format: want text or json, got %q", *format)
	}
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	help := &commandHelp{usage: "version", summary: "Print leakhound's version.", examples: []string{"leakhound version"}}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "leakhound %s\n", Version)
	return nil
}
