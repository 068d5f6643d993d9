package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pybatch report prints the terminal report of a database, a JSON Lines
// output or a Parquet directory: the same figures from each, as text or
// JSON, cut to --top.
func TestTerminalReport(t *testing.T) {
	dir := tree(t, 12)
	os.WriteFile(filepath.Join(dir, "bad.py"), []byte("x = (\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "branchy.py"), []byte("def g(a):\n"+strings.Repeat("    if a: a += 1\n", 12)+"    return a\n"), 0o644)
	// A copy: its content is analyzed once, and the report says so.
	os.WriteFile(filepath.Join(dir, "copy.py"), []byte("x = (\n"), 0o644)
	// A file that needs 3.10, and one with a SyntaxWarning (an invalid escape).
	os.WriteFile(filepath.Join(dir, "matcher.py"), []byte("match x:\n    case 1:\n        pass\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "escape.py"), []byte("p = '\\d+'\n"), 0o644)
	work := t.TempDir()
	db, jl, pq := filepath.Join(work, "r.db"), filepath.Join(work, "r.jsonl"), filepath.Join(work, "r-parquet")
	for _, out := range [][]string{{"-o", db}, {"-o", jl}, {"--format", "parquet", "-o", pq}} {
		if code, stderr := runCode(t, nil, append([]string{"analyze", "--progress", "none", "--no-ignore"}, append(out, dir)...)...); code != ExitOK {
			t.Fatalf("analyze: %d\n%s", code, stderr)
		}
	}
	// A second run that changes one file: the report compares the runs.
	os.WriteFile(filepath.Join(dir, "pkg1", "m1.py"), []byte("y = 2\n"), 0o644)
	if code, stderr := runCode(t, nil, "analyze", "--progress", "none", "--no-ignore", "-o", db, dir); code != ExitOK {
		t.Fatalf("analyze again: %d\n%s", code, stderr)
	}
	report := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := pybatch(t, []string{"NO_COLOR=1"}, append([]string{"report"}, args...)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("report %q: %v\n%s", args, err, stderr.String())
		}
		return stdout.String()
	}
	for _, in := range []string{db, jl, pq} {
		text := report(in)
		for _, want := range []string{
			"17 files: 17 analyzed", "2 with syntax errors", "1 of them with the bytes of another file",
			"functions and methods by radon rank", "C 11-20",
			"13 C  branchy.py:1 g",
			"bad.py:1:5: SyntaxError: '(' was never closed",
			"Slowest files", "Largest files",
			"1 SyntaxWarning in 1 file", "files by the lowest Python version that parses them: 3.0: 14, 3.10: 1",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("report %s lacks %q:\n%s", in, want, text)
			}
		}
		if strings.Contains(text, "\x1b[") {
			t.Errorf("NO_COLOR, yet escapes:\n%s", text)
		}
		var s struct {
			Files int64 `json:"files"`
			Dups  int64 `json:"duplicate_files"`
			Ranks []int `json:"ranks"`
			Warns int64 `json:"warnings"`
			Vers  []struct {
				Name  string `json:"name"`
				Count int64  `json:"count"`
			} `json:"lowest_versions"`
			Complex []struct {
				Path       string `json:"path"`
				Complexity int    `json:"complexity"`
			} `json:"most_complex"`
		}
		if err := json.Unmarshal([]byte(report("--format", "json", "--top", "3", in)), &s); err != nil {
			t.Fatal(err)
		}
		if s.Files != 17 || s.Dups != 1 || len(s.Complex) != 3 || s.Complex[0].Path != "branchy.py" || s.Ranks[2] != 1 ||
			s.Warns != 1 || len(s.Vers) != 2 || s.Vers[1].Name != "3.10" || s.Vers[1].Count != 1 {
			t.Errorf("report --format json --top 3 %s: %+v", in, s)
		}
	}
	if text := report(db); !strings.Contains(text, "1 new or changed, 16 unchanged, 0 vanished") || !strings.Contains(text, "previous  #1") {
		t.Errorf("the runs are not compared:\n%s", text)
	}
	// analyze's summary says where the results went and this command.
	if _, stderr := runCode(t, nil, "analyze", "--progress", "none", "--no-ignore", "-o", db, dir); !strings.Contains(stderr, "pybatch report "+db) {
		t.Errorf("analyze does not point at the report:\n%s", stderr)
	}
	for _, args := range [][]string{{"--top", "0", db}, {"--format", "xml", db}, {"--html", "x.html", "--format", "json", db}} {
		if code, stderr := runCode(t, nil, append([]string{"report"}, args...)...); code != ExitUsage || strings.Count(stderr, "\n") != 1 {
			t.Errorf("report %q: exit %d\n%s", args, code, stderr)
		}
	}
}
