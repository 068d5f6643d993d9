package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pybatch/pybatch/archive"
	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// DefaultOutput is where analyze writes when -o is not given.
const DefaultOutput = "pybatch.db"

// DefaultParquetOutput is where analyze --format parquet writes when -o is
// not given: a directory.
const DefaultParquetOutput = "pybatch.parquet"

// analyzeFile is the analysis the command runs on every file, in process or
// in a worker process.
var analyzeFile batch.AnalyzeFunc = batch.DefaultAnalyze

// runFlags are the flags of how files are run, which analyze and retry
// share (retry takes each from the run it repeats unless it is given).
type runFlags struct {
	workers, recycleAfter int
	retries               int
	isolate               bool
	timeout               time.Duration
	maxSize, maxMemory    string
	progress              string
	progressEvery         time.Duration
	noDedup               bool
	verbosity
}

// add declares the run flags on fs.
func (r *runFlags) add(fs *pflag.FlagSet, defaults string) {
	fs.IntVarP(&r.workers, "workers", "j", 0, "files analyzed at once (default: "+or(defaults, "the CPUs this process may use")+")")
	fs.BoolVar(&r.isolate, "isolate", false, "analyze in worker processes: a crash or hang fails only its file")
	fs.DurationVar(&r.timeout, "timeout", time.Minute, "per-file time limit (0: none); with --isolate the worker is killed")
	fs.IntVar(&r.retries, "retries", 2, "retry a file whose failure is transient (timeout, worker crash, EMFILE, EIO...) up to N times, with backoff")
	fs.IntVar(&r.recycleAfter, "recycle-after", 1000, "with --isolate, replace a worker process after this many files (0: never)")
	fs.StringVar(&r.maxSize, "max-size", "10MB", "skip files larger than this (e.g. 512KB, 10MB; 0: no limit)")
	fs.StringVar(&r.maxMemory, "max-memory", "500MB", "memory cap of the run: files are admitted by estimated cost, Go's soft limit is set from it")
	fs.BoolVar(&r.noDedup, "no-dedup", false, "analyze every file, even one whose bytes another file has (by default each content is analyzed once, within the run and, for SQLite, across runs; the results are the same)")
	fs.StringVar(&r.progress, "progress", "auto", "progress on stderr: auto, bar, plain, json or none")
	fs.DurationVar(&r.progressEvery, "progress-interval", 0, "time between progress updates (default: 150ms for the bar, 5s for plain lines, 1s for json)")
	r.verbosity.add(fs)
}

// check reports the first usage error in the run flags.
func (r *runFlags) check(fs *pflag.FlagSet) error {
	for _, name := range []string{"workers", "recycle-after", "retries"} {
		if v, _ := fs.GetInt(name); v < 0 {
			return fmt.Errorf("--%s must not be negative (got %d)", name, v)
		}
	}
	for _, name := range []string{"timeout", "progress-interval"} {
		if v, _ := fs.GetDuration(name); v < 0 {
			return fmt.Errorf("--%s must not be negative (got %v)", name, v)
		}
	}
	if _, err := progress.ParseMode(r.progress); err != nil {
		return oneOf("--progress", r.progress, "auto", "bar", "plain", "json", "none")
	}
	if _, err := parseSize("--max-size", r.maxSize); err != nil {
		return err
	}
	if _, err := parseSize("--max-memory", r.maxMemory); err != nil {
		return err
	}
	return r.verbosity.check(fs)
}

// progressMode is --progress, or none with -q unless --progress is given.
func (r *runFlags) progressMode(fs *pflag.FlagSet) string {
	if r.quiet && !fs.Changed("progress") {
		return string(progress.ModeNone)
	}
	return r.progress
}

// parseSize parses a size flag, with a message that names the flag.
func parseSize(flag, s string) (int64, error) {
	n, err := memory.ParseSize(s)
	if err != nil || n < 0 {
		if strings.TrimSpace(s) == "" {
			return 0, fmt.Errorf("%s is empty (want a size such as 500MB or 2GB)", flag)
		}
		return 0, fmt.Errorf("%s: %q is not a size (want a number with an optional unit, such as 512KB, 500MB or 2GB)", flag, s)
	}
	return n, nil
}

