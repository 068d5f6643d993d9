package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
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
	files, lo, hi, err := readFiles(ctx, q, a)
	if err != nil {
		return nil, err
	}
	if err := readFacts(ctx, q, a, files, lo, hi, workers); err != nil {
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
// and the range of ids.
func readFiles(ctx context.Context, q *sql.DB, a *aggregator) (map[int64]fileRef, int64, int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, source, path, status, skip_reason, error_class,
		size, loc, lloc, sloc, comments, multi, blank, duration_ns FROM file_results`)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("report: reading file_results: %w", err)
	}
	defer rows.Close()
	files := map[int64]fileRef{}
	lo, hi := int64(1<<62), int64(-1)
	for rows.Next() {
		var id, dur int64
		var f fileRow
		var skip, errc sql.NullString
		var loc, lloc, sloc, com, multi, blank sql.NullInt64
		if err := rows.Scan(&id, &f.source, &f.path, &f.status, &skip, &errc, &f.size,
			&loc, &lloc, &sloc, &com, &multi, &blank, &dur); err != nil {
			return nil, 0, 0, fmt.Errorf("report: reading file_results: %w", err)
		}
		f.skipReason, f.errClass = skip.String, errc.String
		f.loc, f.lloc, f.sloc, f.comments, f.multi, f.blank = loc.Int64, lloc.Int64, sloc.Int64, com.Int64, multi.Int64, blank.Int64
		f.duration = time.Duration(dur)
		f.analyzed = f.status == "analyzed"
		ref := a.addFile(f)
		if f.status != "gone" {
			files[id] = ref
		}
		lo, hi = min(lo, id), max(hi, id)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("report: reading file_results: %w", err)
	}
	return files, lo, hi, nil
}

// factBatch is a slice of definitions or of one or more files' imports,
// read by one of readFacts' goroutines.
type factBatch struct {
	defs []defRow
	imps []impGroup
}

type defRow struct {
	fileID, seq               int64
	kind                      string // "class" or ""
	complexity, line, endLine int64  // int64: database/sql scans an integer into *int by way of a string
}

type impGroup struct {
	fileID int64
	mods   []string
	levels []int
}

// readFacts reads definitions and imports in id ranges on several
// connections; this goroutine aggregates what they send.
func readFacts(ctx context.Context, q *sql.DB, a *aggregator, files map[int64]fileRef, lo, hi int64, workers int) error {
	if hi < lo {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type task struct {
		imports bool
		lo, hi  int64
	}
	// Several ranges per worker, so that a range heavier than the others
	// does not leave a core idle at the end.
	parts := int64(workers * 4)
	step := max((hi-lo+1+parts-1)/parts, 1)
	var tasks []task
	for s := lo; s <= hi; s += step {
		tasks = append(tasks, task{false, s, min(s+step-1, hi)})
	}
	for s := lo; s <= hi; s += step * 4 { // imports are cheaper: bigger ranges
		tasks = append(tasks, task{true, s, min(s+step*4-1, hi)})
	}
	taskc := make(chan task)
	out := make(chan factBatch, workers*2)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for t := range taskc {
				var err error
				if t.imports {
					err = readImports(ctx, q, t.lo, t.hi, out)
				} else {
					err = readDefs(ctx, q, t.lo, t.hi, out)
				}
				if err != nil {
					errc <- err
					cancel()
					return
				}
			}
		})
	}
	go func() {
		defer close(taskc)
		for _, t := range tasks {
			select {
			case taskc <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	for b := range out {
		for _, r := range b.defs {
			ref, ok := files[r.fileID]
			if !ok {
				continue
			}
			a.addDef(ref, Func{Kind: r.kind, Complexity: int(r.complexity), Line: int(r.line), EndLine: int(r.endLine), fileID: r.fileID, seq: r.seq})
		}
		for _, g := range b.imps {
			if ref, ok := files[g.fileID]; ok {
				a.addImports(ref, g.mods, g.levels)
			}
		}
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	return ctx.Err()
}

const batchRows = 4096

func readDefs(ctx context.Context, q *sql.DB, lo, hi int64, out chan<- factBatch) error {
	rows, err := q.QueryContext(ctx, `SELECT file_id, seq, kind = 'class', complexity, line, end_line
		FROM definitions WHERE file_id BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return fmt.Errorf("report: reading definitions: %w", err)
	}
	defer rows.Close()
	b := make([]defRow, 0, batchRows)
	for rows.Next() {
		var r defRow
		var class int64
		if err := rows.Scan(&r.fileID, &r.seq, &class, &r.complexity, &r.line, &r.endLine); err != nil {
			return fmt.Errorf("report: reading definitions: %w", err)
		}
		// The kind of a kept function is read with its name; here only
		// whether it is a class (an integer, not a string per row).
		if class != 0 {
			r.kind = "class"
		}
		b = append(b, r)
		if len(b) == batchRows {
			select {
			case out <- factBatch{defs: b}:
			case <-ctx.Done():
				return ctx.Err()
			}
			b = make([]defRow, 0, batchRows)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: reading definitions: %w", err)
	}
	select {
	case out <- factBatch{defs: b}:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

func readImports(ctx context.Context, q *sql.DB, lo, hi int64, out chan<- factBatch) error {
	rows, err := q.QueryContext(ctx, `SELECT file_id, module, level
		FROM imports WHERE file_id BETWEEN ? AND ? ORDER BY file_id, seq`, lo, hi)
	if err != nil {
		return fmt.Errorf("report: reading imports: %w", err)
	}
	defer rows.Close()
	var b []impGroup
	n := 0
	for rows.Next() {
		var id int64
		var mod sql.NullString
		var level int64
		if err := rows.Scan(&id, &mod, &level); err != nil {
			return fmt.Errorf("report: reading imports: %w", err)
		}
		if len(b) == 0 || b[len(b)-1].fileID != id {
			if n >= batchRows {
				select {
				case out <- factBatch{imps: b}:
				case <-ctx.Done():
					return ctx.Err()
				}
				b, n = nil, 0
			}
			b = append(b, impGroup{fileID: id})
		}
		g := &b[len(b)-1]
		g.mods = append(g.mods, mod.String)
		g.levels = append(g.levels, int(level))
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: reading imports: %w", err)
	}
	select {
	case out <- factBatch{imps: b}:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

func readSyntaxErrors(ctx context.Context, q *sql.DB, a *aggregator) error {
	rows, err := q.QueryContext(ctx, `SELECT f.source, f.path, s.kind, s.msg, s.line, s.col
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
