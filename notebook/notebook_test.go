package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// code builds a v4 notebook of code cells with these sources (as strings).
func code(sources ...string) []byte {
	cells := []map[string]any{}
	for _, s := range sources {
		cells = append(cells, map[string]any{"cell_type": "code", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil, "source": s})
	}
	b, err := json.Marshal(map[string]any{"cells": cells, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecodeMagics(t *testing.T) {
	nb, err := Decode(read(t, "magics.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"...               ", // %matplotlib inline
		"import numpy as np",
		"...                  ", // !pip install requests
		"files = ...    ",       // files = !ls -la
		"...                    ",
		"...    ", // np.sum?
		"...     ",
		"...     ",
		"...       ", // /print 1 2
		"...       ",
		"...       ",
		"...               ", // pip install pandas
		"def f(x):",
		"    ...           ", // !echo "it's" \
		"                 ",  // its continuation line
		"    return x + 1",
		"...     ", // %%timeit: its body stays
		"class Model:",
		"    def fit(self):",
		"        return 1",
		"...   ", // %%bash: the whole cell
		"          ",
		"                            ",
		`SQL = """`, // a % line in a string is not a magic
		"%not a magic inside a string",
		`"""`,
		"total = (1 +",
		"  2)",
		"from os import path",
	}, "\n") + "\n"
	if string(nb.Source) != want {
		t.Errorf("source:\n%s\nwant:\n%s", nb.Source, want)
	}
	wantCells := []Cell{{2, 1, 16}, {3, 17, 4}, {4, 21, 3}, {7, 24, 6}}
	if !equalCells(nb.Code, wantCells) {
		t.Errorf("cells %+v, want %+v", nb.Code, wantCells)
	}
	if nb.Masked != 17 || nb.Cells != 7 || nb.Format != 4 || nb.Language != "python" {
		t.Errorf("masked %d cells %d format %d language %q", nb.Masked, nb.Cells, nb.Format, nb.Language)
	}
}

func equalCells(a, b []Cell) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMask: each kind of IPython syntax, alone in a cell, and what stays
// Python.
func TestMask(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"%time x = 1", "...        "},
		{"%%timeit -n 3\nx = [i for i in range(9)]", "...          \nx = [i for i in range(9)]"},
		{"%%writefile a.py\nimport os\nprint(", "...             \n         \n      "},
		{"\n%%capture out\nimport os", "\n...          \nimport os"},
		{"x = 1\n%%bash\necho", "x = 1\n...   \necho"}, // %% not first: a line magic
		{"!ls", "..."},
		{"!!ls -l", "...    "},
		{"?x", "..."},
		{"x?", "..."},
		{"x??", "..."},
		{"%who?", "...  "},
		{"  np.sum?  ", "  ...      "},
		{"if x:\n    !echo hi", "if x:\n    ...     "},
		{"a, b = !ls", "a, b = ..."},
		{"out = %sx ls", "out = ...   "},
		{"x.y=!pwd", "x.y=... "},
		{"conda install -y numpy", "...                   "},
		{"pip in packages", "pip in packages"}, // Python
		{"pip = 3", "pip = 3"},
		{"pip(3)", "pip(3)"},
		{"x = y % z", "x = y % z"},
		{"x != y", "x != y"},
		{"print('?')", "print('?')"},
		{"f(a,\n  %b)", "f(a,\n  %b)"},     // inside brackets: Python's (an error)
		{"x = 1 \\\n!ls", "x = 1 \\\n!ls"}, // a continuation line is not a start
		{"s = '''\n!not\n'''", "s = '''\n!not\n'''"},
		{"s = 'a\\\n!b'", "s = 'a\\\n!b'"}, // a backslash continues a short string
		{"# !comment\n!ls", "# !comment\n..."},
		{"x = '''a?", "x = '''a?"}, // a ? in a string
		{"x = 1 # why?", "x = 1 # why?"},
		{"%env A=1 \\\n  B=2\ny = 2", "...       \n     \ny = 2"},
	} {
		nb, err := Decode(code(c.in))
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := strings.TrimSuffix(string(nb.Source), "\n"); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
		if n := strings.Count(string(nb.Source), "\n"); n != strings.Count(c.in, "\n")+1 {
			t.Errorf("%q: %d lines", c.in, n)
		}
	}
}

func TestDecodeV3(t *testing.T) {
	nb, err := Decode(read(t, "v3.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	want := "...          \nimport sys\ndef g():\n    return sys.argv\nclass C:\n    pass\n"
	if string(nb.Source) != want || nb.Format != 3 || nb.Cells != 4 || nb.Masked != 1 {
		t.Errorf("source %q format %d cells %d masked %d", nb.Source, nb.Format, nb.Cells, nb.Masked)
	}
	if want := []Cell{{2, 1, 4}, {4, 5, 2}}; !equalCells(nb.Code, want) {
		t.Errorf("cells %+v, want %+v", nb.Code, want)
	}
}

// TestSources: a list of strings and one string are the same source;
// \r\n and \r end lines as \n does; a cell without a final newline gets one.
func TestSources(t *testing.T) {
	list := []byte(`{"nbformat": 4, "nbformat_minor": 0, "metadata": {}, "cells": [
		{"cell_type": "code", "source": ["import os\n", "x = 1"]},
		{"cell_type": "code", "source": ["y = 2\r\n", "z = 3\r", "w"]}]}`)
	str := []byte(`{"nbformat": 4, "nbformat_minor": 0, "metadata": {}, "cells": [
		{"cell_type": "code", "source": "import os\nx = 1"},
		{"cell_type": "code", "source": "y = 2\r\nz = 3\rw"}]}`)
	a, err := Decode(list)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Decode(str)
	if err != nil {
		t.Fatal(err)
	}
	want := "import os\nx = 1\ny = 2\nz = 3\nw\n"
	if string(a.Source) != want || string(b.Source) != want || !equalCells(a.Code, b.Code) {
		t.Errorf("list %q, string %q, want %q", a.Source, b.Source, want)
	}
}

func TestLanguage(t *testing.T) {
	_, err := Decode(read(t, "r_kernel.ipynb"))
	var le *LanguageError
	if !errors.As(err, &le) || le.Language != "R" {
		t.Fatalf("R kernel: %v", err)
	}
	for _, c := range []struct {
		meta string
		ok   bool
	}{
		{`{}`, true},
		{`{"kernelspec": {"language": "python", "name": "python3"}}`, true},
		{`{"kernelspec": {"language": "julia"}}`, false},
		{`{"language_info": {"name": "python"}, "kernelspec": {"language": "R"}}`, true}, // the running kernel's word wins
		{`{"language_info": {"name": "scala"}}`, false},
		{`{"language_info": {"name": "Python3"}}`, true},
	} {
		_, err := Decode([]byte(`{"nbformat": 4, "metadata": ` + c.meta + `, "cells": [{"cell_type": "code", "source": "x = 1"}]}`))
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.meta, err)
		}
	}
	// a VS Code cell in another language, and an nbformat 3 cell, are left out
	nb, err := Decode([]byte(`{"nbformat": 4, "metadata": {}, "cells": [
		{"cell_type": "code", "metadata": {"vscode": {"languageId": "sql"}}, "source": "SELECT 1"},
		{"cell_type": "code", "language": "ruby", "source": "puts 1"},
		{"cell_type": "code", "metadata": {"vscode": {"languageId": "python"}}, "source": "x = 1"}]}`))
	if err != nil || string(nb.Source) != "x = 1\n" || !equalCells(nb.Code, []Cell{{3, 1, 1}}) {
		t.Errorf("polyglot: %v %q %+v", err, nb.Source, nb.Code)
	}
}

// TestInvalid: bytes that are not a notebook give an *Error, never a panic.
func TestInvalid(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		string(read(t, "truncated.ipynb")),
		"import os\n",
		`[1, 2]`,
		`"cells"`,
		`{}`,
		`{"cells": []}`,                  // no nbformat
		`{"nbformat": "4", "cells": []}`, // not a number
		`{"nbformat": 4}`,                // no cells
		`{"nbformat": 4, "cells": {}}`,   // not a list
		`{"nbformat": 4, "cells": [1]}`,  // not a cell
		`{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}`,
		`{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a", 1]}]}`,
		`{"nbformat": 4, "metadata": [], "cells": []}`,
		"{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"x = '\xff'\"}]}", // not UTF-8
		`{"nbformat": 4, "cells": []} trailing`,
		`{"nbformat": 4, "cells": [], "metadata": {"x": ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}}`, // nesting past encoding/json's limit
	} {
		_, err := Decode([]byte(in))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: %v, want an *Error", in, err)
		}
	}
}

