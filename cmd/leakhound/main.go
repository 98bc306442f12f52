// Command leakhound is a black-box API security scanner that finds the ways
// an API leaks personal data and secrets.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/leakhound/leakhound/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
