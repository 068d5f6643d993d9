package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/storetest"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/store"
)

// TestAnalyzeFullDiskThenResume runs the real `pybatch analyze` with a file
// size limit (RLIMIT_FSIZE, set by the shell's ulimit in the child only)
// too small for its database: the run must end with exit status 3 and an
// error that says what happened, the database must still open intact, and
// a run without the limit must resume and end equal to an uninterrupted
// run. The same for a JSON Lines output.
func TestAnalyzeFullDiskThenResume(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the command")
	}
	root := testenv.Stdlib(t)
	bash := testenv.RequireCommand(t, "bash") // for ulimit
	bin := testenv.BuildPybatch(t)
	work := t.TempDir()
	tree := filepath.Join(work, "tree")
	n := copyPython(t, root, tree, 1500, false)
	analyze := func(out string, limitKB int) *exec.Cmd {
		args := []string{"analyze", "--progress", "none", "-o", out, tree}
		if limitKB == 0 {
			return exec.Command(bin, args...)
		}
		// bash's ulimit -f counts KiB; pybatch (Go) ignores SIGXFSZ, so a
		// write past the limit fails with EFBIG instead of killing it.
		return exec.Command(bash, append([]string{"-c", `ulimit -f "$0" && exec "$@"`, strconv.Itoa(limitKB), bin}, args...)...)
	}

	for _, kind := range []string{"db", "jsonl"} {
		t.Run(kind, func(t *testing.T) {
			ref := filepath.Join(work, "ref."+kind)
			if out, err := analyze(ref, 0).CombinedOutput(); err != nil && exitCode(err) != 1 {
				t.Fatalf("uninterrupted run: %v\n%s", err, out)
			}
			st, err := os.Stat(ref)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(work, "full."+kind)
			// A limit under what the run needs, and over what its first
			// commit needs (SQLite's checkpoints that fail for the limit are
			// retried later, so where exactly a run stops is found by trying).
			var b []byte
			var limit int
			for _, frac := range []float64{0.5, 0.35, 0.65, 0.25, 0.8} {
				for _, f := range []string{out, out + "-wal", out + "-shm", store.CheckpointPath(out)} {
					if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
						t.Fatal(err)
					}
				}
				limit = int(float64(st.Size()) * frac / 1024)
				var err error
				b, err = analyze(out, limit).CombinedOutput()
				code := 0
				if err != nil {
					code = exitCode(err)
				}
				if code == 3 && committedFiles(out) != 0 && committedKB(out) > 0 {
					break
				} else if code != 3 && code != 0 && code != 1 {
					t.Fatalf("with a %d KiB file size limit: exit %d (%v)\n%s", limit, code, err, b)
				}
				t.Logf("a %d KiB limit did not stop the run midway: trying another", limit)
				b = nil
			}
			if b == nil {
				t.Fatal("no file size limit stopped the run midway")
			}
			msg := string(b)
			want := "file size limit"
			if kind == "jsonl" {
				want = "file too large"
			}
			if !strings.Contains(msg, want) {
				t.Fatalf("the error does not say what happened (%q):\n%s", want, msg)
			}
			t.Logf("%d KiB limit: %s", limit, lastLine(msg))

			if kind == "db" {
				db := openRO(t, out)
				integrity(t, db, "after the full disk")
				var outcome string
				if err := db.SQL().QueryRow("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1").Scan(&outcome); err != nil {
					t.Fatal(err)
				}
				committed := count(t, db, "SELECT count(*) FROM files")
				db.Close()
				if committed >= n {
					t.Fatalf("%d of %d files committed before the limit: the test did not stop the run midway", committed, n)
				}
				t.Logf("%d of %d files committed, last run's outcome %q", committed, n, outcome)
			}
			// Space again: the next run resumes and completes.
			if b, err := analyze(out, 0).CombinedOutput(); err != nil && exitCode(err) != 1 {
				t.Fatalf("resumed run: %v\n%s", err, b)
			}
			if kind == "db" {
				if got, want := storetest.DumpDB(t, out), storetest.DumpDB(t, ref); got != want {
					t.Fatalf("after the full disk and a resume the database differs from an uninterrupted run:\n%s", storetest.Diff(got, want))
				}
				return
			}
			gotLines, wantLines := linesByPath(t, out), linesByPath(t, ref)
			if len(gotLines) != len(wantLines) || len(gotLines) < n {
				t.Fatalf("%d records after resume, %d in the uninterrupted run (%d files)", len(gotLines), len(wantLines), n)
			}
			for p, w := range wantLines {
				if g, ok := gotLines[p]; !ok || g != w {
					t.Fatalf("%s: record after resume differs", p)
				}
			}
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// linesByPath reads a JSON Lines output into path → the line without its
// timing (duration_ns differs between runs).
func linesByPath(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("%s ends with a partial line", path)
	}
	m := map[string]string{}
	for l := range bytes.Lines(b) {
		r, err := store.DecodeLine(l)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, dup := m[r.Path]; dup {
			t.Fatalf("%s holds %s twice", path, r.Path)
		}
		r.Duration = 0
		line, err := store.AppendLine(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		m[r.Path] = string(line)
	}
	return m
}

// committedKB is the size of an output with its write-ahead log, in KiB.
func committedKB(out string) int64 {
	var n int64
	for _, f := range []string{out, out + "-wal"} {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n >> 10
}
