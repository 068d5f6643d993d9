package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// runWith runs the command with stdin and returns its exit code, the paths
// of the JSON Lines records on stdout (sorted) and stderr.
func runWith(t *testing.T, dir, stdin string, args ...string) (int, []string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := pybatch(t, nil, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run()
	var paths []string
	for _, l := range parseLines(t, stdout.Bytes()) {
		paths = append(paths, l.Path)
	}
	sort.Strings(paths)
	return cmd.ProcessState.ExitCode(), paths, stderr.String()
}

func writeTree(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x = 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// --include and --exclude are .gitignore patterns, as ruff's --exclude;
// [tool.pybatch] in pyproject.toml gives the same settings; paths come
// from stdin or a file too.
func TestFileSelection(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, "a.py", "tests/t.py", "pkg/tests/t2.py", "pkg/m.py", "build/b.py", "pkg/build/b2.py", "pkg/deep/er/d.py", "notes.txt")
	base := []string{"analyze", "-o", "-", "--progress", "none", "--no-ignore", "--no-config"}
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{nil, "a.py build/b.py pkg/build/b2.py pkg/deep/er/d.py pkg/m.py pkg/tests/t2.py tests/t.py"},
		{[]string{"--exclude", "tests"}, "a.py build/b.py pkg/build/b2.py pkg/deep/er/d.py pkg/m.py"},
		{[]string{"--exclude", "tests/"}, "a.py build/b.py pkg/build/b2.py pkg/deep/er/d.py pkg/m.py"},
		{[]string{"--exclude", "/build"}, "a.py pkg/build/b2.py pkg/deep/er/d.py pkg/m.py pkg/tests/t2.py tests/t.py"},
		{[]string{"--exclude", "build", "--extend-exclude", "tests"}, "a.py pkg/deep/er/d.py pkg/m.py"},
		{[]string{"--include", "*.py", "--exclude", "pkg/**"}, "a.py build/b.py tests/t.py"},
		{[]string{"--include", "d.py"}, "pkg/deep/er/d.py"},
		{[]string{"--exclude", "*.py", "--exclude", "!m.py"}, "pkg/m.py"},
	} {
		args := append(append(append([]string(nil), base...), c.flags...), root)
		code, paths, stderr := runWith(t, root, "", args...)
		if got := strings.Join(paths, " "); code != ExitOK || got != c.want {
			t.Errorf("%q: exit %d, files %s, want %s\n%s", c.flags, code, got, c.want, stderr)
		}
	}

	// pyproject.toml, found above the PATH from another directory.
	cfg := "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 100\n\n[tool.pybatch]\nexclude = [\"tests\"]\nextend-exclude = [\"build/\"]\n"
	if err := os.WriteFile(filepath.Join(root, "pyproject.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	noCfg := []string{"analyze", "-o", "-", "--progress", "none", "--no-ignore"}
	elsewhere := t.TempDir()
	for _, c := range []struct {
		flags []string
		path  string
		want  string
	}{
		{nil, root, "a.py pkg/deep/er/d.py pkg/m.py"},
		{nil, filepath.Join(root, "pkg"), "deep/er/d.py m.py"},                            // (pkg is the source)
		{[]string{"--exclude", "deep"}, root, "a.py pkg/m.py pkg/tests/t2.py tests/t.py"}, // replaces exclude, keeps extend-exclude
		{[]string{"--no-config"}, root, "a.py build/b.py pkg/build/b2.py pkg/deep/er/d.py pkg/m.py pkg/tests/t2.py tests/t.py"},
	} {
		args := append(append(append([]string(nil), noCfg...), c.flags...), c.path)
		code, paths, stderr := runWith(t, elsewhere, "", args...)
		if got := strings.Join(paths, " "); code != ExitOK || got != c.want {
			t.Errorf("pyproject.toml, %q %s: exit %d, files %s, want %s\n%s", c.flags, c.path, code, got, c.want, stderr)
		}
	}
	bad := filepath.Join(elsewhere, "pyproject.toml")
	os.WriteFile(bad, []byte("[tool.pybatch]\nexclud = [\"x\"]\n"), 0o644)
	if code, _, stderr := runWith(t, elsewhere, "", append(noCfg, "--config", bad, root)...); code != ExitUsage || !strings.Contains(stderr, `unknown setting "exclud"`) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("unknown setting: exit %d\n%s", code, stderr)
	}
	os.Remove(bad)

	// Paths from stdin (newlines, NUL) and from a file: the list's files
	// that the patterns select, each once; directories in it are walked.
	list := "a.py\nnotes.txt\ntests/t.py\npkg/m.py\r\n\n"
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{list, []string{"-"}, "a.py m.py"}, // (a file is named in its directory)
		{strings.ReplaceAll(strings.ReplaceAll(list, "\r", ""), "\n", "\x00"), []string{"-0", "-"}, "a.py m.py"},
		{"pkg\n", []string{"-"}, "deep/er/d.py m.py"},
	} {
		code, paths, stderr := runWith(t, root, c.stdin, append(append([]string(nil), noCfg...), c.args...)...)
		if got := strings.Join(paths, " "); code != ExitOK || got != c.want {
			t.Errorf("stdin %q %q: exit %d, files %s, want %s\n%s", c.stdin, c.args, code, got, c.want, stderr)
		}
	}
	listFile := filepath.Join(elsewhere, "list.txt")
	os.WriteFile(listFile, []byte(filepath.Join(root, "a.py")+"\n"+filepath.Join(root, "missing.py")+"\n"), 0o644)
	code, paths, stderr := runWith(t, elsewhere, "", append(noCfg, "--files-from", listFile)...)
	if code != ExitFailures || strings.Join(paths, " ") != "a.py" || !strings.Contains(stderr, "missing.py: no such file or directory") {
		t.Errorf("--files-from with a missing path: exit %d, files %v\n%s", code, paths, stderr)
	}
}

// pybatch ast reads stdin with -, and takes several files.
func TestASTStdinAndFiles(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, "a.py", "b.py")
	var stdout, stderr bytes.Buffer
	cmd := pybatch(t, nil, "ast", "-")
	cmd.Stdin = strings.NewReader("x = 1\n")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || !strings.HasPrefix(stdout.String(), "Module(body=[Assign(") {
		t.Fatalf("ast -: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	stdout.Reset()
	cmd = pybatch(t, nil, "ast", filepath.Join(dir, "a.py"), filepath.Join(dir, "b.py"))
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil || strings.Count(stdout.String(), "==> ") != 2 || strings.Count(stdout.String(), "Module(") != 2 {
		t.Fatalf("ast a.py b.py: %v\n%s", err, stdout.String())
	}
}
