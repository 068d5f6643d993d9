package store

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
)

func TestIncrementalSQLite(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 2})
	run := beginTest(t, db, "h")
	a, b, c := synthRecord("src", 1), synthRecord("src", 2), synthRecord("src", 3)
	run.Write(ctx, a)
	run.Write(ctx, b)
	run.Write(ctx, c)
	run.Finish(ctx, Completed, nil)

	run = beginTest(t, db, "h")
	in, err := run.Resume(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	// Skip runs on the scan side while Write runs on the coordinator.
	var wg sync.WaitGroup
	var skipA, skipB bool
	newTime := b.ModTime.Add(time.Minute)
	wg.Go(func() {
		skipA, _ = in.Skip(ctx, a.Path, a.Size, a.ModTime)
		skipB, _ = in.Skip(ctx, b.Path, b.Size, newTime)
	})
	wg.Wait()
	if !skipA || skipB {
		t.Fatalf("skip unchanged %v (want true), skip with a new mtime %v (want false)", skipA, skipB)
	}
	if skip, _ := in.Skip(ctx, "new.py", 1, time.Now()); skip {
		t.Fatal("skipped a file the store does not know")
	}
	if skip, _ := in.Skip(ctx, a.Path, a.Size, a.ModTime); !skip {
		t.Fatal("second skip")
	}
	// b analyzed again: same bytes, new mtime: only touched.
	b2 := *b
	b2.ModTime = newTime
	b2.Duration = time.Hour // would show if the record were rewritten
	if err := in.Write(ctx, &b2); err != nil {
		t.Fatal(err)
	}
	if _, err := run.MarkGone(ctx, "src", ""); err != nil {
		t.Fatal(err)
	}
	run.Finish(ctx, Completed, nil)
	if s, touched := in.Counts(); s != 2 || touched != 1 {
		t.Fatalf("counts: %d skipped, %d touched", s, touched)
	}
	got, _ := db.Record(ctx, "src", b.Path)
	if !got.ModTime.Equal(newTime) || got.Duration != b.Duration || len(got.Report.Definitions) != 36 {
		t.Fatalf("touched record: mtime %v duration %v", got.ModTime, got.Duration)
	}
	known, _ := db.Known(ctx, "src")
	if known[a.Path].Status != "analyzed" || known[c.Path].Status != Gone {
		t.Fatalf("a %s, c %s", known[a.Path].Status, known[c.Path].Status)
	}
}

func TestIncrementalJSONLResume(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "o.jsonl")
	opts := JSONLFileOptions{Resume: true, OptionsHash: "h", ToolVersion: "v1"}
	s, err := OpenJSONLFile(ctx, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	failed := synthRecord("src", 2)
	failed.Status, failed.Report, failed.ErrClass = "failed", nil, "io"
	s.Write(ctx, synthRecord("src", 1))
	s.Write(ctx, failed)
	s.Close()
	s, err = OpenJSONLFile(ctx, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	in, err := NewJSONLResume(s, "src")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, true, true, false} {
		r := synthRecord("src", i)
		skip, err := in.Skip(ctx, r.Path, r.Size+100, r.ModTime) // even changed files: the line exists
		if err != nil || skip != want {
			t.Fatalf("file %d: skip %v, want %v (%v)", i, skip, want, err)
		}
		if !skip {
			in.Write(ctx, r)
		}
	}
	s.Close()
	if recs := readLines(t, out); len(recs) != 4 {
		t.Fatalf("%d lines, want 4", len(recs))
	}
}

func TestMaxDelayCommitsSmallBatches(t *testing.T) {
	ctx := context.Background()
	var jsonlCommits, dbCommits int
	var buf bytes.Buffer
	j := NewJSONL(&buf, JSONLOptions{BatchSize: 1000, MaxDelay: 20 * time.Millisecond, OnCommit: func(n int) { jsonlCommits += n }})
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 1000, MaxDelay: 20 * time.Millisecond,
		OnCommit: func(n int) { dbCommits += n }})
	run := beginTest(t, db, "h")
	for i := range 3 {
		j.Write(ctx, synthRecord("s", i))
		run.Write(ctx, synthRecord("s", i))
		// Not a wait for another goroutine: MaxDelay is a rule on the age
		// of the oldest held record, checked by the next Write, and this
		// is the age. The checks below hold however long the sleep lasts.
		time.Sleep(30 * time.Millisecond)
	}
	// The third write found the first two 30ms old: both committed. (The
	// SQLite run reports a background commit when the next one starts.)
	if jsonlCommits < 2 {
		t.Fatalf("JSONL committed %d of 3 records held past MaxDelay", jsonlCommits)
	}
	run.Write(ctx, synthRecord("s", 3))
	if dbCommits < 2 {
		t.Fatalf("SQLite committed %d records held past MaxDelay", dbCommits)
	}
	if n := count(t, db, "SELECT count(*) FROM files"); n < 2 {
		t.Fatalf("%d files in the database", n)
	}
	run.Finish(ctx, Completed, nil)
	j.Close()
}

