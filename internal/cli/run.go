package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"time"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/recovery"
)

// runSettings are how files are run, which analyze takes from its flags and
// retry from the run it repeats.
type runSettings struct {
	workers      int
	isolate      bool
	timeout      time.Duration
	retries      int
	recycleAfter int
	maxSize      int64 // 0: no limit
	budget       int64 // --max-memory
	python       parser.Version
}

// engine is the machinery of one run that the flags choose: the memory
// manager, the batch options built on it, and progress.
type engine struct {
	mode     progress.Mode
	mm       *memory.Manager
	sizes    memory.Batches
	bo       batch.Options
	tracker  *progress.Tracker
	renderer progress.Renderer
}

// newEngine resolves s into an engine.
func newEngine(ctx context.Context, s runSettings, analyze batch.AnalyzeFunc, progressMode string, progressEvery time.Duration, stderr io.Writer) (*engine, error) {
	e := &engine{}
	mode, err := progress.ParseMode(progressMode)
	if err != nil {
		return nil, usageError{err}
	}
	renderer, err := progress.NewRenderer(mode, stderr, progress.RendererOptions{Interval: progressEvery})
	if err != nil {
		return nil, usageError{fmt.Errorf("--progress: %w", err)}
	}
	e.mode = mode
	e.mm, err = memory.New(memory.Options{Budget: s.budget})
	if err != nil {
		return nil, usageError{fmt.Errorf("--max-memory: %w", err)}
	}
	e.sizes = memory.BatchSizes(e.mm.Budget(), memory.SizingOptions{})
	setRuntime(e.mm)
	var workerArgs []string
	if s.python != 0 && s.python != parser.Latest {
		// Another verdict than 3.14's: the analysis that gives it, here
		// and in the worker processes.
		analyze = batch.AnalyzeFor(s.python)
		workerArgs = []string{"--python-version", s.python.String()}
	}
	e.bo = batch.Options{
		InFlight:     e.sizes.ChunkFiles,
		Analyze:      analyze,
		Workers:      s.workers,
		Timeout:      s.timeout,
		MaxSize:      -1, // the scanner enforces --max-size; 0 there means no limit
		Isolate:      s.isolate,
		RecycleAfter: s.recycleAfter,
		WorkerStderr: stderr,
		Retry:        recovery.Policy{MaxAttempts: s.retries + 1},
	}
	if s.maxSize > 0 {
		e.bo.MaxSize = s.maxSize
	}
	if s.isolate {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("--isolate: cannot find my own executable: %w", err)
		}
		e.bo.WorkerCommand = func() *exec.Cmd { return exec.Command(exe, append([]string{workerCommandName}, workerArgs...)...) }
	}
	e.renderer = renderer
	e.tracker = progress.NewTracker(progress.Options{Renderer: renderer, Interrupted: func() bool { return ctx.Err() != nil }})
	return e, nil
}

// messages is where lines about files go while the run shows progress:
// above the bar when there is one.
func (e *engine) messages(stderr io.Writer) io.Writer {
	return progress.MessageWriter(e.renderer, stderr)
}

// usageError marks a configuration error that is the user's to fix.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// runEnd is what a run's command says at its end.
type runEnd struct {
	command    string // "pybatch analyze"
	output     string
	rs         batch.RunSummary
	runErr     error  // what stopped the run
	logErr     error  // writing --log
	unreadable int    // files or directories that could not be read, or listed and missing
	extra      string // a line before the summary
	noFiles    string // the warning when no Python file was found
	next       string // the command that shows the results
	nextLine   string // what to do next, in words, instead of "NEXT shows them"
	quiet      bool
}

// summaryEvent is the last line of --progress json: the run's summary, so
// that every line on stderr is one JSON object.
type summaryEvent struct {
	Event        string         `json:"event"` // "summary"
	Command      string         `json:"command"`
	Files        int            `json:"files"`
	Analyzed     int            `json:"analyzed"`
	SyntaxErrors int            `json:"syntax_errors"`
	Skipped      int            `json:"skipped"`
	Failed       int            `json:"failed"`
	SkippedBy    map[string]int `json:"skipped_by_reason,omitempty"`
	FailedBy     map[string]int `json:"failed_by_class,omitempty"`
	Bytes        int64          `json:"bytes_analyzed"`
	Elapsed      float64        `json:"elapsed_s"`
	Reused       int            `json:"reused"`
	ReusedBytes  int64          `json:"reused_bytes"`
	Unchanged    int            `json:"unchanged"`
	Touched      int            `json:"touched"`
	Gone         int64          `json:"gone"`
	Unreadable   int            `json:"unreadable"`
	Interrupted  bool           `json:"interrupted"`
	Output       string         `json:"output"`
	ExitStatus   int            `json:"exit_status"`
	Error        string         `json:"error,omitempty"`
	Warning      string         `json:"warning,omitempty"`
	Next         string         `json:"next,omitempty"`
}

