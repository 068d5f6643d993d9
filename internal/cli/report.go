package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pybatch/pybatch/report"
)

// reportCommand is "pybatch report [DB|JSONL]": the results of a run in
// the terminal, or with --html FILE one self-contained HTML page of them
// (report.Load, report.Write). It opens a database read-only, so it may
// run while pybatch analyze writes it.
func (a *app) reportCommand() *cobra.Command {
	var o reportFlags
	cmd := &cobra.Command{
		Use:   "report [flags] [DATABASE|FILE.jsonl|DIR.parquet|-]",
		Short: "Show the results of a database, JSON Lines or Parquet output (in the terminal, or as one HTML page)",
		Long: "Show the results in DATABASE (default " + DefaultOutput + "), a JSON Lines output (- reads stdin)\n" +
			"or a Parquet output directory (every shard in it):\n" +
			"in the terminal by default, as JSON with --format json, or with --html FILE as one\n" +
			"self-contained HTML page (no network access when opened).",
		Example: "  pybatch report\n  pybatch report --top 50 out.db | less\n  pybatch report --html report.html out.jsonl",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("one input at most, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.input = DefaultOutput
			if len(args) == 1 {
				o.input = args[0]
			}
			a.code = a.runReport(cmd, &o)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.html, "html", "", "write one HTML page to FILE (- for stdout) instead of the terminal report")
	fs.StringVar(&o.format, "format", "", "the terminal report's form: text or json (default text)")
	fs.StringVar(&o.inputFormat, "input-format", "", "input format: sqlite, jsonl or parquet (default: from the name; a directory with _schema.json is parquet)")
	fs.IntVar(&o.top, "top", 20, "rows in each list (slowest files, most complex functions, ...)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "with --html, print nothing on success")
	return cmd
}

// reportFlags are report's flags, parsed.
type reportFlags struct {
	html, format, inputFormat string
	input                     string
	top                       int
	quiet                     bool
}

func (a *app) runReport(cmd *cobra.Command, o *reportFlags) int {
	ctx, stdout, stderr := a.ctx, a.stdout, a.stderr
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "pybatch report: "+format+"\n", a...)
		return code
	}
	fs := cmd.Flags()
	// --format sqlite|jsonl was the input's format before the terminal
	// report existed; it still is.
	inFormat := o.inputFormat
	switch o.format {
	case "sqlite", "jsonl":
		if inFormat == "" {
			inFormat, o.format = o.format, ""
		}
	}
	if inFormat != "" {
		if err := oneOf("--input-format", inFormat, "sqlite", "jsonl", "parquet"); err != nil {
			return a.usage(cmd, "%v", err)
		}
	}
	if fs.Changed("format") {
		if err := oneOf("--format", o.format, "text", "json"); err != nil {
			return a.usage(cmd, "%v", err)
		}
	}
	if fs.Changed("html") && strings.TrimSpace(o.html) == "" {
		return a.usage(cmd, "--html is empty (name the page to write, or - for stdout)")
	}
	if o.top < 1 {
		return a.usage(cmd, "--top must be at least 1 (got %d)", o.top)
	}
	if o.html != "" && o.format != "" {
		return a.usage(cmd, "--html and --format %s contradict each other: choose one", o.format)
	}
	if o.input == "" {
		return a.usage(cmd, "the input is empty (name a database or a JSON Lines file)")
	}
	input, out, quiet, format := o.input, o.html, o.quiet, inFormat
	if out == "" {
		return a.runTextReport(cmd, o, inFormat)
	}
	start := time.Now()
	d, err := report.Load(ctx, input, format)
	if err != nil {
		if ctx.Err() != nil {
			return ExitInterrupted
		}
		return fail(ExitError, "%s", plainError(err))
	}
	// A device or a pipe (--html /dev/stdout, a FIFO) is written in place:
	// renaming a page over it would replace the device with a file.
	if st, err := os.Stat(out); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return a.usage(cmd, "--html %s is a directory (name the page's file)", out)
		}
		f, err := os.OpenFile(out, os.O_WRONLY, 0)
		if err != nil {
			return fail(ExitError, "%s", plainError(err))
		}
		w := bufio.NewWriterSize(f, 1<<16)
		err = report.Write(w, d)
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(ExitError, "writing %s: %s", out, plainError(err))
		}
		return ExitOK
	}
	if out == "-" {
		w := bufio.NewWriter(stdout)
		if err := report.Write(w, d); err != nil {
			return fail(ExitError, "%s", plainError(err))
		}
		if err := w.Flush(); err != nil {
			return fail(ExitError, "%s", plainError(err))
		}
		return ExitOK
	}
	// Written beside the target and renamed: a reader never sees half a page.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fail(ExitError, "%s", plainError(err))
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
