package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unsafe"

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

// span is a piece of a batch's arena: the encoded text of one column, or
// NULL when n < 0.
type span struct{ off, n int32 }

var null = span{n: -1}

// op is one queued operation. A written record is copied into the op when
// it is queued: its scalar columns here, its bulky text (docstring,
// __all__, definitions and imports as JSON) encoded into the batch's arena.
// The record and its report are not kept, so a batch holds about as many
// bytes as its rows will take, not the several times more of a Report's
// Go form.
type op struct {
	kind                          opKind
	source, path                  string
	size, mtime                   int64
	status                        result.Status
	skipReason, errClass, errText string
	attempts                      int
	durationNs                    int64
	rep                           bool // a report was stored (the columns below are set)
	sha, encoding, linesErr       string
	bom                           bool
	schema                        int
	lines                         analysis.LineMetrics
	doc, all, defs, imps          span
	syntax                        *analysis.SyntaxError
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
	arena    []byte            // the encoded text of ops
	records  int               // opWrite entries in ops
	oldest   time.Time         // when the first of ops was queued
	spare    *batchBuf         // a drained batch to reuse
	inflight chan commitResult // the commit running in the background, if any
	err      error             // sticky: after a failed commit the run accepts nothing
	done     bool              // Finish or Close was called

	// Files the walk saw unchanged need no write: Keep adds them to kept,
	// an Incremental (incs) tracks its own; MarkGone marks them all seen
	// in one statement.
	kept map[string]map[string]struct{} // source → paths
	incs map[string]*Incremental        // source → the Incremental that skips its files
}

// batchBuf is one batch's storage, handed to the background commit and
// back.
type batchBuf struct {
	ops   []op
	arena []byte
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
	if err := tx.Commit(); err != nil {
		return nil, describe(db.path, "starting a run in", err)
	}
	return &Run{db: db, id: id, info: info, sources: map[string]int64{}}, nil
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
	if r.arena == nil {
		// A batch's text grows to about BatchBytes: allocated once rather
		// than copied over and over as appends grow it.
		r.arena = make([]byte, 0, r.db.opts.BatchBytes+r.db.opts.BatchBytes/4)
	}
	o := op{kind: opWrite, source: rec.Source, path: rec.Path, size: rec.Size, mtime: unixNano(rec.ModTime),
		status: rec.Status, skipReason: string(rec.SkipReason), errClass: string(rec.ErrClass), errText: rec.Err,
		attempts: rec.Attempts, durationNs: int64(rec.Duration), doc: null, all: null, defs: null, imps: null}
	if rep := rec.Report; rep != nil {
		o.rep = true
		o.sha, o.encoding, o.linesErr = rep.SHA256, rep.Encoding, rep.LinesError
		o.bom, o.schema, o.lines, o.syntax = rep.BOM, rep.SchemaVersion, rep.Lines, rep.SyntaxError
		mark := len(r.arena)
		if rep.Docstring != nil {
			o.doc = r.appendText(*rep.Docstring)
		}
		if err := r.appendReport(&o, rep); err != nil {
			r.arena = r.arena[:mark]
			return fmt.Errorf("store: encoding the report of %s: %w", rec.Path, err)
		}
	}
	r.records++
	return r.push(ctx, o)
}

// appendText copies s into the arena.
func (r *Run) appendText(s string) span {
	off := len(r.arena)
	r.arena = append(r.arena, s...)
	return span{int32(off), int32(len(s))}
}

