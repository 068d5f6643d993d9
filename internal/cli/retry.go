package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// retryCommand is "pybatch retry": the original plan's retry_failed. It
// analyzes again only the files that failed in the last run of a database,
// with that run's options unless its flags say otherwise (a larger
// --timeout for files that timed out), and writes their new records into
// the same database as a new run.
func (a *app) retryCommand() *cobra.Command {
	var rf runFlags
	cmd := &cobra.Command{
		Use:   "retry [flags] [DATABASE]",
		Short: "Analyze again the files that failed in the last run of a database",
		Long: "Analyze again the files that failed in the last run of DATABASE (default " + DefaultOutput + "),\n" +
			"with that run's options unless a flag below is given, and record the results as a new run\n" +
			"of the same database.\n\n" +
			"Exit status: 0 all retried files done, 1 some still fail, 2 usage error, 3 error, 130 interrupted.",
		Example: "  pybatch retry --timeout 5m --isolate out.db",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("one DATABASE at most, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a.code = a.runRetry(cmd, &rf, args)
			return nil
		},
	}
	rf.add(cmd.Flags(), "the last run's setting")
	for _, name := range []string{"isolate", "timeout", "retries", "recycle-after", "max-size", "max-memory"} {
		f := cmd.Flags().Lookup(name)
		f.Usage += " (default: the last run's)"
		f.DefValue = map[string]string{"int": "0", "duration": "0s", "bool": "false"}[f.Value.Type()] // (not printed)
	}
	return cmd
}

func (a *app) runRetry(cmd *cobra.Command, rf *runFlags, args []string) int {
	fs := cmd.Flags()
	if err := rf.check(fs); err != nil {
		return a.usage(cmd, "%v", err)
	}
	stderr := a.stderr
	ctx := a.ctx
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "pybatch retry: "+format+"\n", a...)
		return code
	}
	path := DefaultOutput
	if len(args) == 1 {
		path = args[0]
	}
	if strings.TrimSpace(path) == "" {
		return a.usage(cmd, "DATABASE is empty")
	}
	if low := strings.ToLower(path); path == "-" || strings.HasSuffix(low, ".jsonl") || strings.HasSuffix(low, ".ndjson") {
		return a.usage(cmd, "%s: retry needs a SQLite database (JSON Lines keep no list of failures to repeat; run analyze again)", path)
	}
	if store.IsParquetDir(path) {
		return a.usage(cmd, "%s: retry needs a SQLite database (a Parquet output is only added to, so a file's new result would be a second row; run analyze again, which replaces a complete output)", path)
	}
	// store.Open would create a missing database: a retry of nothing is a
	// mistake worth saying.
	if _, err := os.Stat(path); err != nil {
		return fail(ExitError, "%s (retry repeats the failures recorded in a database that analyze wrote)", pathError(path, err))
	}

	sinkCtx := context.WithoutCancel(ctx) // the run is recorded even after an interruption
	noteStaleLock(stderr, "pybatch retry", path, rf.quiet)
	db, err := store.Open(sinkCtx, path, store.Options{})
	if err != nil {
		return fail(ExitError, "%s", plainError(err))
	}
	defer db.Close()
	last, err := db.LastResultRun(ctx)
	if errors.Is(err, store.ErrNotFound) {
		if !rf.quiet {
			fmt.Fprintf(stderr, "pybatch retry: %s holds no results: nothing to retry\n", path)
		}
		return ExitOK
	}
	if err != nil {
		return fail(ExitError, "%s", plainError(err))
	}
	failed, err := db.Failed(ctx)
	if err != nil {
		return fail(ExitError, "%s", plainError(err))
	}
	if len(failed) == 0 {
		if !rf.quiet {
			fmt.Fprintf(stderr, "pybatch retry: no file failed in the last run of %s (run %d): nothing to retry\n", path, last.ID)
		}
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
	// The flags given win over the repeated run's options.
	overrides := map[string]any{}
	if fs.Changed("workers") {
		settings.workers = rf.workers
		overrides["workers"] = rf.workers
	}
	if fs.Changed("isolate") {
		settings.isolate = rf.isolate
		overrides["isolate"] = rf.isolate
	}
	if fs.Changed("timeout") {
		settings.timeout = rf.timeout
		overrides["timeout"] = rf.timeout.String()
	}
	if fs.Changed("retries") {
		settings.retries = rf.retries
		overrides["retries"] = rf.retries
	}
	if fs.Changed("recycle-after") {
		settings.recycleAfter = rf.recycleAfter
		overrides["recycle_after"] = rf.recycleAfter
	}
	if fs.Changed("max-size") {
		settings.maxSize, _ = parseSize("--max-size", rf.maxSize)
		overrides["max_size"] = rf.maxSize
	}
	if fs.Changed("max-memory") {
		settings.budget, _ = parseSize("--max-memory", rf.maxMemory)
		overrides["max_memory"] = rf.maxMemory
	}
	e, err := newEngine(ctx, settings, a.analyze, rf.progressMode(fs), rf.progressEvery, stderr)
	if err != nil {
		if errors.As(err, new(usageError)) {
			return a.usage(cmd, "%v", err)
		}
		return fail(ExitError, "the options of run %d: %v", last.ID, err)
	}
	bo := e.bo
	notes, err := newNotes(e.messages(stderr), "pybatch retry", rf.verbosity, e.mode == progress.ModeJSON)
	if err != nil {
		return fail(ExitError, "--log: %s", plainError(err))
	}

	run, err := db.BeginRun(sinkCtx, store.RunInfo{
		ToolVersion: toolVersion(settings.python.String()),
		// The repeated run's options hash: the records are the ones that
		// run would have made, so the next incremental analyze with the
		// same options keeps them.
		OptionsHash: last.OptionsHash,
		Options:     map[string]any{"retry_of": last.ID, "options": last.Options, "files": len(failed), "workers": bo.Workers, "overrides": overrides},
	})
	if err != nil {
		_ = notes.finish()
		return fail(ExitError, "%s", plainError(err))
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
		NoDedup:  rf.noDedup,
		Memory:   e.mm,
		Progress: e.tracker,
		OnRecord: notes.record,
	})
	logErr := notes.finish()
	return e.end(stderr, runEnd{
		command: "pybatch retry", output: path, rs: rs, runErr: runErr, logErr: logErr, unreadable: notes.unreadable, quiet: rf.quiet,
		extra: fmt.Sprintf("pybatch retry: %d files that failed in run %d of %s retried as run %d", len(failed), last.ID, path, run.ID()),
		next:  "pybatch report " + shellQuote(path),
	})
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
	// PythonVersion is analyze's --python-version (newer versions only).
	PythonVersion string `json:"python_version"`
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
	if so.PythonVersion != "" {
		if s.python, err = parsePythonVersion(so.PythonVersion); err != nil {
			return s, fmt.Errorf("python_version %q: %v", so.PythonVersion, err)
		}
	}
	return s, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
