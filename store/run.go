package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/result"
)

// RunInfo describes a run for its row in the runs table.
type RunInfo struct {
	ToolVersion string
	// Options is stored as JSON in runs.options (marshalled if not already
	// a json.RawMessage).
	Options any
	// OptionsHash identifies the options that change results; a file whose
	// stored result was made under another hash is analyzed again.
	OptionsHash string
}

// Outcome is how a run ended (runs.outcome).
type Outcome string

// Outcomes. A run still marked running when the next one begins died
// without closing: the next run marks it crashed.
const (
	Running     Outcome = "running"
	Completed   Outcome = "completed"   // every file was handled (some may have failed)
	FailedRun   Outcome = "failed"      // stopped by an error (disk full, ...)
	Interrupted Outcome = "interrupted" // stopped by a signal or a cancelled context
	Crashed     Outcome = "crashed"     // found running by a later run
)

// opKind is what a queued operation does.
type opKind uint8

const (
	opWrite opKind = iota // upsert a record and replace its rows
	opTouch               // the walk saw a file whose mtime changed and content did not
)

// op is one queued operation: a record to write (its report kept by
// pointer until the commit; records are not changed after they are sent)
// or a touch.
type op struct {
	kind                          opKind
	source, path                  string
	size, mtime                   int64
	status                        result.Status
	skipReason, errClass, errText string
	attempts                      int
	durationNs                    int64
	rep                           *analysis.Report
}

// Run is one run's writer: the Sink for the SQLite store. It queues
// records and writes them in transactions of at most Options.BatchSize
// records or Options.BatchBytes bytes of encoded rows; a file's row and its
// report and syntax error are replaced in the same transaction, keyed by
// (source, path), so writing a file twice leaves one copy of the second
// result.
//
// A Run's methods may be called from more than one goroutine (typically
// the coordinator writes while a filter on the scan stream keeps unchanged
// files); they are serialized. OnCommit is called with the run's lock held:
// it must not call back into the run.
type Run struct {
	mu      sync.Mutex // guards everything below: Write and Keep may come from two goroutines
	db      *DB
	id      int64
	info    RunInfo
	sources map[string]int64 // used by the commit in flight only

	ops      []op
	bytes    int               // about how many bytes ops' rows take
	records  int               // opWrite entries in ops
	oldest   time.Time         // when the first of ops was queued
	spare    *batchBuf         // a drained batch to reuse
	inflight chan commitResult // the commit running in the background, if any
	err      error             // sticky: after a failed commit the run accepts nothing
	done     bool              // Finish or Close was called
	batchNo  uint64            // the queued batch's number (see pending)

	// The reports of contents written and not yet committed, by hash,
	// with the number of the batch that writes them: StoredReport and
	// StoredSummary answer from them until that batch's commit, so a copy
	// met meanwhile is not analyzed again (the batch holds the reports
	// until then: this costs a map entry each). Guarded by pmu, not mu:
	// workers ask while the coordinator writes.
	pmu     sync.Mutex
	pending map[string]heldReport

	// Files the walk saw unchanged need no write: the source's incremental
	// state (incs) remembers which it saw, for MarkGone.
	incs      map[string]*sqliteIncremental // source → the state that skips its files
	incShared *incShared                    // what they share
	fresh     map[string]bool               // sources that held no file when the run met them

	// Used by the commit in flight only (the background goroutine).
	texts    map[string]int64 // interned texts committed (a bounded cache)
	runTools map[int64]string // tool version of each run that analyzed a content
	stmts    map[string]*sql.Stmt
	orphans  bool // a commit may have left contents no file points to

	// A run that more than doubles the files table writes it without the
	// index by content (see bulkRows); finish builds it again.
	rowsAtStart int64 // max(files.id) when the run began
	written     int64 // records committed (the background goroutine's)
	unindexed   bool  // this run dropped the index by content
	// what building the index costs, timed when it was dropped and again
	// as the table grew (see SealCost): float64 nanoseconds' bits, a row
	// read and a row sorted (per log2 of the rows); 0 until then
	scanPerRow   atomic.Uint64
	indexPerRow  atomic.Uint64
	calibratedAt int64               // the table's rows at the last timing (the background goroutine's)
	left         map[string]struct{} // contents rewritten files left (leavesContent)
	leftAll      bool                // too many to look up one by one
	sealed       bool                // Seal ran (or finish did its part)
	sealErr      error               // and what it returned
}

type heldReport struct {
	rep   *analysis.Report
	batch uint64
}

// hold makes rep, written in the queued batch, an answer of pendingReport
// until that batch is committed. r.mu is held.
func (r *Run) hold(rep *analysis.Report) {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	if r.pending == nil {
		r.pending = map[string]heldReport{}
	}
	r.pending[rep.SHA256] = heldReport{rep, r.batchNo}
}

// release forgets the reports of batch n, committed (or failed: the run
// then accepts nothing more).
func (r *Run) release(n uint64) {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	for sha, p := range r.pending {
		if p.batch == n {
			delete(r.pending, sha)
		}
	}
}

// pendingReport returns the report of a content written and not yet
// committed, without its path; nil if there is none.
func (r *Run) pendingReport(sha256 string) *analysis.Report {
	r.pmu.Lock()
	p, ok := r.pending[sha256]
	r.pmu.Unlock()
	if !ok {
		return nil
	}
	rep := *p.rep
	rep.Path = ""
	return &rep
}

