package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
)

// astCommand is `pybatch ast [--indent N] FILE...`: for each FILE (- for
// stdin) it prints exactly what CPython 3.14 prints for
// print(ast.dump(ast.parse(open(FILE, "rb").read()), include_attributes=True, show_empty=True, indent=N)).
func (a *app) astCommand() *cobra.Command {
	var indent int
	var py string
	cmd := &cobra.Command{
		Use:   "ast [--indent N] [--python-version 3.N] FILE...",
		Short: "Print a Python file's AST exactly as CPython 3.14's ast.dump does",
		Long: "Print ast.dump(ast.parse(FILE's bytes), include_attributes=True, show_empty=True, indent=N)\n" +
			"exactly as CPython 3.14 does. FILE - reads stdin. With several FILEs each dump follows a\n" +
			"line \"==> FILE <==\", as head(1) prints them. A syntax error is printed on stderr as\n" +
			"FILE:LINE:COL:{LINE:COL-END_LINE:END_COL}: SyntaxError: message, with CPython's lineno,\n" +
			"offset, end_lineno and end_offset (the span as clang prints one; positions CPython\n" +
			"leaves None are left out). The warnings CPython emits while parsing (SyntaxWarning) are\n" +
			"printed on stderr before it, in CPython's order, as FILE:LINE:COL: SyntaxWarning: message\n" +
			"(COL 1-based; FILE:LINE: where the text warned about is not on CPython's line). With\n" +
			"--python-version, syntax of a later Python is a syntax error, at the line that version's\n" +
			"CPython reports.\n\n" +
			"Exit status: 0 all parsed, 1 a syntax error, 2 usage error, 3 a file could not be read.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("no FILE given (pybatch ast FILE..., or - for stdin)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := parsePythonVersion(py)
			if err != nil {
				a.code = a.usage(cmd, "%v", err)
				return nil
			}
			a.code = a.runAST(args, indent, v)
			return nil
		},
	}
	cmd.Flags().IntVar(&indent, "indent", -1, "indent as ast.dump's indent (negative: one line, like indent=None)")
	addPythonVersion(cmd.Flags(), &py)
	return cmd
}

func (a *app) runAST(files []string, indent int, py parser.Version) int {
	code := ExitOK
	stdinUsed := false
	for i, name := range files {
		var raw []byte
		var err error
		if name == "-" {
			if stdinUsed {
				fmt.Fprintln(a.stderr, "pybatch ast: - (stdin) given twice")
				return ExitUsage
			}
			stdinUsed = true
			raw, err = io.ReadAll(a.stdinOrEmpty())
			name = "<stdin>"
		} else {
			raw, err = os.ReadFile(name)
		}
		if err != nil {
			fmt.Fprintf(a.stderr, "pybatch ast: %s\n", pathError(name, err))
			code = max(code, ExitError)
			continue
		}
		if len(files) > 1 {
			if i > 0 {
				fmt.Fprintln(a.stdout)
			}
			fmt.Fprintf(a.stdout, "==> %s <==\n", name)
		}
		mod, warns, err := parseFileWarnings(raw, py)
		for _, w := range warns {
			fmt.Fprintf(a.stderr, "%s%s: %s: %s\n", name, warningPlace(w), w.Kind, w.Msg)
		}
		if err != nil {
			var se *token.SyntaxError
			if errors.As(err, &se) {
				fmt.Fprintf(a.stderr, "%s%s: %s: %s\n", name, syntaxErrorPlace(se), se.Kind, se.Msg)
			} else {
				fmt.Fprintf(a.stderr, "%s: %v\n", name, err)
			}
			code = max(code, ExitFailures)
			continue
		}
		fmt.Fprintln(a.stdout, ast.Dump(mod, ast.DumpOptions{Indent: indent}))
	}
	return code
}

// parseFileWarnings is python.ParseFileVersion with the warnings CPython
// emits while parsing (parser.ParseWarnings).
func parseFileWarnings(raw []byte, v parser.Version) (*ast.Module, []token.Warning, error) {
	src, _, err := source.Decode(raw)
	if err != nil {
		return nil, nil, err
	}
	return parser.ParseWarnings(src, parser.Options{Version: v})
}

// warningPlace is where w is, as pybatch ast prints it after the file name:
// ":LINE:COL" with COL 1-based in characters, or ":LINE" (as CPython
// prints a warning) where the text warned about is not on w.Line.
func warningPlace(w token.Warning) string {
	if w.Col < 1 {
		return fmt.Sprintf(":%d", w.Line)
	}
	return fmt.Sprintf(":%d:%d", w.Line, w.Col)
}

// syntaxErrorPlace is where se is, as pybatch ast prints it after the file
// name: ":LINE:COL" with COL 1-based (CPython's offset), followed by the
// span as clang prints source ranges, ":{LINE:COL-END_LINE:END_COL}"
// (END_COL is CPython's end_offset, the column after the last character),
// so that editors reading FILE:LINE:COL: still find the start. Positions
// CPython leaves None (or its line 0 of a decoding error) are left out:
// "" when the start is unknown, no span when the end is.
func syntaxErrorPlace(se *token.SyntaxError) string {
	if se.NoStart || se.Start.Line < 1 {
		return ""
	}
	s := fmt.Sprintf(":%d:%d", se.Start.Line, se.Start.Col+1)
	if !se.NoEnd && se.End.Line >= 1 && se.End.Col >= 0 {
		s += fmt.Sprintf(":{%d:%d-%d:%d}", se.Start.Line, se.Start.Col+1, se.End.Line, se.End.Col+1)
	}
	return s
}
