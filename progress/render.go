package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Renderer draws snapshots. Its methods are called by the Tracker's owner
// goroutine only: Render at most once per Interval (the first time after
// FirstDelay), Finish once at the end.
type Renderer interface {
	// Interval is the least time between two Renders.
	Interval() time.Duration
	// FirstDelay is how long after the start the first Render may come
	// (0 for the bar and JSON; one Interval for plain lines, so that a short
	// run prints only its final line).
	FirstDelay() time.Duration
	// Render draws s. An error (e.g. stderr closed) is kept by the Tracker
	// (RenderErr); the run goes on.
	Render(s Snapshot) error
	// Finish draws the final state; st is the run's statistics.
	Finish(s Snapshot, st *Stats) error
}

// Mode is a --progress value.
type Mode string

// The --progress modes.
const (
	ModeAuto  Mode = "auto"  // ModeBar when the output is a terminal, else ModePlain
	ModeBar   Mode = "bar"   // a live bar (github.com/vbauerster/mpb/v8); plain lines when the output is not a terminal
	ModePlain Mode = "plain" // a line every few seconds
	ModeJSON  Mode = "json"  // one JSON event per line
	ModeNone  Mode = "none"  // nothing
)

// ParseMode parses a --progress value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeAuto, ModeBar, ModePlain, ModeJSON, ModeNone:
		return m, nil
	}
	return "", fmt.Errorf("invalid progress mode %q (want auto, bar, plain, json or none)", s)
}

// RendererOptions tune NewRenderer. The zero value is valid.
type RendererOptions struct {
	// Interval between renders; 0 means the mode's default: 150ms for the
	// bar, 5s for plain lines, 1s for JSON events.
	Interval time.Duration
	// Now is the clock the bar's live elapsed time uses; nil means time.Now.
	// (Plain and JSON renderers only print what the Snapshot says.)
	Now func() time.Time
	// IsTerminal decides ModeAuto; nil means golang.org/x/term.IsTerminal on
	// w's file descriptor when w is an *os.File.
	IsTerminal func(w io.Writer) bool
	// Width of the bar in columns; 0 means the terminal's width.
	Width int
	// TerminalWidth reports the width of the terminal w is, 0 when it is
	// unknown; nil means golang.org/x/term.GetSize on w's file descriptor.
	// A bar needs it: without a width (and no Width) the bar gives way to
	// plain lines.
	TerminalWidth func(w io.Writer) int
}

// ErrStdout is returned by NewRenderer for os.Stdout: progress never mixes
// with the results a user may be piping from stdout.
var ErrStdout = errors.New("progress is never written to stdout")

// NewRenderer makes the renderer for mode writing to w (stderr). ModeNone
// returns a nil Renderer, which a Tracker accepts.
func NewRenderer(mode Mode, w io.Writer, o RendererOptions) (Renderer, error) {
	if f, ok := w.(*os.File); ok && f == os.Stdout {
		return nil, ErrStdout
	}
	if o.IsTerminal == nil {
		o.IsTerminal = isTerminal
	}
	// auto picks the bar on a terminal; the bar itself needs one (mpb draws
	// nothing elsewhere), so asked for on a pipe or a file it becomes plain
	// lines rather than silence or cursor escapes in a log.
	if o.TerminalWidth == nil {
		o.TerminalWidth = terminalWidth
	}
	if mode == ModeAuto || mode == ModeBar {
		mode = ModePlain
		if o.IsTerminal(w) && (o.Width > 0 || o.TerminalWidth(w) > 0) {
			mode = ModeBar
		}
	}
	switch mode {
	case ModeNone:
		return nil, nil
	case ModePlain:
		return &plainRenderer{w: w, every: cmpDur(o.Interval, 5*time.Second)}, nil
	case ModeJSON:
		return &jsonRenderer{enc: json.NewEncoder(w), every: cmpDur(o.Interval, time.Second)}, nil
	case ModeBar:
		return newBarRenderer(w, o), nil
	}
	return nil, fmt.Errorf("invalid progress mode %q", mode)
}

func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return 0
	}
	return width
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func cmpDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Line is the one-line human form of a snapshot, shared by the plain
// renderer and the bar:
//
//	1200/11600 files · 12.3/128.0 MB (9.6%) · 410 files/s · 4.1 MB/s · 12 skipped · 3 failed · elapsed 3s · ETA 28s
//
// While discovery goes on the totals carry a "+" and the percentage gives way
// to "total still growing"; the ETA is then a lower bound (">28s").
func (s Snapshot) Line() string {
	return s.counts() + " · " + s.rates() + s.problems() + " · elapsed " + fmtDur(s.Elapsed) + " · " + s.etaText()
}

// totalKnown reports whether the totals are final or counted ahead: no "+",
// a percentage, and an ETA that is not a lower bound.
func (s Snapshot) totalKnown() bool { return s.TotalFinal || s.TotalCounted }

