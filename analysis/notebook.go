package analysis

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pybatch/pybatch/notebook"
)

// AnalyzeNotebook reads a Jupyter notebook: src is the .ipynb file's raw
// bytes. Its code cells, joined and with IPython syntax masked (package
// notebook), are analyzed as one Python source; the report then gives the
// notebook's size and hash, its cells, and the cell of every position
// (Report.SetNotebook). The error is notebook.Decode's: a *notebook.Error
// for bytes that are not a notebook, a *notebook.LanguageError for a
// notebook in another language.
func AnalyzeNotebook(path string, src []byte, opts Options) (*Report, error) {
	nb, err := notebook.Decode(src)
	if err != nil {
		return nil, err
	}
	r := Analyze(path, nb.Source, opts)
	r.SetNotebook(src, nb)
	return r, nil
}

// SetNotebook turns r, a report of nb.Source, into the report of the
// notebook whose bytes are raw: Size and SHA256 become those of raw,
// Notebook holds nb's cells, and every position gets its cell
// (LocateCells). The line metrics and complexity stay those of the joined
// code.
func (r *Report) SetNotebook(raw []byte, nb *notebook.Notebook) {
	sum := sha256.Sum256(raw)
	r.Size = int64(len(raw))
	r.SHA256 = hex.EncodeToString(sum[:])
	info := &Notebook{Format: nb.Format, Cells: nb.Cells, CodeCells: make([]NotebookCell, len(nb.Code)), MaskedLines: nb.Masked}
	for i, c := range nb.Code {
		info.CodeCells[i] = NotebookCell{Cell: c.Index, Line: c.Line, Lines: c.Lines}
	}
	r.Notebook = info
	r.LocateCells()
}

// LocateCells fills the cell fields of every position of a notebook's
// report from Notebook.CodeCells (a store that keeps only the cells calls
// it when it reads a report back). It does nothing when Notebook is nil.
func (r *Report) LocateCells() {
	if r.Notebook == nil {
		return
	}
	code := make([]notebook.Cell, len(r.Notebook.CodeCells))
	for i, c := range r.Notebook.CodeCells {
		code[i] = notebook.Cell{Index: c.Cell, Line: c.Line, Lines: c.Lines}
	}
	at := func(line int) (int, int) {
		c, l, _ := notebook.Locate(code, line)
		return c, l
	}
	for i := range r.Definitions {
		d := &r.Definitions[i]
		d.Cell, d.CellLine = at(d.Line)
		d.EndCell, d.EndCellLine = at(d.EndLine)
	}
	for i := range r.Imports {
		im := &r.Imports[i]
		im.Cell, im.CellLine = at(im.Line)
	}
	for i := range r.VersionFeatures {
		f := &r.VersionFeatures[i]
		f.Cell, f.CellLine = at(f.Line)
	}
	for i := range r.Warnings {
		w := &r.Warnings[i]
		w.Cell, w.CellLine = at(w.Line)
	}
	if se := r.SyntaxError; se != nil {
		se.Cell, se.CellLine = at(se.Line)
		se.EndCell, se.EndCellLine = at(se.EndLine)
	}
}