// Holds knows every stored path, whatever its size or time, and records
// nothing: the counts and the store are untouched.
func TestIncrementalHoldsRecordsNothing(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 2})
	run := beginTest(t, db, "h")
	a := synthRecord("src", 1)
	run.Write(ctx, a)
	run.Finish(ctx, Completed, nil)

	run = beginTest(t, db, "h")
	in, err := run.Resume(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	if !in.Holds(ctx, a.Path) || in.Holds(ctx, "new.py") {
		t.Errorf("Holds(%s) = %v, Holds(new.py) = %v", a.Path, in.Holds(ctx, a.Path), in.Holds(ctx, "new.py"))
	}
	if s, touched := in.Counts(); s != 0 || touched != 0 {
		t.Errorf("Holds counted %d skips, %d touches", s, touched)
	}
	// A file changed since is held too (Skip, which stats, tells them apart).
	if skip, _ := in.Skip(ctx, a.Path, a.Size, a.ModTime.Add(time.Second)); skip || !in.Holds(ctx, a.Path) {
		t.Errorf("changed file: skip %v, held %v", skip, in.Holds(ctx, a.Path))
	}
}

// An incremental run looks each file up in the database as the walk meets
// it: a failed or skipped file is analyzed again, a change made by hand is
// seen at once, the same bytes under a new mtime are only touched, and the
// files the walk did not meet are gone.
func TestIncrementalLooksUpEachFile(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 3})
	run := beginTest(t, db, "h")
	var recs []*result.Record
	for i := range 40 {
		r := synthRecord("src", i)
		switch i % 5 {
		case 3:
			r.Status, r.Report, r.SkipReason = result.Skipped, nil, "binary"
		case 4:
			r.Status, r.Report, r.ErrClass, r.Err = result.Failed, nil, "timeout", "took too long"
		}
		recs = append(recs, r)
		if err := run.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	run.Finish(ctx, Completed, nil)
	if _, err := db.SQL().ExecContext(ctx, `UPDATE files SET size = size + 1 WHERE path = ?`, recs[2].Path); err != nil {
		t.Fatal(err)
	}

	run = beginTest(t, db, "h")
	in, err := run.Resume(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := 0
	for i, r := range recs[:39] { // (the last one vanished)
		skip, err := in.Skip(ctx, r.Path, r.Size, r.ModTime)
		want := i%5 != 4 && i != 2 // unchanged, except the failed ones and the one changed by hand
		if err != nil || skip != want {
			t.Fatalf("file %d: skip %v (%v), want %v", i, skip, err, want)
		}
		if want {
			wantSkipped++
		}
	}
	// Same bytes with a new mtime: only touched.
	b := *recs[2]
	b.ModTime = b.ModTime.Add(time.Minute)
	b.Size = recs[2].Size
	if _, err := db.SQL().ExecContext(ctx, `UPDATE files SET size = ? WHERE path = ?`, b.Size, b.Path); err != nil {
		t.Fatal(err)
	}
	if err := in.Write(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if skipped, touched := in.Counts(); touched != 1 || skipped != wantSkipped {
		t.Fatalf("%d skipped, %d touched; want %d, 1", skipped, touched, wantSkipped)
	}
	gone, err := run.MarkGone(ctx, "src", "")
	if err != nil || gone != 1 {
		t.Fatalf("gone %d (%v), want the one file the walk did not meet", gone, err)
	}
	run.Finish(ctx, Completed, nil)
	known, _ := db.Known(ctx, "src")
	if known[recs[39].Path].Status != Gone || !known[b.Path].Unchanged(b.Size, b.ModTime, "h", "v1") {
		t.Fatalf("after the run: %+v %+v", known[recs[39].Path], known[b.Path])
	}
}

// TestMarkGoneWhenCountsAgree: MarkGone answers "none gone" without
// reading the files when the walk met every file stored at the start; each
// case here has the same number of files met as stored, or a file written
// before it was met, and must still find the one that is gone.
func TestMarkGoneWhenCountsAgree(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, run *Run, in Incremental, recs []*result.Record)
		gone []int // of recs
	}{
		{"all met", func(t *testing.T, run *Run, in Incremental, recs []*result.Record) {
			for _, r := range recs[:9] {
				in.Skip(ctx, r.Path, r.Size, r.ModTime)
			}
		}, nil},
		{"one vanished, one new", func(t *testing.T, run *Run, in Incremental, recs []*result.Record) {
			for _, r := range recs[:8] {
				in.Skip(ctx, r.Path, r.Size, r.ModTime)
			}
			if err := in.Write(ctx, synthRecord("src", 100)); err != nil {
				t.Fatal(err)
			}
		}, []int{8}},
		{"written before it was met", func(t *testing.T, run *Run, in Incremental, recs []*result.Record) {
			for _, r := range recs[:7] {
				in.Skip(ctx, r.Path, r.Size, r.ModTime)
			}
			n := synthRecord("src", 100)
			if err := in.Write(ctx, n); err != nil {
				t.Fatal(err)
			}
			if err := run.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			in.Skip(ctx, n.Path, n.Size, n.ModTime)
			in.Skip(ctx, recs[8].Path, recs[8].Size, recs[8].ModTime)
		}, []int{7}},
		{"the gone one back, another vanished", func(t *testing.T, run *Run, in Incremental, recs []*result.Record) {
			for _, r := range recs[1:] {
				if skip, _ := in.Skip(ctx, r.Path, r.Size, r.ModTime); skip != (r != recs[9]) {
					t.Fatalf("%s: skip %v", r.Path, skip)
				}
			}
			if err := in.Write(ctx, recs[9]); err != nil {
				t.Fatal(err)
			}
		}, []int{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 2})
			run := beginTest(t, db, "h")
			recs := writeSynth(t, run, "src", 10)
			run.Finish(ctx, Completed, nil)
			run = beginTest(t, db, "h") // recs[9] vanishes
			in, _ := run.Resume(ctx, "src")
			for _, r := range recs[:9] {
				in.Skip(ctx, r.Path, r.Size, r.ModTime)
			}
			if n, err := run.MarkGone(ctx, "src", ""); err != nil || n != 1 {
				t.Fatalf("first re-run: %d gone (%v), want 1", n, err)
			}
			run.Finish(ctx, Completed, nil)

			run = beginTest(t, db, "h")
			in, err := run.Resume(ctx, "src")
			if err != nil {
				t.Fatal(err)
			}
			tc.run(t, run, in, recs)
			n, err := run.MarkGone(ctx, "src", "")
			if err != nil || n != int64(len(tc.gone)) {
				t.Fatalf("%d gone (%v), want %d", n, err, len(tc.gone))
			}
			run.Finish(ctx, Completed, nil)
			known, _ := db.Known(ctx, "src")
			for _, i := range tc.gone {
				if known[recs[i].Path].Status != Gone {
					t.Errorf("%s: %s, want gone", recs[i].Path, known[recs[i].Path].Status)
				}
			}
		})
	}
}

