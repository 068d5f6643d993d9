package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// dupTree writes copies of a few contents under several directories: 3
// distinct contents in 12 files, a syntax error among them.
func dupTree(t *testing.T, dir string) {
	t.Helper()
	contents := []string{
		"import os\n\ndef f(x):\n    if x:\n        return os.sep\n    return ''\n",
		"class A:\n    \"\"\"Doc.\"\"\"\n    def m(self): pass\n",
		"def broken(:\n",
	}
	for i := range 12 {
		p := filepath.Join(dir, fmt.Sprintf("d%d", i%4), fmt.Sprintf("m%d.py", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(contents[i%3]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// With Dedup, each content is analyzed once, a file whose bytes are being
// analyzed waits for that result, and the records are those of a batch
// without it (but for Reused).
func TestDedupAnalyzesEachContentOnce(t *testing.T) {
	dir := t.TempDir()
	dupTree(t, dir)
	var paths []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	slices.Sort(paths)

	var calls atomic.Int64
	release := make(chan struct{})
	var once sync.Once
	analyze := func(path string, src []byte) *analysis.Report {
		calls.Add(1)
		// The first analysis holds on until the other workers had time to
		// reach the same bytes: they must wait for it, not analyze.
		once.Do(func() { <-release })
		return DefaultAnalyze(path, src)
	}
	go func() { time.Sleep(50 * time.Millisecond); close(release) }()
	with, sum, err := ProcessFiles(t.Context(), paths, Options{Analyze: analyze, Workers: 4, Dedup: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("analyzed %d times for 3 distinct contents", n)
	}
	if sum.Reused != 9 || sum.ReusedBytes == 0 || sum.SyntaxErrors != 4 {
		t.Errorf("summary: %+v", sum)
	}
	without, _, err := ProcessFiles(t.Context(), paths, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	// The files that waited for the held analysis say how long, within
	// their duration (the ETA counts the rest as their cost).
	waited := 0
	for _, r := range with {
		if r.Waited > r.Duration {
			t.Errorf("%s: waited %v of %v", r.Path, r.Waited, r.Duration)
		}
		if r.Waited >= 20*time.Millisecond {
			waited++
		}
	}
	if waited == 0 {
		t.Error("no record says it waited for the analysis of its bytes")
	}
	for i := range with {
		w, o := *with[i], *without[i]
		w.Duration, o.Duration, w.Reused, w.Waited = 0, 0, false, 0
		if !reflect.DeepEqual(w, o) {
			t.Fatalf("%s: with dedup\n%+v\nwithout\n%+v", paths[i], w.Report, o.Report)
		}
	}
}

// A failed analysis is not shared: the files waiting for it analyze
// their bytes themselves.
func TestDedupPanicIsNotShared(t *testing.T) {
	dir := t.TempDir()
	var files []File
	for i := range 6 {
		files = append(files, File{Path: write(t, dir, fmt.Sprintf("p%d.py", i), "#PANIC\n")})
	}
	seq, err := Stream(t.Context(), slices.Values(files), Options{Analyze: testAnalyze, Workers: 3, Dedup: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range seq {
		n++
		if r.Status != result.Failed || r.Reused {
			t.Errorf("%s: %s reused=%v", r.Path, r.Status, r.Reused)
		}
	}
	if n != 6 {
		t.Errorf("%d records", n)
	}
}

// runInto runs the pipeline over root into a fresh or existing SQLite
// database and returns the summary.
func runInto(t *testing.T, dbPath string, cfg Config) RunSummary {
	t.Helper()
	return runIntoWith(t, dbPath, store.Options{}, cfg)
}

// runIntoWith is runInto with the store opened with opts.
func runIntoWith(t *testing.T, dbPath string, opts store.Options, cfg Config) RunSummary {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	so := scan.DefaultOptions()
	run, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: Version, OptionsHash: OptionsHash(so)})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Scan, cfg.Output = so, run
	rs, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// records reads back every record of the database, by source-relative
// path, durations and modification times cleared.
func records(t *testing.T, dbPath, source string) map[string]*result.Record {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL().Query(`SELECT path FROM file_results WHERE source = ?`, source)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for rows.Next() {
		var p string
		rows.Scan(&p)
		paths = append(paths, p)
	}
	rows.Close()
	out := map[string]*result.Record{}
	for _, p := range paths {
		rec, err := db.Record(ctx, source, p)
		if err != nil {
			t.Fatal(err)
		}
		rec.Duration, rec.Source, rec.ModTime = 0, "", time.Time{}
		out[p] = rec
	}
	return out
}

// Into SQLite: the run with dedup stores what the run without stores, and
// a later run of another tree with the same bytes takes the stored reports
// instead of analyzing, with the same records again.
func TestRunDedupSQLite(t *testing.T) {
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	dupTree(t, a)
	dupTree(t, b)
	resolved := func(p string) string { r, _ := filepath.EvalSymlinks(p); return r }

	with, without := filepath.Join(base, "with.db"), filepath.Join(base, "without.db")
	rs := runInto(t, with, Config{Roots: []string{a}})
	if rs.Analyzed != 12 || rs.Reused != 9 {
		t.Errorf("first run: %d analyzed, %d reused; want 12, 9", rs.Analyzed, rs.Reused)
	}
	runInto(t, without, Config{Roots: []string{a}, NoDedup: true})
	want := records(t, without, resolved(a))
	sameRecords(t, "with dedup", records(t, with, resolved(a)), want)

	// Another source with the same bytes: every file answered from the
	// store, with the stored summary (what the database needs), the syntax
	// errors included.
	partial, syntaxErrs := 0, 0
	rs = runInto(t, with, Config{Roots: []string{b}, OnRecord: func(r *result.Record) {
		if r.Report != nil && r.Report.Partial && r.Reused && len(r.Report.Definitions) == 0 {
			partial++
		}
		if r.Report != nil && r.Report.SyntaxError != nil {
			syntaxErrs++
		}
	}})
	if rs.Reused != 12 || partial != 12 || syntaxErrs != 4 || rs.SyntaxErrors != 4 {
		t.Errorf("second tree: %d of 12 files answered from the store, %d with a summary, %d (%d) syntax errors, want 4",
			rs.Reused, partial, syntaxErrs, rs.SyntaxErrors)
	}
	sameRecords(t, "answered from the store", records(t, with, resolved(b)), want)
	// A caller that reads the facts gets the whole stored reports.
	c := filepath.Join(base, "c")
	dupTree(t, c)
	whole := 0
	runInto(t, with, Config{Roots: []string{c}, WholeReports: true, OnRecord: func(r *result.Record) {
		if r.Reused && !r.Report.Partial && (len(r.Report.Definitions) > 0 || r.Report.SyntaxError != nil) {
			whole++
		}
	}})
	if whole != 12 {
		t.Errorf("WholeReports: %d of 12 files answered with their whole report", whole)
	}
	// Rescan analyzes again: nothing taken from the store.
	rs = runInto(t, with, Config{Roots: []string{b}, Rescan: true})
	if rs.Reused != 9 {
		t.Errorf("rescan: %d reused, want the 9 duplicates within the run only", rs.Reused)
	}
}

// Into SQLite with commits far apart: a copy met after its content's
// report has left the dedup's cache, and before the batch that writes it
// is committed, is answered from that batch (store.Run.StoredSummary), not
// analyzed again. 40 contents of 64 KiB (1.2 times the cache's 2 MiB) in
// 3 copies each; nothing is committed before the end.
func TestRunDedupBeforeTheCommit(t *testing.T) {
	const contents, copies = 40, 3
	root := t.TempDir()
	for i := range contents {
		var b strings.Builder
		for j := 0; b.Len() < 64<<10; j++ {
			fmt.Fprintf(&b, "def f%d_%d(a):\n    return a + %d\n\n", i, j, j)
		}
		for c := range copies {
			p := filepath.Join(root, fmt.Sprintf("c%d", c), fmt.Sprintf("m%d.py", i))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	rs := runIntoWith(t, filepath.Join(t.TempDir(), "p.db"), store.Options{BatchSize: 1 << 20, BatchBytes: 1 << 30, MaxDelay: -1},
		Config{Roots: []string{root}})
	if rs.Analyzed != contents*copies || rs.Analyzed-rs.Reused != contents {
		t.Errorf("%d files analyzed, %d of them answered from another: %d analyses for %d contents",
			rs.Analyzed, rs.Reused, rs.Analyzed-rs.Reused, contents)
	}
}

func sameRecords(t *testing.T, what string, got, want map[string]*result.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d", what, len(got), len(want))
	}
	for p, w := range want {
		if g := got[p]; !reflect.DeepEqual(g, w) {
			t.Fatalf("%s: %s differs:\n%+v %+v\n%+v %+v", what, p, g, g.Report, w, w.Report)
		}
	}
}

// Into JSON Lines: the same lines with and without dedup (durations
// aside).
func TestRunDedupJSONL(t *testing.T) {
	base := t.TempDir()
	dupTree(t, filepath.Join(base, "t"))
	lines := func(noDedup bool) []string {
		var buf bytes.Buffer
		out := store.NewJSONL(&buf, store.JSONLOptions{})
		if _, err := Run(t.Context(), Config{Roots: []string{filepath.Join(base, "t")}, Output: out, NoDedup: noDedup, Batch: Options{Ordered: true}}); err != nil {
			t.Fatal(err)
		}
		var ls []string
		sc := bufio.NewScanner(&buf)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l store.Line
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatal(err)
			}
			l.DurationNs = 0
			b, _ := json.Marshal(l)
			ls = append(ls, string(b))
		}
		slices.Sort(ls)
		return ls
	}
	got, want := lines(false), lines(true)
	if len(got) != 12 || !slices.Equal(got, want) {
		t.Fatalf("JSON Lines with dedup differ from without:\n%v\n%v", got, want)
	}
}

func TestLikelyCopies(t *testing.T) {
	c := newLikelyCopies()
	if c.seen("mod.py", 120) {
		t.Fatal("first mod.py/120 seen before")
	}
	if !c.seen("mod.py", 120) {
		t.Error("second mod.py/120 not seen")
	}
	if c.seen("mod.py", 121) || c.seen("other.py", 120) {
		t.Error("another size or name taken for a copy")
	}
	// From many goroutines at once, each (name, size) is new exactly once.
	var firsts atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 20_000 {
				if !c.seen("f"+strconv.Itoa(i)+".py", int64(i)) {
					firsts.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if firsts.Load() != 20_000 {
		t.Errorf("%d first sightings of 20,000 names", firsts.Load())
	}
	// A full table forgets new names instead of growing.
	for i := range 2 * likelyCopiesSlots {
		c.seen("g"+strconv.Itoa(i), 1)
	}
	if len(c.slots) != likelyCopiesSlots {
		t.Errorf("table grew to %d slots", len(c.slots))
	}
}

// The summaries a store answers with are kept by their number, not by
// their source's size: a tree that comes back to 3,000 contents of 4 KiB
// (12 MB of sources, six times the whole reports' budget) asks the store
// once for each, not once for each file.
func TestDedupKeepsStoredSummaries(t *testing.T) {
	const contents, size = 3000, 4 << 10
	var asked atomic.Int64
	d := newDedup(func(ctx context.Context, sha string) (*analysis.Report, error) {
		asked.Add(1)
		return &analysis.Report{Partial: true, SHA256: sha, Size: size}, nil
	})
	work := d.wrap(Options{MaxSize: -1}, func(ctx context.Context, f File) (*result.Record, error) {
		t.Errorf("%s analyzed: the store holds every content", f.Path)
		return &result.Record{Path: f.Path, Status: result.Failed}, nil
	})
	data := func(i int) []byte {
		b := bytes.Repeat([]byte{'#'}, size)
		copy(b, strconv.Itoa(i))
		return b
	}
	for pass := range 2 {
		for i := range contents {
			rec, err := work(context.Background(), File{Path: fmt.Sprintf("p%d/m%d.py", pass, i), Data: data(i)})
			if err != nil || !rec.Reused || !rec.Report.Partial {
				t.Fatalf("p%d/m%d.py: %+v, %v; want a reused summary", pass, i, rec, err)
			}
		}
	}
	if n := asked.Load(); n != contents {
		t.Errorf("the store was asked %d times for %d contents, want once each", n, contents)
	}
	if d.summaries.bytes > summaryCacheBytes || d.reports.bytes != 0 {
		t.Errorf("kept %d bytes of summaries (limit %d) and %d of whole reports, want none", d.summaries.bytes, summaryCacheBytes, d.reports.bytes)
	}
}