func TestEmpty(t *testing.T) {
	for _, in := range [][]byte{read(t, "empty.ipynb"), code(), code("", "\n\n")} {
		nb, err := Decode(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(nb.Code) != 0 && string(in) != string(code("", "\n\n")) {
			t.Errorf("%s: cells %+v", in, nb.Code)
		}
		if _, _, ok := Locate(nil, 1); ok {
			t.Error("a line located in no cell")
		}
	}
	nb, _ := Decode(code("", "\n\n"))
	// the blank cell's lines are there, the empty one has none
	if string(nb.Source) != "\n\n" || !equalCells(nb.Code, []Cell{{2, 1, 2}}) {
		t.Errorf("%q %+v", nb.Source, nb.Code)
	}
}

func TestHugeCell(t *testing.T) {
	var b strings.Builder
	const n = 200_000
	for i := range n {
		if i%1000 == 0 {
			b.WriteString("!echo step\n")
		} else {
			b.WriteString("x = 1\n")
		}
	}
	nb, err := Decode(code("import os", b.String(), "y = 2"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Cell{{1, 1, 1}, {2, 2, n}, {3, n + 2, 1}}; !equalCells(nb.Code, want) {
		t.Fatalf("cells %+v", nb.Code)
	}
	if nb.Masked != n/1000 {
		t.Errorf("masked %d", nb.Masked)
	}
	for _, c := range []struct{ line, cell, cellLine int }{{1, 1, 1}, {2, 2, 1}, {n + 1, 2, n}, {n + 2, 3, 1}, {n + 3, 3, 2}} {
		if cell, l, ok := nb.Locate(c.line); !ok || cell != c.cell || l != c.cellLine {
			t.Errorf("line %d: cell %d line %d, want %d %d", c.line, cell, l, c.cell, c.cellLine)
		}
	}
}

func TestIsNotebook(t *testing.T) {
	for name, want := range map[string]bool{"a.ipynb": true, "dir/x.ipynb": true, "a.py": false, "ipynb": false, "a.ipynb.py": false} {
		if IsNotebook(name) != want {
			t.Errorf("%s: %v", name, !want)
		}
	}
}

// checkInvariants holds for every notebook Decode accepts.
func checkInvariants(t *testing.T, nb *Notebook) {
	t.Helper()
	if !utf8.Valid(nb.Source) {
		t.Fatalf("source not UTF-8: %q", nb.Source)
	}
	lines := bytes.Count(nb.Source, []byte{'\n'})
	if len(nb.Source) > 0 && nb.Source[len(nb.Source)-1] != '\n' {
		t.Fatalf("source does not end with a newline: %q", nb.Source)
	}
	if bytes.ContainsRune(nb.Source, '\r') {
		t.Fatalf("a carriage return in %q", nb.Source)
	}
	next, prevIndex := 1, 0
	for _, c := range nb.Code {
		if c.Line != next || c.Lines < 1 || c.Index <= prevIndex || c.Index > nb.Cells {
			t.Fatalf("cells do not tile the source: %+v", nb.Code)
		}
		next += c.Lines
		prevIndex = c.Index
	}
	if next-1 != lines {
		t.Fatalf("cells hold %d lines, the source %d", next-1, lines)
	}
	if nb.Masked > lines {
		t.Fatalf("%d masked of %d lines", nb.Masked, lines)
	}
}
