package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// Done answers as Skip would, and records nothing: the counts and the
// store are untouched.
func TestIncrementalDoneRecordsNothing(t *testing.T) {
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
	later := a.ModTime.Add(time.Second)
	for _, c := range []struct {
		path  string
		size  int64
		mtime time.Time
		want  bool
	}{
		{a.Path, a.Size, a.ModTime, true},
		{a.Path, a.Size, later, false},
		{a.Path, a.Size + 1, a.ModTime, false},
		{"new.py", a.Size, a.ModTime, false},
	} {
		if got := in.Done(c.path, c.size, c.mtime); got != c.want {
			t.Errorf("Done(%s, %d, %v) = %v, want %v", c.path, c.size, c.mtime, got, c.want)
		}
		if skip, _ := in.Skip(ctx, c.path, c.size, c.mtime); skip != c.want {
			t.Errorf("Skip(%s, %d, %v) = %v: Done disagrees", c.path, c.size, c.mtime, skip)
		}
	}
	if s, _ := in.Counts(); s != 1 {
		t.Errorf("%d skips counted, want 1 (from Skip only)", s)
	}

	other, err := NewIncremental(ctx, db, run, "src", "other options", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if other.Done(a.Path, a.Size, a.ModTime) {
		t.Error("done under other analysis options")
	}
}