// analyzeFlags are analyze's flags, parsed.
type analyzeFlags struct {
	runFlags
	output, format        string
	parquetChunk          int
	include, exclude      []string
	extendExclude         []string
	noIgnore, hidden      bool
	followSymlinks, stubs bool
	shebang               bool
	noResume              bool
	filesFrom             string
	null                  bool
	config                string
	noConfig              bool
	shard                 string
	shards                int
	archives              bool
	maxArchiveBytes       string
	python                string
	paths                 []string
	sources               sourceFlags
}

func (a *app) analyzeCommand() *cobra.Command {
	f := &analyzeFlags{}
	cmd := &cobra.Command{
		Use:   "analyze [flags] PATH...",
		Short: "Analyze the Python files under PATHs into a SQLite database or JSON Lines",
		Long: "Analyze every Python file under the PATHs (files or directories); one record per file\n" +
			"(analyzed, skipped with its reason, or failed with its error class) goes to the output, a\n" +
			"summary to stderr. PATH - reads the paths of files from stdin, one a line (-0: NUL-separated).\n\n" +
			"Exit status: 0 all done, 1 some files failed or could not be read, 2 usage error,\n" +
			"3 an error stopped the run, 4 no Python file found, 130 interrupted.",
		Example: "  pybatch analyze ~/src/project\n" +
			"  pybatch analyze -j4 -o out.jsonl --exclude tests src\n" +
			"  git ls-files -z '*.py' | pybatch analyze -0 -",
		RunE: func(cmd *cobra.Command, args []string) error {
			f.paths = args
			a.code = a.runAnalyze(cmd, f)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.output, "output", "o", DefaultOutput, "a SQLite database, a JSON Lines file (*.jsonl, *.ndjson), a Parquet directory (*.parquet, or --format parquet), or - for JSON Lines on stdout")
	fs.StringVar(&f.format, "format", "", "output format: sqlite, jsonl or parquet (default: from the output's name)")
	f.runFlags.add(fs, "")
	fs.IntVar(&f.parquetChunk, "parquet-chunk-files", store.DefaultParquetChunkRecords, "Parquet: files per chunk, each committed (renamed into place) when full; a crash loses at most the chunk being written")
	fs.BoolVar(&f.noResume, "no-resume", false, "analyze every file again instead of skipping those unchanged since the last run (SQLite), replace a JSON Lines file instead of resuming it")
	fs.StringArrayVar(&f.include, "include", nil, "files to analyze, as .gitignore patterns (\"*.py\" at any depth, \"/src/*.py\" anchored at the PATH); repeatable; default *.py and *.ipynb")
	fs.StringArrayVar(&f.exclude, "exclude", nil, "files or directories to leave out, as .gitignore patterns (\"tests\" at any depth, \"/build\" anchored, \"gen/\" directories only); repeatable; replaces the configured list")
	fs.StringArrayVar(&f.extendExclude, "extend-exclude", nil, "like --exclude, added to the configured list")
	fs.BoolVar(&f.noIgnore, "no-ignore", false, "do not honour .gitignore, .git/info/exclude and git's global excludes")
	fs.BoolVar(&f.hidden, "hidden", false, "descend into hidden directories")
	fs.BoolVar(&f.followSymlinks, "follow-symlinks", false, "follow symbolic links (each real file is analyzed once)")
	fs.BoolVar(&f.stubs, "stubs", false, "also analyze *.pyi stub files")
	fs.BoolVar(&f.shebang, "shebang", false, "also analyze extension-less files with a python #! line")
	fs.StringVar(&f.filesFrom, "files-from", "", "read the paths of files to analyze from FILE, one a line (- for stdin)")
	fs.BoolVarP(&f.null, "null", "0", false, "paths read from stdin or --files-from are separated by NUL, not newlines (find -print0, git ls-files -z)")
	fs.StringVar(&f.config, "config", "", "take settings from the [tool.pybatch] table of this pyproject.toml (default: the closest one above the first PATH, else above the working directory)")
	fs.BoolVar(&f.noConfig, "no-config", false, "ignore every pyproject.toml")
	fs.StringVar(&f.shard, "shard", "", "analyze only shard K of N (K/N, 0 <= K < N; auto: from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID) into the part DIR/part-KKKKK-of-NNNNN.db (or .jsonl; Parquet: DIR/TABLE/part-KKKKK-of-NNNNN-cCCCC.parquet) of -o DIR")
	fs.IntVar(&f.shards, "shards", 0, "with --shard auto: the number of shards (default $PYBATCH_SHARDS); needed under a Kubernetes Indexed Job; under a Slurm array it makes the task id the shard (so a retried task, --array=3, keeps shard 3)")
	fs.BoolVar(&f.archives, "archives", false, "also read the archives found in directories (tar, tar.gz/tgz, tar.bz2, tar.xz, tar.zst, zip, whl), each as a source of its own; an archive given as a PATH is always read")
	fs.StringVar(&f.maxArchiveBytes, "max-archive-bytes", "auto", "stop reading an archive after this many decompressed bytes (a compression bomb); auto: the larger of 1GB and 100 times the archive's size; 0: no limit")
	f.sources.add(fs)
	addPythonVersion(fs, &f.python)
	return cmd
}

// DefaultPartsDir is where analyze --shard writes its part when -o is not
// given.
const DefaultPartsDir = "pybatch.parts"

// shardOf resolves --shard and --shards.
func shardOf(fs *pflag.FlagSet, f *analyzeFlags) (store.Shard, error) {
	if fs.Changed("shards") && f.shard != "auto" {
		return store.Shard{}, errors.New("--shards applies to --shard auto (with K/N, N is the number of shards)")
	}
	if f.shards < 0 || f.shards > store.MaxShards {
		return store.Shard{}, fmt.Errorf("--shards must be between 1 and %d (got %d)", store.MaxShards, f.shards)
	}
	switch strings.TrimSpace(f.shard) {
	case "":
		if fs.Changed("shard") {
			return store.Shard{}, errors.New("--shard is empty (want K/N, such as 3/8, or auto)")
		}
		return store.Shard{}, nil
	case "auto":
		return store.ShardFromEnv(os.Getenv, f.shards)
	}
	sh, err := store.ParseShard(f.shard)
	if err != nil {
		return sh, fmt.Errorf("--shard: %w", err)
	}
	return sh, nil
}

// runAnalyze runs analyze with its flags parsed.
func (a *app) runAnalyze(cmd *cobra.Command, f *analyzeFlags) int {
	fs := cmd.Flags()
	usage := func(format string, args ...any) int { return a.usage(cmd, format, args...) }
	if fs.Changed("config") && strings.TrimSpace(f.config) == "" {
		return usage("--config is empty (name a pyproject.toml)")
	}
	if f.noConfig && f.config != "" {
		return usage("--config and --no-config contradict each other: choose one")
	}
	if !f.noConfig {
		var c *fileConfig
		var err error
		if f.config != "" {
			c, err = readConfig(f.config, true)
		} else {
			c, err = findConfig(f.paths)
		}
		if err == nil && c != nil {
			err = c.apply(fs, f)
		}
		if err != nil {
			return usage("%v", err)
		}
		if c != nil && f.verbose {
			fmt.Fprintf(a.stderr, "pybatch analyze: settings from %s\n", c.path)
		}
	}
	if err := f.runFlags.check(fs); err != nil {
		return usage("%v", err)
	}
	if fs.Changed("output") && strings.TrimSpace(f.output) == "" {
		return usage("-o/--output is empty (name a database, a .jsonl file, or - for stdout)")
	}
	if fs.Changed("format") {
		if err := oneOf("--format", f.format, "sqlite", "jsonl", "parquet"); err != nil {
			return usage("%v", err)
		}
		if f.format == "sqlite" && f.output == "-" {
			return usage("--format sqlite cannot write to stdout (-o -): name a database file")
		}
		if f.format == "parquet" && f.output == "-" {
			return usage("--format parquet cannot write to stdout (-o -): name a directory")
		}
		if f.format == "parquet" && !fs.Changed("output") {
			f.output = DefaultParquetOutput
		}
	}
	if fs.Changed("parquet-chunk-files") {
		if f.parquetChunk < 1 {
			return usage("--parquet-chunk-files must be at least 1 (got %d)", f.parquetChunk)
		}
		if outputFormat(f) != "parquet" {
			return usage("--parquet-chunk-files applies to a Parquet output (--format parquet)")
		}
	}
	if fs.Changed("recycle-after") && !f.isolate {
		return usage("--recycle-after applies to worker processes: add --isolate")
	}
	shard, err := shardOf(fs, f)
	if err != nil {
		return usage("%v", err)
	}
	// A shard writes its part of the directory -o names, fresh, under a
	// temporary name until it is complete.
	var part store.PartFiles
	shown := f.output
	if shard.Sharded() {
		if f.output == "-" {
			return usage("--shard writes a part into a directory: -o names it (not -)")
		}
		if !fs.Changed("output") {
			f.output = DefaultPartsDir
		}
		if f.format == "" {
			f.format = "sqlite"
		}
		if st, err := os.Stat(f.output); err == nil && !st.IsDir() {
			return usage("--shard: -o %s is a file; with --shard, -o names the directory of the parts", f.output)
		}
		part = store.PartsOf(f.output, shard, f.format)
		shown = part.Part
	}
	if len(f.paths) == 0 && f.filesFrom == "" && !f.sources.any() {
		return usage("no PATH given (pybatch analyze PATH..., or - to read paths from stdin)")
	}
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(a.stderr, "pybatch analyze: "+format+"\n", args...)
		return code
	}

	maxSize, _ := parseSize("--max-size", f.maxSize)
	budget, _ := parseSize("--max-memory", f.maxMemory)
	ao := batch.ArchiveOptions{Walk: f.archives}
	if f.maxArchiveBytes != "auto" {
		n, err := parseSize("--max-archive-bytes", f.maxArchiveBytes)
		if err != nil {
			return usage("%v (or auto)", err)
		}
		ao.MaxTotal = n
		if n == 0 {
			ao.MaxTotal = -1
		}
	}
	so := scan.DefaultOptions()
	so.Include = f.include
	so.Exclude = append(append([]string(nil), f.exclude...), f.extendExclude...)
	so.NoIgnore = f.noIgnore
	so.Hidden = f.hidden
	so.FollowSymlinks = f.followSymlinks
	so.Stubs = f.stubs
	so.Shebang = f.shebang
	so.MaxSize = maxSize
	if err := so.Validate(); err != nil {
		return usage("%s", strings.TrimPrefix(err.Error(), "scan: "))
	}
	inputs, paths, err := f.sources.inputs(fs, f.paths, so)
	if err != nil {
		return usage("%s", plainError(err))
	}
	var roots []string
	stdinList := false
	for _, p := range paths {
		if p == "-" {
			if stdinList {
				return usage("- (paths from stdin) given twice")
			}
			stdinList = true
			continue
		}
		if p == "" {
			return usage("an empty PATH")
		}
		if _, err := os.Stat(p); err != nil {
			return usage("%s", pathError(p, err))
		}
		roots = append(roots, p)
	}
	if fs.Changed("files-from") && strings.TrimSpace(f.filesFrom) == "" {
		return usage("--files-from is empty (name a file of paths, or - for stdin)")
	}
	if f.null && !stdinList && f.filesFrom == "" {
		return usage("-0/--null applies to paths read from stdin (PATH -) or --files-from")
	}
	if stdinList && f.filesFrom == "-" {
		return usage("both PATH - and --files-from - read stdin: give one")
	}
	var listed []string
	if stdinList {
		listed = append(listed, "-")
	}
	if f.filesFrom != "" {
		listed = append(listed, f.filesFrom)
	}
	missing := 0
	selects, _ := so.Selector() // (so is valid)
	for _, name := range listed {
		in := a.stdinOrEmpty()
		what := "stdin"
		if name != "-" {
			file, err := os.Open(name)
			if err != nil {
				return fail(ExitError, "--files-from %s", pathError(name, err))
			}
			defer file.Close()
			in, what = file, name
		}
		paths, err := readPathList(in, f.null)
		if err != nil {
			return fail(ExitError, "reading paths from %s: %s", what, plainError(err))
		}
		for _, p := range paths {
			st, err := os.Stat(p)
			switch {
			case err != nil:
				missing++
				if missing <= maxUnreadable && !f.quiet {
					fmt.Fprintf(a.stderr, "pybatch analyze: %s (listed in %s)\n", pathError(p, err), what)
				}
			case st.IsDir() || selects(p) || (f.archives && archive.NameFormat(p) != archive.Unknown):
				roots = append(roots, p)
			}
		}
	}
	if missing > maxUnreadable && !f.quiet {
		fmt.Fprintf(a.stderr, "pybatch analyze: %d more listed paths do not exist (%d in all)\n", missing-maxUnreadable, missing)
	}
	if len(roots) == 0 && len(inputs) == 0 {
		if !f.quiet {
			fmt.Fprintf(a.stderr, "pybatch analyze: warning: no Python file found in the paths listed (exit status %d)\n", ExitNoFiles)
		}
		if missing > 0 {
			return ExitFailures
		}
		return ExitNoFiles
	}
	py, err := parsePythonVersion(f.python)
	if err != nil {
		return usage("%v", err)
	}
	e, err := newEngine(a.ctx, runSettings{
		workers: f.workers, isolate: f.isolate, timeout: f.timeout, retries: f.retries,
		recycleAfter: f.recycleAfter, maxSize: maxSize, budget: budget, python: py,
	}, a.analyze, f.progressMode(fs), f.progressEvery, a.stderr)
	if err != nil {
		if errors.As(err, new(usageError)) {
			return usage("%v", err)
		}
		return fail(ExitError, "%s", plainError(err))
	}

	started := time.Now()
	parquetParts := shard.Sharded() && f.format == "parquet"
	if shard.Sharded() {
		if err := part.Begin(); err != nil {
			return fail(ExitError, "%s", plainError(err))
		}
		// A Parquet output writes its shard's parts in place, each chunk
		// renamed into place when complete (store.Parquet).
		f.output, f.noResume = part.Temp(), true
		if parquetParts {
			f.output = part.Dir
		}
	}
	// The output must finish even after an interruption: it gets a context
	// that is not cancelled with ctx.
	if f.output != "-" && !shard.Sharded() {
		lockOf := f.output
		if outputFormat(f) == "parquet" {
			lockOf = filepath.Join(f.output, store.Shard{Index: 0, Count: 1}.PartName())
		}
		noteStaleLock(a.stderr, "pybatch analyze", lockOf, f.quiet)
	}
	out, closeOut, err := openOutput(context.WithoutCancel(a.ctx), f, shard, a.stdout, batch.OptionsHashFor(so, py), e.sizes.StoreBatch, e.mm.Budget())
	if err != nil {
		return fail(ExitError, "%s", plainError(err))
	}
	closeOnce := sync.OnceFunc(closeOut)
	defer closeOnce()
	notes, err := newNotes(e.messages(a.stderr), "pybatch analyze", f.verbosity, e.mode == progress.ModeJSON)
	if err != nil {
		return fail(ExitError, "--log: %s", plainError(err))
	}
	rs, runErr := batch.Run(a.ctx, batch.Config{
		Roots:    roots,
		Inputs:   inputs,
		Scan:     so,
		Batch:    e.bo,
		Output:   out,
		Rescan:   f.noResume,
		NoDedup:  f.noDedup,
		Memory:   e.mm,
		Progress: e.tracker,
		Count:    e.mode != progress.ModeNone,
		OnRecord: notes.record,
		Shard:    shard,
		Archives: ao,
	})
	logErr := notes.finish()
	closeOnce()
	if _, ok := out.(*store.JSONL); ok && f.output != "-" && runErr == nil && !rs.Interrupted {
		// Nothing is left to resume: no checkpoint stays behind.
		if err := store.CompleteJSONLFile(context.WithoutCancel(a.ctx), f.output); err != nil && runErr == nil {
			runErr = err
		}
	}
	if shard.Sharded() {
		switch {
		case parquetParts && runErr == nil && !rs.Interrupted:
			runErr = part.Mark(partStats(shard, f.format, so, f.python, rs, started))
		case runErr == nil && !rs.Interrupted:
			runErr = part.Commit(f.output, partStats(shard, f.format, so, f.python, rs, started))
		}
		if (runErr != nil || rs.Interrupted) && !parquetParts {
			removeOutput(f.output)
		}
	}
	end := runEnd{command: "pybatch analyze", output: shown, rs: rs, runErr: runErr, logErr: logErr, unreadable: notes.unreadable + missing, quiet: f.quiet}
	if rs.Kept+rs.Touched > 0 || rs.Gone > 0 {
		end.extra = fmt.Sprintf("pybatch: %d files unchanged since the last run (not analyzed again), %d with only a new mtime, %d gone from the tree", rs.Kept, rs.Touched, rs.Gone)
	}
	if rs.Files == 0 && rs.Kept+rs.Touched == 0 {
		end.noFiles = fmt.Sprintf("no Python file found under %s", strings.Join(f.paths, ", "))
	}
	if shard.Sharded() {
		end.next = "pybatch merge -o OUT " + shellQuote(part.Dir)
		end.nextLine = "once every shard is done, " + end.next + " joins them"
	} else if f.output != "-" {
		end.next = "pybatch report " + shellQuote(f.output)
	}
	return e.end(a.stderr, end)
}

