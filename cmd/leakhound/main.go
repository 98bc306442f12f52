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
	go func() {
		// After the first Ctrl-C the scan winds down and writes its partial
		// report; a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