// batchBuf is one batch's storage, handed to the background commit and
// back.
type batchBuf struct {
	ops []op
}

// commitResult is what a background commit hands back.
type commitResult struct {
	n   int
	buf *batchBuf
	err error
}

// BeginRun records a new run (outcome running) and returns its writer.
// Runs that an earlier process left running are marked crashed first (the
// run lock guarantees that no live process owns them).
func (db *DB) BeginRun(ctx context.Context, info RunInfo) (*Run, error) {
	if db.opts.ReadOnly {
		return nil, fmt.Errorf("store: %s is open read-only", db.path)
	}
	opts, ok := info.Options.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(info.Options)
		if err != nil {
			return nil, fmt.Errorf("store: encoding run options: %w", err)
		}
		opts = b
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, describe(db.path, "starting a run in", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET outcome = 'crashed' WHERE outcome = 'running'`); err != nil {
		return nil, describe(db.path, "starting a run in", err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO runs (tool_version, options, options_hash, pid, started_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		info.ToolVersion, string(opts), info.OptionsHash, os.Getpid(), timestamp(time.Now())).Scan(&id)
	if err != nil {
		return nil, describe(db.path, "starting a run in", err)
	}
	var rows int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM files`).Scan(&rows); err != nil {
		return nil, describe(db.path, "starting a run in", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, describe(db.path, "starting a run in", err)
	}
	return &Run{db: db, id: id, info: info, sources: map[string]int64{}, rowsAtStart: rows}, nil
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ID is the run's id (runs.id, files.run_id).
func (r *Run) ID() int64 { return r.id }

// Write implements Sink: it queues rec (encoded at once: the run keeps no
// reference to it) and commits when BatchSize records or BatchBytes bytes
// are queued.
func (r *Run) Write(ctx context.Context, rec *result.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.accepting(); err != nil {
		return err
	}
	o := op{kind: opWrite, source: rec.Source, path: rec.Path, size: rec.Size, mtime: unixNano(rec.ModTime),
		status: rec.Status, skipReason: string(rec.SkipReason), errClass: string(rec.ErrClass), errText: rec.Err,
		attempts: rec.Attempts, durationNs: int64(rec.Duration), rep: rec.Report}
	if o.rep != nil && o.rep.SHA256 == "" {
		return fmt.Errorf("store: the report of %s has no content hash", rec.Path)
	}
	r.bytes += 128 + len(rec.Path) + len(rec.Err) + reportBytes(rec.Report)
	r.records++
	if o.rep != nil && !o.rep.Partial && rec.Status == result.Analyzed {
		r.hold(o.rep)
	}
	return r.push(ctx, o)
}

// reportBytes is about how many bytes of memory rep takes (its Go
// structures and strings), which the batch holds until its commit.
func reportBytes(rep *analysis.Report) int {
	if rep == nil {
		return 0
	}
	n := 320 + len(rep.Path)
	if rep.Docstring != nil {
		n += 16 + len(*rep.Docstring)
	}
	for i := range rep.Definitions {
		d := &rep.Definitions[i]
		n += 240 + len(d.QualName) + len(d.Name) + len(d.Returns) + 48*len(d.Params)
		for _, p := range d.Params {
			n += len(p.Name)
		}
		for _, t := range d.Decorators {
			n += 16 + len(t)
		}
		for _, t := range d.Bases {
			n += 16 + len(t)
		}
		if d.Docstring != nil {
			n += 16 + len(*d.Docstring)
		}
	}
	for i := range rep.Imports {
		im := &rep.Imports[i]
		n += 112 + len(im.Module) + 32*len(im.Names)
		for _, nm := range im.Names {
			n += len(nm.Name) + len(nm.As)
		}
	}
	return n
}

// Touch records that source/path has a new size and mtime but the content
// that was analyzed (FileState.SameContent said so): its record is updated,
// its results kept.
func (r *Run) Touch(ctx context.Context, source, path string, size int64, mtime time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.accepting(); err != nil {
		return err
	}
	return r.push(ctx, op{kind: opTouch, source: source, path: path, size: size, mtime: unixNano(mtime)})
}

func (r *Run) accepting() error {
	if r.err != nil {
		return r.err
	}
	if r.done || r.sealed {
		return errors.New("store: write to a finished run")
	}
	return nil
}

// push queues o and hands the batch to a background commit when it is
// full or old enough.
func (r *Run) push(ctx context.Context, o op) error {
	if len(r.ops) == 0 {
		r.oldest = time.Now()
	}
	r.ops = append(r.ops, o)
	// Touches are tiny: let many more of them share a commit.
	if r.records >= r.db.opts.BatchSize || r.bytes >= r.db.opts.BatchBytes ||
		len(r.ops) >= 16*r.db.opts.BatchSize ||
		r.db.opts.MaxDelay > 0 && time.Since(r.oldest) >= r.db.opts.MaxDelay {
		return r.handoff(ctx)
	}
	return nil
}

// handoff starts committing the queued operations in the background, once
// the previous commit is done: the caller goes on filling the next batch
// while this one is written and fsynced. At most two batches are held.
func (r *Run) handoff(ctx context.Context) error {
	if err := r.wait(); err != nil {
		return err
	}
	if len(r.ops) == 0 {
		return nil
	}
	buf, n, no := &batchBuf{ops: r.ops}, r.records, r.batchNo
	r.ops, r.bytes, r.records = nil, 0, 0
	r.batchNo++
	if sp := r.spare; sp != nil {
		r.ops, r.spare = sp.ops, nil
	}
	ch := make(chan commitResult, 1)
	r.inflight = ch
	go func() {
		err := r.commitOps(ctx, buf, n)
		r.release(no)  // (stored now, or the run has failed)
		clear(buf.ops) // drop the references to strings and reports
		buf.ops = buf.ops[:0]
		ch <- commitResult{n: n, buf: buf, err: err}
	}()
	return nil
}

// wait waits for the commit in flight, reports it to OnCommit (on the
// caller's goroutine) and returns the run's error.
func (r *Run) wait() error {
	if r.inflight == nil {
		return r.err
	}
	res := <-r.inflight
	r.inflight = nil
	r.spare = res.buf
	if res.err != nil {
		r.err = res.err
		return r.err
	}
	if r.db.opts.OnCommit != nil && res.n > 0 {
		r.db.opts.OnCommit(res.n)
	}
	return r.err
}

// Flush implements Sink: it commits everything queued and waits for it.
func (r *Run) Flush(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.flush(ctx)
}

func (r *Run) flush(ctx context.Context) error {
	if err := r.handoff(ctx); err != nil {
		return err
	}
	return r.wait()
}

// leavesContent notes that a record about to be written replaces a file's
// row that pointed to the content of hash sha (hex), which may then have no
// file: the run's end looks it up (all the contents, past maxLeftContents).
func (r *Run) leavesContent(sha string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.leftAll:
	case len(r.left) >= maxLeftContents:
		r.leftAll, r.left = true, nil
	default:
		if r.left == nil {
			r.left = map[string]struct{}{}
		}
		r.left[sha] = struct{}{}
	}
}

// maxLeftContents is how many contents left by rewritten files a run looks
// up one by one at its end; past it, it looks at every content. (A
// variable for tests.)
var maxLeftContents = 1 << 16

// Seal commits what is queued and does the work that ends a run before its
// outcome is recorded: it builds the index by content again when the run
// dropped it (see bulkRows) and removes the contents no file points to any
// more. Finish does it when Seal was not called; a caller that shows
// progress calls Seal first, so that the time it takes is seen as part of
// the run (SealCost estimates it). The run accepts no record after it;
// Finish or Close then only record how it ended.
func (r *Run) Seal(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return r.err
	}
	return r.seal(ctx)
}

