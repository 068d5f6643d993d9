package analysis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/notebook"
)

// warningSources are files whose reports have warnings: an invalid escape,
// a number glued to a keyword, warnings before a syntax error, a literal
// part of a multi-line f-string (CPython's line is its closing quote's), a
// latin-1 file (columns in characters).
var warningSources = []string{
	"import re\npat = re.compile('\\d+')\n",
	"x = [0x1for y in z]\nw = 1if y else 2\n",
	"a = '\\q'\nb = (\n",
	"x = f'''a{1}\n\\d\n'''\n",
	"# -*- coding: latin-1 -*-\ns = '\xe9\\d'\n",
}

// TestOracleReportWarnings requires the warnings of each report to be
// CPython 3.14's (category, message and line, in its order) and checks
// pybatch's own column.
func TestOracleReportWarnings(t *testing.T) {
	env := oracle.Require(t)
	dir, files := testenv.WriteSources(t, "w%d.py", warningSources)
	path, _, err := env.CPythonWarnings(context.Background(), dir, files, oracle.DefaultCacheDir())
	if err != nil {
		t.Fatal(err)
	}
	reports := map[string]*Report{}
	total := 0
	err = oracle.ReadVerdicts(path, func(v oracle.Verdict) error {
		raw, err := os.ReadFile(filepath.Join(dir, v.Path))
		if err != nil {
			return err
		}
		r := Analyze(v.Path, raw, Options{})
		reports[v.Path] = r
		var want, got strings.Builder
		for _, w := range v.Warnings {
			fmt.Fprintf(&want, "%d: %s: %s\n", w.Line, w.Category, w.Msg)
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(&got, "%d: %s: %s\n", w.Line, w.Category, w.Message)
		}
		if want.String() != got.String() {
			t.Errorf("%s: warnings differ\nCPython:\n%sreport:\n%s", v.Path, want.String(), got.String())
		}
		if (r.SyntaxError == nil) != v.OK {
			t.Errorf("%s: CPython ok=%v, report's syntax error %+v", v.Path, v.OK, r.SyntaxError)
		}
		total += len(v.Warnings)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(files) || total < len(files) {
		t.Fatalf("%d reports, %d warnings from CPython: the sources lost their point", len(reports), total)
	}
	// pybatch's column: 0-based characters of the backslash or the
	// number, none where CPython's line is not the text's.
	cols := map[string][]*int{
		"w0.py": {new(18)},
		"w1.py": {new(5), new(4)},
		"w2.py": {new(5)},
		"w3.py": {nil},
		"w4.py": {new(6)},
	}
	for name, want := range cols {
		ws := reports[name].Warnings
		if len(ws) != len(want) {
			continue // reported above
		}
		for i, w := range ws {
			if (w.Col == nil) != (want[i] == nil) || w.Col != nil && *w.Col != *want[i] {
				t.Errorf("%s: warning %d's col %v, want %v", name, i, colString(w.Col), colString(want[i]))
			}
		}
	}
}

func colString(c *int) string {
	if c == nil {
		return "null"
	}
	return fmt.Sprint(*c)
}

// TestNotebookWarnings: a notebook's warnings say their cell and the line
// in it.
func TestNotebookWarnings(t *testing.T) {
	raw := []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
{"cell_type": "markdown", "metadata": {}, "source": ["# t"]},
{"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ["import re\n", "x = 1\n"]},
{"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ["y = 2\n", "p = re.compile('\\d')"]}]}`)
	nb, err := notebook.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	r := Analyze("t.ipynb", nb.Source, Options{})
	r.SetNotebook(raw, nb)
	if len(r.Warnings) != 1 {
		t.Fatalf("warnings %+v", r.Warnings)
	}
	if w := r.Warnings[0]; w.Line != 4 || w.Cell != 3 || w.CellLine != 2 || w.Col == nil || *w.Col != 16 || !strings.Contains(w.Message, `"\d" is an invalid escape sequence`) {
		t.Errorf("warning %+v", w)
	}
}
