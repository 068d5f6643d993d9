package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unsafe"

	"github.com/pybatch/pybatch/internal/varblob"
	"github.com/pybatch/pybatch/result"
)

// What an incremental run needs of the files table (FileState by path) is
// read in one of two ways, inside one read transaction:
//
//   - from known_snapshot, one blob per source, when it is current: made at
//     the files_generation the database is still at (the triggers of
//     migration 6 move it on every change of a row's path, size, mtime,
//     hash, status or run, and of a run's options or version, whoever makes
//     it). One blob is read and decoded in a fraction of the time the rows
//     take through the driver (bench/NOTES.md, store).
//   - else row by row from files.
//
// Run.SaveKnownSnapshot makes the blob again at the end of a run, when the
// generation has moved since the last one was made.

// knownRow is one row of files as the known set needs it.
type knownRow struct {
	path        string
	size, mtime int64
	sha         string
	status      result.Status
	run         int64
}

// rawRead runs f on the store's one connection as the driver sees it,
// inside a read transaction.
func (db *DB) rawRead(ctx context.Context, f func(q driver.QueryerContext) error) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		e, ok2 := dc.(driver.ExecerContext)
		if !ok || !ok2 {
			return errors.New("the SQLite driver cannot query")
		}
		if _, err := e.ExecContext(ctx, `BEGIN`, nil); err != nil {
			return err
		}
		defer e.ExecContext(ctx, `COMMIT`, nil)
		return f(q)
	})
}

