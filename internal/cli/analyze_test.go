package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"

	_ "modernc.org/sqlite"
)

// The test binary doubles as the pybatch command: with this variable set,
// TestMain runs cli.Run on its arguments, as cmd/pybatch does, but with
// testAnalyze, whose delay and crash triggers exist only in this test file.
// A worker started by analyze --isolate is this same binary, so it gets them
// too.
const mainEnv = "PYBATCH_CLI_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, testAnalyze)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// testAnalyze is the command's analysis, slowed down by PYBATCH_TEST_DELAY
// (so that a signal can land mid-run), and crashing the worker process on a
// file that starts with "#CRASH".
func testAnalyze(path string, src []byte) *analysis.Report {
	if d, err := time.ParseDuration(os.Getenv("PYBATCH_TEST_DELAY")); err == nil {
		time.Sleep(d)
	}
	if bytes.HasPrefix(src, []byte("#CRASH")) {
		os.Exit(9)
	}
	return analyzeFile(path, src)
}

func pybatch(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), mainEnv+"=1"), env...)
	return cmd
}

// tree writes n small Python files (and a few that are skipped) under a
// temp directory.
func tree(t *testing.T, n int) string {
	t.Helper()
	return treeIn(t, t.TempDir(), n)
}

// treeIn writes tree's files under dir and returns dir.
func treeIn(t *testing.T, dir string, n int) string {
	t.Helper()
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("pkg%d", i%10))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		src := fmt.Sprintf("def f%d():\n    return %d\n", i, i)
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("m%d.py", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type line struct {
	Path       string `json:"path"`
	Status     string `json:"status"`
	SkipReason string `json:"skip_reason"`
	ErrClass   string `json:"error_class"`
	Report     *struct {
		SHA256 string `json:"sha256"`
	} `json:"report"`
}

// parseLines fails unless every line of out is a complete JSON object.
func parseLines(t *testing.T, out []byte) []line {
	t.Helper()
	if len(out) > 0 && out[len(out)-1] != '\n' {
		t.Fatalf("output ends with a partial line: %q", out[max(0, len(out)-80):])
	}
	var ls []line
	for i, s := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if s == "" {
			continue
		}
		var l line
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("line %d is not a JSON record: %v: %q", i+1, err, s)
		}
		ls = append(ls, l)
	}
	return ls
}

func TestAnalyzeJSONLinesToStdout(t *testing.T) {
	dir := tree(t, 30)
	if err := os.WriteFile(filepath.Join(dir, "bin.py"), []byte("a\x00b"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.py"), bytes.Repeat([]byte("#\n"), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := pybatch(t, nil, "analyze", "-o", "-", dir, "--max-size", "1KB", "--no-ignore", "-j", "2")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	ls := parseLines(t, out)
	got := map[string]int{}
	for _, l := range ls {
		got[l.Status+l.SkipReason+l.ErrClass]++
		if l.Status == "analyzed" && (l.Report == nil || len(l.Report.SHA256) != 64) {
			t.Fatalf("analyzed record without its report: %+v", l)
		}
	}
	if fmt.Sprint(got) != "map[analyzed:30 skippedbinary:1 skippedtoo_large:1]" {
		t.Fatalf("records: %v", got)
	}
	if !strings.Contains(stderr.String(), "32 files: 30 analyzed") || !strings.Contains(stderr.String(), "binary=1 too_large=1") {
		t.Fatalf("summary on stderr: %s", stderr.String())
	}
}

func TestAnalyzeSQLiteDefaultAndIsolatedCrash(t *testing.T) {
	dir := tree(t, 20)
	if err := os.WriteFile(filepath.Join(dir, "crash.py"), []byte("#CRASH\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	var stderr bytes.Buffer
	cmd := pybatch(t, nil, "analyze", "--isolate", "-j", "2", "--recycle-after", "4", "--no-ignore", dir)
	cmd.Dir = work
	cmd.Stderr = &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != ExitFailures {
		t.Fatalf("exit %d (%v), want %d (some files failed)\n%s", code, err, ExitFailures, stderr.String())
	}
	db, err := sql.Open("sqlite", filepath.Join(work, DefaultOutput))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var analyzed, crashed int
	var outcome string
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE status = 'analyzed'), count(*) FILTER (WHERE status = 'failed' AND error_class = 'crash') FROM files`).Scan(&analyzed, &crashed); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT outcome FROM runs ORDER BY id DESC LIMIT 1`).Scan(&outcome); err != nil {
		t.Fatal(err)
	}
	if analyzed != 20 || crashed != 1 || outcome != "completed" {
		t.Fatalf("analyzed %d, crashed %d, outcome %s\n%s", analyzed, crashed, outcome, stderr.String())
	}
	var attempts int
	if err := db.QueryRow(`SELECT attempts FROM files WHERE error_class = 'crash'`).Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 {
		t.Fatalf("a crash is transient: tried %d times, want 1 + --retries 2", attempts)
	}
}

func TestAnalyzeUsageAndConfigurationErrors(t *testing.T) {
	dir := tree(t, 1)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"analyze"}, ExitUsage, "no PATH"},
		{[]string{"analyze", "--bogus", dir}, ExitUsage, "unknown flag --bogus"},
		{[]string{"analyze", filepath.Join(dir, "nope")}, ExitUsage, "no such file"},
		{[]string{"analyze", "--include", "[", dir}, ExitUsage, "bad include pattern"},
		{[]string{"analyze", "--max-size", "lots", dir}, ExitUsage, `--max-size: "lots" is not a size`},
		{[]string{"analyze", "-o", filepath.Join(dir, "no", "such", "dir", "x.db"), dir}, ExitError, "x.db"},
		{[]string{"analyze", "--format", "xml", dir}, ExitUsage, `--format: "xml" is not one of sqlite, jsonl`},
	} {
		var stderr bytes.Buffer
		cmd := pybatch(t, nil, c.args...)
		cmd.Stderr = &stderr
		cmd.Dir = t.TempDir()
		_ = cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, want %d; stderr must mention %q:\n%s", c.args, code, c.code, c.msg, stderr.String())
		}
	}
}

