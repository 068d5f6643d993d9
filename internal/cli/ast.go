package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pybatch/pybatch/python"
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

// runAST implements `pybatch ast [--indent N] FILE`: it prints exactly what
// CPython 3.14 prints for
// print(ast.dump(ast.parse(open(FILE, "rb").read()), include_attributes=True, show_empty=True, indent=N)).
func runAST(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ast", flag.ContinueOnError)
	fs.SetOutput(stderr)
	indent := fs.Int("indent", -1, "indent as ast.dump's indent (negative: one line, like indent=None)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pybatch ast [--indent N] FILE")
		fmt.Fprintln(stderr, "prints ast.dump(ast.parse(FILE's bytes), include_attributes=True, show_empty=True, indent=N) as CPython 3.14 does")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return ExitUsage
	}
	name := fs.Arg(0)
	raw, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(stderr, "pybatch ast: %v\n", err)
		return ExitError
	}
	mod, _, err := python.ParseFile(raw)
	if err != nil {
		var se *token.SyntaxError
		if errors.As(err, &se) {
			// Columns are 1-based here, as CPython's SyntaxError.offset.
			fmt.Fprintf(stderr, "%s:%d:%d: %s: %s\n", name, se.Start.Line, se.Start.Col+1, se.Kind, se.Msg)
		} else {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
		}
		return ExitFailures
	}
	fmt.Fprintln(stdout, ast.Dump(mod, ast.DumpOptions{Indent: *indent}))
	return ExitOK
}
