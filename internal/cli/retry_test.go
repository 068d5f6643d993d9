package cli

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCode runs the command and returns its exit code and stderr.
func runCode(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd := pybatch(t, env, args...)
	cmd.Stderr = &stderr
	_ = cmd.Run()
	return cmd.ProcessState.ExitCode(), stderr.String()
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestRetryRepeatsTheFailuresOfTheLastRun: a file whose isolated worker
// really crashes fails; retry runs it again with the run's options
// (isolated, no retries) and it fails again; once the file is fixed, retry
// turns it into an analyzed file, as a new run, without touching the
// others, and the next incremental analyze keeps everything.
func TestRetryRepeatsTheFailuresOfTheLastRun(t *testing.T) {
	dir := tree(t, 20)
	crash := filepath.Join(dir, "crash.py")
	if err := os.WriteFile(crash, []byte("#CRASH\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r.db")
	analyze := []string{"analyze", "--isolate", "--retries", "0", "-j", "2", "--no-ignore", "--progress", "none", "-o", out, dir}
	if code, stderr := runCode(t, nil, analyze...); code != ExitFailures {
		t.Fatalf("analyze: exit %d, want %d\n%s", code, ExitFailures, stderr)
	}
	db, err := sql.Open("sqlite", out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := queryInt(t, db, `SELECT count(*) FROM files WHERE status = 'failed' AND error_class = 'crash' AND attempts = 1`); n != 1 {
		t.Fatalf("%d crashed files after analyze, want 1", n)
	}

	// Still crashing: the retry fails it again, with the run's settings.
	code, stderr := runCode(t, nil, "retry", "--progress", "none", out)
	if code != ExitFailures {
		t.Fatalf("retry of a file that still crashes: exit %d, want %d\n%s", code, ExitFailures, stderr)
	}
	if !strings.Contains(stderr, "1 files that failed in run 1 of") || !strings.Contains(stderr, "retried as run 2") {
		t.Fatalf("retry summary: %s", stderr)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM files WHERE status = 'failed' AND error_class = 'crash' AND attempts = 1 AND run_id = 2`); n != 1 {
		t.Fatalf("after a failed retry the file is not recorded failed by run 2 with one attempt (--retries 0 of run 1)")
	}

	// Fixed: the retry analyzes it.
	if err := os.WriteFile(crash, []byte("def fixed():\n    return 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr = runCode(t, nil, "retry", "--progress", "none", out)
	if code != ExitOK {
		t.Fatalf("retry of a fixed file: exit %d\n%s", code, stderr)
	}
	var status, defs string
	if err := db.QueryRow(`SELECT f.status, group_concat(d.qualname) FROM file_results f JOIN definitions d ON d.file_id = f.id WHERE f.path = 'crash.py'`).Scan(&status, &defs); err != nil {
		t.Fatal(err)
	}
	if status != "analyzed" || defs != "fixed" {
		t.Fatalf("retried file: %s %s", status, defs)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM files WHERE run_id = 3`); n != 1 {
		t.Fatalf("the third run (a retry) wrote %d files, want only the one that failed", n)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM files WHERE run_id = 1 AND status = 'analyzed'`); n != 20 {
		t.Fatalf("%d files still from the first run, want 20", n)
	}
	var opts, outcome, hash1, hash3 string
	db.QueryRow(`SELECT options, outcome, options_hash FROM runs WHERE id = 3`).Scan(&opts, &outcome, &hash3)
	db.QueryRow(`SELECT options_hash FROM runs WHERE id = 1`).Scan(&hash1)
	var ro struct {
		RetryOf int64           `json:"retry_of"`
		Options json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal([]byte(opts), &ro); err != nil || ro.RetryOf != 2 || !bytes.Contains(ro.Options, []byte(`"isolate":true`)) {
		t.Fatalf("options of the retry run: %s (%v)", opts, err)
	}
	if outcome != "completed" || hash3 != hash1 {
		t.Fatalf("retry run: outcome %s, options hash %s (first run's %s)", outcome, hash3, hash1)
	}

	// Nothing failed now: retry says so and records no run.
	code, stderr = runCode(t, nil, "retry", "--progress", "none", out)
	if code != ExitOK || !strings.Contains(stderr, "nothing to retry") {
		t.Fatalf("retry with no failures: exit %d\n%s", code, stderr)
	}
	// The retried record counts as the analysis of the original options:
	// an incremental analyze analyzes nothing again.
	code, stderr = runCode(t, nil, analyze...)
	if code != ExitOK {
		t.Fatalf("analyze after retry: exit %d\n%s", code, stderr)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM files WHERE run_id > 3`); n != 0 {
		t.Fatalf("the analyze after the retry rewrote %d files\n%s", n, stderr)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM runs`); n != 4 {
		t.Fatalf("%d runs, want 4 (analyze, 2 retries, analyze)", n)
	}
}

// TestRetryInProcessTimeout: files that timed out in process (the analysis
// was slowed past --timeout) are analyzed by retry once they are fast. The
// slowed analysis takes an hour, so that it times out however slow the
// machine; the run abandons it, and the process exits without waiting.
func TestRetryInProcessTimeout(t *testing.T) {
	dir := tree(t, 3)
	out := filepath.Join(t.TempDir(), "t.db")
	code, stderr := runCode(t, []string{"PYBATCH_TEST_DELAY=1h"}, "analyze", "--timeout", "100ms", "--retries", "0", "-j", "3",
		"--no-ignore", "--progress", "none", "-o", out, dir)
	if code != ExitFailures || !strings.Contains(stderr, "timeout=3") {
		t.Fatalf("analyze with a slow analysis: exit %d\n%s", code, stderr)
	}
	// retry's own analysis is the real one (not slowed).
	code, stderr = runCode(t, nil, "retry", "--progress", "none", out)
	if code != ExitOK || !strings.Contains(stderr, "3 files: 3 analyzed") {
		t.Fatalf("retry: exit %d\n%s", code, stderr)
	}
	db, err := sql.Open("sqlite", out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := queryInt(t, db, `SELECT count(*) FROM files WHERE status = 'analyzed' AND run_id = 2`); n != 3 {
		t.Fatalf("%d files analyzed by the retry, want 3", n)
	}
}

func TestRetryUsageAndErrors(t *testing.T) {
	tmp := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"retry", filepath.Join(tmp, "missing.db")}, ExitError, "no such file"},
		{[]string{"retry", filepath.Join(tmp, "out.jsonl")}, ExitUsage, "needs a SQLite database"},
		{[]string{"retry", "a.db", "b.db"}, ExitUsage, "one DATABASE at most"},
		{[]string{"retry", "--bogus"}, ExitUsage, "unknown flag --bogus"},
	} {
		code, stderr := runCode(t, nil, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", c.args, code, c.code, c.want, stderr)
		}
	}
	// A database without results, and one that another run holds.
	dir := tree(t, 2)
	out := filepath.Join(tmp, "ok.db")
	if code, stderr := runCode(t, nil, "analyze", "--no-ignore", "--progress", "none", "-o", out, dir); code != ExitOK {
		t.Fatalf("analyze: %d\n%s", code, stderr)
	}
	if code, stderr := runCode(t, nil, "retry", out); code != ExitOK || !strings.Contains(stderr, "nothing to retry") {
		t.Fatalf("retry with nothing failed: exit %d\n%s", code, stderr)
	}
	// A foreign file is refused, not turned into a database.
	notDB := filepath.Join(tmp, "notes.txt")
	os.WriteFile(notDB, []byte("hello\n"), 0o644)
	if code, stderr := runCode(t, nil, "retry", notDB); code != ExitError {
		t.Fatalf("retry of a text file: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(notDB); string(b) != "hello\n" {
		t.Fatal("retry changed a file that is not a database")
	}
}