// A real process, interrupted by a real signal mid-run, stops with the
// interrupted exit status, leaves only whole lines, prints its summary, and
// leaves no worker process behind.
func TestAnalyzeStopsCleanlyOnSignal(t *testing.T) {
	for _, c := range []struct {
		name    string
		sig     syscall.Signal
		isolate bool
	}{{"SIGINT", syscall.SIGINT, false}, {"SIGTERM", syscall.SIGTERM, false}, {"SIGINT-isolated", syscall.SIGINT, true}} {
		t.Run(c.name, func(t *testing.T) {
			const n = 600
			dir := tree(t, n)
			marker := "PYBATCH_TEST_RUN=" + strconv.FormatInt(time.Now().UnixNano(), 10)
			args := []string{"analyze", "-o", "-", "-j", "2", "--no-ignore", "--progress", "json", dir}
			if c.isolate {
				args = append(args, "--isolate")
			}
			cmd := pybatch(t, []string{"PYBATCH_TEST_DELAY=10ms", marker}, args...)
			var out bytes.Buffer
			cmd.Stdout = &out
			stderrPipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Read progress events until some files are done, then signal.
			var stderr bytes.Buffer
			r := bufio.NewReader(stderrPipe)
			for {
				s, err := r.ReadString('\n')
				stderr.WriteString(s)
				if err != nil {
					t.Fatalf("stderr ended before any progress: %v\n%s", err, stderr.String())
				}
				var ev struct {
					FilesDone int `json:"files_done"`
				}
				if json.Unmarshal([]byte(s), &ev) == nil && ev.FilesDone >= 1 {
					break
				}
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(r)
			stderr.Write(rest)
			_ = cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
				t.Fatalf("exit %d, want %d\n%s", code, ExitInterrupted, stderr.String())
			}
			ls := parseLines(t, out.Bytes())
			if len(ls) < 1 || len(ls) >= n {
				t.Fatalf("%d records: the signal did not stop the run midway", len(ls))
			}
			for _, l := range ls {
				if l.Status != "analyzed" {
					t.Fatalf("an interrupted file was reported: %+v", l)
				}
			}
			// Every line of --progress json is a JSON object; the last is
			// the summary, which counts the records written and says
			// interrupted.
			var last struct {
				Event       string `json:"event"`
				Files       int    `json:"files"`
				Interrupted bool   `json:"interrupted"`
				ExitStatus  int    `json:"exit_status"`
			}
			for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
				if err := json.Unmarshal([]byte(l), &last); err != nil {
					t.Fatalf("a line of --progress json is not JSON: %q", l)
				}
			}
			if last.Event != "summary" || last.Files != len(ls) || !last.Interrupted || last.ExitStatus != ExitInterrupted {
				t.Fatalf("the last event must be the summary of the %d records written, interrupted:\n%s", len(ls), stderr.String())
			}
			if pids := processesWith(marker); len(pids) > 0 {
				t.Fatalf("processes left behind: %v", pids)
			}
		})
	}
}

// processesWith lists live processes whose environment contains kv.
func processesWith(kv string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, v := range bytes.Split(env, []byte{0}) {
			if string(v) == kv {
				if st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && !bytes.Contains(st, []byte(") Z ")) {
					pids = append(pids, pid)
				}
			}
		}
	}
	return pids
}

