package cli

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/result"
)

// -q prints nothing on success; -v names each skipped or failed file with
// its reason; --log writes one JSON line per file; unreadable files are
// named on stderr and make the exit status 1.
func TestVerbosityAndLog(t *testing.T) {
	dir := tree(t, 6)
	if err := os.WriteFile(filepath.Join(dir, "bin.py"), []byte("a\x00b"), 0o644); err != nil {
		t.Fatal(err)
	}
	// a copy: one of the two is answered from the other's analysis
	if err := os.WriteFile(filepath.Join(dir, "copy.py"), []byte("def f0():\n    return 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	out := filepath.Join(work, "o.jsonl")
	if code, stderr := runCode(t, nil, "analyze", "-q", "--no-ignore", "-o", out, dir); code != ExitOK || stderr != "" {
		t.Fatalf("-q: exit %d, stderr %q", code, stderr)
	}
	logf := filepath.Join(work, "run.log")
	code, stderr := runCode(t, nil, "analyze", "-v", "--progress", "none", "--log", logf, "--no-ignore", "-o", out, dir)
	if code != ExitOK || !strings.Contains(stderr, "skipped "+filepath.Join(dir, "bin.py")+": binary") {
		t.Fatalf("-v: exit %d\n%s", code, stderr)
	}
	f, err := os.Open(logf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byStatus := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		for _, k := range []string{"time", "level", "msg", "source", "path", "status", "duration_ms"} {
			if _, ok := l[k]; !ok {
				t.Errorf("log line lacks %q: %s", k, sc.Text())
			}
		}
		byStatus[l["status"].(string)]++
		if l["reused"] == true {
			byStatus["reused"]++
		}
	}
	if byStatus["analyzed"] != 7 || byStatus["skipped"] != 1 || byStatus["reused"] != 1 {
		t.Errorf("log lines by status (and reused): %v", byStatus)
	}
	for _, args := range [][]string{{"-q", "-v"}, {"--log", ""}} {
		if code, stderr := runCode(t, nil, append(append([]string{"analyze"}, args...), dir)...); code != ExitUsage || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d\n%s", args, code, stderr)
		}
	}
	if os.Getuid() == 0 {
		return // root reads everything
	}
	locked := filepath.Join(dir, "pkg1", "m1.py")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o644)
	code, stderr = runCode(t, nil, "analyze", "--progress", "none", "--no-resume", "--no-ignore", "-o", out, dir)
	if code != ExitFailures || !strings.Contains(stderr, locked) {
		t.Errorf("an unreadable file: exit %d\n%s", code, stderr)
	}
}

// The cost per record of -v and --log:
//
//	go test -run '^$' -bench Notes -benchtime 100000x ./internal/cli
//
// about 2.5 µs with --log (one slog JSON line), against some 350 µs of CPU
// to analyze the average file of a Python standard library: under 1%.
func BenchmarkNotes(b *testing.B) {
	rec := &result.Record{Source: "/usr/lib/python3.11", Path: "email/_header_value_parser.py", Size: 107000,
		Status: result.Analyzed, Attempts: 1, Duration: 3 * time.Millisecond}
	for _, c := range []struct {
		name string
		v    verbosity
	}{{"neither", verbosity{}}, {"v", verbosity{verbose: true}}, {"v+log", verbosity{verbose: true, log: filepath.Join(b.TempDir(), "run.log")}}} {
		b.Run(c.name, func(b *testing.B) {
			n, err := newNotes(io.Discard, "pybatch analyze", c.v, false)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				n.record(rec)
			}
			if err := n.finish(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
