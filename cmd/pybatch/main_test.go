package main_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/store"
)

// The tests of this package build the command (testenv.BuildPybatch) and
// run it as a user would: killed, or short of disk space, and run again.
func TestMain(m *testing.M) { testenv.Main(m) }

// openRO opens a database no process writes, for queries; it is closed when
// the test ends.
func openRO(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// integrity fails the test unless SQLite's integrity check passes.
func integrity(t *testing.T, db *store.DB, when string) {
	t.Helper()
	var check string
	if err := db.SQL().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil {
		t.Fatalf("integrity_check %s: %v", when, err)
	}
	if check != "ok" {
		t.Fatalf("integrity_check %s: %s", when, check)
	}
}

// committedFiles counts the file rows of a database no process writes: 0
// when there is no database yet, -1 when it cannot be opened (created but
// not migrated yet).
func committedFiles(path string) int {
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	db, err := store.Open(context.Background(), path, store.Options{ReadOnly: true})
	if err != nil {
		return -1
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRow("SELECT count(*) FROM files").Scan(&n); err != nil {
		return -1
	}
	return n
}

// exitCode is the exit status of a command that ran and failed, else -1.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// copyPython copies the .py files under root (at most limit, 0 for all,
// in walk order; hidden directories and __pycache__ left out, as pybatch
// does, and with small also the test suites and site-packages, so that a
// small sample covers many packages) to dst, keeping their modification
// times. It returns how many it copied.
func copyPython(t *testing.T, root, dst string, limit int, small bool) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: leave it out
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || name == "__pycache__" ||
				small && (name == "site-packages" || name == "test" || name == "tests" || name == "lib2to3" || name == "idlelib")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(name, ".py") {
			return nil
		}
		if limit > 0 && n >= limit {
			return filepath.SkipAll
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.Chtimes(out, info.ModTime(), info.ModTime()); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no .py file under %s", root)
	}
	return n
}

// outcomes counts a database's runs by outcome: "completed=3 crashed=10".
func outcomes(t *testing.T, db *store.DB) string {
	t.Helper()
	rows, err := db.SQL().Query("SELECT outcome, count(*) FROM runs GROUP BY outcome ORDER BY outcome")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var o string
		var c int
		if err := rows.Scan(&o, &c); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d", o, c))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(parts, " ")
}