// appendReport encodes rep's __all__, imports and definitions into the
// arena. analysis.Report.AppendJSON (exactly json.Marshal's bytes, without
// reflection) encodes the whole report, and the three columns are the
// values of its "all_names", "imports" and "definitions" members, found by their
// keys: a key cannot occur inside a JSON string (a string's quotes are
// escaped), the members come in Report's field order, and no nested object
// has a member of those names. Anything unexpected falls back to
// encoding/json per column.
func (r *Run) appendReport(o *op, rep *analysis.Report) error {
	start := len(r.arena)
	r.arena = rep.AppendJSON(r.arena)
	js := r.arena[start:]
	member := func(key, next string) (span, bool) {
		i := bytes.Index(js, []byte(`"`+key+`":`))
		if i < 0 {
			return null, false
		}
		v := i + len(key) + 3
		j := bytes.Index(js[v:], []byte(`,"`+next+`":`))
		if j < 0 {
			return null, false
		}
		val := js[v : v+j]
		switch {
		case string(val) == "null" || string(val) == "[]":
			return null, true
		case len(val) >= 2 && val[0] == '[' && val[len(val)-1] == ']':
			return span{int32(start + v), int32(j)}, true
		}
		return null, false
	}
	var ok1, ok2, ok3 bool
	o.all, ok1 = null, len(rep.All) == 0
	if !ok1 {
		o.all, ok1 = member("all_names", "imports")
	}
	o.imps, ok2 = member("imports", "definitions")
	o.defs, ok3 = member("definitions", "lines")
	if ok1 && ok2 && ok3 {
		return nil
	}
	r.arena = r.arena[:start]
	var err error
	if o.all, err = appendJSON(r, rep.All); err == nil {
		if o.imps, err = appendJSON(r, rep.Imports); err == nil {
			o.defs, err = appendJSON(r, rep.Definitions)
		}
	}
	return err
}

// appendJSON encodes v into r's arena with encoding/json; an empty slice
// is NULL.
func appendJSON[T any](r *Run, v []T) (span, error) {
	if len(v) == 0 {
		return null, nil
	}
	off := len(r.arena)
	b, err := json.Marshal(v)
	if err != nil {
		return null, err
	}
	r.arena = append(r.arena, b...)
	return span{int32(off), int32(len(b))}, nil
}

// text is the arena's text for sp as a column value: NULL, or a string
// that shares the arena's bytes. The driver copies a bound string into
// SQLite's memory, and the arena is not touched until the commit is done.
func text(arena []byte, sp span) any {
	if sp.n < 0 {
		return nil
	}
	if sp.n == 0 {
		return ""
	}
	return unsafe.String(&arena[sp.off], int(sp.n))
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
	if r.done {
		return errors.New("store: write to a finished run")
	}
	return nil
}

