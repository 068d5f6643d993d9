package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/oracle"
)

// TestASTCommandOracle runs `pybatch ast` and CPython's ast.dump on the same
// file (the README's exact call) and compares the bytes, one line and indented.
func TestASTCommandOracle(t *testing.T) {
	env := oracle.Require(t)
	dir := t.TempDir()
	src := "# -*- coding: latin-1 -*-\r\n@dec\r\nasync def f[T](a, /, *b, c=1, **d) -> 'r\xe9':\r\n    return [x async for x in b if x] or f'{a!r:>{c}}'\r\n"
	if err := os.WriteFile(filepath.Join(dir, "f.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, indent := range []string{"", "0", "3"} {
		pyIndent := "None"
		args := []string{filepath.Join(dir, "f.py")}
		if indent != "" {
			pyIndent = indent
			args = append([]string{"--indent", indent}, args...)
		}
		want, err := env.Run(context.Background(), dir,
			"import ast\nprint(ast.dump(ast.parse(open('f.py', 'rb').read()), include_attributes=True, show_empty=True, indent="+pyIndent+"))\n")
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), append([]string{"ast"}, args...), &stdout, &stderr); code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if stdout.String() != string(want) {
			t.Errorf("indent %q:\npybatch: %s\nCPython: %s", indent, stdout.String(), want)
		}
	}
}

func TestASTCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.py")
	if err := os.WriteFile(bad, []byte("x = 1\ny = (\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"ast", bad}, &stdout, &stderr)
	if code != ExitFailures || stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), bad+":2:5: SyntaxError: ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	// The span where CPython has one, nothing where it has None.
	for _, c := range []struct{ src, want string }{
		{"print 'hi'\n", ":1:1:{1:1-1:11}: SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?\n"},
		{"x = 1\n\x00\n", ": SyntaxError: source code string cannot contain null bytes\n"},
	} {
		if err := os.WriteFile(bad, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		stderr.Reset()
		if code := Run(context.Background(), []string{"ast", bad}, &stdout, &stderr); code != ExitFailures || stderr.String() != bad+c.want {
			t.Errorf("%q: exit %d, stderr %q, want %q", c.src, code, stderr.String(), bad+c.want)
		}
	}
	stderr.Reset()
	if code := Run(context.Background(), []string{"ast", filepath.Join(dir, "missing.py")}, &stdout, &stderr); code != ExitError {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr.String())
	}
	if code := Run(context.Background(), []string{"ast"}, &stdout, &stderr); code != ExitUsage {
		t.Errorf("no file: exit %d", code)
	}
}

// TestASTCommandWarningsOracle: pybatch ast prints the warnings CPython
// emits while parsing, before the dump or the syntax error, as CPython
// prints them (FILE:LINE: SyntaxWarning: message) with the column added
// after the line where the text warned about is on it.
func TestASTCommandWarningsOracle(t *testing.T) {
	env := oracle.Require(t)
	dir := t.TempDir()
	files := map[string]string{
		"ok.py":  "import re\np = re.compile('\\d+')\nx = [0x1for y in z]\nq = f'''a{1}\n\\w\n'''\n",
		"bad.py": "a = 'é\\q'\nb = (\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := env.Run(context.Background(), dir, `
import ast, warnings
for name in ["ok.py", "bad.py"]:
    with open(name, "rb") as f:
        raw = f.read()
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        try:
            ast.parse(raw)
        except SyntaxError:
            pass
    for w in ws:
        print(f"{name}:{w.lineno}: {w.category.__name__}: {w.message}")
`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var cols []string
	for _, name := range []string{"ok.py", "bad.py"} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"ast", filepath.Join(dir, name)}, &stdout, &stderr)
		if want := map[string]int{"ok.py": ExitOK, "bad.py": ExitFailures}[name]; code != want {
			t.Fatalf("%s: exit %d, want %d: %s", name, code, want, stderr.String())
		}
		for l := range strings.Lines(stderr.String()) {
			l = strings.TrimPrefix(l, dir+string(filepath.Separator))
			if !strings.Contains(l, ": SyntaxWarning: ") {
				if !strings.Contains(l, ": SyntaxError: ") {
					t.Errorf("%s: stderr line %q", name, l)
				}
				continue
			}
			// FILE:LINE:COL: → FILE:LINE: as CPython prints it.
			place, rest, _ := strings.Cut(l, ": SyntaxWarning: ")
			parts := strings.Split(place, ":")
			cols = append(cols, strings.Join(parts[1:], ":"))
			got = append(got, parts[0]+":"+parts[1]+": SyntaxWarning: "+rest)
		}
	}
	if g := strings.Join(got, ""); g != string(out) || len(got) < 4 {
		t.Errorf("warnings differ\npybatch (without columns):\n%sCPython:\n%s", g, out)
	}
	// The columns (CPython gives none): 1-based characters of the
	// backslash or the number, none where the text is not on the line.
	if want := []string{"2:17", "3:6", "7", "1:7"}; !slices.Equal(cols, want) {
		t.Errorf("places %q, want %q", cols, want)
	}
}
