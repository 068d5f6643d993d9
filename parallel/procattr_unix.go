//go:build unix

package parallel

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts a worker in its own process group, so that the terminal's
// Ctrl-C (sent to the foreground group) reaches only the parent, which then
// stops its workers in order instead of seeing them all "crash" at once.
func setProcAttr(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}
