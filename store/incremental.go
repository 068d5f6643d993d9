package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/pybatch/pybatch/result"
)

// Incremental applies the rules of incremental and resumed runs for one
// source: Skip on every scanned file before it is analyzed, Write for every
// record instead of the output's. Its methods may be called from several
// goroutines at once.
//
// SQLite (Run.Resume): a file is skipped when its stored result is final
// and path, size, mtime (ns), options hash and tool version match. Nothing
// is written for a skipped file: the state remembers which stored files the
// walk met (one bit per file id), and MarkGone marks the others gone. A
// record whose content hash, size, options and version equal the stored
// ones (the mtime changed, the bytes did not) only touches the stored
// record. What the database holds is looked up file by file, so the memory
// an incremental run takes does not grow with the number of files it holds.
//
// JSON Lines (NewJSONLResume): every path already in the committed part of
// the file is skipped, whatever its state, since a second line for it would
// be a duplicate.
type Incremental interface {
	// Skip reports whether the scanned file at path (relative to the
	// source) needs no analysis; when it returns true the file is done.
	Skip(ctx context.Context, path string, size int64, mtime time.Time) (bool, error)
	// Holds reports whether the output holds a record for path, in
	// whatever state, without recording anything: a counting walk leaves
	// these out of a run's total.
	Holds(ctx context.Context, path string) bool
	// Write writes rec through the output, or only touches the stored
	// record when rec has the stored content under the same options.
	Write(ctx context.Context, rec *result.Record) error
	// Counts returns how many files Skip skipped and Write only touched.
	Counts() (skipped, touched int)
}

// sqliteIncremental is the Incremental of one source of a SQLite run.
type sqliteIncremental struct {
	run                      *Run
	sid                      int64
	source                   string
	optionsHash, toolVersion string
	sh                       *incShared

	mu               sync.Mutex
	skipped, touched int
	// live is how many of the source's stored files were not gone when the
	// run began (-1: unknown); metLive how many of those the walk met. When
	// the two are equal, no file is gone and MarkGone need not look (see
	// markGone). live is counted in the background (counted is closed
	// then), on the read connections: a write of this run that commits
	// before the count can only add a file that is not gone, never remove
	// one, so that the count can only be too high, and MarkGone then looks.
	live, metLive int64
	counted       chan struct{}
	merged        bool // files moved in or out by a merge: live is unknown
}

// incShared is what the sources of one run share: the statements, the runs
// table, one bit per stored file (ids are the table's), and the listings of
// the directories the walk is in. A lookup of one file reads the stored
// files of its directory at once (one lookup of the files_dir index), so
// that an unchanged re-run asks the database once per directory, reading
// each stored file once. The
// listings are bounded: past maxCachedRows the oldest go, and a directory
// of more than maxDirRows files is looked up file by file.
type incShared struct {
	lookup, one, list *sql.Stmt         // on the database's read connections
	runs              map[int64]runInfo // the runs table (small), read once

	mu    sync.Mutex
	seen  []uint64 // a bit per files.id: the walk met the file
	dirs  map[rowKey]map[string]storedRow
	order []rowKey // of dirs, oldest first
	rows  int      // in dirs
	big   map[rowKey]bool
}

// rowKey names a file or directory of a source.
type rowKey struct {
	sid  int64
	path string
}

// storedRow is what Skip needs of a stored file.
type storedRow struct {
	id, size, mtime, run int64
	status               result.Status
}

const maxCachedRows = 1 << 13

var maxDirRows = 1 << 13 // (a variable for tests)

type runInfo struct{ hash, version string }

// newSQLiteIncremental prepares an incremental run of source (id sid)
// writing through run.
func newSQLiteIncremental(ctx context.Context, run *Run, source string, sid int64) (*sqliteIncremental, error) {
	if run.incShared == nil {
		sh, err := newIncShared(ctx, run.db)
		if err != nil {
			return nil, err
		}
		run.incShared = sh
	}
	in := &sqliteIncremental{run: run, sid: sid, source: source, optionsHash: run.info.OptionsHash,
		toolVersion: run.info.ToolVersion, sh: run.incShared}
	in.live, in.counted = -1, make(chan struct{})
	rd, err := run.db.readers(ctx)
	if err != nil {
		return nil, err
	}
	go func() {
		defer close(in.counted)
		// (Both counts are read from indexes: (source_id, path) and status.)
		var all, gone int64
		if rd.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE source_id = ?`, sid).Scan(&all) != nil ||
			rd.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE status = 'gone' AND source_id = ?`, sid).Scan(&gone) != nil {
			return // (live stays unknown: MarkGone looks)
		}
		in.mu.Lock()
		if !in.merged {
			in.live = all - gone
		}
		in.mu.Unlock()
	}()
	return in, nil
}