// end prints the statistics and the summary (one JSON object with
// --progress json; nothing with -q but an error) and returns the exit code.
func (e *engine) end(stderr io.Writer, r runEnd) int {
	rs := r.rs
	code := ExitOK
	var errText, warning string
	switch {
	case r.runErr != nil:
		code, errText = ExitError, fmt.Sprintf("%s: %s", r.output, plainError(r.runErr))
	case rs.Interrupted:
		code = ExitInterrupted
	case rs.Failed > 0 || r.unreadable > 0:
		code = ExitFailures
	case r.noFiles != "":
		code, warning = ExitNoFiles, r.noFiles
	}
	if r.logErr != nil && errText == "" {
		errText = "--log: " + plainError(r.logErr)
		code = max(code, ExitError)
	}
	if e.mode == progress.ModeJSON {
		ev := summaryEvent{Event: "summary", Command: r.command, Files: rs.Files, Analyzed: rs.Analyzed, SyntaxErrors: rs.SyntaxErrors,
			Skipped: rs.Skipped, Failed: rs.Failed, Bytes: rs.Bytes, Elapsed: math.Round(rs.Elapsed.Seconds()*1000) / 1000,
			Reused: rs.Reused, ReusedBytes: rs.ReusedBytes, Unchanged: rs.Kept, Touched: rs.Touched, Gone: rs.Gone, Unreadable: r.unreadable, Interrupted: rs.Interrupted,
			Output: r.output, ExitStatus: code, Error: errText, Warning: warning}
		for k, v := range rs.SkipReasons {
			if ev.SkippedBy == nil {
				ev.SkippedBy = map[string]int{}
			}
			ev.SkippedBy[string(k)] = v
		}
		for k, v := range rs.ErrClasses {
			if ev.FailedBy == nil {
				ev.FailedBy = map[string]int{}
			}
			ev.FailedBy[string(k)] = v
		}
		if code == ExitOK || code == ExitFailures {
			ev.Next = r.next
		}
		_ = json.NewEncoder(stderr).Encode(ev)
		return code
	}
	if !r.quiet {
		if e.mode != progress.ModeNone {
			_ = rs.Stats.WriteText(stderr)
		}
		if r.extra != "" {
			fmt.Fprintln(stderr, r.extra)
		}
		fmt.Fprintln(stderr, "pybatch:", rs.Summary.String())
	}
	if errText != "" {
		fmt.Fprintf(stderr, "%s: %s\n", r.command, errText)
	}
	if r.quiet {
		return code
	}
	switch {
	case rs.Interrupted:
		total := max(e.tracker.Snapshot().FilesTotal, int64(rs.Files))
		fmt.Fprintf(stderr, "pybatch: interrupted: %d files done, %d not done; run the same command again to continue\n", rs.Files, total-int64(rs.Files))
	case warning != "":
		fmt.Fprintf(stderr, "%s: warning: %s (exit status %d)\n", r.command, warning, code)
	case code != ExitError && r.next != "":
		if r.nextLine != "" {
			fmt.Fprintf(stderr, "pybatch: results in %s; %s\n", r.output, r.nextLine)
		} else {
			fmt.Fprintf(stderr, "pybatch: results in %s; %s shows them\n", r.output, r.next)
		}
	}
	return code
}

// gcPercent is the collector's target the command runs with, unless GOGC
// is set: a run's live heap is small (the files in flight), so collecting
// at 3x it instead of 2x halves the collections and stays far inside the
// budget, which the soft memory limit enforces anyway. (bench/NOTES.md has
// the measurements, on two trees.)
const gcPercent = 200

// setRuntime applies the process-wide settings of a run: the memory
// manager's soft limit (the collector works harder as the heap nears it)
// and the collector's target. They are the command's to set, never the
// library's.
func setRuntime(mm *memory.Manager) {
	if lim := mm.SoftLimit(); lim > 0 {
		debug.SetMemoryLimit(lim)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
