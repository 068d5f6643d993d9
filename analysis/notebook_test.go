package analysis

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/notebook"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/python/tokenizer"
)

func readNotebook(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "notebook", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withoutCells is r with what a notebook adds taken away: what the
// analysis of the same code as a .py file gives.
func withoutCells(r *Report, py []byte) *Report {
	c := *r
	c.Notebook = nil
	c.Size, c.SHA256 = Analyze("", py, Options{}).Size, Analyze("", py, Options{}).SHA256
	c.Definitions = slices.Clone(r.Definitions)
	for i := range c.Definitions {
		d := &c.Definitions[i]
		d.Cell, d.CellLine, d.EndCell, d.EndCellLine = 0, 0, 0, 0
	}
	c.Imports = slices.Clone(r.Imports)
	for i := range c.Imports {
		c.Imports[i].Cell, c.Imports[i].CellLine = 0, 0
	}
	if r.VersionFeatures != nil {
		c.VersionFeatures = slices.Clone(r.VersionFeatures)
		for i := range c.VersionFeatures {
			c.VersionFeatures[i].Cell, c.VersionFeatures[i].CellLine = 0, 0
		}
	}
	if r.Warnings != nil {
		c.Warnings = slices.Clone(r.Warnings)
		for i := range c.Warnings {
			c.Warnings[i].Cell, c.Warnings[i].CellLine = 0, 0
		}
	}
	if r.SyntaxError != nil {
		se := *r.SyntaxError
		se.Cell, se.CellLine, se.EndCell, se.EndCellLine = 0, 0, 0, 0
		c.SyntaxError = &se
	}
	return &c
}

// TestNotebookSyntaxErrorInCell3: the error of cell 3 (the second code
// cell, after a markdown cell) is at its line in the cell and at the
// joined line, as the same code in a .py file reports it.
func TestNotebookSyntaxErrorInCell3(t *testing.T) {
	raw := readNotebook(t, "syntax_error.ipynb")
	r, err := AnalyzeNotebook("nb.ipynb", raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	py := []byte("import os\nx = 1\ndef ok():\n    pass\ny = (1,\n     2 +)\n")
	want := Analyze("nb.py", py, Options{})
	se := r.SyntaxError
	if se == nil || want.SyntaxError == nil {
		t.Fatalf("syntax errors: notebook %+v, .py %+v", se, want.SyntaxError)
	}
	if se.Line != 6 || se.Cell != 3 || se.CellLine != 4 || se.EndCell != 3 || se.EndCellLine != se.EndLine-2 {
		t.Errorf("syntax error %+v, want line 6 = cell 3 line 4", se)
	}
	if got := withoutCells(r, py); !reflect.DeepEqual(got.SyntaxError, want.SyntaxError) || got.Lines != want.Lines {
		t.Errorf("notebook %+v %+v, .py %+v %+v", got.SyntaxError, got.Lines, want.SyntaxError, want.Lines)
	}
	if r.Size != int64(len(raw)) || r.Notebook == nil || r.Notebook.Cells != 3 || len(r.Notebook.CodeCells) != 2 {
		t.Errorf("size %d notebook %+v", r.Size, r.Notebook)
	}
	if len(r.Imports) != 0 || len(r.Definitions) != 0 { // no tree, no facts
		t.Errorf("imports %+v definitions %+v", r.Imports, r.Definitions)
	}
}

// TestNotebookMagics: the notebook full of IPython syntax parses, and its
// definitions and imports are placed in their cells.
func TestNotebookMagics(t *testing.T) {
	r, err := AnalyzeNotebook("m.ipynb", readNotebook(t, "magics.ipynb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.SyntaxError != nil {
		t.Fatalf("syntax error %+v", r.SyntaxError)
	}
	type pos struct {
		name                 string
		line, cell, cellLine int
	}
	var got []pos
	for _, d := range r.Definitions {
		got = append(got, pos{d.QualName, d.Line, d.Cell, d.CellLine})
	}
	for _, im := range r.Imports {
		got = append(got, pos{"import " + im.Module, im.Line, im.Cell, im.CellLine})
	}
	want := []pos{
		{"f", 13, 2, 13},
		{"Model", 18, 3, 2},
		{"Model.fit", 19, 3, 3},
		{"import numpy", 2, 2, 2},
		{"import os", 29, 7, 6},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions\n%+v\nwant\n%+v", got, want)
	}
	if d := r.Definitions[0]; d.EndCell != 2 || d.EndCellLine != 16 {
		t.Errorf("f ends at cell %d line %d", d.EndCell, d.EndCellLine)
	}
	if r.Notebook.MaskedLines != 17 || r.Notebook.Format != 4 {
		t.Errorf("notebook %+v", r.Notebook)
	}
	// the JSON form: cell fields and the notebook object, as json.Marshal writes them
	b := r.AppendJSON(nil)
	m, _ := json.Marshal(r)
	if !bytes.Equal(b, m) {
		t.Errorf("AppendJSON\n%s\njson.Marshal\n%s", b, m)
	}
	for _, s := range []string{`"cell":2,"cell_line":13,"end_cell":2,"end_cell_line":16`, `"notebook":{"nbformat":4,"cells":7,"code_cells":[{"cell":2,"line":1,"lines":16}`} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("no %s in %s", s, b)
		}
	}
}

func TestNotebookErrors(t *testing.T) {
	_, err := AnalyzeNotebook("r.ipynb", readNotebook(t, "r_kernel.ipynb"), Options{})
	var le *notebook.LanguageError
	if !errors.As(err, &le) {
		t.Errorf("R notebook: %v", err)
	}
	_, err = AnalyzeNotebook("t.ipynb", readNotebook(t, "truncated.ipynb"), Options{})
	var ne *notebook.Error
	if !errors.As(err, &ne) {
		t.Errorf("truncated notebook: %v", err)
	}
	r, err := AnalyzeNotebook("e.ipynb", readNotebook(t, "empty.ipynb"), Options{})
	if err != nil || r.SyntaxError != nil || len(r.Definitions) != 0 || r.Lines.LOC != 0 || r.Notebook == nil || len(r.Notebook.CodeCells) != 0 {
		t.Errorf("empty notebook: %v %+v", err, r)
	}
}

// TestNotebookEqualsPy: real files (a sample of the standard library), cut
// into code cells at random statement boundaries with markdown cells between,
// analyze as notebooks exactly as the files do, and every position is in
// the cell the cut put it in. A line that the masking took for IPython
// syntax would show here.
func TestNotebookEqualsPy(t *testing.T) {
	files := testenv.Sample(stdlibFilesOrNil(t), 150)
	rng := testenv.Rand(t)
	inputs := map[string][]byte{
		"inline.py": []byte("import os\n\ndef f(a, b=1):\n    '''Doc.'''\n    if a:\n        return b\n    return os.sep\n\nclass C:\n    def m(self): pass\n"),
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = b
	}
	compared := 0
	for name, py := range inputs {
		if !utf8.Valid(py) || bytes.ContainsRune(py, '\r') || bytes.HasPrefix(py, []byte("\xef\xbb\xbf")) || bytes.Contains(py, []byte("coding")) && !bytes.Contains(py, []byte("utf-8")) {
			continue // not what a notebook's JSON holds as is
		}
		lines := strings.SplitAfter(string(py), "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		type cell = map[string]any
		cells := []cell{{"cell_type": "markdown", "metadata": cell{}, "source": "# " + name}}
		var starts []int // the first line of each code cell, and its index
		var index []int
		cuts := statementStarts(py)
		for i := 0; i < len(lines); {
			// the next cell starts at a statement of the file, some lines on:
			// IPython reads each cell on its own, so a cell cannot start inside
			// a string or brackets.
			n := len(lines) - i
			if k, _ := slices.BinarySearch(cuts, i+2+rng.IntN(40)); k < len(cuts) {
				n = cuts[k] - 1 - i
			}
			var src any = strings.Join(lines[i:i+n], "")
			if rng.IntN(2) == 0 {
				src = lines[i : i+n]
			}
			cells = append(cells, cell{"cell_type": "code", "metadata": cell{}, "outputs": []any{}, "execution_count": nil, "source": src})
			starts = append(starts, i+1)
			index = append(index, len(cells))
			i += n
			if rng.IntN(3) == 0 {
				cells = append(cells, cell{"cell_type": "markdown", "metadata": cell{}, "source": []string{"text\n", "%not code\n"}})
			}
		}
		raw, err := json.Marshal(cell{"cells": cells, "metadata": cell{"kernelspec": cell{"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(py, []byte("\n")) && len(py) > 0 {
			py = append(py, '\n') // a notebook's cells end with a newline
		}
		r, err := AnalyzeNotebook(name+".ipynb", raw, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := Analyze(name+".ipynb", py, Options{})
		if r.Notebook.MaskedLines != 0 {
			t.Errorf("%s: %d lines masked in plain Python", name, r.Notebook.MaskedLines)
		}
		if got := withoutCells(r, py); !reflect.DeepEqual(got, want) {
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			t.Errorf("%s: notebook and .py differ\n%s\n%s", name, gb, wb)
			continue
		}
		cellOf := func(line int) (int, int) {
			k := 0
			for k+1 < len(starts) && starts[k+1] <= line {
				k++
			}
			return index[k], line - starts[k] + 1
		}
		for _, d := range r.Definitions {
			if c, l := cellOf(d.Line); d.Cell != c || d.CellLine != l {
				t.Errorf("%s: %s at line %d: cell %d line %d, want %d %d", name, d.QualName, d.Line, d.Cell, d.CellLine, c, l)
			}
			if c, l := cellOf(d.EndLine); d.EndCell != c || d.EndCellLine != l {
				t.Errorf("%s: %s ends at line %d: cell %d line %d, want %d %d", name, d.QualName, d.EndLine, d.EndCell, d.EndCellLine, c, l)
			}
		}
		for _, im := range r.Imports {
			if c, l := cellOf(im.Line); im.Cell != c || im.CellLine != l {
				t.Errorf("%s: import %s at line %d: cell %d line %d, want %d %d", name, im.Module, im.Line, im.Cell, im.CellLine, c, l)
			}
		}
		compared++
	}
	t.Logf("%d files compared as notebooks", compared)
}

// statementStarts returns the lines (1-based, ascending) where a statement
// of src starts; none when src does not tokenize.
func statementStarts(src []byte) []int {
	tz := tokenizer.New(src, tokenizer.Options{})
	var starts []int
	after := true
	for {
		tok, err := tz.Next()
		if err != nil {
			return nil
		}
		switch tok.Kind {
		case token.ENDMARKER:
			return starts
		case token.NEWLINE:
			after = true
			continue
		case token.INDENT, token.DEDENT:
			continue
		}
		if after && int(tok.Start.Line) > 1 && (len(starts) == 0 || starts[len(starts)-1] < int(tok.Start.Line)) {
			starts = append(starts, int(tok.Start.Line))
		}
		after = false
	}
}

// TestNotebookCodingCookie: a coding declaration in a cell is a comment,
// as in Jupyter (cells are compiled as strings): the UTF-8 text stays as
// it is. The same bytes as a .py file are read as declared.
func TestNotebookCodingCookie(t *testing.T) {
	raw, err := json.Marshal(map[string]any{"nbformat": 4, "metadata": map[string]any{}, "cells": []any{
		map[string]any{"cell_type": "code", "source": "# -*- coding: latin-1 -*-\ndef café():\n    \"\"\"Où.\"\"\"\n"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := AnalyzeNotebook("c.ipynb", raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.SyntaxError != nil || len(r.Definitions) != 1 || r.Definitions[0].Name != "café" || *r.Definitions[0].Docstring != "Où." || r.Encoding != "utf-8" {
		t.Errorf("%+v %+v", r, r.Definitions)
	}
	// NUL bytes are CPython's error, in a notebook too.
	raw, _ = json.Marshal(map[string]any{"nbformat": 4, "cells": []any{map[string]any{"cell_type": "code", "source": "x = 1\x00\n"}}})
	if r, err := AnalyzeNotebook("n.ipynb", raw, Options{}); err != nil || r.SyntaxError == nil {
		t.Errorf("a NUL byte: %v %+v", err, r)
	}
}
