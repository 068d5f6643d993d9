package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
