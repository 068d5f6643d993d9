package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/pybatch/pybatch/store"
)

// FromSQLite reads a pybatch database, read-only (it never waits for or
// blocks a run that writes it), and aggregates it.
//
// It reads only the views file_results, definitions, imports and
// syntax_errors and the table runs, by column name: the tables under the
// views may change (facts as JSON today, real tables tomorrow) without
// changing this code. The definitions and imports are read in file-id
// ranges on several connections at once, because on the JSON-backed schema
// their views cost a JSON parse per row and are most of the time a report
// takes.
func FromSQLite(ctx context.Context, dbPath string) (*Data, error) {
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return FromDB(ctx, db.SQL(), dbPath)
}

// FromDB aggregates a pybatch database already open (read-only is enough),
// named name on the page. It may open up to GOMAXPROCS+1 connections.
func FromDB(ctx context.Context, q *sql.DB, dbPath string) (*Data, error) {
	workers := max(runtime.GOMAXPROCS(0), 1)
	q.SetMaxOpenConns(workers + 1)
	a := newAggregator(dbPath, "sqlite")
	if err := readRuns(ctx, q, a.d); err != nil {
		return nil, err
	}
	files, byContent, err := readFiles(ctx, q, a)
	if err != nil {
		return nil, err
	}
	if err := readFacts(ctx, q, a, files, byContent); err != nil {
		return nil, err
	}
	if err := readSyntaxErrors(ctx, q, a); err != nil {
		return nil, err
	}
	// The kept functions' names, looked up one by one: reading every
	// definition's qualname would cost more than the rest of the pass.
	for i := range a.worst {
		f := &a.worst[i]
		var doc sql.NullString
		err := q.QueryRowContext(ctx, `SELECT qualname, kind, docstring FROM definitions WHERE file_id = ? AND seq = ?`, f.fileID, f.seq).Scan(&f.QualName, &f.Kind, &doc)
		if err != nil {
			return nil, fmt.Errorf("report: reading %s: %w", dbPath, err)
		}
		f.Doc = firstLine(doc.String)
	}
	return a.finish(), nil
}