// partStats are the statistics of a shard's part.
func partStats(sh store.Shard, format string, so scan.Options, python string, rs batch.RunSummary, started time.Time) store.PartStats {
	roots := make([]string, len(rs.Roots))
	for i, r := range rs.Roots {
		roots[i] = filepath.ToSlash(r.OSPath())
	}
	host, _ := os.Hostname()
	py, _ := parsePythonVersion(python) // (checked by runAnalyze)
	hash, tool := batch.OptionsHashFor(so, py), toolVersion(python)
	st := store.PartStats{
		Run: store.ShardRunID(tool, hash, sh.Count, roots), Shard: sh.Index, Shards: sh.Count,
		Format: format, ToolVersion: tool, OptionsHash: hash,
		Files: rs.Files, Analyzed: rs.Analyzed, SyntaxErrors: rs.SyntaxErrors, Skipped: rs.Skipped, Failed: rs.Failed,
		Bytes: rs.Bytes, ElapsedS: rs.Elapsed.Seconds(), Host: host,
		StartedAt: started.UTC().Format(time.RFC3339Nano), EndedAt: time.Now().UTC().Format(time.RFC3339Nano),
	}
	st.SetRoots(roots)
	if p := rs.Plan; p != nil {
		st.Plan, st.Threshold, st.Placed = p.Hash, p.Threshold, p.Placed
	}
	return st
}

