package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/leakhound/leakhound/internal/testapi"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var f scanFlags
	f.register(fs, false)
	fixed := fs.Bool("fixed", false, "scan the fixed variant of the demo API instead")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: leakhound demo [flags]\n\nStarts the built-in vulnerable API on a loopback port, scans it as two patients (alice, bob) and an administrator and prints the report.\n\nFlags:")
		fmt.Fprint(stderr, fs.FlagUsages())
	}
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
	return finish(rep, err, cfg, stdout, stderr, log)
}
