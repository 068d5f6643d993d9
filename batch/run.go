package batch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pybatch/pybatch/archive"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// Version is pybatch's version. It is recorded with every run's results,
// and a result stored by another version is analyzed again.
const Version = "0.1.0-dev"

// Config is one run of the pipeline: everything `pybatch analyze` does,
// which is flag parsing and one call of Run with a Config. Every field but
// Roots may be left zero.
type Config struct {
	// Roots are the directories and files to analyze, as the user gave
	// them (absolute, or relative to the working directory). See Root for
	// the name each gets in the records.
	Roots []string
	// Inputs yield more files, already named (archives and git revisions
	// will be Inputs; `pybatch retry` gives a list of Files). They are not
	// walked, so nothing in them is marked gone.
	Inputs []Input
	// Scan chooses the files under each root: globs, ignore rules, links,
	// the size limit (its zero value takes every *.py file, of any size;
	// scan.DefaultOptions has the command's 10 MB limit). Its hooks
	// (Unchanged, DirCache, Tally, ListOnly, ListStat) belong to the
	// pipeline and must be unset.
	Scan scan.Options
	// Batch runs the files: workers, isolation, per-file timeout, retries,
	// the analysis (nil: DefaultAnalyze). Its Admit belongs to the pipeline
	// (see Memory); InFlight 0 takes the memory budget's chunk size.
	Batch Options
	// Output receives every record (store.Run for SQLite, store.JSONL;
	// see store.Output). Run finishes it (Output.Finish) but does not close
	// what it was opened from. nil: the records are only counted and given
	// to OnRecord.
	Output store.Output
	// Rescan analyzes every file again instead of skipping the files the
	// Output holds unchanged (an incremental run) or already has (a
	// resumed JSON Lines file).
	Rescan bool
	// Memory is the memory budget: files are admitted into the workers by
	// their estimated cost, and a file that could never fit is skipped
	// (too_large). nil: a manager with memory.DefaultBudget.
	Memory *memory.Manager
	// Progress is told of every file found, counted and done, and finished
	// at the end. nil: a tracker without a display (Summary.Stats is
	// still filled).
	Progress *progress.Tracker
	// NoDedup analyzes every file, even when another file of the run has
	// the same bytes or the Output holds a report of them (see
	// Options.Dedup: with it, the default, each content is analyzed once).
	// The records are the same either way, provided Batch.Analyze
	// depends only on the bytes; the Output's stored reports are taken only
	// with the default analysis (Batch.Analyze nil).
	NoDedup bool
	// Count walks the roots once more, alongside the run (or first, for up
	// to half a second, in a fresh run), only listing and stating, so that
	// Progress has the run's total and an ETA from the start.
	Count bool
	// OnRecord, when set, is given every record after it was written, on
	// the goroutine that called Run.
	OnRecord func(*result.Record)
	// WholeReports says that OnRecord needs every analyzed record's whole
	// report. Without it, a file whose bytes the output already holds
	// (store.ReportStore) gets only the stored summary (its report is
	// analysis.Report.Partial: no definitions, imports or docstrings), which
	// is all the output needs and costs a fraction of reading the facts back.
	WholeReports bool
	// Shard, when set, keeps only the files of one shard of a run spread
	// over machines: the roots are walked first (a stat per file) and
	// split by a ShardPlan (by the hash of each file's path below its
	// source, the largest files by size), which every machine computes
	// alike; the other shards' files are stated but neither opened nor
	// recorded. So N runs of the N shards, on as many machines, analyze
	// every file once without talking to each other. Inputs' files are
	// split by the hash of their path only. An Output shared by shards
	// would have the files of the others marked gone: give each shard its
	// own part (see store.PartFiles).
	Shard store.Shard
	// Archives: how archives are read. A root that is an archive
	// (IsArchive) is read as a source of its own (see ArchiveInput);
	// Archives.Walk also opens those found in directories.
	Archives ArchiveOptions
}