// removeOutput removes an output that will not be used, with what lies
// beside it.
func removeOutput(name string) {
	for _, f := range []string{name, name + "-wal", name + "-shm", name + "-journal", store.CheckpointPath(name), store.LockPath(name)} {
		_ = os.Remove(f)
	}
}

// noteStaleLock says when a run takes over the lock file of output that a
// killed run left behind.
func noteStaleLock(w io.Writer, prefix, output string, quiet bool) {
	if holder, ok := store.StaleLock(output); ok && !quiet {
		fmt.Fprintf(w, "%s: note: taking over %s, left behind by a run that is gone (%s)\n", prefix, store.LockPath(output), holder)
	}
}

// readPathList reads a list of paths, one a line (a CR before the newline
// dropped) or NUL-separated; empty entries are left out.
func readPathList(r io.Reader, null bool) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if null {
		sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
			if i := bytes.IndexByte(data, 0); i >= 0 {
				return i + 1, data[:i], nil
			}
			if atEOF && len(data) > 0 {
				return len(data), data, nil
			}
			return 0, nil, nil
		})
	}
	var paths []string
	for sc.Scan() {
		p := sc.Text()
		if !null {
			p = strings.TrimSuffix(p, "\r")
		}
		if p != "" {
			paths = append(paths, p)
		}
	}
	return paths, sc.Err()
}

