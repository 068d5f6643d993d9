package batch

import (
	"errors"

	"github.com/pybatch/pybatch/notebook"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// processNotebook is ProcessFile for a notebook's bytes src: analyze runs
// on the joined code cells, and the report becomes the notebook's.
func processNotebook(rec *result.Record, src []byte, analyze AnalyzeFunc) *result.Record {
	nb, err := notebook.Decode(src)
	var le *notebook.LanguageError
	switch {
	case errors.As(err, &le):
		rec.Status = result.Skipped
		rec.SkipReason = scan.SkipNotPython
		rec.Err = err.Error()
		return rec
	case err != nil:
		err = &recovery.NotebookError{Path: rec.Path, Err: err}
		rec.Status = result.Failed
		rec.ErrClass = recovery.Classify(err)
		rec.Err = err.Error()
		return rec
	}
	rec.Status = result.Analyzed
	rec.Report = analyze(rec.Path, nb.Source)
	if rec.Report != nil {
		rec.Report.SetNotebook(src, nb)
	}
	return rec
}
