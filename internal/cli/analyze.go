package cli

import (
	"context"
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
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// DefaultOutput is where analyze writes when -o is not given.
const DefaultOutput = "pybatch.db"

// analyzeCmd is "pybatch analyze". Its analysis function is a field so that
// tests can run the real command, in a real process, with an analysis whose
// speed they control; the command table uses analyzeFile.
type analyzeCmd struct {
	analyze batch.AnalyzeFunc
}

func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return analyzeCmd{analyze: analyzeFile}.run(ctx, args, stdout, stderr)
}

// analyzeFile is the analysis the command runs on every file, in process or
// in a worker process.
var analyzeFile batch.AnalyzeFunc = batch.DefaultAnalyze

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// analyzeFlags are the command's flags, parsed.
type analyzeFlags struct {
	output, format        string
	workers, recycleAfter int
	retries               int
	isolate               bool
	timeout               time.Duration
	include, exclude      stringList
	noIgnore, hidden      bool
	followSymlinks, stubs bool
	shebang               bool
	noResume              bool
	maxSize, maxMemory    string
	progress              string
	progressEvery         time.Duration
	paths                 []string
}

func parseAnalyzeFlags(args []string, stderr io.Writer) (*analyzeFlags, error) {
	f := &analyzeFlags{}
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pybatch analyze [flags] PATH...")
		fmt.Fprintln(stderr, "\nAnalyse every Python file under the PATHs; one record per file (analyzed, skipped")
		fmt.Fprintln(stderr, "with its reason, or failed with its error class) goes to the output, a summary to stderr.")
		fmt.Fprintln(stderr, "Exit status: 0 all done, 1 some files failed, 2 usage, 3 error, 130 interrupted.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&f.output, name, DefaultOutput, "output: a SQLite database, a JSON Lines file (*.jsonl, *.ndjson), or - for JSON Lines on stdout")
	}
	fs.StringVar(&f.format, "format", "", "output format: sqlite or jsonl (default: from the output's name)")
	for _, name := range []string{"j", "workers"} {
		fs.IntVar(&f.workers, name, 0, "files analyzed at once (default: the CPUs this process may use)")
	}
	fs.BoolVar(&f.isolate, "isolate", false, "analyze in worker processes: a crash or hang fails only its file")
	fs.DurationVar(&f.timeout, "timeout", time.Minute, "per-file time limit (0: none); with --isolate the worker is killed")
	fs.IntVar(&f.retries, "retries", 2, "retry a file whose failure is transient (timeout, worker crash, EMFILE, EIO...) up to N times, with backoff")
	fs.IntVar(&f.recycleAfter, "recycle-after", 1000, "with --isolate, replace a worker process after this many files (0: never)")
	fs.Var(&f.include, "include", "glob of files to analyze, relative to each PATH (repeatable; default **/*.py)")
	fs.Var(&f.exclude, "exclude", "glob of files or directories to leave out (repeatable)")
	fs.BoolVar(&f.noIgnore, "no-ignore", false, "do not honour .gitignore, .git/info/exclude and git's global excludes")
	fs.BoolVar(&f.hidden, "hidden", false, "descend into hidden directories")
	fs.BoolVar(&f.followSymlinks, "follow-symlinks", false, "follow symbolic links (each real file is analyzed once)")
	fs.BoolVar(&f.stubs, "stubs", false, "also analyze *.pyi stub files")
	fs.BoolVar(&f.shebang, "shebang", false, "also analyze extension-less files with a python #! line")
	fs.StringVar(&f.maxSize, "max-size", "10MB", "skip files larger than this (e.g. 512KB, 10MB; 0: no limit)")
	fs.StringVar(&f.maxMemory, "max-memory", "500MB", "memory cap of the run: files are admitted by estimated cost, Go's soft limit is set from it")
	fs.StringVar(&f.progress, "progress", "auto", "progress on stderr: auto, bar, plain, json or none")
	fs.DurationVar(&f.progressEvery, "progress-interval", 0, "time between progress updates (default: 150ms for the bar, 5s for plain lines, 1s for json)")
	fs.BoolVar(&f.noResume, "no-resume", false, "analyze every file again instead of skipping those unchanged since the last run (SQLite), replace a JSON Lines file instead of resuming it")
	// Flags may come before, between or after the PATHs; "--" ends them.
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			f.paths = append(f.paths, rest...)
			break
		}
		f.paths = append(f.paths, rest[0])
		args = rest[1:]
	}
	if len(f.paths) == 0 {
		fs.Usage()
		return nil, errors.New("no PATH given")
	}
	return f, nil
}

