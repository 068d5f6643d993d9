package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/result"
)

func openTest(t *testing.T, path string, opts Options) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func beginTest(t *testing.T, db *DB, hash string) *Run {
	t.Helper()
	r, err := db.BeginRun(context.Background(), RunInfo{ToolVersion: "v1", Options: map[string]any{"workers": 2}, OptionsHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// normalize makes a written record comparable with the one read back: the
// store returns empty (not nil) import and definition lists, as the JSON
// form does, and times in the local zone.
func normalize(r *result.Record) *result.Record {
	c := *r
	c.ModTime = time.Unix(0, unixNano(r.ModTime))
	if r.Report != nil {
		rep := *r.Report
		if rep.Imports == nil {
			rep.Imports = []analysis.Import{}
		}
		if rep.Definitions == nil {
			rep.Definitions = []analysis.Definition{}
		}
		c.Report = &rep
	}
	return &c
}

func count(t *testing.T, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestSchemaAndMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	// A database left at version 1 by an older pybatch, with data in it.
	db, err := Open(ctx, path, Options{migrateTo: 1})
	if err != nil {
		t.Fatal(err)
	}
	// What a version-1 pybatch wrote: a run and one file, by hand.
	for _, q := range []string{
		`INSERT INTO sources (name, created_at) VALUES ('/work/src', '2026-01-01T00:00:00Z')`,
		`INSERT INTO runs (tool_version, options, options_hash, pid, started_at) VALUES ('v0', '{"paths":["src"]}', 'h', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO files (source_id, path, size, mtime_ns, sha256, status, run_id, seen_run_id, report_schema, docstring, all_names) VALUES (1, 'src/a.py', 3, 5, '00000000000000000000000000000000000000000000000000000000000000ab', 'analyzed', 1, 1, 1, 'Mod doc.', '["f"]')`,
		`INSERT INTO definitions VALUES (1, 1, 'f', 'f', 'function', 9, 0, 9, 20, NULL, NULL, NULL, NULL, NULL, 1, 'A')`,
		`INSERT INTO definitions VALUES (1, 0, 'C.m', 'm', 'method', 2, 4, 3, 8, '["property"]',
			'[{"name":"self","kind":"positional","default":false,"annotation":false}]', 'int', '["B"]', 'Doc.', 2, 'A')`,
		`INSERT INTO imports VALUES (1, 0, 'os.path', '[{"name":"join","as":"j"}]', 0, 1, 1, 'module')`,
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if v := count(t, db, "PRAGMA user_version"); v != 1 {
		t.Fatalf("user_version %d, want 1", v)
	}
	db.Close()

	db = openTest(t, path, Options{})
	if v := count(t, db, "PRAGMA user_version"); v != SchemaVersion() || v < 2 {
		t.Fatalf("after migration user_version %d, want %d", v, SchemaVersion())
	}
	if n := count(t, db, "SELECT count(*) FROM file_results WHERE source = '/work/src' AND path = 'a.py' AND lines_error IS NULL"); n != 1 {
		t.Fatalf("the migrated view sees %d files, want 1", n)
	}
	rec, err := db.Record(ctx, "/work/src", "a.py")
	if err != nil || rec.Size != 3 || rec.Report == nil || rec.Report.LinesError != "" || rec.Report.Docstring == nil ||
		*rec.Report.Docstring != "Mod doc." || !reflect.DeepEqual(rec.Report.All, []string{"f"}) {
		t.Fatalf("the old file after migration: %+v, %v", rec, err)
	}
	doc := "Doc."
	wantDefs := []analysis.Definition{
		{QualName: "C.m", Name: "m", Kind: "method", Line: 2, Col: 4, EndLine: 3, EndCol: 8, Decorators: []string{"property"},
			Params: []analysis.Param{{Name: "self", Kind: "positional"}}, Returns: "int", Bases: []string{"B"}, Docstring: &doc, Complexity: 2, Rank: "A"},
		{QualName: "f", Name: "f", Kind: "function", Line: 9, EndLine: 9, EndCol: 20, Complexity: 1, Rank: "A"},
	}
	wantImps := []analysis.Import{{Module: "os.path", Names: []analysis.ImportName{{Name: "join", As: "j"}}, From: true, Line: 1, Where: "module"}}
	if !reflect.DeepEqual(rec.Report.Definitions, wantDefs) || !reflect.DeepEqual(rec.Report.Imports, wantImps) {
		t.Fatalf("rows moved to JSON by migration 4:\n%+v\n%+v", rec.Report.Definitions, rec.Report.Imports)
	}
	// The views give the rows back as the tables had them.
	var qual, decos string
	var isFrom int
	db.SQL().QueryRow("SELECT qualname, decorators FROM definitions WHERE file_id = 1 AND seq = 0").Scan(&qual, &decos)
	db.SQL().QueryRow("SELECT is_from FROM imports WHERE module = 'os.path'").Scan(&isFrom)
	if qual != "C.m" || decos != `["property"]` || isFrom != 1 {
		t.Fatalf("views: %q %q %d", qual, decos, isFrom)
	}
	var mode string
	db.SQL().QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal_mode %q", mode)
	}
	db.Close()

	// Newer than this code: refused with a clear message, data untouched.
	raw, _ := Open(ctx, path, Options{})
	raw.SQL().Exec("PRAGMA user_version = 99")
	raw.Close()
	if _, err := Open(ctx, path, Options{}); err == nil || !strings.Contains(err.Error(), "newer than this pybatch") {
		t.Fatalf("opening a newer schema: %v", err)
	}
}

// TestSchemaWithSqlite3Shell checks that the database is usable from the
// sqlite3 shell that users will query it with.
func TestSchemaWithSqlite3Shell(t *testing.T) {
	shell := testenv.RequireCommand(t, "sqlite3")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db := openTest(t, path, Options{})
	run := beginTest(t, db, "h")
	for i := range 3 {
		run.Write(ctx, synthRecord("src", i))
	}
	run.Finish(ctx, Completed, map[string]int{"files": 3})
	db.Close()
	out, err := exec.Command(shell, path, `PRAGMA integrity_check; SELECT count(*) FROM definitions d JOIN files f ON f.id = d.file_id WHERE d.kind = 'method';
		SELECT outcome, json_extract(stats, '$.files') FROM runs;`).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := string(out); got != "ok\n96\ncompleted|3\n" {
		t.Fatalf("sqlite3 says %q", got)
	}
}

func TestRoundTripAndIdempotence(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 4})
	run := beginTest(t, db, "h")
	se := &analysis.Report{SchemaVersion: 1, Path: "bad.py", Size: 3, SHA256: strings.Repeat("ab", 32), Encoding: "latin-1", BOM: true,
		LinesError:  "unterminated string at the end of the file",
		SyntaxError: &analysis.SyntaxError{Kind: "IndentationError", Msg: "unexpected indent", Line: 2, Col: 4, EndLine: 2, EndCol: 5}}
	recs := []*result.Record{
		synthRecord("src", 1), synthRecord("src", 2), synthRecord("other", 1),
		{Source: "src", Path: "bad.py", Size: 3, ModTime: time.Unix(5, 6), Status: result.Analyzed, Attempts: 1, Report: se},
		{Source: "src", Path: "big.bin", Size: 1 << 30, ModTime: time.Unix(7, 8), Status: result.Skipped, SkipReason: "too_large"},
		{Source: "src", Path: "gone.py", Size: 10, ModTime: time.Unix(9, 10), Status: result.Failed, ErrClass: "not_found", Err: "open gone.py: no such file", Attempts: 1},
		// Positions CPython leaves None are NULL, and read back as such.
		{Source: "src", Path: "nul.py", Size: 4, ModTime: time.Unix(11, 12), Status: result.Analyzed, Attempts: 1, Report: &analysis.Report{SchemaVersion: 1, Path: "nul.py", Size: 4, SHA256: strings.Repeat("cd", 32), Encoding: "utf-8",
			SyntaxError: &analysis.SyntaxError{Kind: "SyntaxError", Msg: "source code string cannot contain null bytes", NoStart: true, NoEnd: true}}},
		{Source: "src", Path: "enc.py", Size: 5, ModTime: time.Unix(13, 14), Status: result.Analyzed, Attempts: 1, Report: &analysis.Report{SchemaVersion: 1, Path: "enc.py", Size: 5, SHA256: strings.Repeat("ef", 32), Encoding: "nope",
			SyntaxError: &analysis.SyntaxError{Kind: "SyntaxError", Msg: "unknown encoding: nope", Line: 0, Col: -2, NoEnd: true}}},
	}
	for _, r := range recs {
		if err := run.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// Write everything a second time: one copy each must remain.
	for _, r := range recs {
		if err := run.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		got, err := db.Record(ctx, r.Source, r.Path)
		if err != nil {
			t.Fatal(err)
		}
		if want := normalize(r); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s/%s read back differs:\n got %+v\nwant %+v", r.Source, r.Path, got, want)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM files"); n != len(recs) {
		t.Fatalf("%d file rows, want %d", n, len(recs))
	}
	if n := count(t, db, "SELECT count(*) FROM syntax_errors WHERE line IS NULL AND col IS NULL AND end_line IS NULL AND end_col IS NULL"); n != 1 {
		t.Fatalf("%d syntax errors without any position, want 1 (nul.py)", n)
	}
	if n := count(t, db, "SELECT count(*) FROM definitions"); n != 3*36 {
		t.Fatalf("%d definitions, want %d", n, 3*36)
	}
	// The warnings view: synthRecord i has i%3 warnings, the second
	// without a column.
	if n := count(t, db, "SELECT count(*) FROM warnings"); n != 1+2+1 {
		t.Fatalf("%d warnings, want 4", n)
	}
	if n := count(t, db, "SELECT count(*) FROM warnings WHERE source = 'src' AND path = ? AND seq = 1 AND line = 8 AND col IS NULL AND category = 'SyntaxWarning' AND cell IS NULL", recs[1].Path); n != 1 {
		t.Fatalf("%d warnings without a column, want 1", n)
	}
	if n := count(t, db, "SELECT sum(warnings) FROM file_results"); n != 1+2+1 {
		t.Fatalf("file_results count %d warnings, want 4", n)
	}

	// Re-analysis of new bytes with a smaller result replaces all the
	// file's rows (the same bytes under the same version keep their facts).
	run = beginTest(t, db, "h")
	smaller := synthRecord("src", 1)
	smaller.Report.SHA256 = fmt.Sprintf("%064x", 999999)
	smaller.Report.Definitions = smaller.Report.Definitions[:2]
	smaller.Report.Imports = nil
	run.Write(ctx, smaller)
	run.Finish(ctx, Completed, nil)
	if n := count(t, db, "SELECT count(*) FROM definitions d JOIN file_results f ON f.id = d.file_id WHERE f.source = 'src' AND f.path = ?", smaller.Path); n != 2 {
		t.Fatalf("%d definitions after re-analysis, want 2", n)
	}
	if n := count(t, db, "SELECT count(*) FROM imports i JOIN file_results f ON f.id = i.file_id WHERE f.source = 'src' AND f.path = ?", smaller.Path); n != 0 {
		t.Fatalf("%d imports after re-analysis, want 0", n)
	}
	if _, err := db.Record(ctx, "src", "nope.py"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing record: %v", err)
	}
}

func TestIncrementalKnownKeepTouchGone(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "p.db"), Options{BatchSize: 2})
	run := beginTest(t, db, "h1")
	a, b, c := synthRecord("src", 1), synthRecord("src", 2), synthRecord("src", 3)
	for _, r := range []*result.Record{a, b, c} {
		run.Write(ctx, r)
	}
	run.Finish(ctx, Completed, nil)

	known, err := db.Known(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	if len(known) != 3 || !known[a.Path].Unchanged(a.Size, a.ModTime, "h1", "v1") {
		t.Fatalf("known: %+v", known)
	}
	if known[a.Path].Unchanged(a.Size, a.ModTime.Add(1), "h1", "v1") || known[a.Path].Unchanged(a.Size, a.ModTime, "h2", "v1") ||
		known[a.Path].Unchanged(a.Size, a.ModTime, "h1", "v2") || known[a.Path].Unchanged(a.Size+1, a.ModTime, "h1", "v1") {
		t.Fatal("Unchanged ignores a change of mtime, options, version or size")
	}
	if !known[b.Path].SameContent(b.Size, b.Report.SHA256, "h1", "v1") || known[b.Path].SameContent(b.Size, "00", "h1", "v1") {
		t.Fatal("SameContent is wrong")
	}

	// Second run: a unchanged (kept), b touched (new mtime, same hash), c deleted.
	run = beginTest(t, db, "h1")
	in, err := run.Resume(ctx, "src")
	if err != nil {
		t.Fatal(err)
	}
	if skip, err := in.Skip(ctx, a.Path, a.Size, a.ModTime); !skip || err != nil {
		t.Fatalf("the unchanged file is not skipped: %v", err)
	}
	newTime := b.ModTime.Add(time.Hour)
	run.Touch(ctx, "src", b.Path, b.Size, newTime)
	n, err := run.MarkGone(ctx, "src", "")
	if err != nil || n != 1 {
		t.Fatalf("MarkGone: %d, %v", n, err)
	}
	run.Finish(ctx, Completed, nil)
	known, _ = db.Known(ctx, "src")
	if known[c.Path].Status != Gone || known[c.Path].Unchanged(c.Size, c.ModTime, "h1", "v1") {
		t.Fatalf("deleted file: %+v", known[c.Path])
	}
	if !known[b.Path].Unchanged(b.Size, newTime, "h1", "v1") {
		t.Fatalf("touched file: %+v", known[b.Path])
	}
	if got, _ := db.Record(ctx, "src", b.Path); len(got.Report.Definitions) != 36 {
		t.Fatal("touch lost the results")
	}
	if n := count(t, db, "SELECT count(*) FROM definitions d JOIN files f ON f.id = d.file_id WHERE f.path = ?", c.Path); n != 0 {
		t.Fatalf("a gone file keeps %d definitions", n)
	}
	if known[a.Path].Status != result.Analyzed {
		t.Fatalf("kept file: %+v", known[a.Path])
	}
}

func TestRunsOutcomesAndFailed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := beginTest(t, db, "h")
	run.Write(ctx, &result.Record{Source: "s", Path: "x.py", Status: result.Failed, ErrClass: "io", Err: "EIO", Attempts: 3})
	run.Flush(ctx)
	db.Close() // the process "dies" with the run still running

	db = openTest(t, path, Options{})
	run = beginTest(t, db, "h")
	run.Write(ctx, &result.Record{Source: "s", Path: "y.py", Status: result.Failed, ErrClass: "permission", Err: "denied", Attempts: 1})
	run.Write(ctx, &result.Record{Source: "s", Path: "a.py", Status: result.Failed, ErrClass: "timeout", Err: "took too long", Attempts: 2})
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	rows, _ := db.SQL().Query("SELECT outcome, ended_at IS NOT NULL FROM runs ORDER BY id")
	var got []string
	for rows.Next() {
		var o string
		var ended bool
		rows.Scan(&o, &ended)
		got = append(got, o+map[bool]string{true: "+end", false: ""}[ended])
	}
	rows.Close()
	if strings.Join(got, ",") != "crashed,interrupted+end" {
		t.Fatalf("outcomes %v", got)
	}
	failed, err := db.Failed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []FailedFile{{"s", "a.py", "timeout", "took too long", 2}, {"s", "y.py", "permission", "denied", 1}}
	if !reflect.DeepEqual(failed, want) {
		t.Fatalf("failed files of the last run: %+v", failed)
	}
}

