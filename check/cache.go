package check

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// readCached gives take the stored record of every file of root that the
// run did not stream (those it kept unchanged): after a complete walk,
// every file the database holds below a root and not gone was seen by the
// walk.
//
// It reads them with one query over the database's public views
// (file_results, syntax_errors) and the reports' definitions, decoding only
// what a check needs: reading each full record back (DB.Record) would take
// most of an unchanged re-run's time. Should the schema no longer answer
// that query, it falls back to DB.Record, file by file.
func readCached(ctx context.Context, db *store.DB, r batch.Root, seen map[[2]string]bool, take func(*result.Record)) error {
	want := func(path string) bool { return store.Under(path, r.Prefix) && !seen[[2]string{r.Source, path}] }
	recs, err := queryCached(ctx, db.SQL(), r.Source, want)
	if err == nil {
		for _, rec := range recs {
			take(rec)
		}
		return nil
	}
	known, err := db.Known(ctx, r.Source)
	if err != nil {
		return err
	}
	var paths []string
	for p, st := range known {
		if st.Status != store.Gone && want(p) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		rec, err := db.Record(ctx, r.Source, p)
		if err != nil {
			return err
		}
		take(rec)
	}
	return nil
}

// cachedDef is the part of a stored definition a check reads.
type cachedDef struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Line       int    `json:"line"`
	Col        int    `json:"col"`
	EndLine    int    `json:"end_line"`
	EndCol     int    `json:"end_col"`
	Complexity int    `json:"complexity"`
}

func queryCached(ctx context.Context, q *sql.DB, source string, want func(string) bool) ([]*result.Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT fr.path, fr.status, coalesce(fr.skip_reason, ''), coalesce(fr.error_class, ''),
			coalesce(fr.error, ''), r.definitions_json, se.kind, se.msg, se.line, se.col, se.end_line, se.end_col
		FROM file_results fr LEFT JOIN reports r ON r.file_id = fr.id LEFT JOIN syntax_errors se ON se.file_id = fr.id
		WHERE fr.source = ? AND fr.status <> ? ORDER BY fr.path`, source, string(store.Gone))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*result.Record
	var defs []cachedDef
	for rows.Next() {
		var (
			rec                     = &result.Record{Source: source}
			status, skip, class     string
			defsJSON, seKind, seMsg sql.NullString
			seLine, seCol           sql.NullInt64
			seEndLine, seEndCol     sql.NullInt64
		)
		if err := rows.Scan(&rec.Path, &status, &skip, &class, &rec.Err, &defsJSON, &seKind, &seMsg, &seLine, &seCol, &seEndLine, &seEndCol); err != nil {
			return nil, err
		}
		if !want(rec.Path) {
			continue
		}
		rec.Status, rec.SkipReason, rec.ErrClass = result.Status(status), scan.SkipReason(skip), recovery.Class(class)
		if rec.Status == result.Analyzed {
			rep := &analysis.Report{Path: rec.Path}
			if seKind.Valid {
				rep.SyntaxError = &analysis.SyntaxError{Kind: seKind.String, Msg: seMsg.String, Line: int(seLine.Int64),
					Col: int(seCol.Int64), EndLine: int(seEndLine.Int64), EndCol: int(seEndCol.Int64), NoStart: !seLine.Valid, NoEnd: !seEndLine.Valid}
			}
			if defsJSON.Valid {
				defs = defs[:0]
				if err := json.Unmarshal([]byte(defsJSON.String), &defs); err != nil {
					return nil, err
				}
				rep.Definitions = make([]analysis.Definition, len(defs))
				for i, d := range defs {
					rep.Definitions[i] = analysis.Definition{Name: d.Name, Kind: d.Kind, Line: d.Line, Col: d.Col,
						EndLine: d.EndLine, EndCol: d.EndCol, Complexity: d.Complexity}
				}
			}
			rec.Report = rep
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}
