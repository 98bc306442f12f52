package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// flagGroup is one titled group of a command's flags, as --help shows it.
type flagGroup struct {
	title string
	fs    *pflag.FlagSet
}

// newGroup returns an empty group; flags defined on it are added to the
// command's flag set by commandHelp.bind.
func newGroup(title string) flagGroup {
	fs := pflag.NewFlagSet(title, pflag.ContinueOnError)
	fs.SortFlags = false
	return flagGroup{title: title, fs: fs}
}

// commandHelp is what `leakhound CMD --help` and `leakhound help CMD` print
// on stdout: a one-line summary, the usage line, the flags by group and a
// few examples.
type commandHelp struct {
	usage    string // after "leakhound "
	summary  string
	details  string // optional paragraph after the summary
	groups   []flagGroup
	examples []string
}

// bind adds every group's flags to fs and makes fs print h on --help.
func (h *commandHelp) bind(fs *pflag.FlagSet, stdout io.Writer) {
	for _, g := range h.groups {
		fs.AddFlagSet(g.fs)
	}
	fs.Usage = func() { h.write(stdout) }
}

func (h *commandHelp) write(w io.Writer) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  leakhound %s\n", h.summary, h.usage)
	if h.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(h.details))
	}
	for _, g := range h.groups {
		if !g.fs.HasAvailableFlags() {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n%s", g.title, g.fs.FlagUsagesWrapped(100))
	}
	if len(h.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, ex := range h.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
}