func TestDBLockRefusesOrWaits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	a := openTest(t, path, Options{})
	if _, err := Open(ctx, path, Options{}); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "p.db is in use by another pybatch run") {
		t.Fatalf("second writer: %v", err)
	}
	// A reader is never locked out.
	r := openTest(t, path, Options{ReadOnly: true})
	if _, err := r.Known(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	// A waiting writer gets the database when the first closes, and not
	// before. It is known to be waiting once it has tried the lock, found it
	// taken and asked its context whether to give up.
	probe := &waitProbe{Context: ctx, asked: make(chan struct{})}
	var closed atomic.Bool
	got := make(chan error, 1)
	go func() {
		db, err := Open(probe, path, Options{Wait: true})
		if err == nil {
			if !closed.Load() {
				err = errors.New("the waiting writer got the database while the first still held it")
			}
			db.Close()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("the waiting writer did not wait: %v", err)
	case <-probe.asked:
	}
	closed.Store(true)
	a.Close()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	b := openTest(t, path, Options{})
	if _, err := Open(short, path, Options{Wait: true}); !errors.Is(err, ErrLocked) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting with a deadline: %v", err)
	}
	b.Close()
}

// waitProbe is a context that reports the first call of its Done method:
// a writer waiting for the lock asks it after each refused attempt.
type waitProbe struct {
	context.Context
	once  sync.Once
	asked chan struct{}
}

