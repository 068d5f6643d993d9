package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/result"
)

func TestParseMode(t *testing.T) {
	for _, in := range []string{"auto", "bar", "plain", "json", "none", " JSON "} {
		if _, err := ParseMode(in); err != nil {
			t.Errorf("ParseMode(%q): %v", in, err)
		}
	}
	if _, err := ParseMode("fancy"); err == nil {
		t.Error("ParseMode accepted fancy")
	}
}

func TestNewRendererModes(t *testing.T) {
	if _, err := NewRenderer(ModePlain, os.Stdout, RendererOptions{}); !errors.Is(err, ErrStdout) {
		t.Errorf("stdout accepted: %v", err)
	}
	var buf bytes.Buffer
	tty := func(io.Writer) bool { return true }
	notty := func(io.Writer) bool { return false }
	if r, _ := NewRenderer(ModeAuto, &buf, RendererOptions{IsTerminal: notty}); !isType[*plainRenderer](r) {
		t.Errorf("auto without a terminal gave %T", r)
	}
	width := func(io.Writer) int { return 80 }
	unknown := func(io.Writer) int { return 0 }
	r, _ := NewRenderer(ModeAuto, &buf, RendererOptions{IsTerminal: tty, TerminalWidth: width})
	if !isType[*barRenderer](r) {
		t.Errorf("auto on a terminal gave %T", r)
	}
	r.Finish(Snapshot{Final: true}, nil) // stop mpb's goroutines
	// a terminal whose size is unknown (a serial console, some CI runners):
	// plain lines rather than a bar that mpb cannot lay out
	for _, mode := range []Mode{ModeAuto, ModeBar} {
		if r, _ := NewRenderer(mode, &buf, RendererOptions{IsTerminal: tty, TerminalWidth: unknown}); !isType[*plainRenderer](r) {
			t.Errorf("%s on a terminal of unknown size gave %T", mode, r)
		}
	}
	if r, err := NewRenderer(ModeNone, &buf, RendererOptions{}); r != nil || err != nil {
		t.Errorf("none gave %T, %v", r, err)
	}
	// a real non-terminal file: auto picks plain
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if r, _ := NewRenderer(ModeAuto, f, RendererOptions{}); !isType[*plainRenderer](r) {
		t.Errorf("auto on a regular file gave %T", r)
	}
	if r, _ := NewRenderer(ModeBar, f, RendererOptions{}); !isType[*plainRenderer](r) {
		t.Errorf("bar on a regular file gave %T, want plain lines", r)
	}
}

func isType[T any](v any) bool { _, ok := v.(T); return ok }

// run simulates 1000 files of 10 kB, one every 10ms (1 MB/s, 100 files/s):
// half discovered at the start, half at 3s, discovery done at 6s; file 700
// is skipped and file 800 fails.
func runScenario(r Renderer) (*fakeClock, Stats) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now, Renderer: r})
	discover(tr, 500, 10_000)
	for i := 1; i <= 1000; i++ {
		c.Advance(10 * time.Millisecond)
		switch i {
		case 300:
			discover(tr, 500, 10_000)
		case 600:
			tr.DiscoveryDone()
		}
		rc := rec(10_000, result.Analyzed)
		switch i {
		case 700:
			rc.Status, rc.SkipReason = result.Skipped, "binary"
		case 800:
			rc.Status, rc.ErrClass = result.Failed, "timeout"
		}
		tr.Record(rc)
	}
	return c, tr.Finish(FinishInfo{})
}

func TestPlainRenderer(t *testing.T) {
	var buf bytes.Buffer
	r, err := NewRenderer(ModePlain, &buf, RendererOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runScenario(r)
	want := "" +
		"progress: 500/1000+ files · 5.0/10.0+ MB (total still growing) · 100 files/s · 1.0 MB/s · elapsed 5s · ETA >5s\n" +
		"progress: 1000/1000 files · 10.0/10.0 MB (100.0%) · 100 files/s · 1.0 MB/s · 1 skipped · 1 failed · elapsed 10s · done\n"
	if got := buf.String(); got != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", got, want)
	}
}