// queryRow returns the first row of a query (nil, nil when there is none).
func queryRow(ctx context.Context, q driver.QueryerContext, query string, n int, args ...any) ([]driver.Value, error) {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	rows, err := q.QueryContext(ctx, query, named)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := make([]driver.Value, n)
	if err := rows.Next(vals); err == io.EOF {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return vals, nil
}

// sourceAndGen returns the id of source (0 if the database has none) and
// files_generation.
func sourceAndGen(ctx context.Context, q driver.QueryerContext, source string) (sid, gen int64, err error) {
	v, err := queryRow(ctx, q, `SELECT gen, (SELECT id FROM sources WHERE name = ?) FROM files_generation`, 2, source)
	if err != nil {
		return 0, 0, err
	}
	if v == nil {
		return 0, 0, errors.New("files_generation is empty")
	}
	gen, _ = v[0].(int64)
	sid, _ = v[1].(int64)
	return sid, gen, nil
}

// runInfo is the options hash and tool version of a run.
type runInfo struct{ hash, version string }

// readRuns reads every run's options hash and version.
func readRuns(ctx context.Context, q driver.QueryerContext) (map[int64]runInfo, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, options_hash, tool_version FROM runs`, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	runs := map[int64]runInfo{}
	vals := make([]driver.Value, 3)
	for {
		if err := rows.Next(vals); err == io.EOF {
			return runs, nil
		} else if err != nil {
			return nil, err
		}
		id, _ := vals[0].(int64)
		h, _ := vals[1].(string)
		v, _ := vals[2].(string)
		runs[id] = runInfo{h, v}
	}
}

// readRows calls f for every row of files of source sid, in path order if
// byPath. Otherwise NOT INDEXED: the rows of one source are most of the
// table, and one pass over it is cheaper than an index lookup per row. Memory-mapped for this one scan: reading
// the table through the page cache (a page buffer allocated and a pread for
// each of its pages) was two thirds of the time.
func readRows(ctx context.Context, q driver.QueryerContext, sid int64, byPath bool, f func(knownRow)) error {
	e := q.(driver.ExecerContext)
	if _, err := e.ExecContext(ctx, `PRAGMA mmap_size = 1073741824`, nil); err != nil {
		return err
	}
	defer e.ExecContext(ctx, `PRAGMA mmap_size = 0`, nil)
	query := `SELECT path, size, mtime_ns, coalesce(sha256, ''), status, run_id FROM files NOT INDEXED WHERE source_id = ?`
	if byPath { // (through the unique index on (source_id, path))
		query = `SELECT path, size, mtime_ns, coalesce(sha256, ''), status, run_id FROM files WHERE source_id = ? ORDER BY path`
	}
	rows, err := q.QueryContext(ctx, query, []driver.NamedValue{{Ordinal: 1, Value: sid}})
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]driver.Value, 6)
	for {
		if err := rows.Next(vals); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		path, ok1 := vals[0].(string)
		size, ok2 := vals[1].(int64)
		mtime, ok3 := vals[2].(int64)
		sha, ok4 := vals[3].(string)
		status, ok5 := vals[4].(string)
		run, ok6 := vals[5].(int64)
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
			return fmt.Errorf("files: unexpected column types %T %T %T %T %T %T", vals[0], vals[1], vals[2], vals[3], vals[4], vals[5])
		}
		f(knownRow{path: path, size: size, mtime: mtime, sha: sha, status: statusOf(status), run: run})
	}
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

// readKnown calls f for every file of source the database holds, from the
// snapshot when useSnapshot and it is current. It returns whether it was.
func (db *DB) readKnown(ctx context.Context, source string, useSnapshot bool, f func(path string, st FileState)) (fromSnapshot bool, err error) {
	err = db.rawRead(ctx, func(q driver.QueryerContext) error {
		sid, gen, err := sourceAndGen(ctx, q, source)
		if err != nil || sid == 0 {
			return err
		}
		var v []driver.Value
		if useSnapshot {
			if v, err = queryRow(ctx, q, `SELECT data FROM known_snapshot WHERE source_id = ? AND gen = ?`, 1, sid, gen); err != nil {
				return err
			}
		}
		if v != nil {
			if data, ok := v[0].([]byte); ok && decodeKnownSnapshot(data, f) == nil {
				fromSnapshot = true
				return nil
			}
		}
		runs, err := readRuns(ctx, q)
		if err != nil {
			return err
		}
		return readRows(ctx, q, sid, false, func(r knownRow) {
			ri := runs[r.run]
			f(r.path, FileState{Size: r.size, MtimeNs: r.mtime, SHA256: r.sha, OptionsHash: ri.hash, ToolVersion: ri.version, Status: r.status})
		})
	})
	if err != nil {
		return false, describe(db.path, "reading", err)
	}
	return fromSnapshot, nil
}

// SaveKnownSnapshot makes the snapshot of source's files again if the
// database has changed since the last one was made (after committing what
// the run has queued). Call it at the end of a run.
func (r *Run) SaveKnownSnapshot(ctx context.Context, source string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.flush(ctx); err != nil {
		return err
	}
	var data []byte
	var sid, gen int64
	err := r.db.rawRead(ctx, func(q driver.QueryerContext) error {
		var err error
		sid, gen, err = sourceAndGen(ctx, q, source)
		if err != nil || sid == 0 {
			return err
		}
		// (Current, and in this version's format.)
		v, err := queryRow(ctx, q, `SELECT 1 FROM known_snapshot WHERE source_id = ? AND gen = ? AND substr(data, 1, ?) = ?`, 1,
			sid, gen, int64(len(knownSnapshotMagic)), []byte(knownSnapshotMagic))
		if err != nil || v != nil {
			sid = 0 // current already
			return err
		}
		runs, err := readRuns(ctx, q)
		if err != nil {
			return err
		}
		enc := snapshotEncoder{runs: runs, runIndex: map[runInfo]int{}}
		if err := readRows(ctx, q, sid, true, enc.add); err != nil {
			return err
		}
		data = enc.bytes()
		return nil
	})
	if err == nil && sid != 0 {
		// Stored only if nothing moved the generation since the rows were
		// read (the run lock keeps other pybatch runs out, not a shell).
		_, err = r.db.sql.ExecContext(ctx, `INSERT INTO known_snapshot (source_id, gen, data)
			SELECT ?, ?, ? WHERE (SELECT gen FROM files_generation) = ?
			ON CONFLICT (source_id) DO UPDATE SET gen = excluded.gen, data = excluded.data`, sid, gen, data, gen)
	}
	if err != nil {
		return describe(r.db.path, "saving the snapshot of the files in", err)
	}
	return nil
}

const knownSnapshotMagic = "pybatch-known-2\n"

// The snapshot's encoding:
//
//	magic, uvarint count, uvarint total bytes of the paths,
//	uvarint nruns, nruns × (string hash, string version)
//	count × (uvarint shared prefix, string rest of the path, uvarint size,
//	         varint mtime, byte status, uvarint run index)
//	status: 0 analyzed, 1 skipped, 2 failed, 3 gone, 4 other (then a string)
//
// Content hashes are left out (they were two thirds of it): only a file
// whose size is unchanged and whose mtime is not needs one (Incremental.
// Write asks the files table).
// snapshotEncoder encodes rows one at a time, as they come (in path order,
// for shared prefixes): building the snapshot of 100,000 files holds the
// encoding, not the rows.
type snapshotEncoder struct {
	runs     map[int64]runInfo
	runIndex map[runInfo]int
	runList  []runInfo
	body     []byte
	prev     []byte // the previous path
	count    int
	total    int // bytes of the paths
}

func (e *snapshotEncoder) add(r knownRow) {
	ri := e.runs[r.run]
	idx, ok := e.runIndex[ri]
	if !ok {
		idx = len(e.runList)
		e.runIndex[ri] = idx
		e.runList = append(e.runList, ri)
	}
	n := 0
	for n < len(e.prev) && n < len(r.path) && e.prev[n] == r.path[n] {
		n++
	}
	b := e.body
	b = binary.AppendUvarint(b, uint64(n))
	b = varblob.AppendString(b, r.path[n:])
	b = binary.AppendUvarint(b, uint64(r.size))
	b = binary.AppendVarint(b, r.mtime)
	switch r.status {
	case result.Analyzed:
		b = append(b, 0)
	case result.Skipped:
		b = append(b, 1)
	case result.Failed:
		b = append(b, 2)
	case Gone:
		b = append(b, 3)
	default:
		b = append(b, 4)
		b = varblob.AppendString(b, string(r.status))
	}
	e.body = binary.AppendUvarint(b, uint64(idx))
	e.prev = append(e.prev[:0], r.path...)
	e.count++
	e.total += len(r.path)
}

// bytes returns the snapshot: the header, then the entries.
func (e *snapshotEncoder) bytes() []byte {
	b := []byte(knownSnapshotMagic)
	b = binary.AppendUvarint(b, uint64(e.count))
	b = binary.AppendUvarint(b, uint64(e.total))
	b = binary.AppendUvarint(b, uint64(len(e.runList)))
	for _, ri := range e.runList {
		b = varblob.AppendString(b, ri.hash)
		b = varblob.AppendString(b, ri.version)
	}
	return append(b, e.body...)
}

var errSnapshot = errors.New("store: bad known snapshot")

// decodeKnownSnapshot calls f for every entry of data. Paths are
// substrings of one string: a handful of allocations for the whole source
// (the copies and the growing of a buffer were most of the time).
func decodeKnownSnapshot(data []byte, f func(path string, st FileState)) error {
	rest, ok := bytes.CutPrefix(data, []byte(knownSnapshotMagic))
	if !ok {
		return errSnapshot
	}
	// (The decoder reads data through a string that shares its bytes:
	// nothing writes data while it runs, and no string of it is kept.)
	d := varblob.Decoder{S: unsafe.String(unsafe.SliceData(rest), len(rest))}
	count := d.Uvarint()
	total := d.Uvarint()
	nruns := d.Uvarint()
	if total > 1<<32 {
		return errSnapshot
	}
	var runList []runInfo
	for range min(nruns, uint64(len(d.S))) {
		runList = append(runList, runInfo{strings.Clone(d.String()), strings.Clone(d.String())})
	}
	count = min(count, uint64(len(d.S)))
	type entry struct {
		off, n int // of the path in paths
		st     FileState
	}
	entries := make([]entry, 0, count)
	paths := make([]byte, 0, total)
	prevOff, prevLen := 0, 0
	for range count {
		shared := int(d.Uvarint())
		tail := d.String()
		if d.Err != nil || shared > prevLen {
			return errSnapshot
		}
		off := len(paths)
		paths = append(paths, paths[prevOff:prevOff+shared]...)
		paths = append(paths, tail...)
		e := entry{off: off, n: shared + len(tail)}
		e.st.Size, e.st.MtimeNs = int64(d.Uvarint()), d.Varint()
		switch d.Byte() {
		case 0:
			e.st.Status = result.Analyzed
		case 1:
			e.st.Status = result.Skipped
		case 2:
			e.st.Status = result.Failed
		case 3:
			e.st.Status = Gone
		default:
			e.st.Status = result.Status(strings.Clone(d.String()))
		}
		ri := d.Uvarint()
		if ri >= uint64(len(runList)) {
			return errSnapshot
		}
		e.st.OptionsHash, e.st.ToolVersion = runList[ri].hash, runList[ri].version
		entries = append(entries, e)
		prevOff, prevLen = off, e.n
	}
	if d.Err != nil || len(d.S) != 0 {
		return errSnapshot
	}
	if len(paths) != int(total) {
		return errSnapshot
	}
	// paths is never written again: the paths are substrings of it.
	all := unsafe.String(unsafe.SliceData(paths), len(paths))
	for _, e := range entries {
		f(all[e.off:e.off+e.n], e.st)
	}
	return nil
}

// storedSHA returns the content hash the files table holds for path.
func (db *DB) storedSHA(ctx context.Context, source, path string) (string, error) {
	var sha sql.NullString
	err := db.sql.QueryRowContext(ctx, `SELECT f.sha256 FROM files f JOIN sources s ON s.id = f.source_id WHERE s.name = ? AND f.path = ?`, source, path).Scan(&sha)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", describe(db.path, "reading", err)
	}
	return sha.String, nil
}
