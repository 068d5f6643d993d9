package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"
)

// TmuxSession is the name of the session StartTmux starts.
const TmuxSession = "bar"

// Tmux is a tmux server of the test's own (never the user's) with one
// session, TmuxSession, of 150×30 running a shell script; the server is killed when
// the test ends.
type Tmux struct {
	t    testing.TB
	tmux string
	sock string
}

var tmuxServers atomic.Int64

// StartTmux starts script (run by sh -c) in a new tmux server; it stops the
// test with SkipOrFail when tmux is missing.
func StartTmux(t testing.TB, script string) *Tmux {
	t.Helper()
	tm := &Tmux{t: t, tmux: RequireCommand(t, "tmux"),
		// a fresh server for each call (-count), as the last one may
		// still be shutting down
		sock: fmt.Sprintf("pybatch-test-%d-%d", os.Getpid(), tmuxServers.Add(1))}
	if out, err := tm.Run("-u", "new-session", "-d", "-s", TmuxSession, "-x", "150", "-y", "30", "sh", "-c", script); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { tm.Run("kill-server") })
	return tm
}

// Run runs a tmux command on the test's server.
func (tm *Tmux) Run(args ...string) (string, error) {
	out, err := exec.Command(tm.tmux, append([]string{"-L", tm.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	return string(out), err
}

// Screen is the pane's text, with the scrollback lines back from the top
// when scrollback > 0.
func (tm *Tmux) Screen(scrollback int) string {
	args := []string{"capture-pane", "-p", "-t", TmuxSession}
	if scrollback > 0 {
		args = append(args, "-S", fmt.Sprint(-scrollback))
	}
	out, err := tm.Run(args...)
	if err != nil {
		tm.t.Fatalf("capture-pane: %v: %s", err, out)
	}
	return out
}

// WaitFor reads the screen until ok accepts it and returns it. The pane is
// drawn by another process: there is no event to wait for. The deadline
// only bounds a failure, so that it reports the screen.
func (tm *Tmux) WaitFor(what string, scrollback int, ok func(string) bool) string {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		s := tm.Screen(scrollback)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
