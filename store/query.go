package store

// Queries of what a database holds.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// Known returns what the database holds about the files of source, by
// path, with the options hash and tool version of the run that produced
// each result. The batch engine decides with FileState.Unchanged and
// SameContent which files to analyze again. It reads the files table, never
// the snapshot.
func (db *DB) Known(ctx context.Context, source string) (map[string]FileState, error) {
	known := map[string]FileState{}
	if _, err := db.readKnown(ctx, source, false, func(path string, st FileState) { known[path] = st }); err != nil {
		return nil, err
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
// result (what `pybatch retry` analyzes again), ordered by source and path.
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

// ErrNotFound is wrapped by the error of Record for a file the database
// does not hold, and of LastResultRun when no run wrote a result.
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
	rec.SkipReason, rec.ErrClass, rec.Err = scan.SkipReason(skip.String), recovery.Class(class.String), msg.String
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

// StoredRun is one row of the runs table.
type StoredRun struct {
	ID          int64
	ToolVersion string
	OptionsHash string
	// Options is the JSON the run was begun with (RunInfo.Options).
	Options   json.RawMessage
	Outcome   Outcome
	StartedAt string // RFC 3339, UTC
}

// LastResultRun returns the latest run that wrote any file result: the run
// whose failures Failed lists (what `pybatch retry` repeats, with that
// run's options). It returns an error wrapping ErrNotFound when no run
// wrote a result.
func (db *DB) LastResultRun(ctx context.Context) (StoredRun, error) {
	var r StoredRun
	var opts, outcome string
	err := db.sql.QueryRowContext(ctx, `SELECT id, tool_version, options_hash, options, outcome, started_at FROM runs
		WHERE id = (SELECT max(run_id) FROM files)`).Scan(&r.ID, &r.ToolVersion, &r.OptionsHash, &opts, &outcome, &r.StartedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: %s holds no results yet", ErrNotFound, db.path)
	}
	if err != nil {
		return r, describe(db.path, "reading", err)
	}
	r.Options, r.Outcome = json.RawMessage(opts), Outcome(outcome)
	return r, nil
}
