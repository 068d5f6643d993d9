// Command pybatch analyzes Python source trees: see the README, or run
// "pybatch help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pybatch/pybatch/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
