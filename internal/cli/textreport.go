package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pybatch/pybatch/report"
)

// runTextReport prints the terminal report (report.Summary): for a person,
// in text sized to the terminal and in color there unless NO_COLOR is set;
// for machines with --format json.
func (a *app) runTextReport(cmd *cobra.Command, o *reportFlags, inFormat string) int {
	s, err := report.LoadSummary(a.ctx, o.input, inFormat, o.top)
	if err != nil {
		if a.ctx.Err() != nil {
			return ExitInterrupted
		}
		return a.fail(cmd, ExitError, "%s", plainError(err))
	}
	w := bufio.NewWriter(a.stdout)
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(s)
	} else {
		opts := report.TextOptions{}
		if f, ok := a.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if width, _, err := term.GetSize(int(f.Fd())); err == nil {
				opts.Width = width
			}
			opts.Color = os.Getenv("NO_COLOR") == ""
		}
		if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 && opts.Width == 0 {
			opts.Width = c
		}
		err = s.WriteText(w, opts)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return a.fail(cmd, ExitError, "%s", plainError(err))
	}
	return ExitOK
}
