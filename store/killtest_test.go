package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillAnalyzeAndResume is the end-to-end crash test: it builds the
// pybatch command, runs `pybatch analyze` on a copy of a real tree, kills it
// with SIGKILL at random moments, runs it again each time, and compares the
// database of every run that completed with the one an uninterrupted run
// made: every file present exactly once, with identical results.
//
// By default the tree is 1,000 files of the machine's Python standard library
// and there are 10 kills. For the full test:
//
//	PYBATCH_KILL_ROOT=/root/.pyenv/versions/3.11.7/lib/python3.11 PYBATCH_KILLS=50 \
//	  go test ./store -run KillAnalyze -v -timeout 1h
func TestKillAnalyzeAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it many times")
	}
	root := os.Getenv("PYBATCH_KILL_ROOT")
	limit := 1000
	if root != "" {
		limit = 0
	} else {
		root = findStdlib()
	}
	if root == "" {
		skipOrFail(t, "no Python standard library found (set PYBATCH_KILL_ROOT)")
	}
	kills := 10
	if v := os.Getenv("PYBATCH_KILLS"); v != "" {
		kills, _ = strconv.Atoi(v)
	}
	work := t.TempDir()
	bin := buildPybatch(t, work)
	tree := filepath.Join(work, "tree")
	n := copyPython(t, root, tree, limit, limit > 0)
	t.Logf("tree: %d .py files from %s", n, root)

	analyze := func(db string) *exec.Cmd {
		return exec.Command(bin, "analyze", "-o", db, tree)
	}
	ref := filepath.Join(work, "ref.db")
	t0 := time.Now()
	if out, err := analyze(ref).CombinedOutput(); err != nil && exitCode(err) != 1 {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	full := time.Since(t0)
	t.Logf("uninterrupted run: %v", full)

	want := dumpDB(t, ref)
	db := filepath.Join(work, "killed.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	killed, completed, rounds, duringWork := 0, 0, 0, 0
	// Rounds: each starts from no database and runs analyze again and again,
	// each run killed after a random time in [0, 1.2×full] (at
	// start-up, mid-batch, while committing, or after the work), each
	// resumed run continuing from the last commit, until a run completes
	// before its kill; the database of every completed round must equal the
	// uninterrupted one. Starting over keeps the kills on runs that still
	// have work to do, instead of on re-runs of a finished tree.
	window := 6 * full / 5
	compare := func(what string) {
		t.Helper()
		if got := dumpDB(t, db); got != want {
			t.Fatalf("%s: the database differs from the uninterrupted one:\n%s", what, firstDiff(got, want))
		}
	}
	for killed < kills {
		cmd := analyze(db)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		started := time.Now()
		time.Sleep(time.Duration(rng.Int64N(int64(window) + 1)))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
			killed++
			c := committedFiles(t, db)
			if c < n {
				duringWork++
			}
			t.Logf("round %d, kill %d after %v: %d files committed", rounds+1, killed, time.Since(started).Round(time.Millisecond), c)
		case err == nil || exitCode(err) == 1:
			completed++
			rounds++
			compare(fmt.Sprintf("round %d (%d kills so far)", rounds, killed))
			t.Logf("round %d completed and equal after %d kills in all", rounds, killed)
			for _, f := range []string{db, db + "-wal", db + "-shm"} {
				os.Remove(f)
			}
		default:
			t.Fatalf("run after %d kills: %v\n%s", killed, err, stderr.String())
		}
	}
	if out, err := analyze(db).CombinedOutput(); err != nil && exitCode(err) != 1 {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	t.Logf("%d kills (%d before all files were committed) in %d rounds; every round's database equals the uninterrupted one", killed, duringWork, rounds+1)
	compare(fmt.Sprintf("last round, after %d kills", killed))
	rdb := openTest(t, db, Options{ReadOnly: true})
	if c := count(t, rdb, "SELECT count(*) FROM files"); c != n {
		t.Fatalf("%d file rows for %d files", c, n)
	}
	var check string
	rdb.SQL().QueryRow("PRAGMA integrity_check").Scan(&check)
	if check != "ok" {
		t.Fatal(check)
	}
	t.Logf("equal: %d files, %d definitions, %d imports; runs: %s", n,
		count(t, rdb, "SELECT count(*) FROM definitions"), count(t, rdb, "SELECT count(*) FROM imports"),
		outcomes(t, rdb))
}

// committedFiles counts the file rows of a database no process writes.
func committedFiles(t *testing.T, path string) int {
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	db, err := Open(context.Background(), path, Options{ReadOnly: true})
	if err != nil {
		return -1 // not created yet, or not migrated yet
	}
	defer db.Close()
	var n int
	db.SQL().QueryRow("SELECT count(*) FROM files").Scan(&n)
	return n
}

func outcomes(t *testing.T, db *DB) string {
	rows, err := db.SQL().Query("SELECT outcome, count(*) FROM runs GROUP BY outcome ORDER BY outcome")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var o string
		var c int
		rows.Scan(&o, &c)
		parts = append(parts, fmt.Sprintf("%s=%d", o, c))
	}
	return strings.Join(parts, " ")
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	return "(equal)"
}

// findStdlib returns the machine's Python standard library, if any.
func findStdlib() string {
	for _, p := range []string{"/root/.pyenv/versions/3.11.7/lib/python3.11"} {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	if out, err := exec.Command("python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return ""
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
		rel, _ := filepath.Rel(root, p)
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
		info, _ := d.Info()
		os.Chtimes(out, info.ModTime(), info.ModTime())
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
