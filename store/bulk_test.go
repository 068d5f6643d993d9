package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// hasContentIndex says whether the files table has its index by content.
func hasContentIndex(t *testing.T, db *DB) bool {
	t.Helper()
	return count(t, db, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'files_content'`) == 1
}

// The build of the index by content is timed when the run drops it, over
// the table's last calibrationRows rows, and again each time the table has
// doubled since, over its latest rows; nothing of it stays.
func TestBulkRunTimesTheIndexAsTheTableGrows(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 4, bulkRowsAt: 4})
	defer func(n int64) { calibrationRows = n }(calibrationRows)
	calibrationRows = 6
	run := beginTest(t, db, "h")
	at := func(to int) int64 {
		t.Helper()
		for i := int(run.written); i < to; i++ {
			if err := run.Write(ctx, synthRecord("src", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := run.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		return run.calibratedAt
	}
	if n := at(4); n != 0 || run.SealCost(100) != 0 {
		t.Fatalf("timed at %d rows (SealCost %v) before the drop", n, run.SealCost(100))
	}
	if n := at(8); n != 8 || run.SealCost(100) <= 0 {
		t.Fatalf("timed at %d rows (SealCost %v) by the drop, at 8 rows", n, run.SealCost(100))
	}
	if n := at(12); n != 8 {
		t.Fatalf("timed again at %d rows, before the table doubled", n)
	}
	if n := at(16); n != 16 || run.SealCost(100) <= 0 {
		t.Fatalf("timed at %d rows (SealCost %v), want 16", n, run.SealCost(100))
	}
	if n := at(28); n != 16 {
		t.Fatalf("timed again at %d rows, before the table doubled", n)
	}
	if n := at(32); n != 32 {
		t.Fatalf("last timed at %d rows, want 32", n)
	}
	if n := count(t, db, `SELECT count(*) FROM sqlite_master WHERE name LIKE 'calibrate%'`); n != 0 {
		t.Fatalf("%d indexes left by the timing", n)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
}

// A run that more than doubles the files table writes it without the index
// by content and builds it at its end; a smaller run keeps it; a run that
// never ends leaves it to the next open.
func TestBulkRunRebuildsContentIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db := openTest(t, path, Options{BatchSize: 4, bulkRowsAt: 10})
	write := func(run *Run, from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			if err := run.Write(ctx, synthRecord("src", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := run.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}

	run := beginTest(t, db, "h")
	write(run, 0, 8)
	if !hasContentIndex(t, db) {
		t.Fatal("the index by content was dropped before the run wrote bulkRows records")
	}
	if c := run.SealCost(1000); c != 0 {
		t.Fatalf("SealCost of a run that keeps the index: %v, want 0", c)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	// 22 records into a table of 8 rows, whose files are then gone: their
	// contents are left without a file, and finding them needs the index
	// again.
	run = beginTest(t, db, "h")
	write(run, 8, 30)
	if hasContentIndex(t, db) {
		t.Fatal("a run of 22 records into 8 rows kept the index by content")
	}
	// Building it again was timed when it was dropped (in a transaction
	// rolled back), and is priced by the rows the table will hold.
	c22, c44 := run.SealCost(22), run.SealCost(44)
	if c22 <= 0 || c44 <= c22 {
		t.Fatalf("SealCost after the drop: %v for 22 records, %v for 44; want more than 0, and more for more", c22, c44)
	}
	if n := count(t, db, `SELECT count(*) FROM sqlite_master WHERE name LIKE 'calibrate%'`); n != 0 {
		t.Fatalf("%d indexes left by the calibration", n)
	}
	if gone, err := run.MarkGone(ctx, "src", ""); err != nil || gone != 8 {
		t.Fatalf("%d files gone (%v), want 8", gone, err)
	}
	// Seal does the end's work before the outcome is recorded; Finish
	// then only records it.
	if err := run.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	if !hasContentIndex(t, db) {
		t.Fatal("Seal left the table without the index by content")
	}
	if n := count(t, db, `SELECT count(*) FROM contents`); n != 22 {
		t.Fatalf("%d contents after Seal, want 22 (those of the gone files removed)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM runs WHERE outcome = 'running'`); n != 1 {
		t.Fatalf("%d runs running after Seal, want 1 (the outcome is Finish's)", n)
	}
	if err := run.Write(ctx, synthRecord("src", 99)); err == nil {
		t.Fatal("a sealed run accepted a record")
	}
	if err := run.Seal(ctx); err != nil {
		t.Fatalf("Seal again: %v", err)
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM runs WHERE outcome = 'completed'`); n != 2 {
		t.Fatalf("%d runs completed, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM contents`); n != 22 {
		t.Fatalf("%d contents, want 22 (those of the gone files removed)", n)
	}
	var plan strings.Builder
	rows, err := db.SQL().Query(`EXPLAIN QUERY PLAN SELECT path FROM files WHERE content_id = 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent, notused int
		var detail string
		rows.Scan(&id, &parent, &notused, &detail)
		plan.WriteString(detail + "\n")
	}
	rows.Close()
	if !strings.Contains(plan.String(), "files_content") {
		t.Fatalf("a lookup by content does not use the rebuilt index:\n%s", plan.String())
	}

	// 20 records into a table of 30 rows: past bulkRows, not past the
	// table; the index stays.
	run = beginTest(t, db, "h")
	write(run, 100, 120)
	if !hasContentIndex(t, db) {
		t.Fatal("a run that wrote fewer rows than the table held dropped the index by content")
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}

	// A run that stops without finishing (as after kill -9: the database
	// is closed under it) leaves the index dropped; the next open for
	// writing builds it, a read-only one reads without it.
	run = beginTest(t, db, "h")
	write(run, 200, 260)
	if hasContentIndex(t, db) {
		t.Fatal("a run of 60 records into 50 rows kept the index by content")
	}
	db.Close()
	ro := openTest(t, path, Options{ReadOnly: true})
	if hasContentIndex(t, ro) {
		t.Fatal("the index came back without a writer")
	}
	if n := count(t, ro, `SELECT count(*) FROM files f JOIN contents c ON c.id = f.content_id`); n != 102 {
		t.Fatalf("%d files with their content without the index, want 102", n)
	}
	ro.Close()
	db = openTest(t, path, Options{})
	if !hasContentIndex(t, db) {
		t.Fatal("opening the database for writing did not rebuild the index by content")
	}
	var check string
	if err := db.SQL().QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
}