func (r *Run) seal(ctx context.Context) error {
	if r.sealed {
		return r.sealErr
	}
	err := r.flush(ctx)
	r.sealed = true
	for _, s := range r.stmts {
		s.Close()
	}
	if r.incShared != nil {
		r.incShared.close()
	}
	if r.unindexed {
		// (before the orphans: finding them needs it)
		if ierr := r.db.indexContents(ctx); ierr != nil && err == nil {
			err = ierr
		}
	}
	if err == nil {
		// Contents no file points to any more go, with their facts.
		var rerr error
		switch {
		case r.orphans || r.leftAll:
			rerr = r.removeOrphans(ctx)
		case len(r.left) > 0:
			rerr = r.removeOrphansAmong(ctx, r.left)
		}
		if rerr != nil {
			err = describe(r.db.path, "removing unused contents from", rerr)
		}
	}
	r.sealErr = err
	return err
}

// SealCost estimates how long Seal will take beyond its final commit once
// the run has written records records in all: building the index by
// content again, if the run dropped it (0 until then, and for a run that
// keeps it). The build reads every row of the table and sorts them; both
// were timed on the table's latest rows (see calibrateIndex), and a sort
// of n rows costs n·log n. The table will hold at most the rows it held
// at the start and one more a record. Safe for concurrent use.
func (r *Run) SealCost(records int64) time.Duration {
	scan := math.Float64frombits(r.scanPerRow.Load())
	sort := math.Float64frombits(r.indexPerRow.Load())
	rows := float64(r.rowsAtStart + max(records, 0))
	if sort <= 0 || rows < 2 {
		return 0
	}
	return time.Duration(scan*rows + sort*rows*math.Log2(rows))
}

// calibrationRows is how many of the files table's last rows calibrateIndex
// indexes, at most: some 0.15 s of CPU, and a scan of the table twice (0.1 s
// a million rows). A row of the sort costs more in a larger sort and the
// further the content ids are from their order (a first run's early rows
// are new contents, in order, its later ones mostly copies of earlier
// contents), and more in the table than in a copy in memory: timed over a
// copy of the last 32,768 rows, or over a copy of the first 262,144 of a
// run, the estimate was a fifth to a quarter short (bench/NOTES.md).
var calibrationRows int64 = 1 << 18

// calibrateGrowth is how much the table grows between two timings: the
// rows written since the last are more like those still to come.
const calibrateGrowth = 2

