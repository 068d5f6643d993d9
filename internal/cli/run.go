package cli

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"time"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/store"
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

// engine is the machinery of one run: the memory manager, the batch
// options built on it, progress and the memory sampler.
type engine struct {
	start   time.Time
	mode    progress.Mode
	mm      *memory.Manager
	sizes   memory.Batches
	bo      batch.Options
	tracker *progress.Tracker
	sampler *memory.Sampler
}

// newEngine resolves s into an engine. Its tracker and sampler start with
// begin; close releases the memory manager.
func newEngine(s runSettings, analyze batch.AnalyzeFunc, progressMode string, progressEvery time.Duration, stderr io.Writer) (*engine, error) {
	e := &engine{start: time.Now()}
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
	e.bo = batch.Options{
		InFlight: e.sizes.ChunkFiles,
		Admit: func(ctx context.Context, file batch.File) (func(), error) {
			return e.mm.AdmitSize(ctx, file.Size)
		},
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
			e.mm.Close()
			return nil, fmt.Errorf("--isolate: cannot find my own executable: %w", err)
		}
		e.bo.WorkerCommand = func() *exec.Cmd { return exec.Command(exe, workerCommandName) }
	}
	e.tracker = progress.NewTracker(progress.Options{Renderer: renderer})
	return e, nil
}

// usageError marks a configuration error that is the user's to fix.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func (e *engine) close() { e.mm.Close() }

// sample starts sampling memory for the statistics.
func (e *engine) sample(ctx context.Context) {
	e.sampler = memory.StartSampler(ctx, memory.SamplerOptions{})
}

// drain writes every record, counting it in sum and progress, until the
// records end or a write fails.
func (e *engine) drain(ctx context.Context, records iter.Seq[*result.Record], write func(context.Context, *result.Record) error, sum *batch.Summary, each func(*result.Record)) error {
	for rec := range records {
		if err := write(ctx, rec); err != nil {
			return err
		}
		sum.Add(rec)
		e.tracker.Record(rec)
		if each != nil {
			each(rec)
		}
	}
	return nil
}

// end closes progress and returns the run's statistics and outcome.
func (e *engine) end(ctx context.Context, sum *batch.Summary, writeErr error) (progress.Stats, store.Outcome) {
	sum.Elapsed = time.Since(e.start)
	var memSum memory.Summary
	if e.sampler != nil {
		memSum = e.sampler.Stop()
	}
	admission := e.mm.Stats()
	stats := e.tracker.Finish(progress.FinishInfo{Memory: &memSum, Admission: &admission})
	sum.Interrupted = ctx.Err() != nil && writeErr == nil
	switch {
	case writeErr != nil:
		return stats, store.FailedRun
	case sum.Interrupted:
		return stats, store.Interrupted
	}
	return stats, store.Completed
}

// report prints the statistics (unless progress is JSON or off) and the
// summary, and returns the exit code.
func (e *engine) report(stderr io.Writer, stats progress.Stats, sum batch.Summary, extra string, writeErr, finishErr error, fail func(int, string, ...any) int, output string) int {
	if e.mode != progress.ModeJSON && e.mode != progress.ModeNone {
		_ = stats.WriteText(stderr)
	}
	if extra != "" {
		fmt.Fprintln(stderr, extra)
	}
	fmt.Fprintln(stderr, "pybatch:", sum.String())
	switch {
	case writeErr != nil:
		return fail(ExitError, "writing %s: %v", output, writeErr)
	case finishErr != nil:
		return fail(ExitError, "finishing %s: %v", output, finishErr)
	case sum.Interrupted:
		return ExitInterrupted
	case sum.Failed > 0:
		return ExitFailures
	}
	return ExitOK
}