// An Input yields files to analyze, each named by its source and its path
// in it (File.Source, File.Path), with its content in File.Data or read
// from File.OSPath. A file's Skip, when set, is recorded as is. An Input
// that reads contents itself (an archive, a git revision, a dataset)
// yields one File at a time and reads the next only when the previous one
// was taken, so that the pipeline's bound on files in flight bounds its
// memory too.
type Input interface {
	Files(ctx context.Context) iter.Seq[File]
}

// FileList is an Input of files on disk: each is stated when it is yielded,
// for the size and modification time in its record (a file that is gone
// keeps zeros, and its record says why it could not be read).
type FileList []File

// Files implements Input.
func (l FileList) Files(ctx context.Context) iter.Seq[File] {
	return func(yield func(File) bool) {
		for _, f := range l {
			if ctx.Err() != nil {
				return
			}
			if f.Data == nil && f.Size == 0 && f.ModTime.IsZero() {
				if st, err := os.Stat(f.osPath()); err == nil {
					f.Size, f.ModTime = st.Size(), st.ModTime()
				}
			}
			if !yield(f) {
				return
			}
		}
	}
}

// RunSummary is what a run did.
type RunSummary struct {
	Summary
	// Roots are the roots as the run named them (an archive root is its
	// own Source, with Prefix "", after the directories and files).
	Roots []Root
	// Kept and Touched count the files that an earlier run of the Output
	// already did: not analyzed again, or (same content, new mtime) only
	// given their new mtime. Gone counts the files the Output held that
	// the walk no longer found.
	Kept, Touched int
	Gone          int64
	// Stats are the progress tracker's final statistics.
	Stats progress.Stats
	// Plan is how a sharded run split the files (nil when not sharded).
	Plan *ShardPlan
}

// Root is a root of a run as the pipeline names it. Source is an absolute,
// cleaned directory with symbolic links resolved, and Prefix the
// slash-separated path below Source that the root covers ("" for all of
// it). A directory is its own source, unless it lies inside a source the
// output already holds or inside another root of the run: it is then the
// Prefix of that source, so that each file is stored once, under one name,
// whatever the working directory and the spelling of the root. A file is
// named inside the directory that holds it.
type Root struct {
	Given  string // as the user gave it
	Source string
	Prefix string
	Dir    bool // a directory (else one file)
}

// OSPath is where the root is on disk.
func (r Root) OSPath() string {
	if r.Prefix == "" {
		return r.Source
	}
	return filepath.Join(r.Source, filepath.FromSlash(r.Prefix))
}

// Rel is the name of the file at osPath (found by walking r) in its source.
func (r Root) Rel(osPath string) string {
	root := r.OSPath()
	if osPath == root {
		return r.Prefix
	}
	below := strings.TrimPrefix(osPath, root)
	below = strings.TrimPrefix(below, string(filepath.Separator))
	below = filepath.ToSlash(below)
	if r.Prefix == "" {
		return below
	}
	return r.Prefix + "/" + below
}