func (p *waitProbe) Done() <-chan struct{} {
	p.once.Do(func() { close(p.asked) })
	return p.Context.Done()
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	content := []byte("these are my notes, not a database, and they are long enough to have a header\n")
	os.WriteFile(text, content, 0o644)
	if _, err := Open(ctx, text, Options{}); err == nil || !strings.Contains(err.Error(), "not a usable pybatch database") {
		t.Fatalf("opening a text file: %v", err)
	}
	if b, _ := os.ReadFile(text); !bytes.Equal(b, content) {
		t.Fatal("the text file was modified")
	}
	other := filepath.Join(dir, "other.db")
	raw, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	raw.Exec("CREATE TABLE mine (x)")
	raw.Close()
	if _, err := Open(ctx, other, Options{}); err == nil || !strings.Contains(err.Error(), "pybatch did not create") {
		t.Fatalf("opening someone else's database: %v", err)
	}
	if _, err := Open(ctx, dir, Options{}); err == nil {
		t.Fatal("opened a directory")
	}
}

// Reading a database leaves nothing beside it: the -wal and -shm files go
// with the last connection, as after a run, and the reader writes nothing.
func TestReadOnlyLeavesNoWALBehind(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	w := openTest(t, path, Options{})
	r := beginTest(t, w, "h")
	if err := r.Write(ctx, &result.Record{Source: "src", Path: "a.py", Status: result.Skipped, SkipReason: "binary"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	before, _ := os.ReadFile(path)
	db, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Known(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, `DELETE FROM files`); err == nil {
		t.Error("a read-only database took a write")
	}
	db.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s left behind by a reader", filepath.Base(path+suffix))
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("reading changed the database")
	}
}
