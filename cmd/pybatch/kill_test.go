package main_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/storetest"
	"github.com/pybatch/pybatch/internal/testenv"
)

// TestKillAnalyzeAndResume is the end-to-end crash test: it builds the
// pybatch command, runs `pybatch analyze` on a copy of a real tree, kills it
// with SIGKILL at random moments, runs it again each time, and compares the
// database of every run that completed with the one an uninterrupted run
// made: every file present exactly once, with identical results. The kill
// times are drawn from a seeded generator whose seed the test logs
// (PYBATCH_SEED replays the same draws; the moments they land on still
// depend on the machine's speed).
//
// By default the tree is 1,000 files of the machine's Python standard library
// and there are 10 kills. For the full test:
//
//	PYBATCH_KILL_ROOT=/usr/lib/python3.13 PYBATCH_KILLS=50 \
//	  go test ./cmd/pybatch -run KillAnalyze -v -timeout 1h
func TestKillAnalyzeAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the command and runs it many times")
	}
	root := os.Getenv("PYBATCH_KILL_ROOT")
	limit := 1000
	if root != "" {
		limit = 0
	} else {
		root = testenv.Stdlib(t)
	}
	kills := 10
	if v := os.Getenv("PYBATCH_KILLS"); v != "" {
		var err error
		if kills, err = strconv.Atoi(v); err != nil || kills < 1 {
			t.Fatalf("$PYBATCH_KILLS=%q: want a positive number", v)
		}
	}
	bin := testenv.BuildPybatch(t)
	rng := testenv.Rand(t)
	work := t.TempDir()
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
	// How long a run takes sets the range of the kill times; nothing is
	// asserted about it.
	full := time.Since(t0)
	t.Logf("uninterrupted run: %v", full)

	want := storetest.DumpDB(t, ref)
	db := filepath.Join(work, "killed.db")
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
		if got := storetest.DumpDB(t, db); got != want {
			t.Fatalf("%s: the database differs from the uninterrupted one:\n%s", what, storetest.Diff(got, want))
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
		// The random moment of the kill is what this test is about: this
		// sleep waits for nothing.
		time.Sleep(time.Duration(rng.Int64N(int64(window) + 1)))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
			killed++
			c := committedFiles(db)
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
				if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
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
	rdb := openRO(t, db)
	if c := count(t, rdb, "SELECT count(*) FROM files"); c != n {
		t.Fatalf("%d file rows for %d files", c, n)
	}
	integrity(t, rdb, "after the kills")
	t.Logf("equal: %d files, %d definitions, %d imports; runs: %s", n,
		count(t, rdb, "SELECT count(*) FROM definitions"), count(t, rdb, "SELECT count(*) FROM imports"),
		outcomes(t, rdb))
}
