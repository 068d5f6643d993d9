package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
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
	// stored result was made under another hash is analysed again.
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
	opKeep                // the walk saw an unchanged file
	opTouch               // the walk saw a file whose mtime changed and content did not
)

type op struct {
	kind   opKind
	rec    *result.Record // opWrite
	source string         // opKeep, opTouch
	path   string
	size   int64
	mtime  int64
}

// Run is one run's writer: the Sink for the SQLite store. It queues
// records and writes them in transactions of Options.BatchSize records; a
// file's row and its definitions, imports and syntax error are replaced in
// the same transaction, keyed by (source, path), so writing a file twice
// leaves one copy of the second result.
//
// A Run's methods may be called from more than one goroutine (typically
// the coordinator writes while a filter on the scan stream keeps unchanged
// files); they are serialized. OnCommit is called with the run's lock held:
// it must not call back into the run.
type Run struct {
	mu      sync.Mutex // guards everything below: Write and Keep may come from two goroutines
	db      *DB
	id      int64
	sources map[string]int64 // used by the commit in flight only

	ops      []op
	records  int               // opWrite entries in ops
	oldest   time.Time         // when the first of ops was queued
	spare    []op              // a drained ops slice to reuse
	inflight chan commitResult // the commit running in the background, if any
	err      error             // sticky: after a failed commit the run accepts nothing
	done     bool              // Finish or Close was called
}

