// Package cli is the pybatch command line: flags and subcommands only. Every
// subcommand is a thin layer over a library package, so nothing the command
// does is out of reach of a library user.
//
// Flags are parsed by cobra and pflag (as gh, kubectl and hugo parse
// theirs): GNU long and short flags (-j4, -j 4, --workers=4), flags before
// or after the arguments, "--" to end them, help on stdout for --help, -h
// and "help CMD", and shell completions.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/check"
	"github.com/pybatch/pybatch/internal/buildinfo"
)

// Exit codes, named as golangci-lint names its own.
const (
	ExitOK          = 0   // everything asked for was done
	ExitFailures    = 1   // the run finished, but some files failed or had invalid syntax where that is an error
	ExitUsage       = 2   // bad flags or arguments; nothing was done
	ExitError       = 3   // a configuration or environment error stopped the run (unwritable output, ...)
	ExitNoFiles     = 4   // analyze found no Python file to analyze under its PATHs
	ExitInterrupted = 130 // SIGINT or SIGTERM: in-flight work was finished or abandoned, output flushed
)

// Version is the tool version, recorded with every run's results.
const Version = batch.Version

// app is one invocation of the command: where it writes, the analysis its
// runs use (a field so that tests can run the real command with an
// analysis whose speed they control) and the exit code its subcommand set.
type app struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	analyze        batch.AnalyzeFunc
	code           int
}

// Run runs pybatch with args (without the program name), reading os.Stdin
// where a command reads its standard input, and returns the process exit
// code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, nil, stdout, stderr, nil)
}

// run is Run with the standard input and the analysis given (nil: the
// default analysis, which lets a run take stored reports of the same bytes
// instead of analyzing them: batch.Config.NoDedup).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, analyze batch.AnalyzeFunc) int {
	a := &app{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, analyze: analyze}
	root := a.root()
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", cmd.CommandPath(), cleanFlagError(cmd, err))
		return ExitUsage
	}
	return a.code
}

// root builds the command tree.
func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "pybatch",
		Short: "Analyze Python codebases at scale",
		Long: "pybatch finds Python files, parses each one exactly as CPython 3.14 does, extracts classes,\n" +
			"functions, imports, docstrings, line metrics and complexity, and stores the results in a\n" +
			"SQLite database (JSON Lines on request), in parallel, with progress and crash-safe resume.",
		Example: "  pybatch analyze ~/src/project        # -> ./pybatch.db\n" +
			"  pybatch report                        # what the run found, in the terminal\n" +
			"  pybatch retry                         # the failures of the last run, again",
		Version:       buildinfo.Read(Version).String(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// With no command, the help, and the usage error's status.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				msg := fmt.Sprintf("unknown command %q", args[0])
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					msg += fmt.Sprintf("; did you mean %q?", s[0])
				}
				return errors.New(msg + " (pybatch --help lists the commands)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			_ = cmd.Help()
			a.code = ExitUsage
			return nil
		},
	}
	root.SuggestionsMinimumDistance = 2
	root.SetIn(a.stdinOrEmpty())
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.Flags().BoolP("version", "V", false, "print the version and exit")
	root.SetVersionTemplate("{{.Version}}")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	root.CompletionOptions.HiddenDefaultCmd = false
	root.AddCommand(
		a.analyzeCommand(),
		a.retryCommand(),
		a.reportCommand(),
		a.mergeCommand(),
		a.astCommand(),
		a.checkCommand(),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version, the commit and the Go toolchain of this build",
			Args:  cobra.NoArgs,
			Run: func(cmd *cobra.Command, _ []string) {
				fmt.Fprint(a.stdout, buildinfo.Read(Version))
			},
		},
		a.workerCommand(),
	)
	// Every subcommand: usage errors in one line, the flags sorted as
	// declared (related flags together), the values of enumerated flags
	// completed by the shell.
	values := map[string][]string{
		"progress":       {"auto", "bar", "plain", "json", "none"},
		"python-version": pythonVersions,
		"input-format":   {"sqlite", "jsonl", "parquet"},
	}
	formats := map[string][]string{
		"analyze": {"sqlite", "jsonl", "parquet"},
		"report":  {"text", "json"},
		"check":   check.Formats,
	}
	for _, c := range root.Commands() {
		c.Flags().SortFlags = false
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
		for name, vs := range values {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(vs, cobra.ShellCompDirectiveNoFileComp))
			}
		}
		if vs, ok := formats[c.Name()]; ok {
			_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(vs, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	return root
}

// stdinOrEmpty is the standard input the app was given, os.Stdin by
// default.
func (a *app) stdinOrEmpty() io.Reader {
	if a.stdin == nil {
		return os.Stdin
	}
	return a.stdin
}

// cleanFlagError turns pflag's and cobra's errors into one line that names
// the flag as a user types it and says what is wanted, without Go's
// internals (strconv.ParseInt: ...), with the nearest flag's name when the
// flag is unknown.
func cleanFlagError(cmd *cobra.Command, err error) string {
	var notExist *pflag.NotExistError
	var required *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	var syntax *pflag.InvalidSyntaxError
	help := fmt.Sprintf(" (%s --help lists the flags)", cmd.CommandPath())
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if short := notExist.GetSpecifiedShortnames(); name == "" || (len(name) == 1 && short != "") {
			msg := fmt.Sprintf("unknown flag -%s", name)
			if name == "" {
				msg = fmt.Sprintf("unknown flag in -%s", short)
			}
			return msg + help
		}
		msg := "unknown flag --" + name
		if s := suggestFlag(cmd, name); s != "" {
			msg += "; did you mean --" + s + "?"
		}
		return msg + help
	case errors.As(err, &required):
		return flagName(required.GetFlag()) + " needs a value"
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return fmt.Sprintf("%s: %q is not %s", flagName(f), invalid.GetValue(), wantOf(f))
	case errors.As(err, &syntax):
		return fmt.Sprintf("bad flag syntax %s", syntax.GetSpecifiedFlag()) + help
	}
	return err.Error()
}

