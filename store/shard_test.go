package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/result"
)

// The split is a documented function of the path that any language
// computes; these values come from the Python one-liner in ShardOf's
// comment.
func TestShardOfMatchesPython(t *testing.T) {
	for _, c := range []struct {
		path string
		want [4]int // of 2, 3, 8, 1000
	}{
		{"a.py", [4]int{1, 1, 3, 99}},
		{"pkg/__init__.py", [4]int{0, 0, 2, 954}},
		{"json/decoder.py", [4]int{1, 0, 5, 893}},
		{"é/ü.py", [4]int{0, 2, 0, 944}},
	} {
		for i, n := range []int{2, 3, 8, 1000} {
			if got := ShardOf(c.path, n); got != c.want[i] {
				t.Errorf("ShardOf(%q, %d) = %d, want %d", c.path, n, got, c.want[i])
			}
		}
	}
}

func TestShardHasPartitions(t *testing.T) {
	const n = 5
	counts := make([]int, n)
	for i := range 10000 {
		p := fmt.Sprintf("dir%d/file%d.py", i%37, i)
		owners := 0
		for k := range n {
			if (Shard{k, n}).Has(p) {
				owners++
				counts[k]++
			}
		}
		if owners != 1 {
			t.Fatalf("%s belongs to %d shards of %d", p, owners, n)
		}
		if !(Shard{}).Has(p) {
			t.Fatalf("the zero Shard does not have %s", p)
		}
	}
	for k, c := range counts {
		if c < 1800 || c > 2200 { // 2000 expected; binomial sd 40
			t.Errorf("shard %d has %d of 10000 paths: the hash does not spread", k, c)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"3/8", Shard{3, 8}, ""},
		{" 0/1 ", Shard{0, 1}, ""},
		{"8/8", Shard{}, "between 0 and 7"},
		{"-1/8", Shard{}, "between 0 and 7"},
		{"1/0", Shard{}, "between 1 and"},
		{"3", Shard{}, "want K/N"},
		{"a/b", Shard{}, "two whole numbers"},
		{"1/100000", Shard{}, "between 1 and 99999"},
	} {
		got, err := ParseShard(c.in)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("ParseShard(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
		} else if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("ParseShard(%q): error %v, want one containing %q", c.in, err, c.err)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, c := range []struct {
		env    map[string]string
		shards int
		want   Shard
		err    string
	}{
		{map[string]string{"JOB_COMPLETION_INDEX": "2", "PYBATCH_SHARDS": "4"}, 0, Shard{2, 4}, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "2", "PYBATCH_SHARDS": "4"}, 8, Shard{2, 8}, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "2"}, 0, Shard{}, "--shards N or set PYBATCH_SHARDS"},
		{map[string]string{"JOB_COMPLETION_INDEX": "4", "PYBATCH_SHARDS": "4"}, 0, Shard{}, "between 0 and 3"},
		{map[string]string{"JOB_COMPLETION_INDEX": "x", "PYBATCH_SHARDS": "4"}, 0, Shard{}, `JOB_COMPLETION_INDEX="x"`},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "0"}, 0, Shard{5, 8}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "2"}, 0, Shard{3, 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, Shard{}, "contiguous"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, 0, Shard{}, "SLURM_ARRAY_TASK_COUNT"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, 8, Shard{1, 8}, ""},
		// A retried task: an array of one, the shard from its id.
		{map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "3", "PYBATCH_SHARDS": "8"}, 0, Shard{3, 8}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "1", "PYBATCH_SHARDS": "8"}, 0, Shard{}, "--array=0-7"},
		{map[string]string{}, 0, Shard{}, "neither JOB_COMPLETION_INDEX"},
	} {
		got, err := ShardFromEnv(func(k string) string { return c.env[k] }, c.shards)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("%v --shards %d: %v, %v; want %v", c.env, c.shards, got, err, c.want)
			}
		} else if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%v --shards %d: error %v, want one containing %q", c.env, c.shards, err, c.err)
		}
	}
}

