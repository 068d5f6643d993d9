package parser

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/source"
)

// warnList formats warnings one per line: "line: Class: message".
func warnList(ws []oracle.Warning) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "%d: %s: %s\n", w.Line, w.Category, w.Msg)
	}
	return b.String()
}

// ourWarnings is ParseWarnings on raw file bytes, as oracle.Warnings, and
// whether the file parses.
func ourWarnings(raw []byte) ([]oracle.Warning, bool) {
	text, _, err := source.Decode(raw)
	if err != nil {
		return nil, false
	}
	_, ws, err := ParseWarnings(text, Options{})
	var out []oracle.Warning
	for _, w := range ws {
		out = append(out, oracle.Warning{Category: w.Kind, Msg: w.Msg, Line: int(w.Line)})
	}
	return out, err == nil
}

// compareWarnings runs CPython 3.14 over files (relative to root; its
// answers cached by content) and requires the same warnings, class, message
// and line in CPython's order, from ParseWarnings. Files CPython rejects are
// compared too unless validOnly (their warnings are a best effort); it
// returns the number of files compared and of warnings.
func compareWarnings(t *testing.T, root string, files []string, validOnly bool) (nFiles, nWarn int) {
	t.Helper()
	env := oracle.Require(t)
	path, cached, err := env.CPythonWarnings(context.Background(), root, files, oracle.DefaultCacheDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CPython's warnings for %d files (cached: %v)", len(files), cached)
	bad := 0
	err = oracle.ReadVerdicts(path, func(v oracle.Verdict) error {
		raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(v.Path)))
		if err != nil {
			return err
		}
		got, ok := ourWarnings(raw)
		if ok != v.OK {
			t.Errorf("%s: verdict differs: CPython ok=%v (%s %s), ours ok=%v", v.Path, v.OK, v.Kind, v.Msg, ok)
			return nil
		}
		if validOnly && !v.OK {
			return nil
		}
		nFiles++
		nWarn += len(v.Warnings)
		if w, g := warnList(v.Warnings), warnList(got); w != g {
			if bad++; bad <= 30 {
				t.Errorf("%s: warnings differ\nCPython:\n%sours:\n%s", v.Path, w, g)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d of %d files differ", bad, nFiles)
	}
	return nFiles, nWarn
}

// TestOracleWarnings compares ParseWarnings with CPython 3.14 on every
// snippet of testdata/warnings.txt, valid and invalid.
func TestOracleWarnings(t *testing.T) {
	b, err := os.ReadFile("testdata/warnings.txt")
	if err != nil {
		t.Fatal(err)
	}
	srcs := strings.Split(string(b), "\n#---\n")[1:]
	dir, files := testenv.WriteSources(t, "s%03d.py", srcs)
	n, w := compareWarnings(t, dir, files, false)
	t.Logf("%d snippets, %d warnings", n, w)
	if w < 50 {
		t.Errorf("only %d warnings from CPython: the snippets lost their point", w)
	}
}

// TestOracleWarningsStdlib314 compares the warnings of every file of
// CPython 3.14's standard library (python_stdlib.zip in pyodide).
func TestOracleWarningsStdlib314(t *testing.T) {
	env := oracle.Require(t)
	dir := t.TempDir()
	zr, err := zip.OpenReader(filepath.Join(env.PyodideDir, "python_stdlib.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zr.Close()
	if err := oracle.ExtractZip(filepath.Join(env.PyodideDir, "python_stdlib.zip"), dir); err != nil {
		t.Fatal(err)
	}
	files, err := oracle.CorpusFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	n, w := compareWarnings(t, dir, files, false)
	t.Logf("%d files, %d warnings", n, w)
}

// TestOracleWarningsSitePackages compares the warnings of every .py file of
// the machine's site-packages, where old packages have many invalid
// escapes. Slow the first time (cached after), so it runs with CI=true or
// PYBATCH_ORACLE_CORPUS=1.
func TestOracleWarningsSitePackages(t *testing.T) {
	if !testenv.InCI() && os.Getenv("PYBATCH_ORACLE_CORPUS") != "1" {
		t.Skip("set PYBATCH_ORACLE_CORPUS=1 (or CI=true) to compare site-packages' warnings with CPython")
	}
	// The Python on PATH's site-packages, and the system's (Debian's
	// dist-packages hold older packages).
	dirs := testenv.Python(t).SitePackages
	for _, pat := range []string{"/usr/lib/python3/dist-packages", "/usr/lib/python3*/site-packages", "/usr/local/lib/python3*/*-packages"} {
		m, _ := filepath.Glob(pat)
		for _, d := range m {
			if !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	total, warns := 0, 0
	for _, sp := range dirs {
		files, err := oracle.CorpusFiles(sp)
		if err != nil {
			t.Fatal(err)
		}
		files = slices.DeleteFunc(files, func(f string) bool { return strings.Contains(f, "/__pycache__/") })
		if len(files) == 0 {
			continue
		}
		n, w := compareWarnings(t, sp, files, false)
		total += n
		warns += w
	}
	t.Logf("%d files, %d warnings", total, warns)
	if total == 0 {
		testenv.SkipOrFail(t, "no .py files in site-packages %v", dirs)
	}
}

// TestWarningColumns checks pybatch's own column (CPython's warnings have
// none): the escape's backslash or the number's first character, in
// characters; 0 where CPython's line is not the text's.
func TestWarningColumns(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int32
	}{
		{`x = 'é\d'`, 1, 7},
		{"x = 1if y else 2", 1, 5},
		{"x = (1,\n  0x1for y in z)", 2, 3},
		{`x = f'{1}é\{y}'`, 1, 11},
		{"x = f'''a{1}\n\\d\n'''", 4, 0}, // counted from the closing quotes
		{"x = f'''a{1:\n \\d}'''", 2, 2},
		{"x = '''\n\\400'''", 2, 1},
	} {
		_, ws, err := ParseWarnings([]byte(c.src), Options{})
		if err != nil || len(ws) != 1 {
			t.Errorf("%q: %v, %v", c.src, ws, err)
			continue
		}
		if w := ws[0]; w.Line != c.line || w.Col != c.col {
			t.Errorf("%q: line %d col %d, want %d %d (%s)", c.src, w.Line, w.Col, c.line, c.col, w.Msg)
		}
	}
}
