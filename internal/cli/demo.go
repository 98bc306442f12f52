package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/transport"

	"github.com/leakhound/leakhound/internal/testapi"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var f scanFlags
	demo := newGroup("Demo")
	fixed := demo.fs.Bool("fixed", false, "scan the fixed variant of the demo API instead")
	serve := demo.fs.Bool("serve", false, "keep the demo API running after the scan (until Ctrl-C), so the reproductions can be run")
	help := &commandHelp{
		usage:   "demo [flags]",
		summary: "Start the built-in vulnerable API on a loopback port, scan it as two patients (alice, bob) and an administrator, print the report.",
		groups:  append([]flagGroup{demo}, f.groups(forDemo)...),
		examples: []string{
			"leakhound demo",
			"leakhound demo --serve --format markdown -o demo.md",
			"leakhound demo --fixed",
		},
	}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("demo takes no arguments")
	}
	variant := testapi.Vulnerable
	if *fixed {
		variant = testapi.Fixed
	}
	api := testapi.New(variant)
	base, stop, err := testapi.Serve(ctx, api)
	if err != nil {
		return scanFailed{fmt.Errorf("start the demo API: %w", err)}
	}
	defer stop()

	// The scan flags the demo does not take keep their defaults, except a
	// higher rate: the target is our own loopback server.
	f.rate, f.concurrency, f.maxRequests, f.maxBody = 500, 10, 5000, "8MiB"
	f.timeout = defaultTimeout
	f.identities = []string{
		"alice:user=Authorization: Bearer " + testapi.AliceToken,
		"bob:user=Authorization: Bearer " + testapi.BobToken,
		"admin:admin=Authorization: Bearer " + testapi.AdminToken,
	}
	cfg, err := f.build(fs, base)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Verbosity)
	limitMemory(cfg)
	log.Info("demo API listening", "url", base, "variant", variant.String())
	endProgress := startProgress(cfg, stderr)
	rep, err := Scan(ctx, cfg, log)
	endProgress()
	result := finish(rep, err, cfg, stdout, stderr, log)
	if *serve && ctx.Err() == nil {
		printServing(stderr, base, cfg.Identities)
		<-ctx.Done()
	}
	return result
}

// printServing tells how to run the report's reproductions against the demo
// API that --serve keeps running: its URL and one export line per
// placeholder the curl lines use (a reproduction keeps the exported
// values, see transport.RequireVar). The demo's tokens are public test values.
func printServing(w io.Writer, base string, ids []transport.Identity) {
	fmt.Fprintf(w, "\nThe demo API keeps running at %s until Ctrl-C. To run a reproduction, export its variables first, then paste it:\n", base)
	for _, id := range ids {
		for _, k := range id.CredentialHeaders() {
			fmt.Fprintf(w, "  export %s=%s\n", transport.PlaceholderName(id.Name, k), shellQuote(strings.Join(id.Values(k), ", ")))
		}
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
