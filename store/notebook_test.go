package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/result"
)

func notebookRecord(t *testing.T, name string) *result.Record {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "notebook", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analysis.AnalyzeNotebook(name, raw, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &result.Record{Source: "nbs", Path: name, Size: rep.Size, ModTime: time.Unix(1, 2), Status: result.Analyzed, Attempts: 1, Report: rep}
}

// TestNotebookRoundTrip: a notebook's report comes back from SQLite and
// JSON Lines as it was written (cells and every position's cell), and the
// views give each position's cell as the report does; a Python file's
// positions have none.
func TestNotebookRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{})
	run := beginTest(t, db, "h")
	recs := []*result.Record{notebookRecord(t, "magics.ipynb"), notebookRecord(t, "syntax_error.ipynb"), notebookRecord(t, "empty.ipynb"), synthRecord("nbs", 1)}
	for _, r := range recs {
		if err := run.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		got, err := db.Record(ctx, r.Source, r.Path)
		if err != nil {
			t.Fatal(err)
		}
		if want := normalize(r); !reflect.DeepEqual(got, want) {
			t.Errorf("%s read back differs:\n got %+v\nwant %+v", r.Path, got.Report, want.Report)
		}
		line, err := AppendLine(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeLine(bytes.TrimSpace(line))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Report, r.Report) {
			t.Errorf("%s: JSON Lines read back differs:\n got %+v\nwant %+v", r.Path, back.Report, r.Report)
		}
	}
	// The views place every position as the report does.
	magics := recs[0].Report
	rows, err := db.SQL().Query(`SELECT line, cell, cell_line, end_cell, end_cell_line FROM definitions WHERE path = 'magics.ipynb' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for rows.Next() {
		var line, cell, cellLine, endCell, endCellLine int
		if err := rows.Scan(&line, &cell, &cellLine, &endCell, &endCellLine); err != nil {
			t.Fatal(err)
		}
		d := magics.Definitions[i]
		if line != d.Line || cell != d.Cell || cellLine != d.CellLine || endCell != d.EndCell || endCellLine != d.EndCellLine {
			t.Errorf("definitions view: %d %d %d %d %d, report %+v", line, cell, cellLine, endCell, endCellLine, d)
		}
		i++
	}
	rows.Close()
	if i != len(magics.Definitions) || i == 0 {
		t.Errorf("%d definitions in the view, %d in the report", i, len(magics.Definitions))
	}
	if n := count(t, db, `SELECT count(*) FROM imports WHERE path = 'magics.ipynb' AND cell = 7 AND cell_line = 6 AND module = 'os'`); n != 1 {
		t.Errorf("imports view: %d rows for os in cell 7 line 6", n)
	}
	se := recs[1].Report.SyntaxError
	if n := count(t, db, `SELECT count(*) FROM syntax_errors WHERE path = 'syntax_error.ipynb' AND line = ? AND cell = 3 AND cell_line = ? AND end_cell = ? AND end_cell_line = ?`,
		se.Line, se.CellLine, se.EndCell, se.EndCellLine); n != 1 || se.Cell != 3 {
		t.Errorf("syntax_errors view: %d rows for %+v", n, se)
	}
	if n := count(t, db, `SELECT count(*) FROM definitions WHERE path = ? AND cell IS NULL AND cell_line IS NULL AND end_cell IS NULL`, recs[3].Path); n != 36 {
		t.Errorf("a .py file's definitions: %d without a cell, want 36", n)
	}
	if n := count(t, db, `SELECT count(*) FROM notebook_cells WHERE path = 'magics.ipynb'`); n != 4 {
		t.Errorf("notebook_cells view: %d cells of magics.ipynb, want 4", n)
	}
	if n := count(t, db, `SELECT count(*) FROM contents WHERE nbformat = 4 AND notebook_cells = 7 AND masked_lines = 17`); n != 1 {
		t.Errorf("contents: %d rows with magics.ipynb's figures", n)
	}

	// A later run that meets the same bytes under another path is answered
	// with the stored report, cells and all (batch.Options.Stored).
	run = beginTest(t, db, "h")
	stored, err := run.StoredReport(ctx, recs[0].Report.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if want := *recs[0].Report; stored == nil || stored.Notebook == nil || !reflect.DeepEqual(*stored, func() analysis.Report { want.Path = ""; return want }()) {
		t.Errorf("stored report differs:\n got %+v\nwant %+v", stored, recs[0].Report)
	}
	// The summary: the same but for the facts, with the cells (a syntax
	// error's cell comes from them).
	sum, err := run.StoredSummary(ctx, recs[0].Report.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if want := *recs[0].Report; sum == nil || !sum.Partial || !reflect.DeepEqual(*sum, func() analysis.Report {
		want.Path, want.Partial, want.Definitions, want.Imports, want.VersionFeatures, want.Docstring, want.All = "", true, nil, nil, nil, nil, nil
		return want
	}()) {
		t.Errorf("stored summary:\n got %+v\nwant the report less its facts", sum)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}

	// Another version analyzes the same bytes again: the content's facts
	// and cells are replaced, not doubled.
	run, err = db.BeginRun(ctx, RunInfo{ToolVersion: "v2", OptionsHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Write(ctx, recs[0]); err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM notebook_cells WHERE path = 'magics.ipynb'`); n != 4 {
		t.Errorf("after re-analysis: %d cells of magics.ipynb, want 4", n)
	}
	got, err := db.Record(ctx, "nbs", "magics.ipynb")
	if err != nil || !reflect.DeepEqual(got.Report, recs[0].Report) {
		t.Errorf("after re-analysis: %v %+v", err, got)
	}
	if n := count(t, db, `SELECT count(*) FROM content_cells WHERE content_id NOT IN (SELECT id FROM contents)`); n != 0 {
		t.Errorf("%d cells of deleted contents", n)
	}
}

// TestNotebookWarningsView: the warnings view places a notebook's warning
// in its cell as the report does, and the report comes back with it.
func TestNotebookWarningsView(t *testing.T) {
	ctx := context.Background()
	raw := []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
{"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ["import re\n", "x = 1\n"]},
{"cell_type": "markdown", "metadata": {}, "source": ["# t"]},
{"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ["y = 2\n", "p = re.compile('\\d')"]}]}`)
	rep, err := analysis.AnalyzeNotebook("w.ipynb", raw, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Cell != 3 || rep.Warnings[0].CellLine != 2 {
		t.Fatalf("report's warnings %+v", rep.Warnings)
	}
	rec := &result.Record{Source: "nbs", Path: "w.ipynb", Size: rep.Size, ModTime: time.Unix(1, 2), Status: result.Analyzed, Attempts: 1, Report: rep}
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{})
	run := beginTest(t, db, "h")
	if err := run.Write(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Record(ctx, rec.Source, rec.Path)
	if err != nil {
		t.Fatal(err)
	}
	if want := normalize(rec); !reflect.DeepEqual(got, want) {
		t.Errorf("read back differs:\n got %+v\nwant %+v", got.Report, want.Report)
	}
	w := rep.Warnings[0]
	if n := count(t, db, `SELECT count(*) FROM warnings WHERE path = 'w.ipynb' AND line = ? AND col = ? AND cell = 3 AND cell_line = 2 AND message = ?`, w.Line, *w.Col, w.Message); n != 1 {
		t.Errorf("warnings view: %d rows for %+v", n, w)
	}
}
