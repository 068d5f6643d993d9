package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pybatch/pybatch/analysis"
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
// in a worker process: analysis.Analyze with the default options.
func analyzeFile(path string, src []byte) *analysis.Report {
	return analysis.Analyze(path, src, analysis.Options{})
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// analyzeFlags are the command's flags, parsed.
type analyzeFlags struct {
	output, format, source string
	workers, recycleAfter  int
	retries                int
	isolate                bool
	timeout                time.Duration
	include, exclude       stringList
	noIgnore, hidden       bool
	followSymlinks, stubs  bool
	shebang                bool
	noResume               bool
	maxSize, maxMemory     string
	progress               string
	progressEvery          time.Duration
	paths                  []string
}

func parseAnalyzeFlags(args []string, stderr io.Writer) (*analyzeFlags, error) {
	f := &analyzeFlags{}
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pybatch analyze [flags] PATH...")
		fmt.Fprintln(stderr, "\nAnalyse every Python file under the PATHs; one record per file (analysed, skipped")
		fmt.Fprintln(stderr, "with its reason, or failed with its error class) goes to the output, a summary to stderr.")
		fmt.Fprintln(stderr, "Exit status: 0 all done, 1 some files failed, 2 usage, 3 error, 130 interrupted.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&f.output, name, DefaultOutput, "output: a SQLite database, a JSON Lines file (*.jsonl, *.ndjson), or - for JSON Lines on stdout")
	}
	fs.StringVar(&f.format, "format", "", "output format: sqlite or jsonl (default: from the output's name)")
	fs.StringVar(&f.source, "source", "", "name of the analysed tree in the results (default: the absolute PATHs)")
	for _, name := range []string{"j", "workers"} {
		fs.IntVar(&f.workers, name, 0, "files analysed at once (default: the CPUs this process may use)")
	}
	fs.BoolVar(&f.isolate, "isolate", false, "analyse in worker processes: a crash or hang fails only its file")
	fs.DurationVar(&f.timeout, "timeout", time.Minute, "per-file time limit (0: none); with --isolate the worker is killed")
	fs.IntVar(&f.retries, "retries", 2, "retry a file whose failure is transient (timeout, worker crash, EMFILE, EIO...) up to N times, with backoff")
	fs.IntVar(&f.recycleAfter, "recycle-after", 1000, "with --isolate, replace a worker process after this many files (0: never)")
	fs.Var(&f.include, "include", "glob of files to analyse, relative to each PATH (repeatable; default **/*.py)")
	fs.Var(&f.exclude, "exclude", "glob of files or directories to leave out (repeatable)")
	fs.BoolVar(&f.noIgnore, "no-ignore", false, "do not honour .gitignore, .git/info/exclude and git's global excludes")
	fs.BoolVar(&f.hidden, "hidden", false, "descend into hidden directories")
	fs.BoolVar(&f.followSymlinks, "follow-symlinks", false, "follow symbolic links (each real file is analysed once)")
	fs.BoolVar(&f.stubs, "stubs", false, "also analyse *.pyi stub files")
	fs.BoolVar(&f.shebang, "shebang", false, "also analyse extension-less files with a python #! line")
	fs.StringVar(&f.maxSize, "max-size", "10MB", "skip files larger than this (e.g. 512KB, 10MB; 0: no limit)")
	fs.StringVar(&f.maxMemory, "max-memory", "500MB", "memory cap of the run: files are admitted by estimated cost, Go's soft limit is set from it")
	fs.StringVar(&f.progress, "progress", "auto", "progress on stderr: auto, bar, plain, json or none")
	fs.DurationVar(&f.progressEvery, "progress-interval", 0, "time between progress updates (default: 150ms for the bar, 5s for plain lines, 1s for json)")
	fs.BoolVar(&f.noResume, "no-resume", false, "analyse every file again instead of skipping those unchanged since the last run (SQLite), replace a JSON Lines file instead of resuming it")
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
	var abs []string
	for _, p := range f.paths {
		if _, err := os.Stat(p); err != nil {
			return fail(ExitUsage, "%v", err)
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return fail(ExitError, "%v", err)
		}
		abs = append(abs, a)
	}
	source := f.source
	if source == "" {
		source = strings.Join(abs, string(filepath.ListSeparator))
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
	defer e.close()
	mm, bo := e.mm, e.bo
	bo.Source = source

	// Sinks must finish even after an interruption: they get a context that
	// is not cancelled with ctx.
	sinkCtx := context.WithoutCancel(ctx)
	optsHash := optionsFingerprint(f, maxSize)
	// (Before it is opened: a JSON Lines output that is empty or missing
	// holds nothing.)
	outputEmpty := true
	if st, err := os.Stat(f.output); err == nil && st.Size() > 0 {
		outputEmpty = false
	}
	out, err := openOutput(sinkCtx, f, stdout, optsHash, e.sizes.StoreBatch, e.mm.Budget())
	if err != nil {
		return fail(ExitError, "%v", err)
	}

	// The directory cache of the last complete walk (SQLite only): a
	// directory whose times and ignore rules have not changed is walked
	// from it instead of being listed again. (Read before the known files,
	// which hold the one connection for a while: the walk waits for it.)
	// A fresh run (nothing stored for the source yet) asks no questions of
	// the store: no stat of each file before its open.
	var dirCache *scan.DirCache
	var dirCacheStored bool
	fresh := f.noResume
	if o, ok := out.(*jsonlOutput); ok && (!o.file || outputEmpty) {
		fresh = true
	}
	if o, ok := out.(*sqliteOutput); ok {
		data, err := o.db.DirCache(sinkCtx, source, optsHash, Version)
		if err != nil {
			fmt.Fprintf(stderr, "pybatch analyze: %v; listing every directory\n", err)
		}
		dirCache, dirCacheStored = scan.NewDirCache(data), data != nil
		so.DirCache = dirCache
		if held, err := o.db.HoldsSource(sinkCtx, source); err == nil && !held {
			fresh = true
		}
	}
	// Incremental and resumed runs: files whose stored result still holds
	// are not analysed again (see store.Incremental). What the output holds
	// is read while the walk starts; the scanner's first question waits.
	var (
		inc      *store.Incremental
		incErr   error
		incReady = make(chan struct{})
	)
	go func() {
		defer close(incReady)
		if f.noResume {
			return
		}
		switch o := out.(type) {
		case *sqliteOutput:
			inc, incErr = store.NewIncremental(sinkCtx, o.db, o.Run, source, optsHash, Version)
		case *jsonlOutput:
			if o.file {
				inc, incErr = store.NewJSONLResume(o.JSONL, source)
			}
		}
		if incErr != nil {
			incErr = fmt.Errorf("reading what %s already holds: %w", f.output, incErr)
		}
	}()
	loaded := func() *store.Incremental { <-incReady; return inc }
	// A record is written once what the output holds is known: through inc,
	// which only touches a record whose content did not change; never when
	// that could not be read (a JSON Lines file would get duplicates).
	write := func(ctx context.Context, rec *result.Record) error {
		if in := loaded(); in != nil {
			return in.Write(ctx, rec)
		}
		if incErr != nil {
			return incErr
		}
		return out.Write(ctx, rec)
	}
	var skipErr atomic.Pointer[error]
	skip := func(path string, size int64, mtime time.Time) bool {
		in := loaded()
		if in == nil {
			return false
		}
		done, err := in.Skip(sinkCtx, path, size, mtime)
		if err != nil {
			skipErr.CompareAndSwap(nil, &err)
		}
		return done
	}
	held := func(path string) bool {
		in := loaded()
		return in != nil && in.Holds(path)
	}
	if !fresh {
		// The scanner asks before opening a file (one stat instead of an
		// open and a read), and walks on while the output is read; files
		// it does not ask about are asked in admitFiles.
		so.Unchanged, so.OmitUnchanged = skip, true
		so.UnchangedReady = incReady
	}

	// The counting walk gives the tracker the run's total ahead of
	// discovery. A fresh run counts first, for up to countFirst; any other
	// run counts alongside, from the first file it will analyse or skip: a
	// re-run with nothing to do never counts.
	beforeFirst := func() {}
	if e.mode != progress.ModeNone {
		countCtx, stopCount := context.WithCancel(ctx)
		defer stopCount()
		count := func(so scan.Options) <-chan struct{} {
			counted := make(chan struct{})
			go func() {
				defer close(counted)
				countFiles(countCtx, f.paths, so, held, e.tracker)
			}()
			return counted
		}
		if fresh {
			// The count and the analysis would compete for the same
			// cores, so counting first makes the run no longer, and the ETA
			// has its total from the start.
			cso := so
			cso.DirCache = nil // (the run's walk records it)
			select {
			case <-count(cso):
			case <-time.After(countFirst):
			case <-ctx.Done():
			}
		} else {
			cso := so
			if dirCache != nil {
				cso.DirCache = dirCache.ReadOnly()
			}
			beforeFirst = sync.OnceFunc(func() { count(cso) })
		}
	}
	e.sample(ctx)
	records, err := batch.Stream(ctx, admitFiles(scan.Scan(ctx, f.paths, so), mm, e.tracker, skip, beforeFirst), bo)
	if err != nil {
		<-incReady
		out.abort()
		return fail(ExitError, "%v", err)
	}
	// This goroutine owns the output, the tracker and the summary: workers
	// only send records.
	var sum batch.Summary
	writeErr := e.drain(sinkCtx, records, write, &sum, func(rec *result.Record) {
		if rec.SkipReason == scan.SkipIgnored {
			fmt.Fprintf(stderr, "pybatch analyze: %s is ignored by git (a .gitignore above it); nothing under it is analysed unless you pass --no-ignore\n", rec.Path)
		}
	})
	<-incReady
	if writeErr == nil {
		writeErr = incErr
	}
	if p := skipErr.Load(); p != nil && writeErr == nil {
		writeErr = *p
	}
	var kept, touched int
	if inc != nil {
		kept, touched = inc.Counts()
	}
	// A complete walk of the source saw every file it still holds: the
	// others are gone.
	var gone int64
	if o, ok := out.(*sqliteOutput); ok && writeErr == nil && ctx.Err() == nil {
		if dirCache.Changed() || !dirCacheStored {
			if data := dirCache.Encode(); data != nil {
				writeErr = o.SaveDirCache(sinkCtx, source, optsHash, Version, data)
			}
		}
		if inc != nil && writeErr == nil {
			gone, writeErr = o.MarkGone(sinkCtx, source)
		}
		if writeErr == nil {
			writeErr = o.SaveKnownSnapshot(sinkCtx, source)
		}
	}
	stats, outcome := e.end(ctx, &sum, writeErr)
	finishErr := out.finish(sinkCtx, outcome, stats)
	var extra string
	if kept+touched > 0 || gone > 0 {
		extra = fmt.Sprintf("pybatch: %d files unchanged since the last run (not analysed again), %d with only a new mtime, %d gone from the tree", kept, touched, gone)
	}
	return e.report(stderr, stats, sum, extra, writeErr, finishErr, fail, f.output)
}

// admitFiles adapts the scanner's stream to the batch: a file that an earlier
// run already did (unchanged, when not nil, says so and records it) is left
// out, every other file is counted in the progress total as it is
// discovered, and a file that could never fit
// in the memory budget is skipped at once instead of occupying a worker.
// first is called before the first file is passed on.
func admitFiles(infos iter.Seq[scan.FileInfo], mm *memory.Manager, tr *progress.Tracker, unchanged func(path string, size int64, mtime time.Time) bool, first func()) iter.Seq[batch.File] {
	return func(yield func(batch.File) bool) {
		defer tr.DiscoveryDone()
		claimed := func(yield func(scan.FileInfo) bool) {
			for fi := range infos {
				if !fi.Unchanged && !yield(fi) { // Unchanged: done in an earlier run
					return
				}
			}
		}
		for f := range batch.FromScan(claimed) {
			if unchanged != nil && unchanged(f.Path, f.Size, f.ModTime) {
				continue // done in an earlier run
			}
			if f.Skip == "" {
				if err := mm.Check(f.Size); err != nil {
					f.Skip, f.SkipErr = memory.SkipReasonTooLarge, err
				}
			}
			first()
			if f.Skip != "" {
				tr.DiscoveredSkipped(f.Size)
			} else {
				tr.Discovered(f.Size)
			}
			if !yield(f) {
				return
			}
		}
	}
}

// countFiles walks the paths ahead of the run, listing directories and
// stating each candidate (relative to its directory, without opening it),
// and gives the tracker the number of files the run will discover and
// their bytes: the total and the ETA then cover the whole tree instead
// of what the run's (bounded, lagging) scan has found so far. (Sizes from a
// sample of one file in 8 were 10% off either way on the full tree, and so
// was every ETA.) Files the output already holds (held) are left out: a
// resumed or incremental run skips most of them. It returns the bytes it
// counted, -1 when ctx ended first.
func countFiles(ctx context.Context, paths []string, so scan.Options, held func(string) bool, tr *progress.Tracker) int64 {
	so.ListOnly, so.ListStat, so.Unchanged, so.UnchangedReady = true, true, nil, nil
	// Summed in the walk's goroutines: handing each file over cost more
	// than stating it.
	var files, bytes atomic.Int64
	so.Tally = func(path string, size int64) {
		if !held(path) {
			files.Add(1)
			bytes.Add(size)
		}
	}
	for range scan.Scan(ctx, paths, so) { // (skips only)
	}
	if ctx.Err() != nil {
		return -1
	}
	if files.Load() > 0 {
		tr.Counted(files.Load(), bytes.Load())
	}
	return bytes.Load()
}

// countFirst bounds how long a fresh run waits for its counting walk (about
// 50,000 files' worth) before it starts analysing alongside it.
const countFirst = 500 * time.Millisecond

// optionsFingerprint identifies the options that change results, so that a
// store can tell results made under other options.
func optionsFingerprint(f *analyzeFlags, maxSize int64) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00include=%q\x00exclude=%q\x00noignore=%v\x00hidden=%v\x00follow=%v\x00stubs=%v\x00shebang=%v\x00max=%d",
		Version, f.include, f.exclude, f.noIgnore, f.hidden, f.followSymlinks, f.stubs, f.shebang, maxSize)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// output is where records go: a store.Sink with a way to end the run.
type output interface {
	store.Sink
	// finish commits everything and records how the run ended.
	finish(ctx context.Context, outcome store.Outcome, stats progress.Stats) error
	// abort releases the output when nothing was run.
	abort()
}

func openOutput(ctx context.Context, f *analyzeFlags, stdout io.Writer, optsHash string, batchSize int, budget int64) (output, error) {
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
			return &jsonlOutput{JSONL: store.NewJSONL(stdout, store.JSONLOptions{BatchSize: min(batchSize, 64)})}, nil
		}
		s, err := store.OpenJSONLFile(ctx, f.output, store.JSONLFileOptions{JSONLOptions: store.JSONLOptions{BatchSize: batchSize}, Resume: !f.noResume, OptionsHash: optsHash, ToolVersion: Version})
		if err != nil {
			return nil, err
		}
		return &jsonlOutput{JSONL: s, file: true}, nil
	case "sqlite":
		if f.output == "-" {
			return nil, errors.New("SQLite output needs a file name, not -")
		}
		// A transaction's queued text takes 1% of the memory budget at most.
		db, err := store.Open(ctx, f.output, store.Options{BatchSize: batchSize, BatchBytes: int(budget / 100)})
		if err != nil {
			return nil, err
		}
		run, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: Version, OptionsHash: optsHash, Options: map[string]any{
			"paths": f.paths, "include": f.include, "exclude": f.exclude, "no_ignore": f.noIgnore,
			"hidden": f.hidden, "follow_symlinks": f.followSymlinks, "stubs": f.stubs, "shebang": f.shebang,
			"max_size": f.maxSize, "max_memory": f.maxMemory, "retries": f.retries, "isolate": f.isolate, "workers": f.workers, "timeout": f.timeout.String(),
			"recycle_after": f.recycleAfter,
		}})
		if err != nil {
			db.Close()
			return nil, err
		}
		return &sqliteOutput{Run: run, db: db}, nil
	}
	return nil, fmt.Errorf("unknown --format %q (want sqlite or jsonl)", format)
}

type jsonlOutput struct {
	*store.JSONL
	file bool // a file with a checkpoint (not stdout)
}

func (o *jsonlOutput) finish(context.Context, store.Outcome, progress.Stats) error { return o.Close() }
func (o *jsonlOutput) abort()                                                      { _ = o.Close() }

type sqliteOutput struct {
	*store.Run
	db *store.DB
}

func (o *sqliteOutput) finish(ctx context.Context, outcome store.Outcome, stats progress.Stats) error {
	err := o.Finish(ctx, outcome, stats)
	return errors.Join(err, o.db.Close())
}

func (o *sqliteOutput) abort() {
	_ = o.Close()
	_ = o.db.Close()
}