// ResolveRoots names roots as Run does, given the sources an output holds
// (see Root). A root that does not exist is an error; a root inside
// another root of the list is dropped (the other's walk covers it).
func ResolveRoots(roots []string, held []string) ([]Root, error) {
	var out []Root
	for _, given := range roots {
		abs, err := filepath.Abs(given)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, err
		}
		r := Root{Given: given, Dir: st.IsDir()}
		dir, name := abs, ""
		if !r.Dir {
			dir, name = filepath.Dir(abs), filepath.Base(abs)
		}
		if dir, err = filepath.EvalSymlinks(dir); err != nil {
			return nil, err
		}
		r.Source, r.Prefix = dir, name
		out = append(out, r)
	}
	// The outermost directory that holds a root names it: a held source,
	// or a directory root of this run.
	outers := slices.Clone(held)
	for _, r := range out {
		if r.Dir {
			outers = append(outers, r.Source)
		}
	}
	for i := range out {
		full := out[i].OSPath()
		best := ""
		for _, o := range outers {
			if _, ok := below(o, full); ok && (best == "" || len(o) < len(best)) {
				best = o
			}
		}
		if best != "" {
			rel, _ := below(best, full)
			out[i].Source, out[i].Prefix = best, filepath.ToSlash(rel)
		}
	}
	// A root covered by another root's walk goes; so does a repeated one.
	// (By a set of the directory roots and each root's ancestors: a list
	// of many files from stdin must not cost a comparison per pair.)
	type key struct{ source, prefix string }
	dirs := map[key]int{} // the first directory root of each name
	for i, r := range out {
		if _, ok := dirs[key{r.Source, r.Prefix}]; r.Dir && !ok {
			dirs[key{r.Source, r.Prefix}] = i
		}
	}
	seen := map[key]bool{}
	var kept []Root
	for _, r := range out {
		k := key{r.Source, r.Prefix}
		covered := seen[k]
		for p := r.Prefix; !covered && p != ""; {
			p = p[:max(strings.LastIndexByte(p, '/'), 0)]
			_, covered = dirs[key{r.Source, p}]
		}
		if !covered {
			seen[k] = true
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// below returns p's path relative to root when p is root ("") or below it.
func below(root, p string) (string, bool) {
	switch {
	case p == root:
		return "", true
	case strings.HasSuffix(root, string(filepath.Separator)):
		return p[len(root):], strings.HasPrefix(p, root)
	case strings.HasPrefix(p, root) && p[len(root)] == filepath.Separator:
		return p[len(root)+1:], true
	}
	return "", false
}

// OptionsHash identifies the options under which the files of a run are
// selected and analyzed, with the tool version: a stored result made under
// another hash is analyzed again.
func OptionsHash(so scan.Options) string { return OptionsHashFor(so, 0) }

// OptionsHashFor is OptionsHash for files analyzed with the verdict of
// Python 3.py (AnalyzeFor); 0 and 3.14 give OptionsHash's.
func OptionsHashFor(so scan.Options, py parser.Version) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00include=%q\x00exclude=%q\x00noignore=%v\x00hidden=%v\x00follow=%v\x00stubs=%v\x00shebang=%v\x00max=%d\x00skipdirs=%q\x00venvs=%v",
		Version, so.Include, so.Exclude, so.NoIgnore, so.Hidden, so.FollowSymlinks, so.Stubs, so.Shebang, so.MaxSize, so.SkipDirs, so.Virtualenvs)
	if py != 0 && py != parser.Latest {
		fmt.Fprintf(h, "\x00python=%s", py)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// countFirst bounds how long a fresh run waits for its counting walk before
// it starts analyzing alongside it.
const countFirst = 500 * time.Millisecond

// walk is one root of a run with what its walk needs.
type walk struct {
	Root
	so       scan.Options
	plan     *ShardPlan // nil: every file
	archives bool       // archives found are read (ArchiveOptions.Walk)
}

// Run runs the pipeline: it walks cfg.Roots, leaves out what the output
// already holds unchanged, analyzes the rest on every core within the
// memory budget, writes each record to cfg.Output, marks the files a
// complete walk no longer found as gone, and finishes the output with the
// run's outcome and statistics.
//
// Per-file problems are records, not errors. The error is a configuration
// error (a root that does not exist, bad options: nothing was written), or
// one that stopped the run (the output failed): the summary then says what
// was done. When ctx is cancelled the run stops cleanly: files in flight are
// abandoned (a later run does them), what was written is committed, and
// Summary.Interrupted is set.
func Run(ctx context.Context, cfg Config) (RunSummary, error) {
	start := time.Now()
	var rs RunSummary
	so := cfg.Scan
	if so.Unchanged != nil || so.DirCache != nil || so.Tally != nil || so.Dir != nil || so.ListOnly || so.ListStat || cfg.Batch.Admit != nil {
		return rs, errors.New("batch: Config.Scan's hooks and Config.Batch.Admit belong to Run")
	}
	if len(cfg.Roots) == 0 && len(cfg.Inputs) == 0 {
		return rs, errors.New("batch: nothing to analyze: no root and no input")
	}
	if err := so.Validate(); err != nil {
		return rs, err
	}
	if err := cfg.Shard.Validate(); err != nil {
		return rs, fmt.Errorf("batch: %w", err)
	}
	mm := cfg.Memory
	if mm == nil {
		var err error
		if mm, err = memory.New(memory.Options{}); err != nil {
			return rs, err
		}
	}
	bo := cfg.Batch
	if bo.InFlight <= 0 {
		bo.InFlight = memory.BatchSizes(mm.Budget(), memory.SizingOptions{}).ChunkFiles
	}
	bo.Admit = func(ctx context.Context, f File) (func(), error) { return mm.AdmitSize(ctx, f.Size) }
	if !cfg.NoDedup {
		bo.Dedup = true
		// Stored reports were made by the default analysis.
		// Rescan asks for every file to be analyzed again.
		if rs, ok := cfg.Output.(store.ReportStore); ok && bo.Analyze == nil && !cfg.Rescan {
			bo.Stored = rs.StoredSummary
			if cfg.WholeReports {
				bo.Stored = rs.StoredReport
			}
		}
	}
	if _, err := bo.normalize(); err != nil {
		return rs, err
	}
	tracker := cfg.Progress
	if tracker == nil {
		tracker = progress.NewTracker(progress.Options{})
	}

	// Writes go on after an interruption, so that what was done is kept.
	sinkCtx := context.WithoutCancel(ctx)
	out := cfg.Output
	sealer, _ := out.(store.Sealer)
	if sealer != nil {
		tracker.ExpectFinish(sealer.SealCost)
	}
	var held []string
	if out != nil {
		var err error
		if held, err = out.Sources(ctx); err != nil {
			return rs, err
		}
	}
	dirRoots, archives := archiveRoots(cfg.Roots, so, cfg.Archives)
	arch := newArchiveRun(sinkCtx, out, held, cfg.Rescan, tracker)
	held = notFiles(held) // (an archive's source holds no root, merges into none)
	roots, err := ResolveRoots(dirRoots, held)
	if err != nil {
		return rs, err
	}
	rs.Roots = append(slices.Clip(roots), archiveRootsOf(archives)...)
	// A source the output held inside a new one becomes part of it.
	isHeld := map[string]bool{}
	for _, h := range held {
		isHeld[h] = true
	}
	if m, ok := out.(store.Merger); ok {
		for _, r := range roots {
			for _, h := range held {
				if rel, ok := below(r.Source, h); ok && rel != "" && r.Prefix == "" {
					if err := m.Merge(sinkCtx, h, r.Source, filepath.ToSlash(rel)); err != nil {
						return rs, err
					}
					isHeld[r.Source] = true
				}
			}
		}
	}

	// What the output holds of each source is read while the walks start;
	// the scanner's first question waits for it.
	var (
		resume   = map[string]store.Incremental{}
		resumeOK = make(chan struct{})
		loadErr  error
	)
	fresh := map[string]bool{}
	for _, r := range roots {
		fresh[r.Source] = cfg.Rescan || out == nil || !isHeld[r.Source]
	}
	go func() {
		defer close(resumeOK)
		for src, f := range fresh {
			if f {
				continue
			}
			in, err := out.Resume(sinkCtx, src)
			if err != nil {
				loadErr = fmt.Errorf("reading what the output holds of %s: %w", src, err)
				return
			}
			if in != nil {
				resume[src] = in
			}
		}
	}()
	loaded := func(source string) store.Incremental { <-resumeOK; return resume[source] }

	var skipErr atomic.Pointer[error]
	skipper := func(r Root) func(path string, size int64, mtime time.Time) bool {
		return func(path string, size int64, mtime time.Time) bool {
			in := loaded(r.Source)
			if in == nil {
				return false
			}
			done, err := in.Skip(sinkCtx, r.Rel(path), size, mtime)
			if err != nil {
				skipErr.CompareAndSwap(nil, &err)
			}
			return done
		}
	}
	walks := make([]*walk, len(roots))
	allFresh := true
	for i, r := range roots {
		w := &walk{Root: r, so: so}
		if cfg.Archives.Walk {
			w.so, w.archives = withArchives(so), true
		}
		if !fresh[r.Source] {
			// The scanner asks before opening a file (one stat instead of
			// an open and a read), and walks on while the output is read.
			w.so.Unchanged, w.so.OmitUnchanged = skipper(r), true
			w.so.UnchangedReady = resumeOK
			allFresh = false
		}
		walks[i] = w
	}
	var plan *ShardPlan
	if cfg.Shard.Sharded() {
		// Every shard walks the whole tree first, stating each file, and
		// computes the same plan.
		if plan, err = planShards(ctx, walks, cfg.Shard); err != nil {
			<-resumeOK
			rs.Interrupted = ctx.Err() != nil
			if rs.Interrupted {
				return rs, nil
			}
			return rs, err
		}
		rs.Plan = plan
		tracker.Counted(plan.Files, plan.Bytes)
		cfg.Count = false
	}
	for _, w := range walks {
		r := w.Root
		w.so.Dir = tracker.DirWalked
		if plan != nil {
			// Another shard's file is left out at its stat, before it is
			// opened: the hook "holds" it.
			held := w.so.Unchanged
			w.so.Unchanged = func(path string, size int64, mtime time.Time) bool {
				if !plan.Has(r.Source, r.Rel(path)) {
					return true
				}
				return held != nil && held(path, size, mtime)
			}
			w.so.OmitUnchanged = true
		}
		w.plan = plan
	}

	// The counting walk gives the tracker the run's total ahead of
	// discovery. A fresh run counts first, for up to countFirst: counting
	// and analyzing compete for the same cores, so the run takes no
	// longer, and the ETA has its total from the start. Any other run
	// counts alongside, from the first file it will analyze or skip: a
	// re-run with nothing to do never counts.
	beforeFirst := func() {}
	if cfg.Count {
		countCtx, stopCount := context.WithCancel(ctx)
		defer stopCount()
		count := func() <-chan struct{} {
			done := make(chan struct{})
			go func() {
				defer close(done)
				countFiles(countCtx, walks, loaded, tracker, !cfg.NoDedup)
			}()
			return done
		}
		if allFresh {
			select {
			case <-count():
			case <-time.After(countFirst):
			case <-ctx.Done():
			}
		} else {
			beforeFirst = sync.OnceFunc(func() { count() })
		}
	}

	sampler := memory.StartSampler(ctx, memory.SamplerOptions{})
	files := func(yield func(File) bool) {
		defer tracker.DiscoveryDone()
		for _, w := range walks {
			var expand func(scan.FileInfo, func(File) bool) bool
			if w.archives {
				expand = func(fi scan.FileInfo, yield func(File) bool) bool {
					return arch.walkArchive(ctx, fi, so, cfg.Archives, mm, beforeFirst, yield)
				}
			}
			for f := range admitFiles(scan.Scan(ctx, []string{w.OSPath()}, w.so), w.Root, w.plan, mm, tracker, skipper(w.Root), beforeFirst, expand) {
				if !yield(f) {
					return
				}
			}
		}
		inputs := cfg.Inputs
		for _, a := range archives {
			inputs = append(inputs, a)
		}
		for _, in := range inputs {
			if a, ok := in.(*ArchiveInput); ok {
				a.run = arch
			}
			for f := range in.Files(ctx) {
				if !plan.Has(f.Source, f.Path) {
					continue
				}
				if f.Skip == "" && so.MaxSize > 0 && f.Size > so.MaxSize {
					f.Skip, f.SkipErr = scan.SkipTooLarge, fmt.Errorf("%d bytes, over the size limit of %d", f.Size, so.MaxSize)
				}
				if !admit(&f, mm, tracker, beforeFirst) || !yield(f) {
					return
				}
			}
		}
	}
	records, err := Stream(ctx, files, bo)
	if err != nil {
		<-resumeOK
		sampler.Stop()
		return rs, err
	}
	// This goroutine owns the output, the tracker and the summary: workers
	// only send records.
	var writeErr error
	for rec := range records {
		if in := loaded(rec.Source); in != nil {
			writeErr = in.Write(sinkCtx, rec)
		} else if in := arch.incremental(rec.Source); in != nil {
			writeErr = in.Write(sinkCtx, rec)
		} else if loadErr != nil {
			writeErr = loadErr // (never write what could duplicate a held record)
		} else if out != nil {
			writeErr = out.Write(sinkCtx, rec)
		}
		if writeErr != nil {
			break
		}
		rs.Add(rec)
		tracker.Record(rec)
		if cfg.OnRecord != nil {
			cfg.OnRecord(rec)
		}
	}
	<-resumeOK
	if writeErr == nil {
		writeErr = loadErr
	}
	if p := skipErr.Load(); p != nil && writeErr == nil {
		writeErr = *p
	}
	for _, in := range resume {
		k, t := in.Counts()
		rs.Kept += k
		rs.Touched += t
	}
	k, t := arch.counts()
	rs.Kept, rs.Touched = rs.Kept+k, rs.Touched+t
	// A complete walk saw every file still there: the others are gone.
	if out != nil && writeErr == nil && ctx.Err() == nil {
		for _, w := range walks {
			if !isHeld[w.Source] {
				continue // (it held nothing when the run began: every file it holds, this run wrote)
			}
			var gone int64
			if gone, writeErr = out.Walked(sinkCtx, w.Source, w.Prefix); writeErr != nil {
				break
			}
			rs.Gone += gone
		}
		if writeErr == nil {
			var gone int64
			gone, writeErr = arch.walked(sinkCtx)
			rs.Gone += gone
		}
	}
	if sealer != nil {
		// The output's end (an index built again, say) is part of the
		// run: the progress shows it, and the time counts.
		if err := seal(sinkCtx, sealer, tracker); err != nil && writeErr == nil {
			writeErr = fmt.Errorf("finishing the output: %w", err)
		}
	}
	rs.Elapsed = time.Since(start)
	memSum := sampler.Stop()
	admission := mm.Stats()
	rs.Stats = tracker.Finish(progress.FinishInfo{Memory: &memSum, Admission: &admission})
	rs.Interrupted = ctx.Err() != nil && writeErr == nil
	outcome := store.Completed
	switch {
	case writeErr != nil:
		outcome = store.FailedRun
	case rs.Interrupted:
		outcome = store.Interrupted
	}
	if out != nil {
		if err := out.Finish(sinkCtx, outcome, rs.Stats); err != nil && writeErr == nil {
			writeErr = fmt.Errorf("finishing the output: %w", err)
		}
	}
	return rs, writeErr
}

// seal runs s.Seal, with the tracker saying the run is finishing and drawing
// its progress meanwhile (the tracker's owner is this goroutine).
func seal(ctx context.Context, s store.Sealer, tracker *progress.Tracker) error {
	done := make(chan error, 1)
	go func() { done <- s.Seal(ctx) }()
	tracker.Finishing()
	tick := time.NewTicker(progress.TickInterval)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			tracker.Tick()
		}
	}
}

