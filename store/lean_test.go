package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/result"
)

// wantKnown is what a full decode says about a line.
func wantKnown(t *testing.T, line []byte) knownLine {
	t.Helper()
	r, err := DecodeLine(line)
	if err != nil {
		t.Fatal(err)
	}
	k := knownLine{source: r.Source, path: r.Path, size: r.Size, mtime: unixNano(r.ModTime), status: r.Status}
	if r.Report != nil {
		k.sha = r.Report.SHA256
	}
	return k
}

// TestDecodeKnownMatchesFullDecode checks the head scan of a resume against
// encoding/json on lines as AppendLine writes them, including the paths and
// messages whose JSON has escapes (the head scan hands those over).
func TestDecodeKnownMatchesFullDecode(t *testing.T) {
	var lines [][]byte
	add := func(r *result.Record) {
		b, err := AppendLine(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, b)
	}
	for i := range 20 {
		add(synthRecord("src", i))
	}
	odd := synthRecord(`s"rc<&>`, 7)
	odd.Path = "dir/é ✓ \"q\" back\\slash\t<tag>&\u2028.py"
	odd.Report.Path = odd.Path
	add(odd)
	noHash := synthRecord("src", 99)
	noHash.Report.SHA256 = ""
	add(noHash)
	add(&result.Record{Source: "s", Path: "a/b.py", Status: result.Skipped, SkipReason: "binary", ModTime: time.Unix(5, 6)})
	add(&result.Record{Source: "s", Path: "c.py", Size: -1, Status: result.Failed, ErrClass: "permission", Err: "open {c.py}: \"denied\" [x]", Attempts: 3})
	// Real files of a real tree, when there is one.
	if root := stdlib(t); root != "" {
		for _, name := range []string{"os.py", "json/decoder.py", "asyncio/base_events.py"} {
			src, err := os.ReadFile(filepath.Join(root, name))
			if err == nil {
				r := synthRecord("stdlib", len(src))
				r.Path = filepath.Join(root, name)
				add(r)
			}
		}
	}
	for i, l := range lines {
		want := wantKnown(t, l)
		got, err := decodeKnown(l)
		if err != nil || got != want {
			t.Errorf("line %d: head scan %+v, %v; full decode %+v", i, got, err, want)
		}
		if bytes.IndexByte(l[:bytes.Index(l, []byte(`"status"`))], '\\') < 0 {
			if _, ok := decodeKnownHead(l); !ok {
				t.Errorf("line %d has no escapes before the report, yet the head scan gave up: %.200s", i, l)
			}
		}
	}
	// Lines the head scan cannot vouch for go to encoding/json, which
	// reports what is wrong.
	for _, bad := range []string{
		`{"path": "x.py", "size": "big"}`,
		`{"source":"s","path":"x.py","size":1,"mtime_ns":2,"status":"analyzed","report":{"sha256":"ab"`,
		`{"source":"s","size":1}`,
		`not json`,
	} {
		if k, err := decodeKnown([]byte(bad)); err == nil {
			t.Errorf("%s decoded as %+v", bad, k)
		}
	}
	// Another member order is still read right (by the fallback).
	k, err := decodeKnown([]byte(`{"report":{"sha256":"ff"},"status":"analyzed","mtime_ns":9,"size":3,"path":"p.py","source":"s"}`))
	if err != nil || k != (knownLine{source: "s", path: "p.py", size: 3, mtime: 9, status: result.Analyzed, sha: "ff"}) {
		t.Fatalf("reordered line: %+v, %v", k, err)
	}
}

