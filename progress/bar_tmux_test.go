package progress

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/result"
)

// TestMain doubles as the small program the tmux test runs: with
// PYBATCH_BARDEMO set, the test binary renders a bar on its stderr (the
// tmux pane, a real terminal) instead of running tests.
func TestMain(m *testing.M) {
	if os.Getenv("PYBATCH_BARDEMO") != "" {
		os.Exit(barDemo())
	}
	os.Exit(m.Run())
}

// barDemo discovers 1000 files of 10 kB, finishes 400 of them, then keeps the
// bar live (ticking, as a coordinator does during a stall) until a line
// comes on stdin (the test types Enter in the pane); then it ends the walk,
// finishes the rest and prints the statistics.
func barDemo() int {
	mode, err := ParseMode("auto") // must pick the bar: stderr is the pane
	if err != nil {
		return 2
	}
	r, err := NewRenderer(mode, os.Stderr, RendererOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, ok := r.(*barRenderer); !ok {
		fmt.Fprintf(os.Stderr, "auto picked %T on a terminal\n", r)
		return 2
	}
	// a long warmup keeps "estimating…" on screen however slowly the test
	// reads it back; the ETA arithmetic is tested on a simulated clock
	tr := NewTracker(Options{Renderer: r, Warmup: time.Hour})
	for range 1000 {
		tr.Discovered(10_000)
	}
	for i := range 400 {
		st := result.Analyzed
		if i == 7 {
			st = result.Failed
		}
		tr.Record(&result.Record{Path: fmt.Sprintf("pkg/m%d.py", i), Size: 10_000, Status: st, ErrClass: "timeout"})
	}
	resume := make(chan struct{})
	go func() {
		bufio.NewReader(os.Stdin).ReadString('\n')
		close(resume)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
stall:
	for {
		select {
		case <-tick.C:
			tr.Tick()
		case <-resume:
			break stall
		}
	}
	tr.DiscoveryDone()
	for i := 400; i < 1000; i++ {
		tr.Record(&result.Record{Path: fmt.Sprintf("pkg/m%d.py", i), Size: 10_000, Status: result.Analyzed, Duration: time.Millisecond})
	}
	st := tr.Finish(FinishInfo{})
	st.WriteText(os.Stderr)
	return 0
}

func TestBarInRealTerminal(t *testing.T) {
	testenv.RequireCommand(t, "tmux")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// (no echo: the Enter that ends the stall must not move the cursor
	// under the bar mpb redraws in place)
	script := fmt.Sprintf("stty -echo; PYBATCH_BARDEMO=1 LANG=C.UTF-8 %q 2>&1; echo demo-exit=$?; sleep 600", exe)
	tm := testenv.StartTmux(t, script)
	run := tm.Run
	waitFor := func(what string, ok func(string) bool) string { return tm.WaitFor(what, 0, ok) }

	// (mpb draws on its own goroutine: the frame with the new figures may
	// come a refresh before the one with the new fill)
	live := waitFor("the live bar", func(s string) bool {
		return strings.Contains(s, "400/1000+ files") && strings.Contains(lineWith(s, "400/1000+ files"), "=")
	})
	line := lineWith(live, "400/1000+ files")
	for _, want := range []string{"[", "=", ">", "-]", "4.0/10.0+ MB", "(total still growing)", "1 failed", "ETA estimating…"} {
		if !strings.Contains(line, want) {
			t.Errorf("live bar lacks %q:\n%s", want, line)
		}
	}
	// the fill is 40% of the bar: count '=' (with the tip) against the bar's width
	open, closeIdx := strings.Index(line, "["), strings.LastIndex(line, "]")
	if open < 0 || closeIdx < open {
		t.Fatalf("no bar in %q", line)
	}
	inner := line[open+1 : closeIdx]
	fill := strings.Count(inner, "=") + strings.Count(inner, ">")
	if frac := float64(fill) / float64(len([]rune(inner))); frac < 0.35 || frac > 0.45 {
		t.Errorf("bar filled %.0f%% for 40%% of the bytes: %q", frac*100, inner)
	}
	// the elapsed time moves while nothing happens (a stall)
	waitFor("elapsed time to move", func(s string) bool { return strings.Contains(lineWith(s, "400/1000+"), "· 1s ·") })

	if out, err := run("send-keys", "-t", "bar", "Enter"); err != nil {
		t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
	final := waitFor("the end", func(s string) bool { return strings.Contains(s, "demo-exit=") })
	if !strings.Contains(final, "demo-exit=0") {
		t.Fatalf("demo failed:\n%s", final)
	}
	done := lineWith(final, "1000/1000 files")
	for _, want := range []string{"10.0/10.0 MB", "100.0%", "1 failed", "done", "]"} {
		if !strings.Contains(done, want) {
			t.Errorf("final bar lacks %q:\n%s", want, done)
		}
	}
	if strings.Contains(final, "400/1000+") {
		t.Errorf("the live bar was left on screen instead of being redrawn in place:\n%s", final)
	}
	for _, want := range []string{"pybatch: 1000 files in", "failed     1: timeout 1"} {
		if !strings.Contains(final, want) {
			t.Errorf("statistics lack %q:\n%s", want, final)
		}
	}
}

func lineWith(screen, s string) string {
	for l := range strings.SplitSeq(screen, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
