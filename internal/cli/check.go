package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pybatch/pybatch/check"
	"github.com/pybatch/pybatch/scan"
)

// optionalFloat is a float flag that knows whether it was given.
type optionalFloat struct{ v *float64 }

func (f *optionalFloat) String() string {
	if f.v == nil {
		return ""
	}
	return strconv.FormatFloat(*f.v, 'g', -1, 64)
}

func (f *optionalFloat) Type() string { return "float64" }

func (f *optionalFloat) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	f.v = &x
	return nil
}

// checkCommand is "pybatch check": flags only; package check does the work.
func (a *app) checkCommand() *cobra.Command {
	var (
		o                check.Options
		format           string
		include, exclude []string
		extendExclude    []string
		avgNum           optionalFloat
		quiet            bool
		python           string
	)
	cmd := &cobra.Command{
		Use:   "check [flags] PATH...",
		Short: "Fail when Python files exceed complexity thresholds (xenon's rules), for CI and pre-commit",
		Long: "Hold the cyclomatic complexity of the Python files under the PATHs to xenon's thresholds\n" +
			"(ranks A-F as radon gives them). One line per violation on stdout, a summary on stderr.\n\n" +
			"Exit status: 0 every threshold holds, 1 violations, 2 usage error, 3 error, 130 interrupted.",
		Example: "  pybatch check --max-absolute C --max-modules B --max-average A src/",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			o.MaxAverageNum = avgNum.v
			o.Scan = scan.DefaultOptions()
			o.Scan.Include = include
			o.Scan.Exclude = append(append([]string(nil), exclude...), extendExclude...)
			if cmd.Flags().Changed("python-version") {
				v, err := parsePythonVersion(python)
				if err != nil {
					a.code = a.usage(cmd, "%v", err)
					return nil
				}
				o.PythonVersion = v
			}
			a.code = a.runCheck(cmd, o, format, quiet)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.MaxAbsolute, "max-absolute", "b", "", "fail on any block (function, method, class) ranked worse than this (A-F)")
	fs.StringVarP(&o.MaxModules, "max-modules", "m", "", "fail on any module whose average block complexity ranks worse than this (A-F)")
	fs.StringVarP(&o.MaxAverage, "max-average", "a", "", "fail when the average complexity of all blocks ranks worse than this (A-F)")
	fs.Var(&avgNum, "max-average-num", "fail when the average complexity of all blocks is above this number")
	fs.BoolVar(&o.NoAssert, "no-assert", false, "assert statements do not add to the complexity (radon's and xenon's --no-assert)")
	fs.BoolVar(&o.FailOnSyntaxError, "fail-on-syntax-error", false, "a file that does not parse is a violation (else a warning, as in xenon)")
	fs.StringVar(&python, "python-version", "", "fail files that this Python (3.10 to 3.14) cannot parse, such as those using syntax of a later version")
	fs.StringVar(&format, "format", "text", "output: "+strings.Join(check.Formats, ", "))
	fs.StringVar(&o.Cache, "cache", "", "a pybatch SQLite database keeping results between runs: unchanged files are not analyzed again")
	fs.IntVarP(&o.Workers, "workers", "j", 0, "files analyzed at once (default: the CPUs this process may use)")
	fs.StringArrayVar(&include, "include", nil, "files to check, as .gitignore patterns, as in analyze (repeatable; default *.py and *.ipynb)")
	fs.StringArrayVar(&exclude, "exclude", nil, "files or directories to leave out, as .gitignore patterns, as in analyze (repeatable)")
	fs.StringArrayVar(&extendExclude, "extend-exclude", nil, "like --exclude, added to the configured list")
	fs.BoolVarP(&quiet, "quiet", "q", false, "no summary and no warnings on stderr")
	return cmd
}

func (a *app) runCheck(cmd *cobra.Command, o check.Options, format string, quiet bool) int {
	ctx, stdout, stderr := a.ctx, a.stdout, a.stderr
	if !strings.Contains(","+strings.Join(check.Formats, ",")+",", ","+format+",") {
		fmt.Fprintf(stderr, "pybatch check: unknown --format %q (want %s)\n", format, strings.Join(check.Formats, ", "))
		return ExitUsage
	}

	res, err := check.Run(ctx, o)
	switch {
	case errors.As(err, new(check.UsageError)):
		fmt.Fprintln(stderr, "pybatch check:", err)
		return ExitUsage
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "pybatch check: interrupted")
		return ExitInterrupted
	case err != nil:
		fmt.Fprintln(stderr, "pybatch check:", err)
		return ExitError
	}
	if err := check.Write(stdout, format, res); err != nil {
		fmt.Fprintln(stderr, "pybatch check:", err)
		return ExitError
	}
	if !quiet {
		for _, w := range res.Warnings {
			fmt.Fprintln(stderr, "pybatch check: warning:", w)
		}
		fmt.Fprintln(stderr, res.Summary())
	}
	if len(res.Violations) > 0 {
		return ExitFailures
	}
	return ExitOK
}
