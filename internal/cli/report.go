package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pybatch/pybatch/report"
)

// runReport is "pybatch report --html FILE [DB|JSONL]": one self-contained
// HTML page of a run's results (report.Load, report.Write). It opens a
// database read-only, so it may run while pybatch analyze writes it.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var out, format string
	var quiet bool
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pybatch report --html FILE [flags] [DATABASE|FILE.jsonl|-]")
		fmt.Fprintln(stderr, "\nWrite one self-contained HTML page (no network access when opened) of the results in")
		fmt.Fprintln(stderr, "DATABASE (default "+DefaultOutput+") or a JSON Lines output (- reads stdin).")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&out, "html", "", "the HTML file to write (- for stdout); required")
	fs.StringVar(&format, "format", "", "input format: sqlite or jsonl (default: from the name)")
	fs.BoolVar(&quiet, "q", false, "print nothing on success")
	// Flags may come after the input, as with analyze.
	var inputs []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		inputs = append(inputs, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "pybatch report: "+format+"\n", a...)
		return code
	}
	if out == "" {
		fs.Usage()
		return fail(ExitUsage, "--html FILE is required")
	}
	if len(inputs) > 1 {
		return fail(ExitUsage, "one input at most, got %d", len(inputs))
	}
	if format != "" && format != "sqlite" && format != "jsonl" {
		return fail(ExitUsage, "--format must be sqlite or jsonl, not %q", format)
	}
	input := DefaultOutput
	if len(inputs) == 1 {
		input = inputs[0]
	}
	start := time.Now()
	d, err := report.Load(ctx, input, format)
	if err != nil {
		if ctx.Err() != nil {
			return ExitInterrupted
		}
		return fail(ExitError, "%v", err)
	}
	if out == "-" {
		w := bufio.NewWriter(stdout)
		if err := report.Write(w, d); err != nil {
			return fail(ExitError, "%v", err)
		}
		if err := w.Flush(); err != nil {
			return fail(ExitError, "%v", err)
		}
		return ExitOK
	}
	// Written beside the target and renamed: a reader never sees half a page.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fail(ExitError, "%v", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<16)
	err = report.Write(w, d)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		return fail(ExitError, "writing %s: %v", out, err)
	}
	if !quiet {
		st, _ := os.Stat(out)
		var size int64
		if st != nil {
			size = st.Size()
		}
		fmt.Fprintf(stderr, "pybatch report: %s: %d files, %d bytes, in %.2fs\n", out, d.Files, size, time.Since(start).Seconds())
	}
	return ExitOK
}
