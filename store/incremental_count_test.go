package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

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
	in, err := NewIncremental(ctx, db, run, "src", "h", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if !in.Holds(a.Path) || in.Holds("new.py") {
		t.Errorf("Holds(%s) = %v, Holds(new.py) = %v", a.Path, in.Holds(a.Path), in.Holds("new.py"))
	}
	if s, touched := in.Counts(); s != 0 || touched != 0 {
		t.Errorf("Holds counted %d skips, %d touches", s, touched)
	}
	// A file changed since is held too (Skip, which stats, tells them apart).
	if skip, _ := in.Skip(ctx, a.Path, a.Size, a.ModTime.Add(time.Second)); skip || !in.Holds(a.Path) {
		t.Errorf("changed file: skip %v, held %v", skip, in.Holds(a.Path))
	}
}