// pathError says why a PATH cannot be used, without the system call's name.
func pathError(p string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("%s: no such file or directory", p)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("%s: permission denied", p)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %v", p, pe.Err)
	}
	return err.Error()
}

// plainError drops the system call's name from an error about a path
// ("open x.db: permission denied" becomes "x.db: permission denied").
// The library packages' names that start their errors ("store: ...") are
// dropped too: the command's name already says who speaks.
func plainError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && err.Error() == pe.Error() {
		return fmt.Sprintf("%s: %v", pe.Path, pe.Err)
	}
	msg := err.Error()
	for _, pkg := range []string{"store: ", "report: ", "batch: ", "scan: "} {
		msg = strings.TrimPrefix(msg, pkg)
	}
	return msg
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ':' || r == ',' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// openOutput opens the output the flags name, and returns it with the
// function that releases it once the run has finished it (or never began).
func openOutput(ctx context.Context, f *analyzeFlags, shard store.Shard, stdout io.Writer, optsHash string, batchSize int, budget int64) (store.Output, func(), error) {
	format := outputFormat(f)
	switch format {
	case "jsonl":
		if f.output == "-" {
			// A pipe's reader (jq, head) wants records as they come: small
			// commits, still whole lines in one write each.
			s := store.NewJSONL(stdout, store.JSONLOptions{BatchSize: min(batchSize, 64)})
			return s, func() { _ = s.Close() }, nil
		}
		s, err := store.OpenJSONLFile(ctx, f.output, store.JSONLFileOptions{JSONLOptions: store.JSONLOptions{BatchSize: batchSize}, Resume: !f.noResume, OptionsHash: optsHash, ToolVersion: toolVersion(f.python)})
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = s.Close() }, nil
	case "sqlite":
		// A transaction's queued text takes 1% of the memory budget at most.
		db, err := store.Open(ctx, f.output, store.Options{BatchSize: batchSize, BatchBytes: int(budget / 100)})
		if err != nil {
			return nil, nil, err
		}
		run, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: toolVersion(f.python), OptionsHash: optsHash, Options: runOptions(f)})
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return run, func() { _ = run.Close(); _ = db.Close() }, nil
	case "parquet":
		// Each of the six tables holds a row group in memory at a time:
		// together at most an eighth of the budget.
		p, err := store.OpenParquet(ctx, f.output, store.ParquetOptions{Shard: shard, Resume: !f.noResume, OptionsHash: optsHash,
			ToolVersion: toolVersion(f.python), Options: runOptions(f), RowGroupBytes: min(max(budget/48, 1<<20), 64<<20), ChunkRecords: f.parquetChunk})
		if err != nil {
			return nil, nil, err
		}
		return p, func() { _ = p.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown --format %q (want sqlite, jsonl or parquet)", format)
}

