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
	format := fs.String("format", "text", "text or json")
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
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "leakhound %s\n", Version)
	return nil
}
