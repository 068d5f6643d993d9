package oracle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPython(t *testing.T) {
	env := Require(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte("héllo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `
import sys
data = open("in.txt", encoding="utf-8").read()
print(sys.version_info[:2], sys.argv[1:], data.upper(), end="")
with open("out.txt", "w") as f:
    f.write("written")
`
	out, err := env.Run(context.Background(), dir, script, "a", "b c")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), "(3, 14) ['a', 'b c'] HÉLLO\n"; got != want {
		t.Fatalf("stdout = %q, want %q", got, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.txt"))
	if err != nil || string(b) != "written" {
		t.Fatalf("out.txt = %q, %v", b, err)
	}
}

func TestRunPythonError(t *testing.T) {
	env := Require(t)
	_, err := env.Run(context.Background(), t.TempDir(), "import sys\nsys.stderr.write('boom')\nraise SystemExit(7)\n")
	var re *RunError
	if !errors.As(err, &re) || re.ExitCode != 7 || !strings.Contains(re.Stderr, "boom") {
		t.Fatalf("err = %v, want RunError status 7 with stderr", err)
	}
	_, err = env.Run(context.Background(), t.TempDir(), "1/0\n")
	if !errors.As(err, &re) || re.ExitCode != 1 || !strings.Contains(re.Stderr, "ZeroDivisionError") {
		t.Fatalf("err = %v, want traceback with ZeroDivisionError", err)
	}
}
