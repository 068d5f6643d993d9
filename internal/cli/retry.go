package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// retryCmd is "pybatch retry": the original plan's retry_failed. It
// analyzes again only the files that failed in the last run of a database,
// with that run's analysis options, and writes their new records into the
// same database as a new run. Its analysis function is a field for the
// same reason as analyzeCmd's.
type retryCmd struct {
	analyze batch.AnalyzeFunc
}

func runRetry(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return retryCmd{analyze: analyzeFile}.run(ctx, args, stdout, stderr)
}

// storedOptions are the options of analyze that retry takes over from the
// run it repeats (runs.options, as analyze records them). A field absent
// from an older record keeps analyze's default.
type storedOptions struct {
	MaxSize   string `json:"max_size"`
	MaxMemory string `json:"max_memory"`
	Retries   *int   `json:"retries"`
	Isolate   bool   `json:"isolate"`
	Workers   int    `json:"workers"`
	Timeout   string `json:"timeout"`
	// RecycleAfter is recorded by newer versions of analyze only.
	RecycleAfter *int `json:"recycle_after"`
}

func (c retryCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("retry", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var workers int
	var progressMode string
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pybatch retry [flags] [DATABASE]")
		fmt.Fprintln(stderr, "\nAnalyse again the files that failed in the last run of DATABASE (default "+DefaultOutput+"),")
		fmt.Fprintln(stderr, "with that run's options, and record the results as a new run of the same database.")
		fmt.Fprintln(stderr, "Exit status: 0 all retried files done, 1 some still fail, 2 usage, 3 error, 130 interrupted.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	for _, name := range []string{"j", "workers"} {
		fs.IntVar(&workers, name, 0, "files analyzed at once (default: the last run's setting)")
	}
	fs.StringVar(&progressMode, "progress", "auto", "progress on stderr: auto, bar, plain, json or none")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "pybatch retry: "+format+"\n", a...)
		return code
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return fail(ExitUsage, "one DATABASE at most, got %d arguments", fs.NArg())
	}
	if workers < 0 {
		return fail(ExitUsage, "--workers must not be negative")
	}
	path := DefaultOutput
	if fs.NArg() == 1 {
		path = fs.Arg(0)
	}
	if low := strings.ToLower(path); path == "-" || strings.HasSuffix(low, ".jsonl") || strings.HasSuffix(low, ".ndjson") {
		return fail(ExitUsage, "%s: retry needs a SQLite database (JSON Lines keep no list of failures to repeat; run analyze again)", path)
	}
	// store.Open would create a missing database: a retry of nothing is a
	// mistake worth saying.
	if _, err := os.Stat(path); err != nil {
		return fail(ExitError, "%v (retry repeats the failures recorded in a database that analyze wrote)", err)
	}
	if _, err := progress.ParseMode(progressMode); err != nil {
		return fail(ExitUsage, "%v", err)
	}

	sinkCtx := context.WithoutCancel(ctx) // the run is recorded even after an interruption
	db, err := store.Open(sinkCtx, path, store.Options{})
	if err != nil {
		return fail(ExitError, "%v", err)
	}
	defer db.Close()
	last, err := db.LastResultRun(ctx)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(stderr, "pybatch retry: %s holds no results: nothing to retry\n", path)
		return ExitOK
	}
	if err != nil {
		return fail(ExitError, "%v", err)
	}
	failed, err := db.Failed(ctx)
	if err != nil {
		return fail(ExitError, "%v", err)
	}
	if len(failed) == 0 {
		fmt.Fprintf(stderr, "pybatch retry: no file failed in the last run of %s (run %d): nothing to retry\n", path, last.ID)
		return ExitOK
	}

	var so storedOptions
	if err := json.Unmarshal(last.Options, &so); err != nil {
		return fail(ExitError, "the options of run %d in %s are not readable: %v", last.ID, path, err)
	}
	settings, err := so.settings()
	if err != nil {
		return fail(ExitError, "the options of run %d in %s: %v", last.ID, path, err)
	}
	if workers > 0 {
		settings.workers = workers
	}
	e, err := newEngine(settings, c.analyze, progressMode, 0, stderr)
	if err != nil {
		if errors.As(err, new(usageError)) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitError, "the options of run %d: %v", last.ID, err)
	}
	bo := e.bo

	run, err := db.BeginRun(sinkCtx, store.RunInfo{
		ToolVersion: batch.Version,
		// The repeated run's options hash: the records are the ones that
		// run would have made, so the next incremental analyze with the
		// same options keeps them.
		OptionsHash: last.OptionsHash,
		Options:     map[string]any{"retry_of": last.ID, "options": last.Options, "files": len(failed), "workers": bo.Workers},
	})
	if err != nil {
		return fail(ExitError, "%v", err)
	}

	files := make(batch.FileList, len(failed))
	for i, f := range failed {
		files[i] = batch.File{Source: f.Source, Path: f.Path, OSPath: filepath.Join(f.Source, filepath.FromSlash(f.Path))}
	}
	rs, runErr := batch.Run(ctx, batch.Config{
		Inputs:   []batch.Input{files},
		Scan:     scan.Options{MaxSize: settings.maxSize},
		Batch:    bo,
		Output:   run,
		Memory:   e.mm,
		Progress: e.tracker,
	})
	extra := fmt.Sprintf("pybatch retry: %d files that failed in run %d of %s retried as run %d", len(failed), last.ID, path, run.ID())
	return e.report(stderr, rs, extra, runErr, fail, path)
}

// settings are the run settings of the run being repeated.
func (so storedOptions) settings() (runSettings, error) {
	s := runSettings{workers: so.Workers, isolate: so.Isolate, timeout: time.Minute, retries: 2, recycleAfter: 1000}
	var err error
	if s.maxSize, err = memory.ParseSize(or(so.MaxSize, "10MB")); err != nil || s.maxSize < 0 {
		return s, fmt.Errorf("max_size %q: %v", so.MaxSize, err)
	}
	if s.budget, err = memory.ParseSize(or(so.MaxMemory, "500MB")); err != nil {
		return s, fmt.Errorf("max_memory %q: %v", so.MaxMemory, err)
	}
	if so.Timeout != "" {
		if s.timeout, err = time.ParseDuration(so.Timeout); err != nil || s.timeout < 0 {
			return s, fmt.Errorf("timeout %q: %v", so.Timeout, err)
		}
	}
	if so.Retries != nil {
		s.retries = max(*so.Retries, 0)
	}
	if so.RecycleAfter != nil {
		s.recycleAfter = max(*so.RecycleAfter, 0)
	}
	return s, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