// TestMarkGoneFreshSource: a source the database did not hold when the run
// met it has nothing gone, and MarkGone keeps what the run wrote.
func TestMarkGoneFreshSource(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 2})
	run := beginTest(t, db, "h")
	if in, err := run.Resume(ctx, "src"); in != nil || err != nil {
		t.Fatalf("resume of an empty database: %v, %v", in, err)
	}
	for i := range 5 {
		run.Write(ctx, synthRecord("src", i))
	}
	if n, err := run.MarkGone(ctx, "src", ""); n != 0 || err != nil {
		t.Fatalf("%d gone (%v)", n, err)
	}
	run.Finish(ctx, Completed, nil)
	if n := count(t, db, "SELECT count(*) FROM files WHERE status = 'analyzed'"); n != 5 {
		t.Fatalf("%d analyzed files, want 5", n)
	}
}

// TestIncrementalDirectoryListings: Skip finds each stored file from its
// directory's listing, past subdirectories that sort between its files,
// across chunks of the listing, and file by file in a directory too large
// to list; a file the database does not hold is not skipped.
func TestIncrementalDirectoryListings(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { maxDirRows = n }(maxDirRows)
	maxDirRows = 600
	paths := []string{"a.py", "a-b.py", "a/b.py", "a/b-c.py", "a/b/c.py", "a/b/d/e.py", "a/b0.py", "a0.py", "z.py", "é/ü.py"}
	for i := range 520 { // subdirectories among the files of a directory
		paths = append(paths, fmt.Sprintf("d/f%04d.py", i))
		if i%100 == 50 {
			paths = append(paths, fmt.Sprintf("d/f%04d/sub.py", i))
		}
	}
	for i := range maxDirRows + 10 {
		paths = append(paths, fmt.Sprintf("big/g%04d.py", i))
	}
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 500})
	run := beginTest(t, db, "h")
	var recs []*result.Record
	for i, p := range paths {
		r := synthRecord("src", i)
		r.Path, r.Report = p, nil
		r.Status, r.SkipReason = result.Skipped, "binary"
		recs = append(recs, r)
		if err := run.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	run.Finish(ctx, Completed, nil)

	run = beginTest(t, db, "h")
	in, err := run.Resume(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a/x.py", "a/b/x.py", "q/r.py", "d/f0050.py/x", "x.py", "big/new.py"} {
		if skip, err := in.Skip(ctx, p, 1, time.Unix(0, 0)); skip || err != nil || in.Holds(ctx, p) {
			t.Fatalf("%s: skip %v (%v), or held", p, skip, err)
		}
	}
	for i := len(recs) - 1; i >= 0; i-- { // (subdirectories first, as a parallel walk may)
		r := recs[i]
		if !in.Holds(ctx, r.Path) {
			t.Fatalf("%s: not held", r.Path)
		}
		if skip, err := in.Skip(ctx, r.Path, r.Size, r.ModTime); !skip || err != nil {
			t.Fatalf("%s: skip %v (%v), want true", r.Path, skip, err)
		}
	}
	if n, err := run.MarkGone(ctx, "src", ""); n != 0 || err != nil {
		t.Fatalf("%d gone (%v)", n, err)
	}
	run.Finish(ctx, Completed, nil)
	if !in.(*sqliteIncremental).sh.big[rowKey{in.(*sqliteIncremental).sid, "big/"}] {
		t.Error("big/ was listed, not looked up file by file")
	}
}

