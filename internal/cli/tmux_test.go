package cli

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
)

// TestAnalyzeBarInTmux runs pybatch analyze in a real terminal (a tmux pane)
// with the bar, resizes the window mid-run, presses Ctrl-C, and reads the
// screens: the live bar (files/s and MB/s), the bar redrawn to the new
// width, and a last screen that says "interrupted" with what was not done,
// on the bar and on the last line.
func TestAnalyzeBarInTmux(t *testing.T) {
	testenv.RequireCommand(t, "tmux")
	dir := tree(t, 3000)
	work := t.TempDir()
	// 3000 files at 5 ms each on one worker: some 15 s, far more than the
	// test needs before it presses Ctrl-C. (The shell runs ":" on SIGINT,
	// so that it outlives Ctrl-C and reports the exit status; the command
	// gets the signal from the terminal as usual.)
	script := fmt.Sprintf("trap : INT; cd %q && stty -echo && %s=1 PYBATCH_TEST_DELAY=5ms LANG=C.UTF-8 %q analyze -j 1 --no-ignore -o out.db %q; echo exit=$?; sleep 600",
		work, mainEnv, os.Args[0], dir)
	tm := testenv.StartTmux(t, script)
	run := tm.Run
	waitFor := func(what string, ok func(string) bool) string { return tm.WaitFor(what, 60, ok) } // with what scrolled off
	// the bar as last drawn (the screen is read with its scrollback)
	barLine := func(s string) string { return lastLineWith(s, "/3000 files") }
	live := waitFor("the live bar with a rate", func(s string) bool {
		l := barLine(s)
		return strings.Contains(l, "files/s") && strings.Contains(l, "ETA") && !strings.Contains(l, " 0 files/s")
	})
	t.Logf("live screen (150 columns):\n%s", lastLines(trimScreen(live), 3))
	for _, want := range []string{"[", "]", "MB/s", "files/s"} {
		if !strings.Contains(barLine(live), want) {
			t.Errorf("live bar lacks %q: %s", want, barLine(live))
		}
	}
	// (window-size manual: with no client attached, tmux would otherwise
	// size the window back to the session's default later on)
	if out, err := run("set-option", "-g", "window-size", "manual"); err != nil {
		t.Fatalf("tmux set-option: %v: %s", err, out)
	}
	if out, err := run("resize-window", "-t", "bar", "-x", "100", "-y", "20"); err != nil {
		t.Fatalf("tmux resize-window: %v: %s", err, out)
	}
	// the terminal's own size, as the program reads it
	panes, err := run("list-panes", "-t", "bar", "-F", "#{pane_tty}")
	if err != nil {
		t.Fatalf("tmux list-panes: %v: %s", err, panes)
	}
	tty := strings.TrimSpace(panes)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		sz, _ := exec.Command("stty", "-F", tty, "size").Output()
		if strings.TrimSpace(string(sz)) == "20 100" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal is %q, not 20 rows of 100 columns, a minute after the resize", sz)
		}
	}
	// A frame drawn at the new width fits in one row, ETA included.
	resized := waitFor("the bar redrawn at 100 columns", func(s string) bool {
		l := barLine(s)
		return strings.Contains(l, "]") && strings.Contains(l, "ETA") && len([]rune(strings.TrimRight(l, " "))) <= 100
	})
	t.Logf("after the resize (100 columns):\n%s", lastLines(trimScreen(resized), 3))
	if out, err := run("send-keys", "-t", "bar", "C-c"); err != nil {
		t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
	final := waitFor("the end", func(s string) bool { return strings.Contains(s, "exit=") })
	if w, _ := run("display-message", "-p", "-t", "bar", "#{pane_width}"); strings.TrimSpace(w) != "100" {
		t.Errorf("the pane is %s columns wide at the end, not 100", strings.TrimSpace(w))
	}
	t.Logf("last screen after Ctrl-C:\n%s", trimScreen(final))
	if !strings.Contains(final, fmt.Sprintf("exit=%d", ExitInterrupted)) {
		t.Fatalf("exit status is not %d:\n%s", ExitInterrupted, final)
	}
	if l := barLine(final); !strings.Contains(l, "interrupted") || strings.Contains(l, "done") {
		t.Errorf("the final bar does not say interrupted: %q", l)
	}
	lines := strings.Split(trimScreen(final), "\n")
	last := ""
	for i := len(lines) - 1; i >= 0; i-- {
		if !strings.HasPrefix(lines[i], "exit=") && strings.TrimSpace(lines[i]) != "" {
			last = lines[i]
			break
		}
	}
	if !strings.Contains(last, "interrupted") || !strings.Contains(last, "not done") {
		t.Errorf("the last line does not say interrupted with what was not done: %q", last)
	}
}

// lastLineWith is the last line of screen that contains s.
func lastLineWith(screen, s string) string {
	lines := strings.Split(screen, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return lines[i]
		}
	}
	return ""
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// trimScreen drops a screen's trailing blank lines and spaces.
func trimScreen(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}
