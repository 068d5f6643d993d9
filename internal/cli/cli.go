// Package cli is the pybatch command line: flags and subcommands only. Every
// subcommand is a thin layer over a library package, so nothing the command
// does is out of reach of a library user.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/internal/buildinfo"
)

// Exit codes, named as golangci-lint names its own.
const (
	ExitOK          = 0   // everything asked for was done
	ExitFailures    = 1   // the run finished, but some files failed or had invalid syntax where that is an error
	ExitUsage       = 2   // bad flags or arguments; nothing was done
	ExitError       = 3   // a configuration or environment error stopped the run (unwritable output, ...)
	ExitInterrupted = 130 // SIGINT or SIGTERM: in-flight work was finished or abandoned, output flushed
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is the table of subcommands. Each lives in its own file.
func commands() map[string]command {
	return map[string]command{
		"version":         {"print the version", runVersion},
		"analyze":         {"analyze Python files under PATHs into a database or JSON Lines", runAnalyze},
		"retry":           {"analyze again the files that failed in the last run of a database", runRetry},
		"ast":             {"print a Python file's AST exactly as CPython 3.14's ast.dump does", runAST},
		"report":          {"write one self-contained HTML page of the results in a database or JSON Lines", runReport},
		"check":           {"fail when Python files exceed complexity thresholds (xenon's rules), for CI and pre-commit", runCheck},
		workerCommandName: {"(internal) an isolated analysis worker, started by analyze --isolate", runWorker},
	}
}

// Version is the tool version, recorded with every run's results.
const Version = batch.Version

// Run runs pybatch with args (without the program name) and returns the
// process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "pybatch: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return ExitUsage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: pybatch <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		if !strings.HasPrefix(n, "__") { // internal commands, started by pybatch itself
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	fmt.Fprint(stdout, buildinfo.Read(Version))
	return ExitOK
}
