package cli

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestPythonVersion: --python-version of analyze, ast and check gives that
// version's verdict (the verdicts themselves are proved against each
// CPython in internal/oracle's TestVersionVerdicts).
func TestPythonVersion(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"old.py":   "x = 1\n",
		"match.py": "match x:\n    case 1:\n        pass\n",
		"typ.py":   "x = 1\ntype X = int\n",                    // 3.12
		"exc.py":   "try:\n    pass\nexcept A, B:\n    pass\n", // 3.14
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	// ast: the line that version reports; 3.12 accepts the type statement.
	typ := filepath.Join(src, "typ.py")
	if code, _, stderr := run("ast", "--python-version", "3.11", typ); code != ExitFailures || !strings.HasPrefix(stderr, typ+":2:6:") {
		t.Errorf("ast --python-version 3.11: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("ast", "--python-version", "3.12", typ); code != ExitOK {
		t.Errorf("ast --python-version 3.12: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("ast", "--python-version", "3.9", typ); code != ExitUsage || !strings.Contains(stderr, "--python-version") {
		t.Errorf("ast --python-version 3.9: exit %d, %q", code, stderr)
	}

	// analyze: each version's syntax errors, the same database analyzed
	// again under another version each time (its contents are replaced).
	db := filepath.Join(dir, "out.db")
	for _, c := range []struct{ version, want string }{
		{"3.11", "exc.py:3,typ.py:2"},
		{"3.13", "exc.py:3"},
		{"3.14", ""},
		{"3.10", "exc.py:3,typ.py:2"},
	} {
		args := []string{"analyze", "-q", "--python-version", c.version, "-o", db, src}
		if code, _, stderr := run(args...); code != ExitOK {
			t.Fatalf("analyze --python-version %s: exit %d: %s", c.version, code, stderr)
		}
		if got := syntaxErrors(t, db); got != c.want {
			t.Errorf("analyze --python-version %s: syntax errors %q, want %q", c.version, got, c.want)
		}
	}
	if code, _, stderr := run("analyze", "-q", "--python-version", "3.15", "-o", db, src); code != ExitUsage {
		t.Errorf("analyze --python-version 3.15: exit %d: %s", code, stderr)
	}

	// check: the files that version cannot parse fail.
	code, stdout, stderr := run("check", "--python-version", "3.12", src)
	if code != ExitFailures || !strings.Contains(stdout, "exc.py") || strings.Contains(stdout, "typ.py") {
		t.Errorf("check --python-version 3.12: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, stdout, stderr := run("check", "--python-version", "3.14", src); code != ExitOK {
		t.Errorf("check --python-version 3.14: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// syntaxErrors lists the database's syntax errors as "path:line,...".
func syntaxErrors(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s sql.NullString
	if err := db.QueryRow(`SELECT group_concat(path || ':' || line, ',') FROM (SELECT path, line FROM syntax_errors ORDER BY path)`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s.String
}
