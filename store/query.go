package store

// Queries of what a database holds.

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// Known returns what the database holds about the files of source, by
// path, with the options hash and tool version of the run that produced
// each result (for tests and tools; a run looks files up one at a time).
func (db *DB) Known(ctx context.Context, source string) (map[string]FileState, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT f.path, f.size, f.mtime_ns, f.status, c.sha256, r.options_hash, r.tool_version
		FROM files f JOIN sources s ON s.id = f.source_id JOIN runs r ON r.id = f.run_id LEFT JOIN contents c ON c.id = f.content_id
		WHERE s.name = ?`, source)
	if err != nil {
		return nil, describe(db.path, "reading", err)
	}
	defer rows.Close()
	known := map[string]FileState{}
	for rows.Next() {
		var path, status string
		var sha []byte
		var st FileState
		if err := rows.Scan(&path, &st.Size, &st.MtimeNs, &status, &sha, &st.OptionsHash, &st.ToolVersion); err != nil {
			return nil, describe(db.path, "reading", err)
		}
		st.Status, st.SHA256 = statusOf(status), hex.EncodeToString(sha)
		known[path] = st
	}
	return known, rows.Err()
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
		rec              = &result.Record{Source: source, Path: path}
		content          sql.NullInt64
		mtime, dur       int64
		status           string
		skip, class, msg sql.NullString
	)
	err := db.sql.QueryRowContext(ctx, `SELECT f.size, f.mtime_ns, f.status, f.skip_reason, f.error_class, f.error,
		f.attempts, f.duration_ns, f.content_id
		FROM files f JOIN sources s ON s.id = f.source_id WHERE s.name = ? AND f.path = ?`, source, path).Scan(
		&rec.Size, &mtime, &status, &skip, &class, &msg, &rec.Attempts, &dur, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s in source %s", ErrNotFound, path, source)
	}
	if err != nil {
		return nil, describe(db.path, "reading", err)
	}
	rec.ModTime, rec.Duration, rec.Status = fromUnixNano(mtime), time.Duration(dur), result.Status(status)
	rec.SkipReason, rec.ErrClass, rec.Err = scan.SkipReason(skip.String), recovery.Class(class.String), msg.String
	if !content.Valid { // no report was stored
		return rec, nil
	}
	rr, err := db.reportReader(ctx, false)
	if err != nil {
		return nil, err
	}
	rep, _, err := rr.read(ctx, rr.byID, content.Int64, true)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	rep.Path = path
	rec.Report = rep
	return rec, nil
}

// StoredReport returns the report stored for the content with this
// SHA-256 (hex), when this tool version analyzed it with the current report
// schema; nil when the database has none. It reads on the read-only
// connections, alongside the run's writes, and is safe for concurrent use:
// it is batch.Options.Stored for a run into this database. The report's
// Path is empty. A content this run has written and not yet committed is
// answered from the queued batch, with its whole report.
func (r *Run) StoredReport(ctx context.Context, sha256 string) (*analysis.Report, error) {
	return r.stored(ctx, sha256, true)
}

// StoredSummary is StoredReport without the facts: the contents row and
// the syntax error, in a Report marked Partial, which only this database
// may write (Run.Write then points the file at the stored content). Reading
// the facts back was half the CPU of a first run over copies of a tree. A
// content not yet committed is answered with its whole report, which the
// run holds.
func (r *Run) StoredSummary(ctx context.Context, sha256 string) (*analysis.Report, error) {
	return r.stored(ctx, sha256, false)
}

func (r *Run) stored(ctx context.Context, sha256 string, whole bool) (*analysis.Report, error) {
	if rep := r.pendingReport(sha256); rep != nil {
		return rep, nil
	}
	sha, err := hex.DecodeString(sha256)
	if err != nil {
		return nil, fmt.Errorf("store: bad content hash %q", sha256)
	}
	rr, err := r.db.reportReader(ctx, true)
	if err != nil {
		return nil, err
	}
	rep, tool, err := rr.read(ctx, rr.bySHA, sha, whole)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, describe(r.db.path, "reading", err)
	case tool != r.info.ToolVersion || rep.SchemaVersion != analysis.SchemaVersion:
		return nil, nil
	}
	return rep, nil
}

// reportReader reads stored reports back with prepared statements (safe
// for concurrent use): a report is several queries, and preparing them
// once instead of for every file makes reading one much cheaper.
type reportReader struct {
	bySHA, byID, defs, imps, syntax, cells, feats, warns *sql.Stmt
}

const contentSelect = `SELECT c.id, c.sha256, c.size, c.encoding, c.bom, c.docstring, c.all_names,
	c.loc, c.lloc, c.sloc, c.comments, c.single_comments, c.multi, c.blank, c.report_schema, c.lines_error,
	c.definitions, c.imports, r.tool_version, c.nbformat, c.notebook_cells, c.masked_lines, c.lowest_version, c.warnings
	FROM contents c LEFT JOIN runs r ON r.id = c.run_id WHERE `

// reportReader returns db's report reader on the read-write connection,
// or with readOnly on the read-only ones (see readers).
func (db *DB) reportReader(ctx context.Context, readOnly bool) (*reportReader, error) {
	conns := db.sql
	if readOnly {
		var err error
		if conns, err = db.readers(ctx); err != nil {
			return nil, err
		}
	}
	db.rmu.Lock()
	defer db.rmu.Unlock()
	p := &db.reports[0]
	if readOnly {
		p = &db.reports[1]
	}
	if *p == nil {
		rr, err := newReportReader(ctx, conns)
		if err != nil {
			return nil, describe(db.path, "reading", err)
		}
		*p = rr
	}
	return *p, nil
}

func newReportReader(ctx context.Context, db *sql.DB) (*reportReader, error) {
	rr := &reportReader{}
	for _, p := range []struct {
		stmt **sql.Stmt
		q    string
	}{
		{&rr.bySHA, contentSelect + `c.sha256 = ?`},
		{&rr.byID, contentSelect + `c.id = ?`},
		{&rr.defs, `SELECT d.qualname, d.kind, d.line, d.col, d.end_line, d.end_col, td.text,
		d.params, tr.text, tb.text, d.docstring, d.complexity
		FROM content_definitions d LEFT JOIN texts td ON td.id = d.decorators
		LEFT JOIN texts tr ON tr.id = d.returns LEFT JOIN texts tb ON tb.id = d.bases
		WHERE d.id BETWEEN ? AND ? ORDER BY d.id`},
		{&rr.imps, `SELECT t.text, i.names, i.level, i.is_from, i.line, i.scope
		FROM content_imports i JOIN texts t ON t.id = i.module WHERE i.id BETWEEN ? AND ? ORDER BY i.id`},
		{&rr.syntax, `SELECT kind, msg, line, col, end_line, end_col FROM content_syntax_errors WHERE content_id = ?`},
		{&rr.cells, `SELECT cell, line, lines FROM content_cells WHERE content_id = ? ORDER BY line`},
		{&rr.feats, `SELECT feature, version, line, col FROM content_version_features WHERE content_id = ? ORDER BY seq`},
		{&rr.warns, `SELECT category, message, line, col FROM content_warnings WHERE content_id = ? ORDER BY seq`},
	} {
		st, err := db.PrepareContext(ctx, p.q)
		if err != nil {
			rr.Close()
			return nil, err
		}
		*p.stmt = st
	}
	return rr, nil
}

// Close closes the statements.
func (rr *reportReader) Close() {
	for _, st := range []*sql.Stmt{rr.bySHA, rr.byID, rr.defs, rr.imps, rr.syntax, rr.cells, rr.feats, rr.warns} {
		if st != nil {
			st.Close()
		}
	}
}

// read reads the report of the content row that st (bySHA or byID)
// selects by key, and the tool version of the run that wrote it. Its error
// wraps sql.ErrNoRows when there is none.
func (rr *reportReader) read(ctx context.Context, st *sql.Stmt, key any, whole bool) (*analysis.Report, string, error) {
	var (
		id, ndefs, nimps                   int64
		sha                                []byte
		enc, doc, all, linesErr, tool      sql.NullString
		lowest                             sql.NullString
		bom, schema, csize                 sql.NullInt64
		loc, lloc, sloc, com, single, mult sql.NullInt64
		blank                              sql.NullInt64
		nbformat, nbCells, masked          sql.NullInt64
		nwarns                             sql.NullInt64
	)
	err := st.QueryRowContext(ctx, key).Scan(
		&id, &sha, &csize, &enc, &bom, &doc, &all,
		&loc, &lloc, &sloc, &com, &single, &mult, &blank, &schema, &linesErr, &ndefs, &nimps, &tool,
		&nbformat, &nbCells, &masked, &lowest, &nwarns)
	if err != nil {
		return nil, "", err
	}
	rep := &analysis.Report{
		SchemaVersion: int(schema.Int64), Size: csize.Int64, SHA256: hex.EncodeToString(sha), Encoding: enc.String,
		BOM: bom.Int64 == 1, LinesError: linesErr.String, LowestVersion: lowest.String,
		Lines: analysis.LineMetrics{LOC: int(loc.Int64), LLOC: int(lloc.Int64), SLOC: int(sloc.Int64),
			Comments: int(com.Int64), SingleComments: int(single.Int64), Multi: int(mult.Int64), Blank: int(blank.Int64)},
	}
	if !whole {
		rep.Partial = true
		if err := rr.syntaxError(ctx, id, rep); err != nil {
			return nil, "", err
		}
		if nwarns.Int64 > 0 {
			if err := rr.readWarnings(ctx, id, int(nwarns.Int64), rep); err != nil {
				return nil, "", err
			}
		}
		if nbformat.Valid { // (the syntax error's cell)
			rep.Notebook = &analysis.Notebook{Format: int(nbformat.Int64), Cells: int(nbCells.Int64), MaskedLines: int(masked.Int64)}
			if err := rr.readCells(ctx, id, rep.Notebook); err != nil {
				return nil, "", err
			}
			rep.LocateCells()
		}
		return rep, tool.String, nil
	}
	rep.Imports, rep.Definitions = make([]analysis.Import, 0, nimps), make([]analysis.Definition, 0, ndefs)
	if doc.Valid {
		rep.Docstring = &doc.String
	}
	if all.Valid {
		if err := json.Unmarshal([]byte(all.String), &rep.All); err != nil {
			return nil, "", fmt.Errorf("all_names: %w", err)
		}
	}
	if err := rr.facts(ctx, id, rep); err != nil {
		return nil, "", err
	}
	if lowest.Valid {
		if err := rr.readFeatures(ctx, id, rep); err != nil {
			return nil, "", err
		}
	}
	if nwarns.Int64 > 0 {
		if err := rr.readWarnings(ctx, id, int(nwarns.Int64), rep); err != nil {
			return nil, "", err
		}
	}
	if nbformat.Valid {
		rep.Notebook = &analysis.Notebook{Format: int(nbformat.Int64), Cells: int(nbCells.Int64), MaskedLines: int(masked.Int64)}
		if err := rr.readCells(ctx, id, rep.Notebook); err != nil {
			return nil, "", err
		}
		rep.LocateCells()
	}
	return rep, tool.String, nil
}

// readCells reads the code cells of a notebook's content into nb.
func (rr *reportReader) readCells(ctx context.Context, content int64, nb *analysis.Notebook) error {
	rows, err := rr.cells.QueryContext(ctx, content)
	if err != nil {
		return err
	}
	defer rows.Close()
	nb.CodeCells = []analysis.NotebookCell{}
	for rows.Next() {
		var c analysis.NotebookCell
		if err := rows.Scan(&c.Cell, &c.Line, &c.Lines); err != nil {
			return err
		}
		nb.CodeCells = append(nb.CodeCells, c)
	}
	return rows.Err()
}

// facts reads the definitions, imports and syntax error of a content
// into rep.
func (rr *reportReader) facts(ctx context.Context, content int64, rep *analysis.Report) error {
	lo, hi := content<<seqBits, content<<seqBits|maxSeq
	rows, err := rr.defs.QueryContext(ctx, lo, hi)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d analysis.Definition
		var kind int64
		var decos, params, returns, bases, doc sql.NullString
		if err := rows.Scan(&d.QualName, &kind, &d.Line, &d.Col, &d.EndLine, &d.EndCol, &decos, &params, &returns, &bases, &doc, &d.Complexity); err != nil {
			rows.Close()
			return err
		}
		d.Name, d.Returns, d.Rank = d.QualName[strings.LastIndexByte(d.QualName, '.')+1:], returns.String, analysis.Rank(d.Complexity)
		if d.Kind, err = name(defKinds[:], kind); err == nil {
			d.Params, err = decodeParams(params.String)
		}
		if err == nil && decos.Valid {
			err = json.Unmarshal([]byte(decos.String), &d.Decorators)
		}
		if err == nil && bases.Valid {
			err = json.Unmarshal([]byte(bases.String), &d.Bases)
		}
		if err != nil {
			rows.Close()
			return err
		}
		if doc.Valid {
			d.Docstring = &doc.String
		}
		rep.Definitions = append(rep.Definitions, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = rr.imps.QueryContext(ctx, lo, hi)
	if err != nil {
		return err
	}
	for rows.Next() {
		var im analysis.Import
		var names string
		var scope int64
		if err := rows.Scan(&im.Module, &names, &im.Level, &im.From, &im.Line, &scope); err != nil {
			rows.Close()
			return err
		}
		im.Names = decodeNames(names)
		if im.Where, err = name(importScopes[:], scope); err != nil {
			rows.Close()
			return err
		}
		rep.Imports = append(rep.Imports, im)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return rr.syntaxError(ctx, content, rep)
}

// syntaxError reads the syntax error of a content, if any, into rep.
func (rr *reportReader) syntaxError(ctx context.Context, content int64, rep *analysis.Report) error {
	var se analysis.SyntaxError
	var line, col, endLine, endCol sql.NullInt64
	err := rr.syntax.QueryRowContext(ctx, content).
		Scan(&se.Kind, &se.Msg, &line, &col, &endLine, &endCol)
	switch {
	case err == nil:
		se.Line, se.Col, se.NoStart = int(line.Int64), int(col.Int64), !line.Valid
		se.EndLine, se.EndCol, se.NoEnd = int(endLine.Int64), int(endCol.Int64), !endLine.Valid
		rep.SyntaxError = &se
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	return nil
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

// readFeatures reads the version features of a content into rep.
func (rr *reportReader) readFeatures(ctx context.Context, content int64, rep *analysis.Report) error {
	rows, err := rr.feats.QueryContext(ctx, content)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f analysis.VersionFeature
		if err := rows.Scan(&f.Feature, &f.Version, &f.Line, &f.Col); err != nil {
			return err
		}
		rep.VersionFeatures = append(rep.VersionFeatures, f)
	}
	return rows.Err()
}

// readWarnings reads the n warnings of a content into rep.
func (rr *reportReader) readWarnings(ctx context.Context, content int64, n int, rep *analysis.Report) error {
	rows, err := rr.warns.QueryContext(ctx, content)
	if err != nil {
		return err
	}
	defer rows.Close()
	rep.Warnings = make([]analysis.Warning, 0, n)
	for rows.Next() {
		var w analysis.Warning
		var col sql.NullInt64
		if err := rows.Scan(&w.Category, &w.Message, &w.Line, &col); err != nil {
			return err
		}
		if col.Valid {
			w.Col = new(int(col.Int64))
		}
		rep.Warnings = append(rep.Warnings, w)
	}
	return rows.Err()
}
