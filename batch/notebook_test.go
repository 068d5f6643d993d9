package batch

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// TestNotebooks: a .ipynb file, read from disk or handed over as Data, in
// process or in a worker process, is analyzed as its joined code cells;
// invalid JSON fails with its own class; a notebook in another language is
// skipped with a reason; the same JSON under a .py name is Python (and a
// syntax error), not a notebook.
func TestNotebooks(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "notebook", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dir := t.TempDir()
	magics := read("magics.ipynb")
	disk := write(t, dir, "disk.ipynb", string(magics))
	files := []File{
		{Path: "disk.ipynb", OSPath: disk},
		{Source: "s", Path: "data.ipynb", Data: magics},
		{Source: "s", Path: "bad.ipynb", Data: read("truncated.ipynb")},
		{Source: "s", Path: "r.ipynb", Data: read("r_kernel.ipynb")},
		{Source: "s", Path: "json.py", Data: magics},
	}
	for _, iso := range []bool{false, true} {
		o := Options{Analyze: testAnalyze, Ordered: true}
		if iso {
			o.Isolate, o.WorkerCommand, o.Workers = true, workerCommand, 1
		}
		seq, err := Stream(t.Context(), slices.Values(files), o)
		if err != nil {
			t.Fatal(err)
		}
		var recs []*result.Record
		for r := range seq {
			recs = append(recs, r)
		}
		if len(recs) != len(files) {
			t.Fatalf("isolated=%v: %d records", iso, len(recs))
		}
		for _, r := range recs[:2] {
			rep := r.Report
			if r.Status != result.Analyzed || rep == nil || rep.Notebook == nil || rep.Size != int64(len(magics)) ||
				rep.Lines.LOC != 29 || len(rep.Notebook.CodeCells) != 4 || rep.Notebook.MaskedLines != 17 {
				t.Errorf("isolated=%v: %s: %+v %+v", iso, r.Path, r, rep)
			}
		}
		if recs[0].Report.SHA256 != recs[1].Report.SHA256 {
			t.Errorf("isolated=%v: the same notebook hashes differently", iso)
		}
		if r := recs[2]; r.Status != result.Failed || r.ErrClass != recovery.InvalidNotebook || !strings.Contains(r.Err, "bad.ipynb") {
			t.Errorf("isolated=%v: invalid JSON: %+v", iso, r)
		}
		if r := recs[3]; r.Status != result.Skipped || r.SkipReason != scan.SkipNotPython || !strings.Contains(r.Err, `"R"`) {
			t.Errorf("isolated=%v: R notebook: %+v", iso, r)
		}
		if r := recs[4]; r.Status != result.Analyzed || r.Report.Notebook != nil {
			t.Errorf("isolated=%v: a .py file: %+v", iso, r)
		}
	}
	// With the default analysis, a notebook's definitions are in their cells.
	rec := ProcessFile(File{Path: "m.ipynb", Data: magics}, -1, DefaultAnalyze)
	if rec.Status != result.Analyzed || len(rec.Report.Definitions) != 3 || rec.Report.Definitions[1].Cell != 3 {
		t.Errorf("default analysis: %+v", rec.Report)
	}
}
