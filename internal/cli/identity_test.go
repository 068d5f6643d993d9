package cli

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/store"
)

// runIn runs the command in the working directory dir; it returns the exit
// code and stderr.
func runIn(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd := pybatch(t, nil, args...)
	cmd.Dir = dir
	cmd.Stderr = &stderr
	_ = cmd.Run()
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// rows is every file row of a database as text, in order: what a query
// sees.
func rows(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(`SELECT source, path, status, size, mtime_ns, sha256 FROM file_results ORDER BY source, path`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var b strings.Builder
	for rs.Next() {
		var source, path, status string
		var size, mtime int64
		var sha sql.NullString
		if err := rs.Scan(&source, &path, &status, &size, &mtime, &sha); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s|%s|%s|%d|%d|%s\n", source, path, status, size, mtime, sha.String)
	}
	return b.String()
}

// TestAnalyzeNamesFilesByTheirRoot: what is stored never depends on the
// working directory or on how the root is spelled. The same tree analyzed
// from its parent as x/perm, from x as perm, and by its absolute path
// stores the same rows under the absolute root, and the later runs analyze
// nothing again and mark nothing gone.
func TestAnalyzeNamesFilesByTheirRoot(t *testing.T) {
	top := t.TempDir()
	x := filepath.Join(top, "x")
	perm := filepath.Join(x, "perm")
	for _, f := range []string{"a.py", "sub/b.py", "sub/deep/c.py"} {
		p := filepath.Join(perm, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("def f():\n    return 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(top, "out.db")
	root, err := filepath.EvalSymlinks(perm)
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i, run := range []struct{ dir, root string }{{top, "x/perm"}, {x, "perm"}, {t.TempDir(), perm}, {perm, "."}, {filepath.Join(perm, "sub"), ".."}} {
		code, stderr := runIn(t, run.dir, "analyze", "--progress", "none", "-o", db, run.root)
		if code != ExitOK {
			t.Fatalf("run %d (%s from %s): exit %d\n%s", i, run.root, run.dir, code, stderr)
		}
		got := rows(t, db)
		if i == 0 {
			first = got
			if want := fmt.Sprintf("%s|a.py|", root); !strings.Contains(got, want) || strings.Count(got, "\n") != 3 {
				t.Fatalf("rows after the first run, want 3 under the absolute root %s:\n%s", root, got)
			}
			continue
		}
		if got != first {
			t.Fatalf("run %d (%s from %s) changed the rows:\n%s\nwant\n%s", i, run.root, run.dir, got, first)
		}
		if !strings.Contains(stderr, "3 files unchanged since the last run") || !strings.Contains(stderr, "0 gone") {
			t.Fatalf("run %d (%s from %s) did not keep every file:\n%s", i, run.root, run.dir, stderr)
		}
	}
}

// TestAnalyzeNestedRoots: a root inside another root, of the same run or of
// what the database already holds, is one tree: each file is stored once,
// under the outer root, whatever the order of the runs.
func TestAnalyzeNestedRoots(t *testing.T) {
	dir := tree(t, 20) // pkg0..pkg9, 2 files each
	inner := filepath.Join(dir, "pkg3")
	want := 20
	count := func(db string) (files, sources int) {
		c, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.QueryRow(`SELECT count(*), count(DISTINCT source) FROM file_results WHERE status = 'analyzed'`).Scan(&files, &sources); err != nil {
			t.Fatal(err)
		}
		return files, sources
	}
	for _, runs := range [][][]string{
		{{dir, inner}},   // both in one run
		{{inner, dir}},   // both in one run, the inner first
		{{dir}, {inner}}, // the outer, then the inner: kept
		{{inner}, {dir}}, // the inner, then the outer: merged
		{{inner}, {dir}, {inner}},
	} {
		db := filepath.Join(t.TempDir(), "n.db")
		for _, roots := range runs {
			args := append([]string{"analyze", "--progress", "none", "-o", db}, roots...)
			if code, stderr := runIn(t, t.TempDir(), args...); code != ExitOK {
				t.Fatalf("%v: exit %d\n%s", roots, code, stderr)
			}
		}
		if files, sources := count(db); files != want || sources != 1 {
			t.Fatalf("runs %v: %d analyzed rows under %d sources, want %d under 1\n%s", runs, files, sources, want, rows(t, db))
		}
		if gone := strings.Count(rows(t, db), "|gone|"); gone != 0 {
			t.Fatalf("runs %v: %d rows gone", runs, gone)
		}
	}
}

// TestAnalyzeSubtreeMarksOnlyItsOwnFilesGone: a run of a part of a stored
// tree marks gone only what vanished from that part.
func TestAnalyzeSubtreeMarksOnlyItsOwnFilesGone(t *testing.T) {
	dir := tree(t, 20)
	db := filepath.Join(t.TempDir(), "g.db")
	if code, stderr := runIn(t, dir, "analyze", "--progress", "none", "-o", db, "."); code != ExitOK {
		t.Fatal(stderr)
	}
	for _, f := range []string{"pkg3/m3.py", "pkg4/m4.py"} {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Fatal(err)
		}
	}
	code, stderr := runIn(t, dir, "analyze", "--progress", "none", "-o", db, "pkg3")
	if code != ExitOK || !strings.Contains(stderr, "1 gone from the tree") {
		t.Fatalf("exit %d, want 1 file gone (pkg3/m3.py only):\n%s", code, stderr)
	}
	got := rows(t, db)
	if !strings.Contains(got, "|pkg3/m3.py|gone|") || strings.Contains(got, "|pkg4/m4.py|gone|") {
		t.Fatalf("rows:\n%s", got)
	}
}

// TestAnalyzeNonUTF8FileName: a file name that is not UTF-8 keeps its bytes
// in JSON Lines (path_bytes) and SQLite, and a resumed JSON Lines run knows
// it already holds it.
func TestAnalyzeNonUTF8FileName(t *testing.T) {
	dir := t.TempDir()
	name := "caf\xe9_\xff.py" // Latin-1 bytes: not UTF-8
	if err := os.WriteFile(filepath.Join(dir, name), []byte("x = 1\n"), 0o644); err != nil {
		testenv.SkipOrFail(t, "the file system of the temp directory refuses a name that is not UTF-8: %v", err)
	}
	out := filepath.Join(t.TempDir(), "o.jsonl")
	for run := range 2 {
		if code, stderr := runIn(t, dir, "analyze", "--progress", "none", "-o", out, "."); code != ExitOK {
			t.Fatalf("run %d: exit %d\n%s", run, code, stderr)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	var lines int
	for sc.Scan() {
		lines++
		rec, err := store.DecodeLine(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if rec.Path != name || !bytes.Contains(sc.Bytes(), []byte(`"path_bytes":`)) {
			t.Fatalf("path %q, want %q; line %s", rec.Path, name, sc.Bytes())
		}
	}
	if lines != 1 {
		t.Fatalf("%d lines after a run and its resume, want 1:\n%s", lines, b)
	}
	db := filepath.Join(t.TempDir(), "o.db")
	if code, stderr := runIn(t, dir, "analyze", "--progress", "none", "-o", db, "."); code != ExitOK {
		t.Fatal(stderr)
	}
	if got := rows(t, db); !strings.Contains(got, "|"+name+"|analyzed|") {
		t.Fatalf("SQLite rows do not name %q:\n%q", name, got)
	}
}

// TestRetryFromAnotherDirectory: retry finds the failed files of a run
// made with a relative root, whatever directory it runs in.
func TestRetryFromAnotherDirectory(t *testing.T) {
	dir := tree(t, 4)
	if err := os.WriteFile(filepath.Join(dir, "crash.py"), []byte("#CRASH\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "r.db")
	code, stderr := runIn(t, filepath.Dir(dir), "analyze", "--isolate", "--retries", "0", "--progress", "none", "-o", db, filepath.Base(dir))
	if code != ExitFailures {
		t.Fatalf("analyze: exit %d, want %d\n%s", code, ExitFailures, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "crash.py"), []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	elsewhere := t.TempDir()
	rel, err := filepath.Rel(elsewhere, db)
	if err != nil {
		t.Fatal(err)
	}
	if code, stderr := runIn(t, elsewhere, "retry", "--progress", "none", rel); code != ExitOK {
		t.Fatalf("retry from %s: exit %d\n%s", elsewhere, code, stderr)
	}
	got := rows(t, db)
	if !strings.Contains(got, "|crash.py|analyzed|") || strings.Contains(got, "failed") || strings.Count(got, "\n") != 5 {
		t.Fatalf("rows after the retry:\n%s", got)
	}
}