// A report read back without its facts (a summary) points a file at the
// stored content; where that content is not stored it cannot be written,
// and no other output takes it.
func TestPartialReportsOnlyWhereStored(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 1})
	run := beginTest(t, db, "h")
	a := synthRecord("src", 1)
	if err := run.Write(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := run.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := run.StoredSummary(ctx, a.Report.SHA256)
	if err != nil || sum == nil || !sum.Partial || len(sum.Definitions) != 0 || sum.Lines != a.Report.Lines {
		t.Fatalf("summary %+v (%v)", sum, err)
	}
	copyRec := *a
	copyRec.Path, copyRec.Report = "copy/of/a.py", sum
	if err := run.Write(ctx, &copyRec); err != nil {
		t.Fatal(err)
	}
	if err := run.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := db.Record(ctx, "src", "copy/of/a.py")
	if err != nil || len(got.Report.Definitions) != len(a.Report.Definitions) || got.Report.SHA256 != a.Report.SHA256 {
		t.Fatalf("the copy's record: %+v (%v)", got, err)
	}
	// A summary of bytes the database does not hold.
	lost := synthRecord("src", 2)
	lostSum := *sum
	lostSum.SHA256 = lost.Report.SHA256
	lost.Report = &lostSum
	run.Write(ctx, lost)
	if err := run.Flush(ctx); err == nil || !strings.Contains(err.Error(), "no longer in the database") {
		t.Fatalf("writing a summary of bytes not stored: %v", err)
	}
	if _, err := AppendLine(nil, &copyRec); err == nil {
		t.Error("a JSON Lines record was made of a summary")
	}
}

// A file whose bytes changed, or that now fails, leaves its old content
// behind; a run that writes it removes that content if no other file has
// it, even when no file is gone: by looking up those contents, or, past
// maxLeftContents of them, every content.
func TestIncrementalRemovesReplacedContents(t *testing.T) {
	for _, many := range []bool{false, true} {
		t.Run(fmt.Sprint("every content: ", many), func(t *testing.T) {
			if many {
				old := maxLeftContents
				maxLeftContents = 1
				t.Cleanup(func() { maxLeftContents = old })
			}
			testRemovesReplacedContents(t, many)
		})
	}
}