func TestPlainRendererInterval(t *testing.T) {
	var buf bytes.Buffer
	r, _ := NewRenderer(ModePlain, &buf, RendererOptions{Interval: 2 * time.Second})
	runScenario(r)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	// at 2, 4, 6 and 8s, then the final line (the complete state is drawn once)
	if len(lines) != 5 {
		t.Fatalf("%d lines at a 2s interval over 10s:\n%s", len(lines), buf.String())
	}
	if want := "progress: 200/500+ files · 2.0/5.0+ MB (total still growing) · 100 files/s · 1.0 MB/s · elapsed 2s · ETA >3s"; lines[0] != want {
		t.Errorf("line at 2s:\n%s\nwant\n%s", lines[0], want)
	}
	if want := "progress: 600/1000 files · 6.0/10.0 MB (60.0%) · 100 files/s · 1.0 MB/s · elapsed 6s · ETA 4s"; lines[2] != want {
		t.Errorf("line at 6s:\n%s\nwant\n%s", lines[2], want)
	}
}

func TestJSONRenderer(t *testing.T) {
	var buf bytes.Buffer
	r, err := NewRenderer(ModeJSON, &buf, RendererOptions{Interval: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	runScenario(r)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		// the first event comes with the first record, before the warmup: eta_s is null
		`{"event":"progress","time":"2026-11-28T12:00:00.01Z","elapsed_s":0.01,"files_done":1,"files_total":500,"bytes_done":10000,"bytes_total":5000000,"total_final":false,"total_counted":false,"analyzed":1,"syntax_errors":0,"skipped":0,"failed":0,"files_per_s":0,"bytes_per_s":0,"eta_s":null}`,
		`{"event":"progress","time":"2026-11-28T12:00:04.01Z","elapsed_s":4.01,"files_done":401,"files_total":1000,"bytes_done":4010000,"bytes_total":10000000,"total_final":false,"total_counted":false,"analyzed":401,"syntax_errors":0,"skipped":0,"failed":0,"files_per_s":100,"bytes_per_s":1000000,"eta_s":5.99}`,
		`{"event":"progress","time":"2026-11-28T12:00:08.01Z","elapsed_s":8.01,"files_done":801,"files_total":1000,"bytes_done":8010000,"bytes_total":10000000,"total_final":true,"total_counted":false,"analyzed":799,"syntax_errors":0,"skipped":1,"failed":1,"files_per_s":100,"bytes_per_s":998624,"eta_s":1.993}`, // the skipped file at 7s is missing from the decayed rate (the continuous integral gives 998791)
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("%d events, want %d:\n%s", len(lines), len(want)+1, buf.String())
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("event %d:\n%s\nwant\n%s", i, lines[i], w)
		}
	}
	var done struct {
		jsonEvent
		Stats *Stats `json:"stats"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &done); err != nil {
		t.Fatal(err)
	}
	if done.Event != "done" || done.FilesDone != 1000 || done.ETA == nil || *done.ETA != 0 || done.Stats == nil {
		t.Fatalf("done event: %s", lines[len(lines)-1])
	}
	st := done.Stats
	if st.Files != 1000 || st.Analyzed != 998 || st.SkippedBy["binary"] != 1 || st.FailedBy["timeout"] != 1 || st.WallSeconds != 10 {
		t.Errorf("stats in the done event: %+v", st)
	}
}

// An interrupted run's final line says so, with what was not done, in
// every renderer; the JSON event carries "interrupted": true.
func TestInterruptedFinal(t *testing.T) {
	s := Snapshot{Final: true, Interrupted: true, FilesDone: 400, FilesTotal: 1000, TotalFinal: true}
	if line := s.Line(); !strings.HasSuffix(line, "interrupted: 600 of 1000 files not done") {
		t.Errorf("plain line: %q", line)
	}
	var buf bytes.Buffer
	r, _ := NewRenderer(ModeJSON, &buf, RendererOptions{})
	r.Finish(s, &Stats{})
	if !strings.Contains(buf.String(), `"interrupted":true`) {
		t.Errorf("JSON event: %s", buf.String())
	}
	tr := NewTracker(Options{Interrupted: func() bool { return true }})
	tr.Discovered(10)
	if st := tr.Finish(FinishInfo{}); st.Files != 0 || !tr.Snapshot().Final {
		t.Errorf("tracker: %+v", st)
	}
}