// calibrateIndex times, in a transaction it rolls back, building the index
// by content over the files table's last calibrationRows rows (a partial
// index), and a scan of the table like the one that build makes, for
// SealCost. It runs on the background goroutine, the run's only writer,
// after the commit that dropped the index, and again each time the table
// has grown calibrateGrowth-fold since. A failure costs only the estimate.
func (r *Run) calibrateIndex(ctx context.Context) {
	r.calibratedAt = r.rowsAtStart + r.written // (whatever happens)
	conn, err := r.db.sql.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	var from int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) - ? FROM files`, calibrationRows).Scan(&from); err != nil {
		return
	}
	// Timed by the thread's CPU time where it can be read: the workers
	// share the CPUs now, and will not when the index is built. (The
	// driver runs the statements on the calling goroutine.)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	timed := func(f func() error) (float64, error) {
		start := time.Now()
		cpuStart, useCPU := threadCPU()
		err := f()
		took := float64(time.Since(start).Nanoseconds())
		if cpu, ok := threadCPU(); ok && useCPU {
			took = float64((cpu - cpuStart).Nanoseconds())
		}
		return took, err
	}
	// The scan the partial index makes: every row, its id compared. (The
	// table's rows are taken to be rowsAtStart+written here as in SealCost.)
	var n int64
	scan, err := timed(func() error {
		return conn.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE +id > ?`, from).Scan(&n)
	})
	if err != nil || n < 2 {
		return
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return
	}
	defer tx.Rollback()
	build, err := timed(func() error {
		// (a partial index's WHERE takes no bound parameter)
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE INDEX calibrate_files_content ON files(content_id) WHERE id > %d`, from))
		return err
	})
	if err != nil {
		return
	}
	r.scanPerRow.Store(math.Float64bits(scan / float64(max(r.calibratedAt, n))))
	r.indexPerRow.Store(math.Float64bits(max(build-scan, 0) / (float64(n) * math.Log2(float64(n)))))
}

// Finish commits what is queued and records the run's end, outcome and
// statistics (marshalled to JSON into runs.stats). The run accepts nothing
// after it. If the final commit fails, the outcome is recorded as failed
// (if the database still takes writes) and the commit error returned.
func (r *Run) Finish(ctx context.Context, outcome Outcome, stats any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.finish(ctx, outcome, stats)
}

func (r *Run) finish(ctx context.Context, outcome Outcome, stats any) error {
	if r.done {
		return r.err
	}
	err := r.seal(ctx)
	r.done = true
	if err != nil {
		outcome = FailedRun
	}
	b, jerr := json.Marshal(stats)
	if jerr != nil {
		b = []byte("null")
	}
	_, uerr := r.db.sql.ExecContext(ctx, `UPDATE runs SET ended_at = ?, outcome = ?, stats = ? WHERE id = ?`,
		timestamp(time.Now()), string(outcome), string(b), r.id)
	if err != nil {
		return err
	}
	if uerr != nil {
		return describe(r.db.path, "finishing the run in", uerr)
	}
	return nil
}

// Close implements Sink: it commits what is queued and, unless Finish was
// called, records the run as interrupted (a run closed without saying how it
// ended did not finish normally).
func (r *Run) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.finish(context.Background(), Interrupted, nil)
}

// sourceID returns the id of a source, creating it inside tx.
func (r *Run) sourceID(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	if id, ok := r.sources[name]; ok {
		return id, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO sources (name, created_at) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, name, timestamp(time.Now())).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, nil
}

// commitOps writes a batch in one transaction. It runs on the background
// goroutine, one at a time: it alone uses r.sources.
func (r *Run) commitOps(ctx context.Context, buf *batchBuf, n int) error {
	newSources, newTexts := map[string]int64{}, map[string]int64{}
	drop := !r.unindexed && r.written+int64(n) > max(r.rowsAtStart, r.db.bulkRows())
	if err := r.writeTx(ctx, buf, newSources, newTexts, drop); err != nil {
		return describe(r.db.path, fmt.Sprintf("committing %d records to", n), err)
	}
	r.written += int64(n)
	r.unindexed = r.unindexed || drop
	if drop || r.unindexed && r.rowsAtStart+r.written >= calibrateGrowth*r.calibratedAt {
		r.calibrateIndex(ctx)
	}
	for k, v := range newSources {
		r.sources[k] = v
	}
	if len(r.texts)+len(newTexts) > maxInternedTextsKept {
		clear(r.texts) // (a bounded cache: the table has them all)
	}
	if r.texts == nil {
		r.texts = make(map[string]int64, len(newTexts))
	}
	for k, v := range newTexts {
		r.texts[k] = v
	}
	return nil
}

// fileColumns are the columns of files a written record sets.
const fileColumns = `source_id, path, size, mtime_ns, status, content_id, skip_reason, error_class, error,
	attempts, duration_ns, run_id, seen_run_id`

// upsertFiles is the statement that writes n file rows.
func upsertFiles(n int) string {
	return `INSERT INTO files (` + fileColumns + `) VALUES ` + rowsOf(13, n) + `
ON CONFLICT (source_id, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
	status = excluded.status, content_id = excluded.content_id, skip_reason = excluded.skip_reason,
	error_class = excluded.error_class, error = excluded.error, attempts = excluded.attempts,
	duration_ns = excluded.duration_ns, run_id = excluded.run_id, seen_run_id = excluded.seen_run_id`
}

// rowsOf is "(?, ?), (?, ?)" for n rows of cols columns.
func rowsOf(cols, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

const (
	insertDefinitions = `INSERT INTO content_definitions (id, qualname, kind, line, col, end_line, end_col,
	decorators, params, returns, bases, docstring, complexity) VALUES `
	insertImports        = `INSERT INTO content_imports (id, module, names, level, is_from, line, scope) VALUES `
	insertSyntaxError    = `INSERT INTO content_syntax_errors (content_id, kind, msg, line, col, end_line, end_col) VALUES (?, ?, ?, ?, ?, ?, ?)`
	insertCells          = `INSERT INTO content_cells (content_id, line, cell, lines) VALUES `
	insertVersionFeats   = `INSERT INTO content_version_features (content_id, seq, feature, version, line, col) VALUES `
	insertWarnings       = `INSERT INTO content_warnings (content_id, seq, category, message, line, col) VALUES `
	contentColumns       = `size, run_id, report_schema, encoding, bom, loc, lloc, sloc, comments, single_comments, multi, blank, lines_error, docstring, all_names, definitions, imports, nbformat, notebook_cells, masked_lines, lowest_version, warnings`
	touchFile            = `UPDATE files SET seen_run_id = ?, size = ?, mtime_ns = ? WHERE source_id = ? AND path = ?`
	chunkFiles           = 256 // rows per statement: 13 × 256 bound values
	chunkDefinitions     = 256 // 13 × 256
	chunkImports         = 512 // 7 × 512
	chunkVersionFeats    = 512 // 6 × 512
	chunkWarnings        = 512 // 6 × 512
	maxInternedTextsKept = 1 << 16
)

// rowWriter gathers the rows of one table and writes them with one INSERT
// per chunk of rows: a statement per row cost most of a commit.
type rowWriter struct {
	r      *Run
	tx     *sql.Tx
	prefix string // "INSERT INTO t (...) VALUES " or a whole statement maker
	cols   int
	chunk  int
	make   func(n int) string
	args   []any
}

func (w *rowWriter) add(ctx context.Context, vals ...any) error {
	w.args = append(w.args, vals...)
	if len(w.args) >= w.cols*w.chunk {
		return w.flush(ctx)
	}
	return nil
}

func (w *rowWriter) flush(ctx context.Context) error {
	n := len(w.args) / w.cols
	if n == 0 {
		return nil
	}
	query := w.sql(n)
	var err error
	if n == w.chunk { // the full chunk's statement, prepared once per run
		var stmt *sql.Stmt
		if stmt, err = w.r.stmt(ctx, query); err == nil {
			_, err = w.tx.StmtContext(ctx, stmt).ExecContext(ctx, w.args...)
		}
	} else {
		_, err = w.tx.ExecContext(ctx, query, w.args...)
	}
	clear(w.args)
	w.args = w.args[:0]
	return err
}

func (w *rowWriter) sql(n int) string {
	if w.make != nil {
		return w.make(n)
	}
	return w.prefix + rowsOf(w.cols, n)
}

// stmt returns query prepared on the run's connection, once per run.
func (r *Run) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := r.stmts[query]; ok {
		return s, nil
	}
	s, err := r.db.sql.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if r.stmts == nil {
		r.stmts = map[string]*sql.Stmt{}
	}
	r.stmts[query] = s
	return s, nil
}

// writeTx writes a batch in one transaction: the contents that are new (or
// were analyzed by another version) with their facts, then the file rows,
// which point to their contents, then the touches. What it looks up (the
// stored contents, the interned texts) is looked up for the whole batch at
// once: a statement per file was most of a commit.
func (r *Run) writeTx(ctx context.Context, buf *batchBuf, newSources map[string]int64, newTexts map[string]int64, dropIndex bool) error {
	ops := buf.ops
	// The full chunks' statements are prepared once per run, before the
	// transaction takes the one connection.
	fw := &facts{r: r, texts: newTexts,
		defs:  rowWriter{r: r, prefix: insertDefinitions, cols: 13, chunk: chunkDefinitions},
		imps:  rowWriter{r: r, prefix: insertImports, cols: 7, chunk: chunkImports},
		feats: rowWriter{r: r, prefix: insertVersionFeats, cols: 6, chunk: chunkVersionFeats},
		warns: rowWriter{r: r, prefix: insertWarnings, cols: 6, chunk: chunkWarnings}}
	files := rowWriter{r: r, cols: 13, chunk: chunkFiles, make: upsertFiles}
	for _, w := range []*rowWriter{&fw.defs, &fw.imps, &fw.feats, &fw.warns, &files} {
		if _, err := r.stmt(ctx, w.sql(w.chunk)); err != nil {
			return err
		}
	}
	tx, err := r.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if dropIndex {
		if _, err := tx.ExecContext(ctx, `DROP INDEX IF EXISTS files_content`); err != nil {
			return err
		}
	}
	fw.tx, fw.defs.tx, fw.imps.tx, fw.feats.tx, fw.warns.tx, files.tx = tx, tx, tx, tx, tx, tx
	source := func(name string) (int64, error) {
		if id, ok := newSources[name]; ok {
			return id, nil
		}
		id, err := r.sourceID(ctx, tx, name)
		if err == nil {
			newSources[name] = id
		}
		return id, err
	}
	// A file written twice in one batch: the last record wins.
	type key struct{ source, path string }
	last := make(map[key]int, len(ops))
	for i, o := range ops {
		if o.kind == opWrite {
			last[key{o.source, o.path}] = i
		}
	}
	var reps []*analysis.Report
	for i, o := range ops {
		if o.kind == opWrite && o.rep != nil && last[key{o.source, o.path}] == i {
			reps = append(reps, o.rep)
		}
	}
	contentOf, err := fw.contents(ctx, reps)
	if err != nil {
		return err
	}
	var touch *sql.Stmt
	for i := range ops {
		o := &ops[i]
		switch o.kind {
		case opWrite:
			if last[key{o.source, o.path}] != i {
				continue
			}
			sid, err := source(o.source)
			if err != nil {
				return err
			}
			var content any
			if o.rep != nil {
				content = contentOf[o.rep.SHA256]
			}
			if err := files.add(ctx, sid, o.path, o.size, o.mtime, string(o.status), content,
				nullString(o.skipReason), nullString(o.errClass), nullString(o.errText), o.attempts, o.durationNs, r.id, r.id); err != nil {
				return err
			}
		case opTouch:
			sid, err := source(o.source)
			if err != nil {
				return err
			}
			if touch == nil {
				if touch, err = tx.PrepareContext(ctx, touchFile); err != nil {
					return err
				}
				defer touch.Close()
			}
			if _, err := touch.ExecContext(ctx, r.id, o.size, o.mtime, sid, o.path); err != nil {
				return err
			}
		}
	}
	if err := files.flush(ctx); err != nil {
		return err
	}
	return tx.Commit()
}

// facts writes the contents of a batch and their facts.
type facts struct {
	r          *Run
	tx         *sql.Tx
	texts      map[string]int64 // interned in this transaction
	defs, imps rowWriter
	feats      rowWriter // version features
	warns      rowWriter // warnings
}

// lookupChunk is how many keys one lookup statement asks about.
const lookupChunk = 500

// contents returns the content id of each report by hash: the stored one
// when this tool version analyzed the same bytes, else a new or replaced
// one with the report's facts.
func (f *facts) contents(ctx context.Context, reps []*analysis.Report) (map[string]int64, error) {
	ids := make(map[string]int64, len(reps))
	type stored struct{ id, run, schema int64 }
	have := map[string]stored{}
	var shas []any
	seen := map[string]bool{}
	for _, rep := range reps {
		if seen[rep.SHA256] {
			continue
		}
		seen[rep.SHA256] = true
		sha, err := hex.DecodeString(rep.SHA256)
		if err != nil || len(sha) != sha256.Size {
			return nil, fmt.Errorf("%s: bad content hash %q", rep.Path, rep.SHA256)
		}
		shas = append(shas, sha)
	}
	for chunk := range slices.Chunk(shas, lookupChunk) {
		rows, err := f.tx.QueryContext(ctx, `SELECT sha256, id, run_id, report_schema FROM contents WHERE sha256 IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`, chunk...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var sha []byte
			var st stored
			if err := rows.Scan(&sha, &st.id, &st.run, &st.schema); err != nil {
				rows.Close()
				return nil, err
			}
			have[hex.EncodeToString(sha)] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// What to write: new contents, and contents another version analyzed.
	var fresh, replaced []*analysis.Report
	done := map[string]bool{}
	for _, rep := range reps {
		if done[rep.SHA256] {
			continue
		}
		done[rep.SHA256] = true
		st, ok := have[rep.SHA256]
		if !ok {
			if rep.Partial { // (its facts were not read: they cannot be written)
				return nil, fmt.Errorf("%s: the stored content %s it was answered with is no longer in the database", rep.Path, rep.SHA256)
			}
			fresh = append(fresh, rep)
			continue
		}
		if st.run != f.r.id {
			tool, err := f.r.runTool(ctx, f.tx, st.run)
			if err != nil {
				return nil, err
			}
			if st.schema != int64(rep.SchemaVersion) || tool != f.r.info.ToolVersion {
				if rep.Partial {
					return nil, fmt.Errorf("%s: the stored content %s it was answered with was analyzed by another version", rep.Path, rep.SHA256)
				}
				replaced = append(replaced, rep)
			}
		}
		ids[rep.SHA256] = st.id
	}
	written := append(fresh, replaced...)
	if err := f.intern(ctx, written); err != nil {
		return nil, err
	}
	for _, rep := range replaced {
		id := ids[rep.SHA256]
		if err := deleteFacts(ctx, f.tx, id); err != nil {
			return nil, err
		}
		vals, err := f.contentValues(rep)
		if err != nil {
			return nil, err
		}
		set := strings.ReplaceAll(contentColumns, ",", " = ?,") + " = ?"
		if _, err := f.tx.ExecContext(ctx, `UPDATE contents SET `+set+` WHERE id = ?`, append(vals, id)...); err != nil {
			return nil, err
		}
		f.r.orphans = true
	}
	const contentChunk = 100 // rows per INSERT: 23 × 100 bound values
	for chunk := range slices.Chunk(fresh, contentChunk) {
		var args []any
		for _, rep := range chunk {
			vals, err := f.contentValues(rep)
			if err != nil {
				return nil, err
			}
			sha, _ := hex.DecodeString(rep.SHA256)
			args = append(append(args, sha), vals...)
		}
		rows, err := f.tx.QueryContext(ctx, `INSERT INTO contents (sha256, `+contentColumns+`) VALUES `+
			rowsOf(strings.Count(contentColumns, ",")+2, len(chunk))+` RETURNING sha256, id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var sha []byte
			var id int64
			if err := rows.Scan(&sha, &id); err != nil {
				rows.Close()
				return nil, err
			}
			ids[hex.EncodeToString(sha)] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, rep := range written {
		if err := f.facts(ctx, ids[rep.SHA256], rep); err != nil {
			return nil, fmt.Errorf("%s: %w", rep.Path, err)
		}
	}
	if err := errors.Join(f.defs.flush(ctx), f.imps.flush(ctx), f.feats.flush(ctx), f.warns.flush(ctx)); err != nil {
		return nil, err
	}
	return ids, nil
}

// contentValues are rep's values of contentColumns.
func (f *facts) contentValues(rep *analysis.Report) ([]any, error) {
	var doc, all any
	if rep.Docstring != nil {
		doc = *rep.Docstring
	}
	if len(rep.All) > 0 {
		b, err := json.Marshal(rep.All)
		if err != nil {
			return nil, err
		}
		all = string(b)
	}
	var nbformat, cells, masked any
	if nb := rep.Notebook; nb != nil {
		nbformat, cells, masked = nb.Format, nb.Cells, nb.MaskedLines
	}
	l := rep.Lines
	return []any{rep.Size, f.r.id, rep.SchemaVersion, rep.Encoding, boolInt(rep.BOM), l.LOC, l.LLOC, l.SLOC,
		l.Comments, l.SingleComments, l.Multi, l.Blank, nullString(rep.LinesError), doc, all, len(rep.Definitions), len(rep.Imports),
		nbformat, cells, masked, nullString(rep.LowestVersion), len(rep.Warnings)}, nil
}

// facts queues the definitions and imports of content id and writes its
// syntax error.
func (f *facts) facts(ctx context.Context, id int64, rep *analysis.Report) error {
	if len(rep.Definitions) > maxSeq || len(rep.Imports) > maxSeq {
		return fmt.Errorf("%d definitions and %d imports: more than the %d a content may have", len(rep.Definitions), len(rep.Imports), maxSeq)
	}
	for i := range rep.Definitions {
		d := &rep.Definitions[i]
		kind, err := code(defKinds[:], d.Kind)
		if err != nil {
			return err
		}
		var decos, returns, bases, params, ddoc any
		if len(d.Decorators) > 0 {
			decos = f.texts[listText(d.Decorators)]
		}
		if len(d.Bases) > 0 {
			bases = f.texts[listText(d.Bases)]
		}
		if d.Returns != "" {
			returns = f.texts[d.Returns]
		}
		if len(d.Params) > 0 {
			params = encodeParams(d.Params)
		}
		if d.Docstring != nil {
			ddoc = *d.Docstring
		}
		if err := f.defs.add(ctx, id<<seqBits|int64(i), d.QualName, kind, d.Line, d.Col, d.EndLine, d.EndCol,
			decos, params, returns, bases, ddoc, d.Complexity); err != nil {
			return err
		}
	}
	for i := range rep.Imports {
		im := &rep.Imports[i]
		scope, err := code(importScopes[:], im.Where)
		if err != nil {
			return err
		}
		if err := f.imps.add(ctx, id<<seqBits|int64(i), f.texts[im.Module], encodeNames(im.Names), im.Level, boolInt(im.From), im.Line, scope); err != nil {
			return err
		}
	}
	for i := range rep.VersionFeatures {
		v := &rep.VersionFeatures[i]
		if err := f.feats.add(ctx, id, i, v.Feature, v.Version, v.Line, v.Col); err != nil {
			return err
		}
	}
	for i := range rep.Warnings {
		w := &rep.Warnings[i]
		var col any
		if w.Col != nil {
			col = *w.Col
		}
		if err := f.warns.add(ctx, id, i, w.Category, w.Message, w.Line, col); err != nil {
			return err
		}
	}
	if se := rep.SyntaxError; se != nil {
		var line, col, endLine, endCol any = se.Line, se.Col, se.EndLine, se.EndCol
		if se.NoStart {
			line, col = nil, nil
		}
		if se.NoEnd {
			endLine, endCol = nil, nil
		}
		if _, err := f.tx.ExecContext(ctx, insertSyntaxError, id, se.Kind, se.Msg, line, col, endLine, endCol); err != nil {
			return err
		}
	}
	if nb := rep.Notebook; nb != nil {
		// A notebook's code cells; the positions' cells follow from them.
		const chunk = 256 // 4 × 256 bound values
		for cells := range slices.Chunk(nb.CodeCells, chunk) {
			args := make([]any, 0, 4*len(cells))
			for _, c := range cells {
				args = append(args, id, c.Line, c.Cell, c.Lines)
			}
			if _, err := f.tx.ExecContext(ctx, insertCells+rowsOf(4, len(cells)), args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// listText is a list of source texts as the one text that stands for it:
// a JSON array.
func listText(list []string) string {
	b, _ := json.Marshal(list) // (strings always encode)
	return string(b)
}

// intern makes f.texts hold the id of every text the reports' facts name
// (module names, decorator, base and return texts): from the run's cache,
// else from the table, else as new rows.
func (f *facts) intern(ctx context.Context, reps []*analysis.Report) error {
	var missing []any
	want := func(s string) {
		if _, ok := f.texts[s]; ok {
			return
		}
		if id, ok := f.r.texts[s]; ok {
			f.texts[s] = id
			return
		}
		f.texts[s] = 0
		missing = append(missing, s)
	}
	for _, rep := range reps {
		for i := range rep.Definitions {
			d := &rep.Definitions[i]
			if len(d.Decorators) > 0 {
				want(listText(d.Decorators))
			}
			if len(d.Bases) > 0 {
				want(listText(d.Bases))
			}
			if d.Returns != "" {
				want(d.Returns)
			}
		}
		for i := range rep.Imports {
			want(rep.Imports[i].Module)
		}
	}
	scan := func(rows *sql.Rows, only0 bool) error {
		defer rows.Close()
		for rows.Next() {
			var id int64
			var text string
			if err := rows.Scan(&id, &text); err != nil {
				return err
			}
			if v, ok := f.texts[text]; ok && (v == 0 || !only0) {
				f.texts[text] = id
			}
		}
		return rows.Err()
	}
	for chunk := range slices.Chunk(missing, lookupChunk) {
		rows, err := f.tx.QueryContext(ctx, `SELECT id, text FROM texts WHERE text IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`, chunk...)
		if err != nil {
			return err
		}
		if err := scan(rows, true); err != nil {
			return err
		}
	}
	var insert []any
	for _, s := range missing {
		if f.texts[s.(string)] == 0 {
			insert = append(insert, s)
		}
	}
	for chunk := range slices.Chunk(insert, lookupChunk) {
		rows, err := f.tx.QueryContext(ctx, `INSERT INTO texts (text) VALUES `+rowsOf(1, len(chunk))+` RETURNING id, text`, chunk...)
		if err != nil {
			return err
		}
		if err := scan(rows, false); err != nil {
			return err
		}
	}
	return nil
}

// seqBits is how many low bits of a fact's id are its position in its
// content; the others are the content's id.
const (
	seqBits = 24
	maxSeq  = 1<<seqBits - 1
)

// deleteFacts deletes the definitions, imports, syntax error and notebook
// cells of the content id.
func deleteFacts(ctx context.Context, tx execer, id int64) error {
	lo, hi := id<<seqBits, id<<seqBits|maxSeq
	for _, q := range []string{`DELETE FROM content_definitions WHERE id BETWEEN ? AND ?`, `DELETE FROM content_imports WHERE id BETWEEN ? AND ?`} {
		if _, err := tx.ExecContext(ctx, q, lo, hi); err != nil {
			return err
		}
	}
	for _, q := range []string{`DELETE FROM content_syntax_errors WHERE content_id = ?`, `DELETE FROM content_cells WHERE content_id = ?`,
		`DELETE FROM content_version_features WHERE content_id = ?`, `DELETE FROM content_warnings WHERE content_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// removeOrphans deletes the contents no file points to, with their facts,
// a chunk at a time.
func (r *Run) removeOrphans(ctx context.Context) error {
	for {
		ids, err := queryIDs(ctx, r.db.sql, `SELECT id FROM contents WHERE NOT EXISTS (SELECT 1 FROM files WHERE content_id = contents.id) LIMIT 1024`)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := r.deleteContents(ctx, ids); err != nil {
			return err
		}
	}
}

// removeOrphansAmong is removeOrphans for the contents of these hashes
// (hex) only: a lookup each instead of a scan of every content.
func (r *Run) removeOrphansAmong(ctx context.Context, shas map[string]struct{}) error {
	keys := make([]any, 0, len(shas))
	for h := range shas {
		if b, err := hex.DecodeString(h); err == nil {
			keys = append(keys, b)
		}
	}
	for chunk := range slices.Chunk(keys, 500) {
		ids, err := queryIDs(ctx, r.db.sql, `SELECT id FROM contents WHERE sha256 IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)
			AND NOT EXISTS (SELECT 1 FROM files WHERE content_id = contents.id)`, chunk...)
		if err == nil && len(ids) > 0 {
			err = r.deleteContents(ctx, ids)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// queryIDs returns the ids a query selects.
func queryIDs(ctx context.Context, db *sql.DB, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// deleteContents deletes these contents with their facts, in one
// transaction.
func (r *Run) deleteContents(ctx context.Context, ids []int64) error {
	tx, err := r.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range ids {
		if err := deleteFacts(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contents WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// runTool returns the tool version of a run (cached).
func (r *Run) runTool(ctx context.Context, tx *sql.Tx, run int64) (string, error) {
	if v, ok := r.runTools[run]; ok {
		return v, nil
	}
	var v string
	if err := tx.QueryRowContext(ctx, `SELECT tool_version FROM runs WHERE id = ?`, run).Scan(&v); err != nil {
		return "", err
	}
	if r.runTools == nil {
		r.runTools = map[int64]string{}
	}
	r.runTools[run] = v
	return v, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
