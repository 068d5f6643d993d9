package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

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

func (f *optionalFloat) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	f.v = &x
	return nil
}

// runCheck is "pybatch check": flags only; package check does the work.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		o                check.Options
		format           string
		include, exclude stringList
		avgNum           optionalFloat
		quiet            bool
	)
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pybatch check [flags] PATH...")
		fmt.Fprintln(stderr, "\nHold the cyclomatic complexity of the Python files under the PATHs to xenon's thresholds")
		fmt.Fprintln(stderr, "(ranks A-F as radon gives them). One line per violation on stdout, a summary on stderr.")
		fmt.Fprintln(stderr, "Exit status: 0 every threshold holds, 1 violations, 2 usage, 3 error, 130 interrupted.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	for _, name := range []string{"b", "max-absolute"} {
		fs.StringVar(&o.MaxAbsolute, name, "", "fail on any block (function, method, class) ranked worse than this (A-F)")
	}
	for _, name := range []string{"m", "max-modules"} {
		fs.StringVar(&o.MaxModules, name, "", "fail on any module whose average block complexity ranks worse than this (A-F)")
	}
	for _, name := range []string{"a", "max-average"} {
		fs.StringVar(&o.MaxAverage, name, "", "fail when the average complexity of all blocks ranks worse than this (A-F)")
	}
	fs.Var(&avgNum, "max-average-num", "fail when the average complexity of all blocks is above this number")
	fs.BoolVar(&o.NoAssert, "no-assert", false, "assert statements do not add to the complexity (radon's and xenon's --no-assert)")
	fs.BoolVar(&o.FailOnSyntaxError, "fail-on-syntax-error", false, "a file that does not parse is a violation (else a warning, as in xenon)")
	fs.StringVar(&format, "format", "text", "output: "+strings.Join(check.Formats, ", "))
	fs.StringVar(&o.Cache, "cache", "", "a pybatch SQLite database keeping results between runs: unchanged files are not analyzed again")
	for _, name := range []string{"j", "workers"} {
		fs.IntVar(&o.Workers, name, 0, "files analyzed at once (default: the CPUs this process may use)")
	}
	fs.Var(&include, "include", "glob of files to check, relative to each PATH (repeatable; default **/*.py)")
	fs.Var(&exclude, "exclude", "glob of files or directories to leave out (repeatable)")
	fs.BoolVar(&quiet, "q", false, "no summary and no warnings on stderr")
	// Flags may come before, between or after the PATHs; "--" ends them.
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			return ExitUsage
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if len(rest) > len(left) && rest[len(rest)-len(left)-1] == "--" {
			o.Paths = append(o.Paths, left...)
			break
		}
		o.Paths = append(o.Paths, left[0])
		rest = left[1:]
	}
	if !strings.Contains(","+strings.Join(check.Formats, ",")+",", ","+format+",") {
		fmt.Fprintf(stderr, "pybatch check: unknown --format %q (want %s)\n", format, strings.Join(check.Formats, ", "))
		return ExitUsage
	}
	o.MaxAverageNum = avgNum.v
	o.Scan = scan.DefaultOptions()
	o.Scan.Include, o.Scan.Exclude = include, exclude

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