func (c analyzeCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseAnalyzeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "pybatch analyze:", err)
		return ExitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "pybatch analyze: "+format+"\n", a...)
		return code
	}

	maxSize, err := memory.ParseSize(f.maxSize)
	if err != nil || maxSize < 0 {
		return fail(ExitUsage, "bad --max-size %q: %v", f.maxSize, err)
	}
	if f.workers < 0 || f.recycleAfter < 0 || f.timeout < 0 || f.retries < 0 || f.progressEvery < 0 {
		return fail(ExitUsage, "--workers, --recycle-after, --retries, --timeout and --progress-interval must not be negative")
	}
	so := scan.DefaultOptions()
	so.Include = f.include
	so.Exclude = f.exclude
	so.NoIgnore = f.noIgnore
	so.Hidden = f.hidden
	so.FollowSymlinks = f.followSymlinks
	so.Stubs = f.stubs
	so.Shebang = f.shebang
	so.MaxSize = maxSize
	if err := so.Validate(); err != nil {
		return fail(ExitUsage, "%v", err)
	}
	for _, p := range f.paths {
		if _, err := os.Stat(p); err != nil {
			return fail(ExitUsage, "%v", err)
		}
	}
	budget, err := memory.ParseSize(f.maxMemory)
	if err != nil {
		return fail(ExitUsage, "bad --max-memory %q: %v", f.maxMemory, err)
	}
	e, err := newEngine(runSettings{
		workers: f.workers, isolate: f.isolate, timeout: f.timeout, retries: f.retries,
		recycleAfter: f.recycleAfter, maxSize: maxSize, budget: budget,
	}, c.analyze, f.progress, f.progressEvery, stderr)
	if err != nil {
		if errors.As(err, new(usageError)) {
			return fail(ExitUsage, "%v", err)
		}
		return fail(ExitError, "%v", err)
	}

	// The output must finish even after an interruption: it gets a context
	// that is not cancelled with ctx.
	out, closeOut, err := openOutput(context.WithoutCancel(ctx), f, stdout, batch.OptionsHash(so), e.sizes.StoreBatch, e.mm.Budget())
	if err != nil {
		return fail(ExitError, "%v", err)
	}
	defer closeOut()
	rs, runErr := batch.Run(ctx, batch.Config{
		Roots:    f.paths,
		Scan:     so,
		Batch:    e.bo,
		Output:   out,
		Rescan:   f.noResume,
		Memory:   e.mm,
		Progress: e.tracker,
		Count:    e.mode != progress.ModeNone,
		OnRecord: func(rec *result.Record) {
			if rec.SkipReason == scan.SkipIgnored {
				fmt.Fprintf(stderr, "pybatch analyze: %s is ignored by git (a .gitignore above it); nothing under it is analyzed unless you pass --no-ignore\n", filepath.Join(rec.Source, filepath.FromSlash(rec.Path)))
			}
		},
	})
	var extra string
	if rs.Kept+rs.Touched > 0 || rs.Gone > 0 {
		extra = fmt.Sprintf("pybatch: %d files unchanged since the last run (not analyzed again), %d with only a new mtime, %d gone from the tree", rs.Kept, rs.Touched, rs.Gone)
	}
	return e.report(stderr, rs, extra, runErr, fail, f.output)
}

// openOutput opens the output the flags name, and returns it with the
// function that releases it once the run has finished it (or never began).
func openOutput(ctx context.Context, f *analyzeFlags, stdout io.Writer, optsHash string, batchSize int, budget int64) (store.Output, func(), error) {
	format := f.format
	if format == "" {
		switch ext := strings.ToLower(filepath.Ext(f.output)); {
		case f.output == "-", ext == ".jsonl", ext == ".ndjson":
			format = "jsonl"
		default:
			format = "sqlite"
		}
	}
	switch format {
	case "jsonl":
		if f.output == "-" {
			// A pipe's reader (jq, head) wants records as they come: small
			// commits, still whole lines in one write each.
			s := store.NewJSONL(stdout, store.JSONLOptions{BatchSize: min(batchSize, 64)})
			return s, func() { _ = s.Close() }, nil
		}
		s, err := store.OpenJSONLFile(ctx, f.output, store.JSONLFileOptions{JSONLOptions: store.JSONLOptions{BatchSize: batchSize}, Resume: !f.noResume, OptionsHash: optsHash, ToolVersion: batch.Version})
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = s.Close() }, nil
	case "sqlite":
		if f.output == "-" {
			return nil, nil, errors.New("SQLite output needs a file name, not -")
		}
		// A transaction's queued text takes 1% of the memory budget at most.
		db, err := store.Open(ctx, f.output, store.Options{BatchSize: batchSize, BatchBytes: int(budget / 100)})
		if err != nil {
			return nil, nil, err
		}
		run, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: batch.Version, OptionsHash: optsHash, Options: map[string]any{
			"paths": f.paths, "include": f.include, "exclude": f.exclude, "no_ignore": f.noIgnore,
			"hidden": f.hidden, "follow_symlinks": f.followSymlinks, "stubs": f.stubs, "shebang": f.shebang,
			"max_size": f.maxSize, "max_memory": f.maxMemory, "retries": f.retries, "isolate": f.isolate, "workers": f.workers, "timeout": f.timeout.String(),
			"recycle_after": f.recycleAfter,
		}})
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return run, func() { _ = run.Close(); _ = db.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown --format %q (want sqlite or jsonl)", format)
}