// commitResult is what a background commit hands back.
type commitResult struct {
	n   int
	ops []op
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
	return &Run{db: db, id: id, sources: map[string]int64{}}, nil
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ID is the run's id (runs.id, files.run_id).
func (r *Run) ID() int64 { return r.id }

// Write implements Sink: it queues rec and commits when BatchSize records
// are queued.
func (r *Run) Write(ctx context.Context, rec *result.Record) error {
	return r.queue(ctx, op{kind: opWrite, rec: rec})
}

// Keep records that the walk saw source/path unchanged (FileState.Unchanged
// said so) and skipped it, so that MarkGone does not take it for deleted.
func (r *Run) Keep(ctx context.Context, source, path string) error {
	return r.queue(ctx, op{kind: opKeep, source: source, path: path})
}

// Touch records that source/path has a new size and mtime but the content
// that was analysed (FileState.SameContent said so): its record is updated,
// its results kept.
func (r *Run) Touch(ctx context.Context, source, path string, size int64, mtime time.Time) error {
	return r.queue(ctx, op{kind: opTouch, source: source, path: path, size: size, mtime: unixNano(mtime)})
}

func (r *Run) queue(ctx context.Context, o op) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if r.done {
		return errors.New("store: write to a finished run")
	}
	if len(r.ops) == 0 {
		r.oldest = time.Now()
	}
	r.ops = append(r.ops, o)
	if o.kind == opWrite {
		r.records++
	}
	// Keeps and touches are tiny: let many more of them share a commit.
	if r.records >= r.db.opts.BatchSize || len(r.ops) >= 16*r.db.opts.BatchSize ||
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
	ops, n := r.ops, r.records
	r.ops, r.records, r.spare = r.spare[:0], 0, nil
	ch := make(chan commitResult, 1)
	r.inflight = ch
	go func() {
		err := r.commitOps(ctx, ops, n)
		clear(ops) // drop the references to the records
		ch <- commitResult{n: n, ops: ops[:0], err: err}
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
	r.spare = res.ops
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

// MarkGone commits what is queued, then marks as gone every file of source
// that this run's walk did not see (neither written, kept nor touched), and
// deletes their definitions, imports and syntax errors. Call it only after a
// walk of source that completed: a cancelled or partial walk has not seen
// everything. It returns how many files were marked.
func (r *Run) MarkGone(ctx context.Context, source string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.flush(ctx); err != nil {
		return 0, err
	}
	tx, err := r.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, describe(r.db.path, "marking gone files in", err)
	}
	defer tx.Rollback()
	const gone = `SELECT f.id FROM files f JOIN sources s ON s.id = f.source_id
		WHERE s.name = ? AND f.seen_run_id <> ? AND f.status <> 'gone'`
	for _, table := range []string{"reports", "syntax_errors"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE file_id IN (`+gone+`)`, source, r.id); err != nil {
			return 0, describe(r.db.path, "marking gone files in", err)
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE files SET status = 'gone', run_id = ?,
		sha256 = NULL, skip_reason = NULL, error_class = NULL, error = NULL
		WHERE id IN (`+gone+`)`, r.id, source, r.id)
	if err != nil {
		return 0, describe(r.db.path, "marking gone files in", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return 0, describe(r.db.path, "marking gone files in", err)
	}
	return n, nil
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

// commitOps writes ops in one transaction. It runs on the background
// goroutine, one at a time: it alone uses r.sources.
func (r *Run) commitOps(ctx context.Context, ops []op, n int) error {
	newSources := map[string]int64{}
	if err := r.writeTx(ctx, ops, newSources); err != nil {
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

// writeTx writes every queued operation in one transaction: the file rows
// first (their ids are needed), then the reports (definitions and imports
// as JSON) and syntax errors of the written files are replaced.
func (r *Run) writeTx(ctx context.Context, ops []op, newSources map[string]int64) error {
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
	last := map[key]int{}
	for i, o := range ops {
		if o.kind == opWrite {
			last[key{o.rec.Source, o.rec.Path}] = i
		}
	}
	upsert, err := tx.PrepareContext(ctx, upsertFile)
	if err != nil {
		return err
	}
	touch, err := tx.PrepareContext(ctx, touchFile)
	if err != nil {
		return err
	}
	type written struct {
		id  int64
		rec *result.Record
	}
	var files []written
	keeps := map[int64][]string{} // by source: paths seen unchanged
	for i, o := range ops {
		switch o.kind {
		case opWrite:
			if last[key{o.rec.Source, o.rec.Path}] != i {
				continue
			}
			sid, err := source(o.rec.Source)
			if err != nil {
				return err
			}
			id, err := r.upsertFile(ctx, upsert, sid, o.rec)
			if err != nil {
				return fmt.Errorf("%s: %w", o.rec.Path, err)
			}
			files = append(files, written{id, o.rec})
		case opKeep:
			sid, err := source(o.source)
			if err != nil {
				return err
			}
			keeps[sid] = append(keeps[sid], o.path)
		case opTouch:
			sid, err := source(o.source)
			if err != nil {
				return err
			}
			if _, err := touch.ExecContext(ctx, r.id, o.size, o.mtime, sid, o.path); err != nil {
				return err
			}
		}
	}
	// Mark the kept files seen, many per statement: an unchanged re-run
	// keeps every file, and one UPDATE each was the bulk of its cost.
	for sid, paths := range keeps {
		for start := 0; start < len(paths); start += 500 {
			chunk := paths[start:min(start+500, len(paths))]
			args := make([]any, 0, len(chunk)+2)
			args = append(args, r.id, sid)
			for _, p := range chunk {
				args = append(args, p)
			}
			in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ") + ")"
			if _, err := tx.ExecContext(ctx, "UPDATE files SET seen_run_id = ? WHERE source_id = ? AND path IN "+in, args...); err != nil {
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
	syn, err := tx.PrepareContext(ctx, insertSyntaxError)
	if err != nil {
		return err
	}
	report, err := tx.PrepareContext(ctx, insertReport)
	if err != nil {
		return err
	}
	for _, f := range files {
		rep := f.rec.Report
		if rep == nil {
			continue
		}
		if _, err := report.ExecContext(ctx, f.id, strPtr(rep.Docstring), jsonOrNil(rep.All),
			jsonOrNil(rep.Definitions), jsonOrNil(rep.Imports)); err != nil {
			return fmt.Errorf("%s: report row: %w", f.rec.Path, err)
		}
		if rep.SyntaxError != nil {
			se := rep.SyntaxError
			if _, err := syn.ExecContext(ctx, f.id, se.Kind, se.Msg, se.Line, se.Col, se.EndLine, se.EndCol); err != nil {
				return fmt.Errorf("%s: syntax error row: %w", f.rec.Path, err)
			}
		}
	}
	return tx.Commit()
}

// jsonOrNil is the JSON of v, or NULL for an empty slice.
func jsonOrNil[T any](v []T) any {
	if len(v) == 0 {
		return nil
	}
	b, _ := json.Marshal(v) // slices of strings and plain structs always marshal
	return string(b)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func strPtr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// upsertFile writes the file row of rec and returns its id.
func (r *Run) upsertFile(ctx context.Context, upsert *sql.Stmt, sid int64, rec *result.Record) (int64, error) {
	rep := rec.Report
	var (
		sha, enc, bom, schema, linesErr             any
		loc, lloc, sloc, comments, single, multi, b any
	)
	if rep != nil {
		linesErr = nullString(rep.LinesError)
		sha, enc = nullString(rep.SHA256), rep.Encoding
		bom, schema = boolInt(rep.BOM), rep.SchemaVersion
		l := rep.Lines
		loc, lloc, sloc, comments, single, multi, b = l.LOC, l.LLOC, l.SLOC, l.Comments, l.SingleComments, l.Multi, l.Blank
	}
	var id int64
	err := upsert.QueryRowContext(ctx, sid, rec.Path, rec.Size, unixNano(rec.ModTime), sha, string(rec.Status),
		nullString(rec.SkipReason), nullString(rec.ErrClass), nullString(rec.Err), rec.Attempts, int64(rec.Duration),
		r.id, r.id, enc, bom, loc, lloc, sloc, comments, single, multi, b, schema, linesErr).Scan(&id)
	return id, err
}

// Known returns what the database holds about the files of source, by
// path, with the options hash and tool version of the run that produced
// each result. The batch engine decides with FileState.Unchanged and
// SameContent which files to analyse again.
func (db *DB) Known(ctx context.Context, source string) (map[string]FileState, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT f.path, f.size, f.mtime_ns, coalesce(f.sha256, ''),
		r.options_hash, r.tool_version, f.status
		FROM files f JOIN sources s ON s.id = f.source_id JOIN runs r ON r.id = f.run_id
		WHERE s.name = ?`, source)
	if err != nil {
		return nil, describe(db.path, "reading", err)
	}
	defer rows.Close()
	known := map[string]FileState{}
	for rows.Next() {
		var p string
		var st FileState
		if err := rows.Scan(&p, &st.Size, &st.MtimeNs, &st.SHA256, &st.OptionsHash, &st.ToolVersion, &st.Status); err != nil {
			return nil, describe(db.path, "reading", err)
		}
		known[p] = st
	}
	if err := rows.Err(); err != nil {
		return nil, describe(db.path, "reading", err)
	}
	return known, nil
}

// FailedFile is a file whose latest result is a failure.
type FailedFile struct {
	Source   string
	Path     string
	ErrClass string
	Err      string
	Attempts int
}

// Failed returns the files that failed in the latest run that wrote any
// result (what `pybatch retry` analyses again), ordered by source and path.
func (db *DB) Failed(ctx context.Context) ([]FailedFile, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT s.name, f.path, coalesce(f.error_class, ''), coalesce(f.error, ''), f.attempts
		FROM files f JOIN sources s ON s.id = f.source_id
		WHERE f.status = 'failed' AND f.run_id = (SELECT max(run_id) FROM files)
		ORDER BY s.name, f.path`)
	if err != nil {
		return nil, describe(db.path, "reading", err)
	}
	defer rows.Close()
	var out []FailedFile
	for rows.Next() {
		var f FailedFile
		if err := rows.Scan(&f.Source, &f.Path, &f.ErrClass, &f.Err, &f.Attempts); err != nil {
			return nil, describe(db.path, "reading", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ErrNotFound is returned by Record for a file the database does not hold.
var ErrNotFound = errors.New("store: no such file")

// Record reads back the stored record of source/path, report included,
// as it was written (a gone file comes back with status Gone).
func (db *DB) Record(ctx context.Context, source, path string) (*result.Record, error) {
	var (
		id                                 int64
		rec                                = &result.Record{Source: source, Path: path}
		mtime, dur                         int64
		status                             string
		skip, class, msg, sha, enc, doc    sql.NullString
		linesErr, defs, imps               sql.NullString
		all                                sql.NullString
		bom, schema                        sql.NullInt64
		loc, lloc, sloc, com, single, mult sql.NullInt64
		blank                              sql.NullInt64
	)
	err := db.sql.QueryRowContext(ctx, `SELECT f.id, f.size, f.mtime_ns, f.status, f.skip_reason, f.error_class,
		f.error, f.attempts, f.duration_ns, f.sha256, f.encoding, f.bom, r.docstring, r.all_names,
		f.loc, f.lloc, f.sloc, f.comments, f.single_comments, f.multi, f.blank, f.report_schema, f.lines_error,
		r.definitions_json, r.imports_json
		FROM files f JOIN sources s ON s.id = f.source_id LEFT JOIN reports r ON r.file_id = f.id WHERE s.name = ? AND f.path = ?`, source, path).Scan(
		&id, &rec.Size, &mtime, &status, &skip, &class, &msg, &rec.Attempts, &dur, &sha, &enc, &bom, &doc, &all,
		&loc, &lloc, &sloc, &com, &single, &mult, &blank, &schema, &linesErr, &defs, &imps)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s in source %s", ErrNotFound, path, source)
	}
	if err != nil {
		return nil, describe(db.path, "reading", err)
	}
	rec.ModTime, rec.Duration, rec.Status = fromUnixNano(mtime), time.Duration(dur), result.Status(status)
	rec.SkipReason, rec.ErrClass, rec.Err = skip.String, class.String, msg.String
	if !schema.Valid { // no report was stored
		return rec, nil
	}
	rep := &analysis.Report{
		SchemaVersion: int(schema.Int64), Path: path, Size: rec.Size, SHA256: sha.String, Encoding: enc.String,
		BOM: bom.Int64 == 1, LinesError: linesErr.String, Imports: []analysis.Import{}, Definitions: []analysis.Definition{},
		Lines: analysis.LineMetrics{LOC: int(loc.Int64), LLOC: int(lloc.Int64), SLOC: int(sloc.Int64),
			Comments: int(com.Int64), SingleComments: int(single.Int64), Multi: int(mult.Int64), Blank: int(blank.Int64)},
	}
	if doc.Valid {
		rep.Docstring = &doc.String
	}
	if all.Valid {
		if err := json.Unmarshal([]byte(all.String), &rep.All); err != nil {
			return nil, fmt.Errorf("store: %s: all_names: %w", path, err)
		}
	}
	if err := errors.Join(unmarshalNull(defs, &rep.Definitions), unmarshalNull(imps, &rep.Imports)); err != nil {
		return nil, fmt.Errorf("store: %s: definitions or imports: %w", path, err)
	}
	var se analysis.SyntaxError
	err = db.sql.QueryRowContext(ctx, `SELECT kind, msg, line, col, end_line, end_col FROM syntax_errors WHERE file_id = ?`, id).
		Scan(&se.Kind, &se.Msg, &se.Line, &se.Col, &se.EndLine, &se.EndCol)
	switch {
	case err == nil:
		rep.SyntaxError = &se
	case !errors.Is(err, sql.ErrNoRows):
		return nil, describe(db.path, "reading", err)
	}
	rec.Report = rep
	return rec, nil
}

func unmarshalNull(s sql.NullString, dst any) error {
	if !s.Valid {
		return nil
	}
	return json.Unmarshal([]byte(s.String), dst)
}