func newIncShared(ctx context.Context, db *DB) (*incShared, error) {
	rd, err := db.readers(ctx)
	if err != nil {
		return nil, err
	}
	sh := &incShared{runs: map[int64]runInfo{}}
	rows, err := rd.QueryContext(ctx, `SELECT id, options_hash, tool_version FROM runs`)
	if err != nil {
		return nil, describe(db.path, "reading", err)
	}
	for rows.Next() {
		var id int64
		var ri runInfo
		if err := rows.Scan(&id, &ri.hash, &ri.version); err != nil {
			rows.Close()
			return nil, describe(db.path, "reading", err)
		}
		sh.runs[id] = ri
	}
	rows.Close()
	for _, q := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&sh.lookup, `SELECT f.id, f.size, f.mtime_ns, f.status, f.run_id, c.sha256
			FROM files f LEFT JOIN contents c ON c.id = f.content_id WHERE f.source_id = ? AND f.path = ?`},
		{&sh.one, `SELECT id, path, size, mtime_ns, status, run_id FROM files WHERE source_id = ? AND path = ?`},
		{&sh.list, `SELECT id, path, size, mtime_ns, status, run_id FROM files
			WHERE source_id = ? AND rtrim(path, replace(path, '/', '')) = ? LIMIT ?`}, // (files_dir)
	} {
		if *q.stmt, err = rd.PrepareContext(ctx, q.query); err != nil {
			sh.close()
			return nil, describe(db.path, "reading", err)
		}
	}
	return sh, nil
}

func (sh *incShared) close() {
	for _, s := range []*sql.Stmt{sh.lookup, sh.one, sh.list} {
		if s != nil {
			s.Close()
		}
	}
}

// met reports whether the walk met the file with this id.
func (sh *incShared) met(id int64) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return int(id>>6) < len(sh.seen) && sh.seen[id>>6]&(1<<(id&63)) != 0
}

// row returns what the database holds about the file at path, from its
// directory's listing.
func (in *sqliteIncremental) row(ctx context.Context, path string) (storedRow, bool, error) {
	sh := in.sh
	cut := strings.LastIndexByte(path, '/') + 1
	dir := rowKey{in.sid, path[:cut]} // "a/b/", or "" at the top
	sh.mu.Lock()
	if files, ok := sh.dirs[dir]; ok {
		row, ok := files[path[cut:]]
		sh.mu.Unlock()
		return row, ok, nil
	}
	big := sh.big[dir]
	sh.mu.Unlock()
	if big {
		rows, err := sh.one.QueryContext(ctx, in.sid, path)
		if err != nil {
			return storedRow{}, false, describe(in.run.db.path, "reading", err)
		}
		var found storedRow
		n, err := scanRows(rows, func(_ string, row storedRow) { found = row })
		return found, n > 0, err
	}
	files, err := in.list(ctx, dir.path)
	if err != nil {
		return storedRow{}, false, describe(in.run.db.path, "reading", err)
	}
	sh.mu.Lock()
	if files == nil {
		if sh.big == nil || len(sh.big) > maxCachedRows {
			sh.big = map[rowKey]bool{}
		}
		sh.big[dir] = true
		sh.mu.Unlock()
		return in.row(ctx, path)
	}
	defer sh.mu.Unlock()
	if _, ok := sh.dirs[dir]; !ok { // (another walker may have listed it meanwhile)
		if sh.dirs == nil {
			sh.dirs = map[rowKey]map[string]storedRow{}
		}
		for sh.rows+len(files) > maxCachedRows && len(sh.order) > 0 {
			sh.rows -= len(sh.dirs[sh.order[0]])
			delete(sh.dirs, sh.order[0])
			sh.order = sh.order[1:]
		}
		sh.dirs[dir] = files
		sh.order = append(sh.order, dir)
		sh.rows += len(files)
	}
	row, ok := files[path[cut:]]
	return row, ok, nil
}

// list returns the stored files directly in dir ("a/b/", or "" for the
// top), by name; nil when there are more than maxDirRows.
func (in *sqliteIncremental) list(ctx context.Context, dir string) (map[string]storedRow, error) {
	rows, err := in.sh.list.QueryContext(ctx, in.sid, dir, maxDirRows+1)
	if err != nil {
		return nil, err
	}
	files := map[string]storedRow{}
	n, err := scanRows(rows, func(path string, row storedRow) { files[path[len(dir):]] = row })
	if err != nil || n > maxDirRows {
		return nil, err
	}
	return files, nil
}

// scanRows calls f for each row of a query of (id, path, size, mtime_ns,
// status, run_id) and returns how many there were.
func scanRows(rows *sql.Rows, f func(path string, row storedRow)) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var row storedRow
		var path, status string
		if err := rows.Scan(&row.id, &path, &row.size, &row.mtime, &status, &row.run); err != nil {
			return n, err
		}
		row.status = statusOf(status)
		f(path, row)
		n++
	}
	return n, rows.Err()
}

