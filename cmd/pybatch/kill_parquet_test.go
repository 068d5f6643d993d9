package main_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/store"
)

// parquetRecords reads a Parquet output back: each file's record as JSON
// without its timing (the one thing two runs do not share), by path. A
// path held twice fails the test.
func parquetRecords(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for rec, err := range store.ReadParquet(context.Background(), dir) {
		if err != nil {
			t.Fatal(err)
		}
		l := store.LineOf(rec)
		l.DurationNs = 0
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[rec.Path]; dup {
			t.Fatalf("%s is held twice", rec.Path)
		}
		out[rec.Path] = string(b)
	}
	return out
}

// committedParquet counts the files of a Parquet output's complete chunks
// (0 when there is none yet).
func committedParquet(dir string) int {
	n := 0
	for _, err := range store.ReadParquet(context.Background(), dir) {
		if err != nil {
			return 0
		}
		n++
	}
	return n
}

// TestKillParquetAndResume is the crash test of the Parquet output: a run
// into small chunks is killed with SIGKILL at random moments and run again
// each time; every round that completes holds each file once, with the
// records an uninterrupted run wrote. (Seeded as TestKillAnalyzeAndResume;
// PYBATCH_SEED replays the draws.)
func TestKillParquetAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the command and runs it many times")
	}
	root := testenv.Stdlib(t)
	bin := testenv.BuildPybatch(t)
	rng := testenv.Rand(t)
	work := t.TempDir()
	tree := filepath.Join(work, "tree")
	n := copyPython(t, root, tree, 600, true)
	analyze := func(dir string) *exec.Cmd {
		return exec.Command(bin, "analyze", "--progress", "none", "--format", "parquet", "--parquet-chunk-files", "40", "-o", dir, tree)
	}
	ref := filepath.Join(work, "ref.parquet")
	t0 := time.Now()
	if out, err := analyze(ref).CombinedOutput(); err != nil && exitCode(err) != 1 {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	full := time.Since(t0) // sets the range of the kill times only
	want := parquetRecords(t, ref)
	if len(want) != n {
		t.Fatalf("the uninterrupted run holds %d files of %d", len(want), n)
	}
	compare := func(what, dir string) {
		t.Helper()
		got := parquetRecords(t, dir)
		if len(got) != len(want) {
			t.Fatalf("%s: %d files, want %d", what, len(got), len(want))
		}
		for p, w := range want {
			if got[p] != w {
				t.Fatalf("%s: %s differs:\n got %s\nwant %s", what, p, got[p], w)
			}
		}
	}
	dir := filepath.Join(work, "killed.parquet")
	window := 6 * full / 5
	killed, resumed, rounds := 0, 0, 0
	for killed < 6 {
		cmd := analyze(dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		before := committedParquet(dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
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
			c := committedParquet(dir)
			if before > 0 && c > before {
				resumed++ // this run added chunks to what an earlier one left
			}
			t.Logf("round %d, kill %d: %d files committed (%d before)", rounds+1, killed, c, before)
		case err == nil || exitCode(err) == 1:
			rounds++
			compare("a completed round", dir)
			t.Logf("round %d completed and equal after %d kills in all", rounds, killed)
		default:
			t.Fatalf("run after %d kills: %v\n%s", killed, err, stderr.String())
		}
	}
	if out, err := analyze(dir).CombinedOutput(); err != nil && exitCode(err) != 1 {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	compare("the last round", dir)
	for _, table := range store.ParquetTables {
		if left, _ := filepath.Glob(filepath.Join(dir, table, "*.tmp")); len(left) > 0 {
			t.Errorf("temporary files left after a completed run: %v", left)
		}
	}
	t.Logf("%d kills, %d of them in runs that continued an earlier one's chunks, %d rounds; every completed round equals the uninterrupted run (%d files)", killed, resumed, rounds+1, n)
}
