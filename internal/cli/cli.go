// Package cli is leakhound's command line: it parses flags and the config
// file once into a typed Config, runs a command and maps every error to an
// exit code in one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Exit codes.
const (
	ExitClean    = 0 // no finding at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitUsage    = 2 // bad flags, arguments or configuration
	ExitNoScan   = 3 // the scan could not run (unreachable, TLS, interrupted)
	// ExitIncomplete: a report was written, but the scan cannot vouch for the
	// target (nothing found to test, no identity verified, most requests
	// unanswered). It wins over ExitClean and ExitFindings.
	ExitIncomplete = 4
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// errFindings means the report holds findings at or above --fail-on.
var errFindings = errors.New("findings at or above the --fail-on severity")

// errIncomplete means the report is marked incomplete.
var errIncomplete = errors.New("scan incomplete")

// scanFailed is a scan that could not run or complete: exit 3.
type scanFailed struct{ err error }

func (e scanFailed) Error() string { return e.err.Error() }
func (e scanFailed) Unwrap() error { return e.err }

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"scan", "scan TARGET_URL [flags]    scan an API", runScan},
		{"surface", "surface TARGET_URL [flags] map the API surface (spec, recordings, discovery) without checks", runSurface},
		{"audit", "audit dynamodb|logs ...    audit data at rest: DynamoDB tables, log files (docs/audit.md)", runAudit},
		{"demo", "demo [flags]               start the built-in vulnerable API on loopback, scan it, print the report", runDemo},
		{"diff", "diff OLD.json NEW.json     new, fixed and unchanged findings between two JSON reports", runDiff},
		{"checks", "checks [--format text|json] list every check", runChecks},
		{"mcp", "mcp [flags]                serve the Model Context Protocol on stdio (for coding assistants)", runMCP},
		{"version", "version                    print the version", runVersion},
	}
}

// Run executes leakhound with args (without the program name) and returns
// the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			// leakhound help CMD is leakhound CMD --help.
			for _, c := range commands() {
				if c.name == args[1] {
					return exitCode(c.run(ctx, []string{"--help"}, stdout, stderr), stderr)
				}
			}
			fmt.Fprintf(stderr, "leakhound: no command %q\n", args[1])
			usage(stderr)
			return ExitUsage
		}
		usage(stdout)
		return ExitClean
	case "--version":
		args = []string{"version"}
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(c.run(ctx, args[1:], stdout, stderr), stderr)
		}
	}
	fmt.Fprintf(stderr, "leakhound: unknown command %q (run 'leakhound help')\n", args[0])
	return ExitUsage
}

// exitCode is the one place errors become exit codes.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	var sf scanFailed
	switch {
	case err == nil:
		return ExitClean
	case errors.Is(err, pflag.ErrHelp):
		return ExitClean
	case errors.Is(err, errIncomplete):
		return ExitIncomplete
	case errors.Is(err, errFindings):
		return ExitFindings
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "leakhound: %s\n", oneLine(err.Error()))
		return ExitUsage
	case errors.As(err, &sf):
		fmt.Fprintf(stderr, "leakhound: scan could not run: %s\n", oneLine(err.Error()))
		return ExitNoScan
	default:
		fmt.Fprintf(stderr, "leakhound: %s\n", oneLine(err.Error()))
		return ExitNoScan
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func usage(w io.Writer) {
	fmt.Fprintln(w, "leakhound finds the ways an API leaks personal data and secrets.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintln(w, "  leakhound "+c.usage)
	}
	fmt.Fprintln(w, "\nRun 'leakhound help COMMAND' (or 'leakhound COMMAND --help') for the flags and examples of a command.")
	fmt.Fprintln(w, "Exit codes: 0 clean, 1 findings at or above --fail-on (or score below --min-score), 2 usage or configuration error, 3 the scan could not run, 4 the scan is incomplete (a report is written, with no grade).")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	return fs
}

// parse parses flags; a parse error is a usage error.
func parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		if name, ok := strings.CutPrefix(err.Error(), "unknown flag: --"); ok {
			if near := nearestFlag(fs, name); near != "" {
				return usagef("%v (did you mean --%s?)", err, near)
			}
		}
		return usageError{err}
	}
	return nil
}

// nearestFlag returns the flag of fs closest to name (an edit distance of
// at most 2), "" when none is.
func nearestFlag(fs *pflag.FlagSet, name string) string {
	best, bestD := "", 3
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := editDistance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func newLogger(stderr io.Writer, verbosity int) *slog.Logger {
	level := slog.LevelWarn
	switch {
	case verbosity < 0:
		level = slog.LevelError
	case verbosity == 1:
		level = slog.LevelInfo
	case verbosity > 1:
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

// isTerminal reports whether w is a character device (a TTY) and colour is
// not disabled by NO_COLOR.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// terminalWidth is the column count of the terminal w writes to, 0 when
// unknown.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}