func TestPartName(t *testing.T) {
	s := Shard{3, 8}
	if got := s.PartName(); got != "part-00003-of-00008" {
		t.Fatalf("PartName = %q", got)
	}
	if back, ok := ParsePartName("part-00003-of-00008"); !ok || back != s {
		t.Fatalf("ParsePartName = %v, %v", back, ok)
	}
	for _, bad := range []string{"part-00008-of-00008", "part-3-of-8", "part-00003-of-00008.db", "xpart-00003-of-00008"} {
		if _, ok := ParsePartName(bad); ok {
			t.Errorf("ParsePartName(%q) accepted", bad)
		}
	}
}

// writeParts writes n JSON Lines parts of one run into dir, each holding
// the paths of its shard among paths, and returns their files.
func writeParts(t *testing.T, dir string, n int, paths []string, run string) []PartFiles {
	t.Helper()
	var out []PartFiles
	for k := range n {
		pf := PartsOf(dir, Shard{k, n}, "jsonl")
		if err := pf.Begin(); err != nil {
			t.Fatal(err)
		}
		tmp := pf.Temp()
		var b []byte
		for _, p := range paths {
			if ShardOf(p, n) == k {
				var err error
				if b, err = AppendLine(b, &result.Record{Source: "/src", Path: p, Status: result.Skipped, SkipReason: "binary", Size: 1}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := pf.Commit(tmp, PartStats{Run: run, Shard: k, Shards: n, Format: "jsonl", Roots: []string{"/src"}, ToolVersion: "v", OptionsHash: "h"}); err != nil {
			t.Fatal(err)
		}
		out = append(out, pf)
	}
	return out
}

func mergeAll(t *testing.T, args []string) ([]string, error) {
	t.Helper()
	parts, err := FindParts(args)
	if err != nil {
		return nil, err
	}
	var buf strings.Builder
	out := NewJSONL(&buf, JSONLOptions{})
	if _, err := MergeParts(context.Background(), parts, out); err != nil {
		return nil, err
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n"), nil
}

func TestFindPartsAndMerge(t *testing.T) {
	var paths []string
	for i := range 200 {
		paths = append(paths, fmt.Sprintf("p%d/f%d.py", i%7, i))
	}
	dir := t.TempDir()
	pfs := writeParts(t, dir, 4, paths, "run1")
	lines, err := mergeAll(t, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != len(paths) {
		t.Fatalf("merged %d records, want %d", len(lines), len(paths))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		rec, err := DecodeLine([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		if seen[rec.Path] {
			t.Fatalf("%s merged twice", rec.Path)
		}
		seen[rec.Path] = true
	}
	// The part files named one by one, and a directory and a file of it
	// together, are the same parts.
	var files []string
	for _, pf := range pfs {
		files = append(files, pf.Part)
	}
	if _, err := mergeAll(t, files); err != nil {
		t.Fatalf("parts named by file: %v", err)
	}
	if _, err := mergeAll(t, append([]string{dir}, files[1])); err != nil {
		t.Fatalf("a part named by its directory and its file: %v", err)
	}

	refuse := func(what string, args []string, want ...string) {
		t.Helper()
		_, err := mergeAll(t, args)
		if err == nil {
			t.Fatalf("%s: merged", what)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", what, err, w)
			}
		}
	}
	// Missing.
	refuse("a missing shard", files[:3], "1 of 4 shards are missing", "part-00003-of-00004")
	// Duplicated: the same shard in another directory.
	other := t.TempDir()
	dup := writeParts(t, other, 4, paths, "run1")
	refuse("a duplicated shard", append(files, dup[2].Part), "shard 2/4 is given twice", dup[2].Part, files[2])
	// Foreign: another number of shards, another run, other roots.
	eight := writeParts(t, t.TempDir(), 8, paths, "run1")
	refuse("a part of 8 shards", append(files[:3], eight[3].Part), "foreign", "8 shards, not 4")
	run2 := writeParts(t, t.TempDir(), 4, paths, "run2")
	refuse("a part of another run", append(files[:3], run2[3].Part), "foreign", "run run2, not run1", run2[3].Part)
	st := readStats(t, run2[1].Stats)
	st.Run, st.Roots = "run1", []string{"/mnt/src"}
	writeStats(t, run2[1].Stats, st)
	refuse("a part of another mount", []string{files[0], run2[1].Part, files[2], files[3]}, "roots /mnt/src, not /src", "same path")
	// Incomplete: no marker (a shard being run again, or killed before its
	// end), no statistics.
	if err := os.Remove(pfs[1].Marker); err != nil {
		t.Fatal(err)
	}
	refuse("a part without its marker", []string{dir}, "part-00001-of-00004", "incomplete", "run shard 1/4 again")
	refuse("a part file without its marker", files, "part-00001-of-00004", "incomplete")
	if err := os.WriteFile(pfs[1].Marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(pfs[2].Stats); err != nil {
		t.Fatal(err)
	}
	refuse("a part without statistics", files, "part-00002-of-00004", "incomplete")
	// A part whose content is of another shard (renamed by hand).
	bad := t.TempDir()
	wp := writeParts(t, bad, 2, paths, "r")
	a, b := wp[0].Part, wp[1].Part
	if err := os.Rename(a, a+".x"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(a+".x", b); err != nil {
		t.Fatal(err)
	}
	refuse("parts swapped", []string{bad}, "belongs to shard 1/2, not 0/2", "foreign")
	refuse("not a part", []string{filepath.Join(dir, "_SUCCESS.part-00000-of-00004")}, "not a part")
	refuse("no part in a directory", []string{t.TempDir()}, "holds no part")
}

func readStats(t *testing.T, name string) PartStats {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var st PartStats
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func writeStats(t *testing.T, name string, st PartStats) {
	t.Helper()
	b, _ := json.Marshal(st)
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Running a shard again replaces its part and nothing else; its marker is
// gone from the start of the run to its end.
func TestPartRerunReplacesOnlyItsPart(t *testing.T) {
	dir := t.TempDir()
	paths := []string{"a.py", "b.py", "c.py", "d.py", "e.py"}
	pfs := writeParts(t, dir, 2, paths, "r")
	other, err := os.ReadFile(pfs[1].Part)
	if err != nil {
		t.Fatal(err)
	}
	otherTime := mtime(t, pfs[1].Part)
	pf := pfs[0]
	if err := pf.Begin(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pf.Marker); !os.IsNotExist(err) {
		t.Fatalf("the marker of a shard being run is still there: %v", err)
	}
	if _, err := FindParts([]string{dir}); err == nil || !strings.Contains(err.Error(), "part-00000-of-00002") {
		t.Fatalf("a shard being run again is merged: %v", err)
	}
	tmp := pf.Temp()
	if err := os.WriteFile(tmp, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pf.Commit(tmp, PartStats{Run: "r", Shard: 0, Shards: 2, Format: "jsonl", Roots: []string{"/src"}, ToolVersion: "v", OptionsHash: "h", Files: 0}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(pf.Part); len(b) != 0 {
		t.Fatalf("the part was not replaced: %q", b)
	}
	if b, _ := os.ReadFile(pfs[1].Part); string(b) != string(other) || !mtime(t, pfs[1].Part).Equal(otherTime) {
		t.Fatal("the other shard's part changed")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func mtime(t *testing.T, name string) time.Time {
	t.Helper()
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return st.ModTime()
}

func TestReadJSONLRefusesACutLine(t *testing.T) {
	b, _ := AppendLine(nil, &result.Record{Source: "/s", Path: "a.py", Status: result.Skipped})
	b = append(b, b[:len(b)/2]...)
	n := 0
	var last error
	for _, err := range ReadJSONL(strings.NewReader(string(b))) {
		n++
		last = err
	}
	if n != 2 || last == nil || !strings.Contains(last.Error(), "line 2 is cut short") {
		t.Fatalf("%d records, last error %v", n, last)
	}
}
