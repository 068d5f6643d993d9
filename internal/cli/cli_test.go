package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runIn runs the command in this process and returns its exit code,
// stdout and stderr.
func runHere(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// The habits people bring from gh, ruff and ripgrep: version and help on
// stdout, completions, one-line usage errors with a suggestion.
func TestCommandLineConventions(t *testing.T) {
	for _, c := range []struct {
		args       []string
		code       int
		stdout     string // must contain
		stderr     string // must contain; "" means must be empty
		stderrLine bool   // stderr is exactly one line
	}{
		{[]string{"--version"}, ExitOK, "pybatch " + Version, "", false},
		{[]string{"-V"}, ExitOK, "pybatch " + Version, "", false},
		{[]string{"version"}, ExitOK, "pybatch " + Version, "", false},
		{[]string{"--help"}, ExitOK, "Available Commands:", "", false},
		{[]string{"help", "analyze"}, ExitOK, "--exclude", "", false},
		{[]string{"analyze", "--help"}, ExitOK, "-j, --workers", "", false},
		{[]string{"retry", "-h"}, ExitOK, "--timeout", "", false},
		{[]string{"completion", "bash"}, ExitOK, "complete", "", false},
		{[]string{"completion", "zsh"}, ExitOK, "compdef", "", false},
		{[]string{"completion", "fish"}, ExitOK, "complete -c pybatch", "", false},
		{[]string{"completion", "powershell"}, ExitOK, "Register-ArgumentCompleter", "", false},
		{[]string{"__complete", "analyze", "--progress", ""}, ExitOK, "plain\njson\nnone", "Completion ended", false},
		{[]string{"__complete", "report", "--format", ""}, ExitOK, "text\njson", "Completion ended", false},
		{[]string{}, ExitUsage, "Available Commands:", "", false},
		{[]string{"anlyze"}, ExitUsage, "", `unknown command "anlyze"; did you mean "analyze"?`, true},
		{[]string{"analyze", "--worker", "2", "."}, ExitUsage, "", "unknown flag --worker; did you mean --workers?", true},
		{[]string{"analyze", "--bogus", "."}, ExitUsage, "", "pybatch analyze: unknown flag --bogus", true},
		{[]string{"analyze", "-jx", "."}, ExitUsage, "", `-j/--workers: "x" is not a whole number`, true},
		{[]string{"analyze", "--timeout", "soon", "."}, ExitUsage, "", `--timeout: "soon" is not a duration`, true},
		{[]string{"check", "--max-average-num", "x", "."}, ExitUsage, "", `--max-average-num: "x" is not a number`, true},
		{[]string{"retry", "--timeout"}, ExitUsage, "", "--timeout needs a value", true},
	} {
		code, stdout, stderr := runHere(c.args...)
		if code != c.code || !strings.Contains(stdout, c.stdout) || (c.stderr == "" && stderr != "") || !strings.Contains(stderr, c.stderr) {
			t.Errorf("pybatch %q: exit %d (want %d)\nstdout (want %q):\n%s\nstderr (want %q):\n%s", c.args, code, c.code, c.stdout, stdout, c.stderr, stderr)
			continue
		}
		if c.stderrLine && strings.Count(stderr, "\n") != 1 {
			t.Errorf("pybatch %q: the usage error takes more than one line:\n%s", c.args, stderr)
		}
		for _, internal := range []string{"strconv.", "flag provided but not defined", "Usage:"} {
			if strings.Contains(stderr, internal) {
				t.Errorf("pybatch %q: stderr shows %q:\n%s", c.args, internal, stderr)
			}
		}
	}
}

// GNU flags: -j4, -j 4 and --workers=4 are the same, flags may follow the
// PATHs, and "--" ends them.
func TestGNUFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-j4", "x"}, {"-j", "4", "x"}, {"--workers=4", "x"}, {"--workers", "4", "x"}, {"x", "-j4"}, {"-j4", "--", "x"},
	} {
		a := &app{ctx: context.Background(), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)}
		root := a.root()
		analyze, _, err := root.Find([]string{"analyze"})
		if err != nil {
			t.Fatal(err)
		}
		if err := analyze.ParseFlags(args); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if n, _ := analyze.Flags().GetInt("workers"); n != 4 || len(analyze.Flags().Args()) != 1 || analyze.Flags().Arg(0) != "x" {
			t.Errorf("%q: workers %d, args %q", args, n, analyze.Flags().Args())
		}
	}
}