// admitFiles adapts one root's scan to the batch: each file gets its name
// in the source; a file that an earlier run already did (unchanged says so,
// and records it) is left out; every other file is counted in the progress
// total as it is discovered, and a file that could never fit in the memory
// budget is skipped at once instead of occupying a worker. first is called
// before the first file is passed on. Only the files of plan's shard are
// kept. expand, when set, yields the members of an archive the walk
// found (ArchiveOptions.Walk) instead of the file.
func admitFiles(infos iter.Seq[scan.FileInfo], root Root, plan *ShardPlan, mm *memory.Manager, tr *progress.Tracker, unchanged func(path string, size int64, mtime time.Time) bool, first func(), expand func(scan.FileInfo, func(File) bool) bool) iter.Seq[File] {
	return func(yield func(File) bool) {
		for fi := range infos {
			if expand != nil && walkedArchive(fi) {
				if !expand(fi, yield) {
					return
				}
				continue
			}
			if fi.Unchanged {
				continue // done in an earlier run
			}
			// (A file the scanner skipped before asking its hook, too
			// large or not regular say, still comes here.)
			if !plan.Has(root.Source, root.Rel(fi.Path)) {
				continue
			}
			if unchanged(fi.Path, fi.Size, fi.ModTime) {
				continue
			}
			f := File{Source: root.Source, Path: root.Rel(fi.Path), OSPath: fi.Path, Size: fi.Size, ModTime: fi.ModTime, Skip: fi.Skip, SkipErr: fi.Err}
			if !admit(&f, mm, tr, first) || !yield(f) {
				return
			}
		}
	}
}