// outputFormat is the format the flags name: --format, else the output's
// name (- and *.jsonl, *.ndjson: jsonl; *.parquet or a directory holding a
// Parquet output: parquet; else sqlite).
func outputFormat(f *analyzeFlags) string {
	if f.format != "" {
		return f.format
	}
	switch ext := strings.ToLower(filepath.Ext(f.output)); {
	case f.output == "-", ext == ".jsonl", ext == ".ndjson":
		return "jsonl"
	case ext == ".parquet", store.IsParquetDir(f.output):
		return "parquet"
	}
	return "sqlite"
}

// runOptions are the options a run records with its results.
func runOptions(f *analyzeFlags) map[string]any {
	return map[string]any{
		"paths": f.paths, "include": f.include, "exclude": append(append([]string(nil), f.exclude...), f.extendExclude...), "no_ignore": f.noIgnore,
		"hidden": f.hidden, "follow_symlinks": f.followSymlinks, "stubs": f.stubs, "shebang": f.shebang,
		"max_size": f.maxSize, "max_memory": f.maxMemory, "retries": f.retries, "isolate": f.isolate, "workers": f.workers, "timeout": f.timeout.String(),
		"recycle_after": f.recycleAfter, "python_version": f.python,
	}
}

// addPythonVersion declares --python-version.
func addPythonVersion(fs *pflag.FlagSet, v *string) {
	fs.StringVar(v, "python-version", "3.14", "give this Python's verdict: 3.10, 3.11, 3.12, 3.13 or 3.14 (syntax of a later version is a syntax error, at the line that version's CPython reports)")
}

// pythonVersions are the values of --python-version: those whose verdicts
// are proved against that CPython.
var pythonVersions = []string{"3.10", "3.11", "3.12", "3.13", "3.14"}

// parsePythonVersion reads --python-version.
func parsePythonVersion(s string) (parser.Version, error) {
	if err := oneOf("--python-version", s, pythonVersions...); err != nil {
		return 0, err
	}
	return parser.ParseVersion(s)
}

// toolVersion is the analysis a run records (runs.tool_version, the JSON
// Lines checkpoint): pybatch's version, and the Python whose verdict it
// gives when that is not 3.14. A database keeps one analysis per distinct
// content, so a content analyzed under another version is analyzed again
// and replaced, as after an upgrade of pybatch.
func toolVersion(python string) string {
	if python == "" || python == "3.14" {
		return batch.Version
	}
	return batch.Version + " python" + python
}