func testRemovesReplacedContents(t *testing.T, many bool) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 2})
	run := beginTest(t, db, "h")
	a, b, c := synthRecord("src", 1), synthRecord("src", 2), synthRecord("src", 3)
	shared := synthRecord("src", 4) // c's bytes under another name
	shared.Report.SHA256, shared.Size = c.Report.SHA256, c.Size
	for _, r := range []*result.Record{a, b, c, shared} {
		run.Write(ctx, r)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	// A content no file points to that no file of the next run left (as a
	// database from before this was kept would hold).
	stray := strings.Repeat("ab", 32)
	for _, q := range []string{`CREATE TEMP TABLE stray AS SELECT * FROM contents LIMIT 1`,
		`UPDATE temp.stray SET id = NULL, sha256 = unhex('` + stray + `')`, `INSERT INTO contents SELECT * FROM temp.stray`, `DROP TABLE temp.stray`} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	run = beginTest(t, db, "h")
	in, err := run.Resume(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	a2 := synthRecord("src", 5) // a's path, new bytes
	a2.Path = a.Path
	bFailed := &result.Record{Source: "src", Path: b.Path, Size: b.Size, ModTime: b.ModTime, Status: result.Failed, ErrClass: recovery.Timeout, Err: "timed out"}
	c2 := synthRecord("src", 6) // c's path, new bytes; its old ones are still shared's
	c2.Path = c.Path
	for _, r := range []*result.Record{a2, bFailed, c2} {
		if err := in.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	rows, err := db.SQL().Query(`SELECT lower(hex(sha256)) FROM contents ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h string
		rows.Scan(&h)
		got = append(got, h)
	}
	rows.Close()
	// a's and c's new bytes, and c's old ones (shared's); the stray one
	// only when every content was looked at.
	want := []string{a2.Report.SHA256, c.Report.SHA256, c2.Report.SHA256}
	if !many {
		want = append(want, stray)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("contents after the re-run:\n%v\nwant\n%v", got, want)
	}
}

// A content written and not yet committed is answered from the queued
// batch, with its whole report: a copy met before the commit is not
// analyzed again. Once committed, the database answers.
func TestStoredAnswersFromTheQueuedBatch(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 100, MaxDelay: -1})
	run := beginTest(t, db, "h")
	a, failed := synthRecord("src", 1), synthRecord("src", 2)
	failed.Status, failed.ErrClass, failed.Err = result.Failed, "timeout", "timed out"
	for _, r := range []*result.Record{a, failed} {
		if err := run.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, whole := range []bool{false, true} {
		rep, err := run.stored(ctx, a.Report.SHA256, whole)
		if err != nil || rep == nil || rep.Partial || rep.Path != "" || len(rep.Definitions) != len(a.Report.Definitions) || len(rep.Definitions) == 0 {
			t.Fatalf("before the commit (whole %v): %+v (%v), want the whole report without its path", whole, rep, err)
		}
		if rep, err := run.stored(ctx, failed.Report.SHA256, whole); rep != nil || err != nil {
			t.Fatalf("a failed record's report answered: %+v (%v)", rep, err)
		}
	}
	if a.Report.Path == "" {
		t.Fatal("the written report lost its path")
	}
	if err := run.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(run.pending) != 0 {
		t.Errorf("%d reports still held after the commit", len(run.pending))
	}
	sum, err := run.StoredSummary(ctx, a.Report.SHA256)
	if err != nil || sum == nil || !sum.Partial {
		t.Fatalf("after the commit: %+v (%v), want the stored summary", sum, err)
	}
	// A copy answered from the queued batch is written like any copy.
	b := synthRecord("src", 3)
	if err := run.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	pend, _ := run.StoredSummary(ctx, b.Report.SHA256)
	copyRec := *b
	copyRec.Path, copyRec.Report = "copy/of/b.py", pend
	copyRec.Report.Path = copyRec.Path
	if err := run.Write(ctx, &copyRec); err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Record(ctx, "src", "copy/of/b.py")
	if err != nil || got.Report.SHA256 != b.Report.SHA256 || len(got.Report.Definitions) != len(b.Report.Definitions) {
		t.Fatalf("the copy's record: %+v (%v)", got, err)
	}
	var contents int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM contents`).Scan(&contents); err != nil || contents != 3 {
		t.Errorf("%d contents (%v), want 3 (a, the failed one's, b)", contents, err)
	}
}
