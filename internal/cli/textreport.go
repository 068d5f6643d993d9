package cli

import "github.com/spf13/cobra"

// runTextReport prints the terminal report.
func (a *app) runTextReport(cmd *cobra.Command, o *reportFlags, inFormat string) int {
	return a.usage(cmd, "--html FILE is required")
}