func (s Snapshot) counts() string {
	plus := ""
	if !s.totalKnown() {
		plus = "+"
	}
	out := fmt.Sprintf("%d/%d%s files · %.1f/%.1f%s MB", s.FilesDone, s.FilesTotal, plus, float64(s.BytesDone)/1e6, float64(s.BytesTotal)/1e6, plus)
	if s.totalKnown() {
		out += " (" + s.percent() + ")"
	} else {
		out += " (total still growing)"
	}
	return out
}

func (s Snapshot) percent() string {
	if s.BytesTotal == 0 {
		if s.FilesTotal == 0 {
			return "100.0%"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(s.FilesDone)/float64(s.FilesTotal))
	}
	return fmt.Sprintf("%.1f%%", math.Floor(1000*float64(s.BytesDone)/float64(s.BytesTotal))/10)
}

func (s Snapshot) rates() string {
	return fmt.Sprintf("%.0f files/s · %.1f MB/s", s.FilesPerSec, s.BytesPerSec/1e6)
}

func (s Snapshot) problems() string {
	out := ""
	if s.Skipped > 0 {
		out += fmt.Sprintf(" · %d skipped", s.Skipped)
	}
	if s.Failed > 0 {
		out += fmt.Sprintf(" · %d failed", s.Failed)
	}
	return out
}

func (s Snapshot) etaText() string {
	switch {
	case s.Final && s.Interrupted:
		return fmt.Sprintf("interrupted: %d of %d files not done", max(s.FilesTotal-s.FilesDone, 0), s.FilesTotal)
	case s.Final:
		return "done"
	case s.Finishing:
		return "finishing · ETA " + fmtDur(s.ETA)
	case !s.ETAKnown:
		return "ETA estimating…"
	case !s.totalKnown():
		return "ETA >" + fmtDur(s.ETA)
	}
	return "ETA " + fmtDur(s.ETA)
}

// plainRenderer prints Snapshot.Line every few seconds, for logs and pipes.
type plainRenderer struct {
	w     io.Writer
	every time.Duration
}

func (p *plainRenderer) Interval() time.Duration   { return p.every }
func (p *plainRenderer) FirstDelay() time.Duration { return p.every }
func (p *plainRenderer) Render(s Snapshot) error {
	_, err := io.WriteString(p.w, "progress: "+s.Line()+"\n")
	return err
}
func (p *plainRenderer) Finish(s Snapshot, _ *Stats) error { return p.Render(s) }

// jsonRenderer prints one JSON object per line: {"event":"progress",...}
// every interval and {"event":"done",...,"stats":{...}} at the end.
type jsonRenderer struct {
	enc   *json.Encoder
	every time.Duration
}

// jsonEvent is the wire form of a snapshot (field order is fixed by the
// struct). Times are seconds; eta_s is null while estimating.
type jsonEvent struct {
	Event        string   `json:"event"`
	Time         string   `json:"time"`
	Elapsed      float64  `json:"elapsed_s"`
	FilesDone    int64    `json:"files_done"`
	FilesTotal   int64    `json:"files_total"`
	BytesDone    int64    `json:"bytes_done"`
	BytesTotal   int64    `json:"bytes_total"`
	TotalFinal   bool     `json:"total_final"`
	TotalCounted bool     `json:"total_counted"`
	Analyzed     int64    `json:"analyzed"`
	SyntaxErrors int64    `json:"syntax_errors"`
	Skipped      int64    `json:"skipped"`
	Failed       int64    `json:"failed"`
	FilesPerSec  float64  `json:"files_per_s"`
	BytesPerSec  float64  `json:"bytes_per_s"`
	ETA          *float64 `json:"eta_s"`
	Finishing    bool     `json:"finishing,omitempty"`
	Interrupted  bool     `json:"interrupted,omitempty"`
	Stats        *Stats   `json:"stats,omitempty"`
}

func (j *jsonRenderer) Interval() time.Duration   { return j.every }
func (j *jsonRenderer) FirstDelay() time.Duration { return 0 }
func (j *jsonRenderer) Render(s Snapshot) error   { return j.enc.Encode(event("progress", s, nil)) }
func (j *jsonRenderer) Finish(s Snapshot, st *Stats) error {
	return j.enc.Encode(event("done", s, st))
}

func event(kind string, s Snapshot, st *Stats) jsonEvent {
	e := jsonEvent{
		Event: kind, Time: s.Time.UTC().Format(time.RFC3339Nano), Elapsed: round3(s.Elapsed.Seconds()),
		FilesDone: s.FilesDone, FilesTotal: s.FilesTotal, BytesDone: s.BytesDone, BytesTotal: s.BytesTotal,
		TotalFinal: s.TotalFinal, TotalCounted: s.TotalCounted, Analyzed: s.Analyzed, SyntaxErrors: s.SyntaxErrors, Skipped: s.Skipped,
		Failed: s.Failed, FilesPerSec: round3(s.FilesPerSec), BytesPerSec: math.Round(s.BytesPerSec), Stats: st, Finishing: s.Finishing, Interrupted: s.Interrupted,
	}
	if s.ETAKnown {
		v := round3(s.ETA.Seconds())
		e.ETA = &v
	}
	return e
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