// flagName is "--name", or "-n/--name" when it has a shorthand.
func flagName(f *pflag.Flag) string {
	if f == nil {
		return "flag"
	}
	if f.Shorthand != "" {
		return "-" + f.Shorthand + "/--" + f.Name
	}
	return "--" + f.Name
}

// wantOf says what a flag's value must be, for its error message.
func wantOf(f *pflag.Flag) string {
	if f == nil {
		return "a valid value"
	}
	switch f.Value.Type() {
	case "int", "int64", "uint":
		return "a whole number"
	case "float64":
		return "a number"
	case "duration":
		return "a duration (such as 30s, 2m or 1h30m)"
	case "bool":
		return "true or false"
	}
	return "a valid value"
}

// suggestFlag is the flag of cmd nearest to name by edit distance, or a
// flag name name is a prefix of, or "".
func suggestFlag(cmd *cobra.Command, name string) string {
	best, bestD := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := levenshtein(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestD || (d == bestD && best != "" && f.Name < best) {
			best, bestD = f.Name, d
		}
	})
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// usageErr is a usage error found after the flags were parsed: the
// subcommand prints it as one line and exits ExitUsage.
func (a *app) usage(cmd *cobra.Command, format string, args ...any) int {
	fmt.Fprintf(a.stderr, "%s: %s\n", cmd.CommandPath(), fmt.Sprintf(format, args...))
	return ExitUsage
}

// fail prints an error that stopped cmd as one line and returns code.
func (a *app) fail(cmd *cobra.Command, code int, format string, args ...any) int {
	fmt.Fprintf(a.stderr, "%s: %s\n", cmd.CommandPath(), fmt.Sprintf(format, args...))
	return code
}

// oneOf checks that the value of the flag name is one of want.
func oneOf(flag, value string, want ...string) error {
	if slices.Contains(want, value) {
		return nil
	}
	return fmt.Errorf("%s: %q is not one of %s", flag, value, strings.Join(want, ", "))
}
