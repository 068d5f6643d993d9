package cli

import (
	"context"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"os"

	"github.com/pybatch/pybatch/batch"
)

// workerCommandName is the hidden subcommand that runs an isolated analysis
// worker: analyze --isolate starts the pybatch executable itself with it.
const workerCommandName = "__worker"

func runWorker(ctx context.Context, _ []string, stdout, stderr io.Writer) int {
	return workerMain(ctx, stdout, stderr, analyzeFile)
}

// workerMain serves file requests from the parent on stdin until the parent
// closes it. The worker ignores its own interruption: it sits in its own
// process group, and the parent decides when it stops (closing stdin, or
// killing it).
func workerMain(ctx context.Context, stdout, stderr io.Writer, analyze batch.AnalyzeFunc) int {
	if err := batch.ServeWorker(context.WithoutCancel(ctx), os.Stdin, stdout, analyze); err != nil {
		fmt.Fprintln(stderr, "pybatch worker:", err)
		return ExitError
	}
	return ExitOK
}

// workerCommand is the hidden subcommand of isolated workers; analyze
// passes its --python-version on.
func (a *app) workerCommand() *cobra.Command {
	var py string
	cmd := &cobra.Command{
		Use:    workerCommandName,
		Short:  "(internal) an isolated analysis worker, started by analyze --isolate",
		Hidden: true,
		Args:   cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			analyze := a.analyze
			if analyze == nil {
				analyze = analyzeFile
			}
			if py != "" {
				v, err := parsePythonVersion(py)
				if err != nil {
					fmt.Fprintln(a.stderr, "pybatch worker:", err)
					a.code = ExitUsage
					return
				}
				analyze = batch.AnalyzeFor(v)
			}
			a.code = workerMain(a.ctx, a.stdout, a.stderr, analyze)
		},
	}
	cmd.Flags().StringVar(&py, "python-version", "", "the verdict of this Python")
	return cmd
}