// push queues o (its text already in the arena) and hands the batch to a
// background commit when it is full or old enough.
func (r *Run) push(ctx context.Context, o op) error {
	if len(r.ops) == 0 {
		r.oldest = time.Now()
	}
	r.ops = append(r.ops, o)
	// Touches are tiny: let many more of them share a commit.
	if r.records >= r.db.opts.BatchSize || len(r.arena) >= r.db.opts.BatchBytes ||
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
	buf, n := &batchBuf{ops: r.ops, arena: r.arena}, r.records
	r.ops, r.arena, r.records = nil, nil, 0
	if sp := r.spare; sp != nil {
		r.ops, r.arena, r.spare = sp.ops, sp.arena, nil
	}
	ch := make(chan commitResult, 1)
	r.inflight = ch
	go func() {
		err := r.commitOps(ctx, buf, n)
		clear(buf.ops) // drop the references to strings and syntax errors
		buf.ops = buf.ops[:0]
		if cap(buf.arena) > 2*r.db.opts.BatchBytes {
			buf.arena = nil // one huge report made it grow: do not keep it
		}
		buf.arena = buf.arena[:0]
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
	err := r.flush(ctx)
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
	newSources := map[string]int64{}
	if err := r.writeTx(ctx, buf, newSources); err != nil {
		return describe(r.db.path, fmt.Sprintf("committing %d records to", n), err)
	}
	for k, v := range newSources {
		r.sources[k] = v
	}
	return nil
}

const upsertFile = `INSERT INTO files (source_id, path, size, mtime_ns, sha256, status, skip_reason,
	error_class, error, attempts, duration_ns, run_id, seen_run_id, encoding, bom,
	loc, lloc, sloc, comments, single_comments, multi, blank, report_schema, lines_error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source_id, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
	sha256 = excluded.sha256, status = excluded.status, skip_reason = excluded.skip_reason,
	error_class = excluded.error_class, error = excluded.error, attempts = excluded.attempts,
	duration_ns = excluded.duration_ns, run_id = excluded.run_id, seen_run_id = excluded.seen_run_id,
	encoding = excluded.encoding, bom = excluded.bom, loc = excluded.loc, lloc = excluded.lloc, sloc = excluded.sloc,
	comments = excluded.comments, single_comments = excluded.single_comments, multi = excluded.multi,
	blank = excluded.blank, report_schema = excluded.report_schema, lines_error = excluded.lines_error
RETURNING id`

const (
	insertSyntaxError = `INSERT INTO syntax_errors (file_id, kind, msg, line, col, end_line, end_col) VALUES (?, ?, ?, ?, ?, ?, ?)`
	insertReport      = `INSERT INTO reports (file_id, docstring, all_names, definitions_json, imports_json) VALUES (?, ?, ?, ?, ?)`
	touchFile         = `UPDATE files SET seen_run_id = ?, size = ?, mtime_ns = ? WHERE source_id = ? AND path = ?`
)

// writeTx writes a batch in one transaction: the file rows first (their
// ids are needed), then the reports (definitions and imports as JSON) and
// syntax errors of the written files are replaced.
func (r *Run) writeTx(ctx context.Context, buf *batchBuf, newSources map[string]int64) error {
	ops := buf.ops
	tx, err := r.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
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
	// A file written twice in one batch: the last record wins (its child
	// rows must not meet the earlier ones').
	type key struct{ source, path string }
	last := make(map[key]int, len(ops))
	for i, o := range ops {
		if o.kind == opWrite {
			last[key{o.source, o.path}] = i
		}
	}
	upsert, err := tx.PrepareContext(ctx, upsertFile)
	if err != nil {
		return err
	}
	defer upsert.Close()
	var touch *sql.Stmt
	type written struct {
		id int64
		o  *op
	}
	files := make([]written, 0, len(last))
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
			id, err := r.upsertFile(ctx, upsert, sid, o)
			if err != nil {
				return fmt.Errorf("%s: %w", o.path, err)
			}
			files = append(files, written{id, o})
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
	// Replace the reports and syntax errors of the written files.
	for start := 0; start < len(files); start += 500 {
		chunk := files[start:min(start+500, len(files))]
		ids := make([]any, len(chunk))
		for i, f := range chunk {
			ids[i] = f.id
		}
		in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
		for _, table := range []string{"reports", "syntax_errors"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE file_id IN "+in, ids...); err != nil {
				return err
			}
		}
	}
	var syn, report *sql.Stmt
	for _, f := range files {
		o := f.o
		if !o.rep {
			continue
		}
		if report == nil {
			if report, err = tx.PrepareContext(ctx, insertReport); err != nil {
				return err
			}
			defer report.Close()
		}
		if _, err := report.ExecContext(ctx, f.id, text(buf.arena, o.doc), text(buf.arena, o.all),
			text(buf.arena, o.defs), text(buf.arena, o.imps)); err != nil {
			return fmt.Errorf("%s: report row: %w", o.path, err)
		}
		if se := o.syntax; se != nil {
			if syn == nil {
				if syn, err = tx.PrepareContext(ctx, insertSyntaxError); err != nil {
					return err
				}
				defer syn.Close()
			}
			if _, err := syn.ExecContext(ctx, f.id, se.Kind, se.Msg, se.Line, se.Col, se.EndLine, se.EndCol); err != nil {
				return fmt.Errorf("%s: syntax error row: %w", o.path, err)
			}
		}
	}
	return tx.Commit()
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

// upsertFile writes the file row of o and returns its id.
func (r *Run) upsertFile(ctx context.Context, upsert *sql.Stmt, sid int64, o *op) (int64, error) {
	var (
		sha, enc, bom, schema, linesErr             any
		loc, lloc, sloc, comments, single, multi, b any
	)
	if o.rep {
		linesErr = nullString(o.linesErr)
		sha, enc = nullString(o.sha), o.encoding
		bom, schema = boolInt(o.bom), o.schema
		l := o.lines
		loc, lloc, sloc, comments, single, multi, b = l.LOC, l.LLOC, l.SLOC, l.Comments, l.SingleComments, l.Multi, l.Blank
	}
	var id int64
	err := upsert.QueryRowContext(ctx, sid, o.path, o.size, o.mtime, sha, string(o.status),
		nullString(o.skipReason), nullString(o.errClass), nullString(o.errText), o.attempts, o.durationNs,
		r.id, r.id, enc, bom, loc, lloc, sloc, comments, single, multi, b, schema, linesErr).Scan(&id)
	return id, err
}