// admit skips f when it could never fit in the memory budget, and counts
// it in the progress total. It always returns true (for use in a chain).
func admit(f *File, mm *memory.Manager, tr *progress.Tracker, first func()) bool {
	if f.Skip == "" {
		if err := mm.Check(f.Size); err != nil {
			f.Skip, f.SkipErr = scan.SkipTooLargeForMemory, err
		}
	}
	first()
	if f.Skip != "" {
		tr.DiscoveredSkipped(f.Size)
	} else {
		tr.Discovered(f.Size)
	}
	return true
}

// countFiles walks the roots ahead of the run, listing directories and
// stating each candidate (relative to its directory, without opening it),
// and gives the tracker the number of files the run will discover and
// their bytes, so that the total and the ETA cover the whole tree instead
// of what the run's (bounded, lagging) scan has found so far. Files the
// output already holds are left out: an incremental run skips most of
// them.
//
// With dedup, it also counts the bytes of files named and sized as one
// counted before them, which the run will likely answer from that one's
// analysis (likelyCopies), so that the ETA does not weigh them as analyzed.
func countFiles(ctx context.Context, walks []*walk, loaded func(string) store.Incremental, tr *progress.Tracker, dedup bool) {
	var files, bytes, copies, copyFiles, dirs atomic.Int64
	var seen *likelyCopies
	if dedup {
		seen = newLikelyCopies()
	}
	for _, w := range walks {
		so := w.so
		so.ListOnly, so.ListStat, so.Unchanged, so.UnchangedReady, so.OmitUnchanged = true, true, nil, nil, false
		so.Dir = func(time.Duration) { dirs.Add(1) }
		var in store.Incremental
		if w.so.Unchanged != nil {
			in = loaded(w.Source)
		}
		// Summed in the walk's goroutines: handing each file over cost
		// more than stating it.
		so.Tally = func(path string, size int64) {
			if w.archives && archive.NameFormat(path) != archive.Unknown {
				return // (its members are found as it is read)
			}
			if in == nil || !in.Holds(ctx, w.Rel(path)) {
				files.Add(1)
				bytes.Add(size)
				if seen != nil && seen.seen(filepath.Base(path), size) {
					copies.Add(size)
					copyFiles.Add(1)
				}
			}
		}
		for range scan.Scan(ctx, []string{w.OSPath()}, so) { // (skips only)
		}
	}
	if ctx.Err() == nil && files.Load() > 0 {
		tr.CountedDirs(dirs.Load()) // (before the total: with it, the ETA counts them)
		tr.Counted(files.Load(), bytes.Load())
		if seen != nil {
			tr.CountedLikelyReused(copyFiles.Load(), copies.Load())
		}
	}
}