func readRuns(ctx context.Context, q *sql.DB, d *Data) error {
	rows, err := q.QueryContext(ctx, `SELECT id, tool_version, started_at, ended_at, outcome, stats
		FROM runs ORDER BY id DESC LIMIT ?`, MaxRuns)
	if err != nil {
		return fmt.Errorf("report: reading runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Run
		var started string
		var ended, stats sql.NullString
		if err := rows.Scan(&r.ID, &r.Version, &started, &ended, &r.Outcome, &stats); err != nil {
			return fmt.Errorf("report: reading runs: %w", err)
		}
		r.Started, _ = time.Parse(time.RFC3339Nano, started)
		if ended.Valid {
			r.Ended, _ = time.Parse(time.RFC3339Nano, ended.String)
		}
		if stats.Valid {
			var s struct {
				Files       int64   `json:"files"`
				Analyzed    int64   `json:"analyzed"`
				Skipped     int64   `json:"skipped"`
				Failed      int64   `json:"failed"`
				Wall        float64 `json:"wall_s"`
				FilesPerSec float64 `json:"files_per_s"`
				BytesPerSec float64 `json:"bytes_per_s"`
			}
			if json.Unmarshal([]byte(stats.String), &s) == nil {
				r.Files, r.Analyzed, r.Skipped, r.Failed = s.Files, s.Analyzed, s.Skipped, s.Failed
				r.Wall, r.FilesPerSec, r.BytesPerSec = s.Wall, s.FilesPerSec, s.BytesPerSec
			}
		}
		d.Runs = append(d.Runs, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: reading runs: %w", err)
	}
	for i, j := 0, len(d.Runs)-1; i < j; i, j = i+1, j-1 {
		d.Runs[i], d.Runs[j] = d.Runs[j], d.Runs[i]
	}
	for i := len(d.Runs) - 1; i >= 0; i-- {
		if !d.Runs[i].Ended.IsZero() {
			r := d.Runs[i]
			d.LatestRun = &r
			break
		}
	}
	return nil
}

// readFiles reads file_results and returns where each file sits, by id,
// and the files that hold each content.
func readFiles(ctx context.Context, q *sql.DB, a *aggregator) (map[int64]fileRef, map[int64][]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, source, path, status, skip_reason, error_class,
		size, loc, lloc, sloc, comments, multi, blank, duration_ns, content_id FROM file_results`)
	if err != nil {
		return nil, nil, fmt.Errorf("report: reading file_results: %w", err)
	}
	defer rows.Close()
	files := map[int64]fileRef{}
	byContent := map[int64][]int64{}
	for rows.Next() {
		var id, dur int64
		var f fileRow
		var skip, errc sql.NullString
		var loc, lloc, sloc, com, multi, blank, content sql.NullInt64
		if err := rows.Scan(&id, &f.source, &f.path, &f.status, &skip, &errc, &f.size,
			&loc, &lloc, &sloc, &com, &multi, &blank, &dur, &content); err != nil {
			return nil, nil, fmt.Errorf("report: reading file_results: %w", err)
		}
		f.skipReason, f.errClass = skip.String, errc.String
		f.loc, f.lloc, f.sloc, f.comments, f.multi, f.blank = loc.Int64, lloc.Int64, sloc.Int64, com.Int64, multi.Int64, blank.Int64
		f.duration = time.Duration(dur)
		f.analyzed = f.status == "analyzed"
		ref := a.addFile(f)
		if f.status != "gone" {
			files[id] = ref
			if content.Valid {
				byContent[content.Int64] = append(byContent[content.Int64], id)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("report: reading file_results: %w", err)
	}
	return files, byContent, nil
}

// readFacts reads every content's definitions and imports once, in content
// order, and counts them for each file that holds the content: a tree of
// copies costs what its distinct contents cost, and the rows read do not
// pass through the views' join of each fact with each file.
func readFacts(ctx context.Context, q *sql.DB, a *aggregator, files map[int64]fileRef, byContent map[int64][]int64) error {
	rows, err := q.QueryContext(ctx, `SELECT id >> 24, id & 16777215, kind = 0, complexity, line, end_line
		FROM content_definitions ORDER BY id`)
	if err != nil {
		return fmt.Errorf("report: reading definitions: %w", err)
	}
	for rows.Next() {
		var content, seq, class, complexity, line, endLine int64
		if err := rows.Scan(&content, &seq, &class, &complexity, &line, &endLine); err != nil {
			rows.Close()
			return fmt.Errorf("report: reading definitions: %w", err)
		}
		kind := ""
		if class != 0 {
			kind = "class"
		}
		for _, id := range byContent[content] {
			if ref, ok := files[id]; ok {
				a.addDef(ref, Func{Kind: kind, Complexity: int(complexity), Line: int(line), EndLine: int(endLine), fileID: id, seq: seq})
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: reading definitions: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT i.id >> 24, t.text, i.level
		FROM content_imports i JOIN texts t ON t.id = i.module ORDER BY i.id`)
	if err != nil {
		return fmt.Errorf("report: reading imports: %w", err)
	}
	defer rows.Close()
	var mods []string
	var levels []int
	last := int64(-1)
	flush := func() {
		for _, id := range byContent[last] {
			if ref, ok := files[id]; ok {
				a.addImports(ref, mods, levels)
			}
		}
		mods, levels = nil, nil
	}
	for rows.Next() {
		var content, level int64
		var mod string
		if err := rows.Scan(&content, &mod, &level); err != nil {
			return fmt.Errorf("report: reading imports: %w", err)
		}
		if content != last && last >= 0 {
			flush()
		}
		last = content
		mods, levels = append(mods, mod), append(levels, int(level))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: reading imports: %w", err)
	}
	if last >= 0 {
		flush()
	}
	return ctx.Err()
}

func readSyntaxErrors(ctx context.Context, q *sql.DB, a *aggregator) error {
	rows, err := q.QueryContext(ctx, `SELECT f.source, f.path, s.kind, s.msg, coalesce(s.line, 0), coalesce(s.col, 0)
		FROM syntax_errors s JOIN file_results f ON f.id = s.file_id WHERE f.status != 'gone'`)
	if err != nil {
		return fmt.Errorf("report: reading syntax_errors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var src, p string
		var e SyntaxErr
		if err := rows.Scan(&src, &p, &e.Kind, &e.Msg, &e.Line, &e.Col); err != nil {
			return fmt.Errorf("report: reading syntax_errors: %w", err)
		}
		e.Path, e.src = relPath(src, p), src
		a.addSyntaxError(e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: reading syntax_errors: %w", err)
	}
	return nil
}