// state looks up what the database holds about path; ok is false when it
// holds nothing.
func (in *sqliteIncremental) state(ctx context.Context, path string) (id int64, st FileState, ok bool, err error) {
	var status string
	var run int64
	var sha []byte
	err = in.sh.lookup.QueryRowContext(ctx, in.sid, path).Scan(&id, &st.Size, &st.MtimeNs, &status, &run, &sha)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, st, false, nil
	}
	if err != nil {
		return 0, st, false, describe(in.run.db.path, "reading", err)
	}
	st.Status = statusOf(status)
	st.SHA256 = hex.EncodeToString(sha)
	ri := in.sh.runs[run]
	st.OptionsHash, st.ToolVersion = ri.hash, ri.version
	return id, st, true, nil
}

func (in *sqliteIncremental) Skip(ctx context.Context, path string, size int64, mtime time.Time) (bool, error) {
	row, ok, err := in.row(ctx, path)
	if err != nil || !ok {
		return false, err
	}
	id := row.id
	ri := in.sh.runs[row.run]
	st := FileState{Size: row.size, MtimeNs: row.mtime, Status: row.status, OptionsHash: ri.hash, ToolVersion: ri.version}
	sh := in.sh
	sh.mu.Lock()
	for int(id>>6) >= len(sh.seen) {
		sh.seen = append(sh.seen, make([]uint64, len(sh.seen)+64)...)
	}
	first := sh.seen[id>>6]&(1<<(id&63)) == 0
	sh.seen[id>>6] |= 1 << (id & 63)
	sh.mu.Unlock()
	// A file this run wrote before the walk met it (run) does not count: it
	// may not have been stored when the run began.
	if first && row.status != Gone && row.run != in.run.id {
		in.mu.Lock()
		in.metLive++
		in.mu.Unlock()
	}
	if !st.Unchanged(size, mtime, in.optionsHash, in.toolVersion) {
		return false, nil
	}
	in.mu.Lock()
	in.skipped++
	in.mu.Unlock()
	return true, nil
}

func (in *sqliteIncremental) Holds(ctx context.Context, path string) bool {
	_, ok, err := in.row(ctx, path)
	return ok && err == nil
}

func (in *sqliteIncremental) Write(ctx context.Context, rec *result.Record) error {
	if rec.Source != in.source {
		return in.run.Write(ctx, rec)
	}
	_, st, ok, err := in.state(ctx, rec.Path)
	if err != nil {
		return err
	}
	sha := ""
	if rec.Status == result.Analyzed && rec.Report != nil {
		sha = rec.Report.SHA256
		if ok && st.SameContent(rec.Size, sha, in.optionsHash, in.toolVersion) {
			in.mu.Lock()
			in.touched++
			in.mu.Unlock()
			return in.run.Touch(ctx, rec.Source, rec.Path, rec.Size, rec.ModTime)
		}
	}
	if ok && st.SHA256 != "" && st.SHA256 != sha {
		// The file's row leaves its old content, which may have been its
		// alone: the run's end looks for contents no file points to.
		in.run.leavesContent(st.SHA256)
	}
	return in.run.Write(ctx, rec)
}

func (in *sqliteIncremental) Counts() (skipped, touched int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.skipped, in.touched
}

// statusOf returns the constant for a status (so that no row's string is kept).
func statusOf(s string) result.Status {
	switch s {
	case string(result.Analyzed):
		return result.Analyzed
	case string(result.Skipped):
		return result.Skipped
	case string(result.Failed):
		return result.Failed
	case string(Gone):
		return Gone
	}
	return result.Status(s)
}

// heldResume is the Incremental of a resumed output that only appends
// (a JSON Lines file, a Parquet shard): the paths it holds, in memory (such
// an output has no index to look them up in).
type heldResume struct {
	write   func(context.Context, *result.Record) error
	mu      sync.Mutex
	held    map[string]struct{}
	skipped int
}

// NewJSONLResume prepares the resume of a JSON Lines file: the paths of
// source it already holds are skipped.
func NewJSONLResume(out *JSONL, source string) (Incremental, error) {
	in := &heldResume{write: out.Write, held: map[string]struct{}{}}
	if err := out.eachKnown(source, func(path string, _ FileState) { in.held[path] = struct{}{} }); err != nil {
		return nil, err
	}
	if len(in.held) == 0 {
		return nil, nil
	}
	return in, nil
}

func (in *heldResume) Skip(_ context.Context, path string, _ int64, _ time.Time) (bool, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, ok := in.held[path]; !ok {
		return false, nil
	}
	in.skipped++
	return true, nil
}

func (in *heldResume) Holds(_ context.Context, path string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	_, ok := in.held[path]
	return ok
}

func (in *heldResume) Write(ctx context.Context, rec *result.Record) error {
	return in.write(ctx, rec)
}

func (in *heldResume) Counts() (skipped, touched int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.skipped, 0
}

// Under reports whether path (slash-separated, relative to its source) is
// prefix or below it; every path is under the empty prefix.
func Under(path, prefix string) bool {
	return prefix == "" || path == prefix || len(path) > len(prefix) && path[len(prefix)] == '/' && path[:len(prefix)] == prefix
}
