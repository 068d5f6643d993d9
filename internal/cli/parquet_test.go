package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/store"
)

func parquetPaths(t *testing.T, dir string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for rec, err := range store.ReadParquet(context.Background(), dir) {
		if err != nil {
			t.Fatal(err)
		}
		got[rec.Path]++
	}
	return got
}

// analyze --format parquet: the output's name or the flag chooses it, the
// flags that make no sense with it are refused in one line, shards write
// their parts side by side into one directory, and report and retry know
// it.
func TestAnalyzeParquet(t *testing.T) {
	dir := tree(t, 30)
	work := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "parquet", "-o", "-"}, "cannot write to stdout"},
		{[]string{"--format", "parquet", "--parquet-chunk-files", "0", "-o", filepath.Join(work, "x")}, "at least 1"},
		{[]string{"--parquet-chunk-files", "5", "-o", filepath.Join(work, "x.db")}, "applies to a Parquet output"},
	} {
		code, stderr := runCode(t, nil, append(append([]string{"analyze", "--progress", "none"}, c.args...), dir)...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("analyze %q: exit %d, want %d and %q:\n%s", c.args, code, ExitUsage, c.want, stderr)
		}
	}
	// By name: *.parquet is a Parquet directory, and so is an existing one.
	out := filepath.Join(work, "r.parquet")
	if code, stderr := runCode(t, nil, "analyze", "--progress", "none", "--no-ignore", "--parquet-chunk-files", "7", "-o", out, dir); code != ExitOK {
		t.Fatalf("analyze -o %s: %d\n%s", out, code, stderr)
	}
	if !store.IsParquetDir(out) {
		t.Fatalf("%s is not a Parquet output", out)
	}
	got := parquetPaths(t, out)
	if len(got) < 30 {
		t.Fatalf("%d files in the output", len(got))
	}
	if parts, _ := filepath.Glob(filepath.Join(out, "files", "*.parquet")); len(parts) < 5 {
		t.Errorf("%d files parts with chunks of 7 files", len(parts))
	}
	renamed := filepath.Join(work, "results")
	if err := os.Rename(out, renamed); err != nil {
		t.Fatal(err)
	}
	// A complete output is replaced by the next run, not added to.
	if code, stderr := runCode(t, nil, "analyze", "--progress", "none", "--no-ignore", "-o", renamed, dir); code != ExitOK || !strings.Contains(stderr, "pybatch report "+renamed) {
		t.Fatalf("analyze into an existing Parquet output: %d\n%s", code, stderr)
	}
	if again := parquetPaths(t, renamed); len(again) != len(got) {
		t.Errorf("%d files after a second run, want %d", len(again), len(got))
	}
	for p, n := range parquetPaths(t, renamed) {
		if n != 1 {
			t.Errorf("%s held %d times", p, n)
		}
	}
	if code, stderr := runCode(t, nil, "retry", renamed); code != ExitUsage || !strings.Contains(stderr, "Parquet output") {
		t.Errorf("retry of a Parquet output: exit %d\n%s", code, stderr)
	}

	// Two shards into one directory: parts side by side, markers and
	// statistics beside them, and the report reads both.
	shards := filepath.Join(work, "shards")
	for _, k := range []string{"0/2", "1/2"} {
		if code, stderr := runCode(t, nil, "analyze", "--progress", "none", "--no-ignore", "--shard", k, "--format", "parquet", "-o", shards, dir); code != ExitOK {
			t.Fatalf("analyze --shard %s: %d\n%s", k, code, stderr)
		}
	}
	for _, f := range []string{"_SUCCESS.part-00000-of-00002", "_SUCCESS.part-00001-of-00002", "part-00001-of-00002.json",
		"files/part-00000-of-00002-c0000.parquet", "files/part-00001-of-00002-c0000.parquet"} {
		if _, err := os.Stat(filepath.Join(shards, f)); err != nil {
			t.Error(err)
		}
	}
	if all := parquetPaths(t, shards); len(all) != len(got) {
		t.Errorf("the shards hold %d files, the single run %d", len(all), len(got))
	}
	var stdout strings.Builder
	cmd := pybatch(t, []string{"NO_COLOR=1"}, "report", "--format", "json", shards)
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil || !strings.Contains(stdout.String(), `"format": "parquet"`) {
		t.Errorf("report of the shards: %v\n%s", err, stdout.String())
	}
}
