package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/storetest"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/store"
)

// shardTree is a tree with analyzed files, a syntax error, a binary file
// and one over --max-size, and the stdlib's email package as a second
// root: every kind of record a part holds.
func shardTree(t *testing.T) []string {
	t.Helper()
	dir := treeIn(t, t.TempDir(), 60)
	for name, src := range map[string]string{
		"bad/syntax.py":  "def f(:\n",
		"bad/binary.py":  "x = 1\x00\n",
		"big/large.py":   "x = 1\n" + strings.Repeat("# padding\n", 400),
		"warn/escape.py": "import re\np = re.compile('\\d+')\nq = f'''a{1}\n\\w\n'''\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{dir, filepath.Join(testenv.Stdlib(t), "email")}
}

// normalJSONL is a JSON Lines output with what depends on the run taken
// out (duration_ns) and its lines sorted: what a single run and a merge
// must agree on.
func normalJSONL(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		delete(m, "duration_ns")
		n, _ := json.Marshal(m)
		out = append(out, string(n))
	}
	slices.Sort(out)
	return out
}

func TestShardsMergeToTheSingleRun(t *testing.T) {
	roots := shardTree(t)
	work := t.TempDir()
	common := []string{"--progress", "none", "--max-size", "2KB"}
	analyze := func(args ...string) {
		t.Helper()
		code, stderr := runIn(t, work, append(append([]string{"analyze"}, common...), append(args, roots...)...)...)
		if code != ExitOK {
			t.Fatalf("pybatch analyze %v: exit %d\n%s", args, code, stderr)
		}
	}
	merge := func(args ...string) string {
		t.Helper()
		code, stderr := runIn(t, work, append([]string{"merge"}, args...)...)
		if code != ExitOK {
			t.Fatalf("pybatch merge %v: exit %d\n%s", args, code, stderr)
		}
		return stderr
	}
	analyze("-o", "single.db")
	analyze("-o", "single.jsonl")
	const n = 3
	for k := range n {
		analyze("--shard", store.Shard{Index: k, Count: n}.String(), "-o", "sq")
		analyze("--shard", store.Shard{Index: k, Count: n}.String(), "-o", "jl", "--format", "jsonl")
		analyze("--shard", store.Shard{Index: k, Count: n}.String(), "-o", "pq", "--format", "parquet")
	}
	want := storetest.DumpDB(t, filepath.Join(work, "single.db"))
	if !strings.Contains(want, "bad/syntax.py") || !strings.Contains(want, "/email|") || !strings.Contains(want, "warn/escape.py|1|6||") {
		t.Fatalf("the single run lacks files:\n%s", want)
	}
	wantJSONL := normalJSONL(t, filepath.Join(work, "single.jsonl"))
	for _, c := range []struct{ parts, out string }{
		{"sq", "m1.db"}, {"jl", "m2.db"}, {"pq", "m3.db"},
		{"sq", "m4.jsonl"}, {"jl", "m5.jsonl"}, {"pq", "m6.jsonl"},
		{"sq", "m7.parquet"}, {"pq", "m8.parquet"},
	} {
		merge("-o", c.out, c.parts)
		got := filepath.Join(work, c.out)
		if strings.HasSuffix(c.out, ".parquet") {
			// Read back, as JSON Lines.
			var b []byte
			for rec, err := range store.ReadParquet(t.Context(), got) {
				if err != nil {
					t.Fatalf("%s: %v", got, err)
				}
				if b, err = store.AppendLine(b, rec); err != nil {
					t.Fatal(err)
				}
			}
			got += ".jsonl"
			if err := os.WriteFile(got, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if strings.HasSuffix(c.out, ".db") {
			if d := storetest.DumpDB(t, got); d != want {
				t.Errorf("%s merged into %s differs from the single run: %s", c.parts, c.out, storetest.Diff(d, want))
			}
		} else if g := normalJSONL(t, got); !slices.Equal(g, wantJSONL) {
			t.Errorf("%s merged into %s differs from the single run (%d lines, want %d)", c.parts, c.out, len(g), len(wantJSONL))
		}
	}
	// Each part holds only its own shard's files, and they split the tree.
	total := 0
	for k := range n {
		pf := store.PartsOf(filepath.Join(work, "sq"), store.Shard{Index: k, Count: n}, "sqlite")
		var st store.PartStats
		b, err := os.ReadFile(pf.Stats)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatal(err)
		}
		if st.Shard != k || st.Shards != n || st.Format != "sqlite" || st.Run == "" || len(st.Roots) != 2 {
			t.Errorf("statistics of shard %d: %+v", k, st)
		}
		if st.Files == 0 {
			t.Errorf("shard %d has no file", k)
		}
		total += st.Files
		if rows := strings.Count(rows(t, pf.Part), "\n"); rows != st.Files {
			t.Errorf("shard %d: %d rows, its statistics say %d", k, rows, st.Files)
		}
	}
	if wantFiles := strings.Count(want[:strings.Index(want, "--\n")], "\n"); total != wantFiles {
		t.Errorf("the shards hold %d files, the single run %d", total, wantFiles)
	}

	// Running shard 1 again replaces its part only.
	dir := filepath.Join(work, "sq")
	before := map[string]time.Time{}
	for k := range n {
		p := store.PartsOf(dir, store.Shard{Index: k, Count: n}, "sqlite").Part
		st, _ := os.Stat(p)
		before[p] = st.ModTime()
	}
	time.Sleep(20 * time.Millisecond) // (mtimes must be able to differ)
	analyze("--shard", "1/3", "-o", "sq")
	for k := range n {
		p := store.PartsOf(dir, store.Shard{Index: k, Count: n}, "sqlite").Part
		st, _ := os.Stat(p)
		if changed := !st.ModTime().Equal(before[p]); changed != (k == 1) {
			t.Errorf("after shard 1 ran again, part %d changed: %v", k, changed)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	merge("-o", "m9.db", "sq")
	if d := storetest.DumpDB(t, filepath.Join(work, "m9.db")); d != want {
		t.Errorf("after shard 1 ran again: %s", storetest.Diff(d, want))
	}

	// A shard from the environment of an Indexed Job writes the same part.
	cmd := pybatch(t, []string{"JOB_COMPLETION_INDEX=2", "PYBATCH_SHARDS=3"}, append(append([]string{"analyze", "--shard", "auto", "-o", "auto2"}, common...), roots...)...)
	cmd.Dir = work
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("--shard auto under JOB_COMPLETION_INDEX: %v\n%s", err, out)
	}
	if rows(t, filepath.Join(work, "auto2", "part-00002-of-00003.db")) != rows(t, filepath.Join(dir, "part-00002-of-00003.db")) {
		t.Error("JOB_COMPLETION_INDEX=2 of 3 wrote another part than --shard 2/3")
	}
}

func TestShardAndMergeErrors(t *testing.T) {
	roots := shardTree(t)
	work := t.TempDir()
	for k := range 3 {
		code, stderr := runIn(t, work, append([]string{"analyze", "--progress", "none", "--shard", store.Shard{Index: k, Count: 3}.String(), "-o", "p"}, roots...)...)
		if code != ExitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
	}
	if code, _ := runIn(t, work, append([]string{"analyze", "--progress", "none", "--shard", "0/2", "-o", "two"}, roots...)...); code != ExitOK {
		t.Fatal(code)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"analyze", "--shard", "3/3", roots[0]}, ExitUsage, "between 0 and 2"},
		{[]string{"analyze", "--shard", "x", roots[0]}, ExitUsage, "want K/N"},
		{[]string{"analyze", "--shard", "1/3", "--shards", "3", roots[0]}, ExitUsage, "--shards applies to --shard auto"},
		{[]string{"analyze", "--shard", "auto", roots[0]}, ExitUsage, "neither JOB_COMPLETION_INDEX"},
		{[]string{"analyze", "--shard", "1/3", "-o", "-", roots[0]}, ExitUsage, "-o names it"},
		{[]string{"merge", "p"}, ExitUsage, "-o/--output is required"},
		{[]string{"merge", "-o", "m.db"}, ExitUsage, "no part given"},
		{[]string{"merge", "-o", "m.db", "p/part-00000-of-00003.db", "p/part-00001-of-00003.db"}, ExitError, "1 of 3 shards are missing: part-00002-of-00003"},
		{[]string{"merge", "-o", "m.db", "p", "two/part-00000-of-00002.db"}, ExitError, "two/part-00000-of-00002.db is foreign"},
		{[]string{"merge", "-o", "m.db", "p/part-00000-of-00003.db", "p/part-00001-of-00003.db", "p/part-00002-of-00003.db", "p/_SUCCESS.part-00000-of-00003"}, ExitError, "is not a part"},
	} {
		code, stderr := runIn(t, work, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("pybatch %s: exit %d, want %d, stderr %q (want %q)", strings.Join(c.args, " "), code, c.code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "m.db")); err == nil {
		t.Error("a refused merge left m.db")
	}
	// A part whose shard is being run again (its marker gone) is refused.
	if err := os.Remove(filepath.Join(work, "p", "_SUCCESS.part-00001-of-00003")); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runIn(t, work, "merge", "-o", "m.db", "p"); code != ExitError || !strings.Contains(stderr, "part-00001-of-00003 (shard 1/3) is incomplete") {
		t.Errorf("merge with an incomplete part: exit %d, %q", code, stderr)
	}
}
