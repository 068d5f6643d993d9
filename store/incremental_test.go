package store

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

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
