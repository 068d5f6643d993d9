package cli

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"time"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
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
func newEngine(s runSettings, analyze batch.AnalyzeFunc, progressMode string, progressEvery time.Duration, stderr io.Writer) (*engine, error) {
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
		e.bo.WorkerCommand = func() *exec.Cmd { return exec.Command(exe, workerCommandName) }
	}
	e.renderer = renderer
	e.tracker = progress.NewTracker(progress.Options{Renderer: renderer})
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

// report prints the statistics (unless progress is JSON or off) and the
// summary, and returns the exit code.
func (e *engine) report(stderr io.Writer, rs batch.RunSummary, extra string, runErr error, fail func(int, string, ...any) int, output string, quiet bool) int {
	if !quiet {
		if e.mode != progress.ModeJSON && e.mode != progress.ModeNone {
			_ = rs.Stats.WriteText(stderr)
		}
		if extra != "" {
			fmt.Fprintln(stderr, extra)
		}
		fmt.Fprintln(stderr, "pybatch:", rs.Summary.String())
	}
	switch {
	case runErr != nil:
		return fail(ExitError, "%s: %v", output, runErr)
	case rs.Interrupted:
		return ExitInterrupted
	case rs.Failed > 0:
		return ExitFailures
	}
	return ExitOK
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