// TestBatchBytesBoundsABatch: records with large reports are committed by
// bytes long before BatchSize of them are queued.
func TestBatchBytesBoundsABatch(t *testing.T) {
	ctx := context.Background()
	var commits []int
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 5000, BatchBytes: 64 << 10, MaxDelay: -1,
		OnCommit: func(n int) { commits = append(commits, n) }})
	run := beginTest(t, db, "h")
	line, _ := AppendLine(nil, synthRecord("src", 1))
	for i := range 200 {
		if err := run.Write(ctx, synthRecord("src", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	// About 64 KiB of encoded definitions and imports per commit: a few
	// records each (a synthetic report is ~len(line) bytes of JSON).
	perCommit := (64 << 10) / len(line)
	if len(commits) < 200/(4*perCommit) || len(commits) < 5 {
		t.Fatalf("%d commits (%v) for 200 records of ~%d bytes with BatchBytes 64 KiB", len(commits), commits, len(line))
	}
	total := 0
	for _, n := range commits {
		total += n
		if n > 4*perCommit {
			t.Fatalf("a commit of %d records, more than BatchBytes allows (~%d)", n, perCommit)
		}
	}
	if total != 200 || count(t, db, "SELECT count(*) FROM contents") != 200 {
		t.Fatalf("%d records committed, %d contents", total, count(t, db, "SELECT count(*) FROM contents"))
	}
	// What was written is what was given, though the run kept only its
	// encoded form.
	for _, i := range []int{0, 77, 199} {
		want := synthRecord("src", i)
		got, err := db.Record(ctx, "src", want.Path)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := AppendLine(nil, normalize(want))
		b, _ := AppendLine(nil, normalize(got))
		if !bytes.Equal(a, b) {
			t.Fatalf("record %d read back differs:\n%s\n%s", i, a, b)
		}
	}
}

// TestUnchangedFilesAreNotRewritten: an incremental run that skips every
// file writes no file row, and MarkGone still takes exactly the files the
// walk did not meet.
func TestUnchangedFilesAreNotRewritten(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 7})
	run := beginTest(t, db, "h")
	recs := writeSynth(t, run, "src", 50)
	run.Write(ctx, synthRecord("other", 1))
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	changes := func() int { return count(t, db, "SELECT total_changes()") }

	run = beginTest(t, db, "h")
	in, err := run.Resume(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	before := changes()
	for _, r := range recs[:45] { // the last 5 were deleted from the tree
		if skip, err := in.Skip(ctx, r.Path, r.Size, r.ModTime); !skip || err != nil {
			t.Fatalf("%s not skipped: %v", r.Path, err)
		}
	}
	if err := run.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := changes() - before; n != 0 {
		t.Fatalf("skipping unchanged files changed %d rows", n)
	}
	gone, err := run.MarkGone(ctx, "src", "")
	if err != nil || gone != 5 {
		t.Fatalf("MarkGone: %d, %v (want 5)", gone, err)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM files WHERE status = 'gone'"); n != 5 {
		t.Fatalf("%d gone", n)
	}
	if n := count(t, db, "SELECT count(*) FROM files f JOIN sources s ON s.id = f.source_id WHERE s.name = 'src' AND f.status = 'gone' AND f.path IN (?, ?, ?, ?, ?)",
		recs[45].Path, recs[46].Path, recs[47].Path, recs[48].Path, recs[49].Path); n != 5 {
		t.Fatal("the wrong files are gone")
	}
	if n := count(t, db, "SELECT count(*) FROM files WHERE status = 'gone' AND content_id IS NOT NULL"); n != 0 {
		t.Fatalf("%d gone files keep their contents", n)
	}
	if n := count(t, db, "SELECT count(*) FROM file_results WHERE source = 'other' AND status = 'analyzed'"); n != 1 {
		t.Fatal("another source was touched")
	}
	// A third run that sees everything again: nothing more is gone, and the
	// kept files are still unchanged for the run after.
	run = beginTest(t, db, "h")
	in, _ = run.Resume(ctx, "src")
	for _, r := range recs[:45] {
		if skip, _ := in.Skip(ctx, r.Path, r.Size, r.ModTime); !skip {
			t.Fatal("not skipped on the third run")
		}
	}
	if gone, err := run.MarkGone(ctx, "src", ""); gone != 0 || err != nil {
		t.Fatalf("third run: %d gone, %v", gone, err)
	}
	run.Finish(ctx, Completed, nil)
}

// reportsForEncoding are reports whose JSON is checked: synthetic ones,
// real analyzes of standard library files, and sources whose docstrings
// and names spell the member keys the SQLite writer looks for.
func reportsForEncoding(t *testing.T) []*analysis.Report {
	var reps []*analysis.Report
	for i := range 5 {
		reps = append(reps, synthRecord("src", i).Report)
	}
	tricky := []string{
		"'''\"imports\":[1],\"definitions\":[2],\"lines\":{} <&> \u2028'''\n__all__ = ['all', '\"all\":']\nimport os\n",
		"def f(x=\"],\\\"definitions\\\":[\"):\n    '''\"lines\": ]'''\n    return x\n",
		"x = 1\n",
		"class C(\n", // a syntax error
		"",
	}
	for i, src := range tricky {
		reps = append(reps, analysis.Analyze(fmt.Sprintf("t%d.py", i), []byte(src), analysis.Options{}))
	}
	if root := stdlib(t); root != "" {
		for _, name := range []string{"os.py", "json/decoder.py", "asyncio/base_events.py", "typing.py", "email/_header_value_parser.py"} {
			if src, err := os.ReadFile(filepath.Join(root, name)); err == nil {
				reps = append(reps, analysis.Analyze(name, src, analysis.Options{}))
			}
		}
	}
	return reps
}

// TestReportsRoundTrip: every report comes back from the fact tables as it
// was written (parameters, import names, kinds, scopes, ranks and interned
// texts included), and a content written under two paths is stored once.
func TestReportsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 4})
	run := beginTest(t, db, "h")
	reps := reportsForEncoding(t)
	for i, rep := range reps {
		for copy := range 2 { // the same bytes under two names
			r := &result.Record{Source: "src", Path: fmt.Sprintf("%d/%d/%s", i, copy, rep.Path), Size: rep.Size,
				ModTime: time.Unix(1, int64(i)), Status: result.Analyzed, Attempts: 1, Report: rep}
			if err := run.Write(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM contents"); n != len(reps) {
		t.Fatalf("%d contents for %d distinct reports written twice each", n, len(reps))
	}
	for i, rep := range reps {
		for copy := range 2 {
			path := fmt.Sprintf("%d/%d/%s", i, copy, rep.Path)
			got, err := db.Record(ctx, "src", path)
			if err != nil {
				t.Fatal(err)
			}
			want := *rep
			want.Path = path
			a, _ := json.Marshal(&want)
			b, _ := json.Marshal(got.Report)
			if !bytes.Equal(a, b) {
				t.Fatalf("report %d (%s) read back differs:\n%s\n%s", i, rep.Path, a, b)
			}
		}
	}
	// The views give one row per file and fact.
	defs := 0
	for _, rep := range reps {
		defs += 2 * len(rep.Definitions)
	}
	if n := count(t, db, "SELECT count(*) FROM definitions"); n != defs {
		t.Fatalf("the definitions view has %d rows, want %d", n, defs)
	}
}

// TestContentsReplacedAndRemoved: a content analyzed by another tool
// version gets the new facts; a content no file holds any more is removed
// with its facts when the run ends.
func TestContentsReplacedAndRemoved(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 4})
	a, b := synthRecord("src", 1), synthRecord("src", 2)
	run := beginTest(t, db, "h")
	run.Write(ctx, a)
	run.Write(ctx, b)
	run.Finish(ctx, Completed, nil)

	// Another version: a's content gets its new facts.
	run, err := db.BeginRun(ctx, RunInfo{ToolVersion: "v2", OptionsHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	a2 := *a
	rep := *a.Report
	rep.Definitions = rep.Definitions[:1]
	a2.Report = &rep
	run.Write(ctx, &a2)
	// b now holds other bytes: its old content goes.
	b2 := synthRecord("src", 3)
	b2.Path = b.Path
	run.Write(ctx, b2)
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Record(ctx, "src", a.Path)
	if err != nil || len(got.Report.Definitions) != 1 {
		t.Fatalf("a after another version: %v definitions, %v", len(got.Report.Definitions), err)
	}
	if n := count(t, db, "SELECT count(*) FROM contents"); n != 2 {
		t.Fatalf("%d contents, want 2 (the unused one removed)", n)
	}
	if n := count(t, db, "SELECT count(*) FROM content_definitions WHERE (id >> 24) NOT IN (SELECT id FROM contents)"); n != 0 {
		t.Fatalf("%d definitions of removed contents remain", n)
	}
}

// TestAppendLineIsJSONMarshal: the spliced line is json.Marshal's.
func TestAppendLineIsJSONMarshal(t *testing.T) {
	recs := []*result.Record{
		{Source: "s<&>", Path: "a.py", Status: result.Skipped, SkipReason: "binary"},
		{Source: "s", Path: "b\u2028.py", Status: result.Failed, ErrClass: "io", Err: "EIO \"x\"", Attempts: 2},
	}
	for i, rep := range reportsForEncoding(t) {
		recs = append(recs, &result.Record{Source: "src", Path: rep.Path, Size: rep.Size, ModTime: time.Unix(1, int64(i)),
			Status: result.Analyzed, Attempts: 1, Duration: time.Millisecond, Report: rep})
	}
	for _, r := range recs {
		got, err := AppendLine([]byte("x"), r)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(LineOf(r))
		if string(got) != "x"+string(want)+"\n" {
			t.Fatalf("%s: AppendLine differs from json.Marshal:\n%.400s\n%.400s", r.Path, got, want)
		}
	}
}