// Re-running on the same database analyzes only what changed, touches a file
// whose mtime alone changed, and marks deleted files gone; a JSON Lines file
// is resumed, never duplicated.
func TestAnalyzeIncrementalRuns(t *testing.T) {
	dir := tree(t, 12)
	work := t.TempDir()
	run := func(out string, extra ...string) string {
		t.Helper()
		var stderr bytes.Buffer
		cmd := pybatch(t, nil, append([]string{"analyze", "--progress", "none", "-o", out, dir}, extra...)...)
		cmd.Dir = work
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		return stderr.String()
	}
	if s := run("a.db"); !strings.Contains(s, "12 files: 12 analyzed") {
		t.Fatalf("first run:\n%s", s)
	}
	if s := run("a.db"); !strings.Contains(s, "0 files:") || !strings.Contains(s, "12 files unchanged") {
		t.Fatalf("unchanged re-run:\n%s", s)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "pkg0", "m0.py"), later, later); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pkg1", "m1.py"), []byte("changed = True\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "pkg2", "m2.py")); err != nil {
		t.Fatal(err)
	}
	if s := run("a.db"); !strings.Contains(s, "2 files: 2 analyzed") || !strings.Contains(s, "9 files unchanged since the last run (not analyzed again), 1 with only a new mtime, 1 gone") {
		t.Fatalf("re-run after changes:\n%s", s)
	}
	db, err := sql.Open("sqlite", filepath.Join(work, "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var analyzed, gone int
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE status = 'analyzed'), count(*) FILTER (WHERE status = 'gone') FROM files`).Scan(&analyzed, &gone); err != nil {
		t.Fatal(err)
	}
	if analyzed != 11 || gone != 1 {
		t.Fatalf("database: %d analyzed, %d gone", analyzed, gone)
	}
	if s := run("a.db", "--no-resume"); !strings.Contains(s, "11 files: 11 analyzed") {
		t.Fatalf("--no-resume must analyze everything again:\n%s", s)
	}

	run("b.jsonl")
	run("b.jsonl")
	b, err := os.ReadFile(filepath.Join(work, "b.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if ls := parseLines(t, b); len(ls) != 11 {
		t.Fatalf("%d lines after a resumed JSON Lines run, want 11 (no duplicates)", len(ls))
	}
}

// A fresh JSON Lines run with a progress display counts first too (without a
// directory cache to hand over) and writes every record once.
func TestAnalyzeProgressJSONLines(t *testing.T) {
	dir := tree(t, 30)
	work := t.TempDir()
	var stderr bytes.Buffer
	cmd := pybatch(t, nil, "analyze", "--progress", "json", "--progress-interval", "5ms", "-o", "out.jsonl", dir)
	cmd.Dir = work
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(work, "out.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if ls := parseLines(t, b); len(ls) != 30 {
		t.Fatalf("%d lines, want 30", len(ls))
	}
	if !strings.Contains(stderr.String(), `"total_counted":true`) && !strings.Contains(stderr.String(), `"total_final":true`) {
		t.Fatalf("no total in the events:\n%s", stderr.String())
	}
}

// With a progress display the counting walk gives the whole tree's file
// total long before the (slowed) run has discovered it, and leaves out on a
// re-run the files the output already holds.
func TestAnalyzeProgressCountsAhead(t *testing.T) {
	dir := tree(t, 60)
	work := t.TempDir()
	run := func(extra ...string) []map[string]any {
		t.Helper()
		var stderr bytes.Buffer
		args := append([]string{"analyze", "-j", "1", "--progress", "json", "--progress-interval", "5ms", "-o", filepath.Join(work, "p.db")}, extra...)
		cmd := pybatch(t, []string{"PYBATCH_TEST_DELAY=20ms"}, append(args, dir)...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		var events []map[string]any
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.HasPrefix(l, "{") {
				var e map[string]any
				if err := json.Unmarshal([]byte(l), &e); err != nil {
					t.Fatalf("event %q: %v", l, err)
				}
				events = append(events, e)
			}
		}
		return events
	}
	events := run()
	counted := false
	for _, e := range events {
		if e["event"] == "progress" && e["total_counted"] == true {
			counted = true
			if e["files_total"] != float64(60) || e["files_done"].(float64) >= 60 {
				t.Errorf("counted event: %v", e)
			}
		}
	}
	if !counted {
		t.Fatalf("no progress event with a counted total among %d events", len(events))
	}
	// Touch one file: only it is discovered, and the count leaves out the
	// 59 others the database holds.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "pkg3", "m3.py"), later, later); err != nil {
		t.Fatal(err)
	}
	for _, e := range run() {
		if e["event"] == "summary" {
			continue // the last line: the run's summary, no totals
		}
		if e["files_total"].(float64) > 1 {
			t.Fatalf("re-run event with a total over the 1 changed file: %v", e)
		}
	}
}
