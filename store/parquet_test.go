package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/result"
)

// parquetCases are records of every shape: analyzed with every kind of
// fact, a syntax error, empty and missing texts, skipped, failed, and
// names that are not valid UTF-8.
func parquetCases(source string, n int) []*result.Record {
	var recs []*result.Record
	for i := range n {
		recs = append(recs, synthRecord(source, i))
	}
	empty := ""
	recs = append(recs,
		&result.Record{Source: source, Path: "skipped.bin", Size: 7, ModTime: time.Unix(5, 6), Status: result.Skipped, SkipReason: "binary", Err: "looks binary"},
		&result.Record{Source: source, Path: "dir/failed.py", Size: 5, Status: result.Failed, ErrClass: "permission", Err: "open: permission denied", Attempts: 3, Duration: time.Second},
		&result.Record{Source: source, Path: "bad\xffname.py", Size: 3, ModTime: time.Unix(1, 2), Status: result.Analyzed, Attempts: 1,
			Report: &analysis.Report{SchemaVersion: analysis.SchemaVersion, Path: "bad\xffname.py", Size: 3, SHA256: strings.Repeat("ab", 32),
				Encoding: "latin-1", BOM: true, Docstring: &empty, LinesError: "unterminated string",
				SyntaxError: &analysis.SyntaxError{Kind: "IndentationError", Msg: "unexpected indent", Line: 2, Col: 4, EndLine: 2, EndCol: 5},
				Imports:     []analysis.Import{{Module: "", Names: []analysis.ImportName{{Name: "x"}}, Level: 2, From: true, Line: 1, Where: "try_import_error"}},
				Definitions: []analysis.Definition{{QualName: "f.<locals>.g", Name: "g", Kind: "async_function", Line: 3, Col: 4, EndLine: 4, EndCol: 8,
					Params: []analysis.Param{{Name: "a", Kind: "positional_only"}, {Name: "b", Kind: "keyword_only", Default: true}}, Complexity: 45, Rank: "F"}}}},
		&result.Record{Source: source, Path: "empty.py", Status: result.Analyzed, Attempts: 1,
			Report: &analysis.Report{SchemaVersion: analysis.SchemaVersion, Path: "empty.py", SHA256: strings.Repeat("0", 64), Encoding: "utf-8",
				Imports: []analysis.Import{}, Definitions: []analysis.Definition{}}},
	)
	return recs
}

// sameRecords fails unless got holds exactly want's records (in any
// order).
func sameRecords(t *testing.T, got, want []*result.Record) {
	t.Helper()
	key := func(r *result.Record) string { return r.Source + "\x00" + r.Path }
	byKey := map[string]*result.Record{}
	for _, r := range got {
		if byKey[key(r)] != nil {
			t.Fatalf("%s is held twice", r.Path)
		}
		byKey[key(r)] = r
	}
	if len(got) != len(want) {
		t.Errorf("%d records read back, %d written", len(got), len(want))
	}
	for _, w := range want {
		g := byKey[key(w)]
		if g == nil {
			t.Fatalf("%q was lost", w.Path)
		}
		if !g.ModTime.Equal(w.ModTime) {
			t.Fatalf("%s: mtime %v, want %v", w.Path, g.ModTime, w.ModTime)
		}
		cp := *g
		cp.ModTime = w.ModTime
		if !reflect.DeepEqual(&cp, w) {
			a, _ := json.Marshal(&cp)
			b, _ := json.Marshal(w)
			t.Fatalf("%s changed on the way:\n got %s\nwant %s", w.Path, a, b)
		}
	}
}

func readAll(t *testing.T, dir string) []*result.Record {
	t.Helper()
	var out []*result.Record
	for rec, err := range ReadParquet(context.Background(), dir) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

func TestParquetRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	committed := 0
	p, err := OpenParquet(ctx, dir, ParquetOptions{Resume: true, OptionsHash: "h", ToolVersion: "v", ChunkRecords: 7,
		RowGroupBytes: 8 << 10, OnCommit: func(n int) { committed += n }})
	if err != nil {
		t.Fatal(err)
	}
	recs := parquetCases("/src", 40)
	for _, r := range recs {
		if err := p.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if committed != 42 {
		t.Errorf("%d records committed before the end, want 42 (6 chunks of 7)", committed)
	}
	if err := p.Finish(ctx, Completed, map[string]int{"files": len(recs)}); err != nil {
		t.Fatal(err)
	}
	if committed != len(recs) {
		t.Errorf("%d records committed, want %d", committed, len(recs))
	}
	sameRecords(t, readAll(t, dir), recs)

	chunks, err := ParquetChunks(dir)
	if err != nil || len(chunks) != 7 {
		t.Fatalf("%d chunks (%v), want 7", len(chunks), err)
	}
	// Row groups are bounded: the definitions of 7 synthetic files take
	// several of 8 KiB.
	meta, err := parquetMeta(chunks[0].Path("definitions"))
	if err != nil || meta["pybatch.schema_version"] != strconv.Itoa(ParquetSchemaVersion) || meta["pybatch.table"] != "definitions" || meta["pybatch.shard"] != "0/1" {
		t.Fatalf("metadata %v (%v)", meta, err)
	}
	// The warnings table: synthRecord i has i%3 warnings, the second
	// without a column.
	warns, noCol := 0, 0
	for _, c := range chunks {
		ws, err := openRowStream[parquetWarning](c.Path("warnings"))
		if err != nil {
			t.Fatal(err)
		}
		for {
			w, ok, err := ws.next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			warns++
			if w.Col == nil {
				noCol++
				if w.Seq != 1 || w.Category != "SyntaxWarning" || w.Source != "/src" {
					t.Errorf("warning row %+v", w)
				}
			}
		}
		ws.close()
	}
	if warns != 39 || noCol != 13 {
		t.Errorf("%d warning rows, %d without a column: want 39 and 13", warns, noCol)
	}
	runs, err := ParquetRuns(dir)
	if err != nil || len(runs) != 1 || runs[0].Outcome != Completed || runs[0].ID != 1 || !strings.Contains(runs[0].Stats, `"files":44`) {
		t.Fatalf("runs %+v (%v)", runs, err)
	}
	for _, t2 := range ParquetTables {
		if left, _ := filepath.Glob(filepath.Join(dir, t2, "*.tmp")); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

// Text that is not UTF-8 comes back as JSON Lines give it back: U+FFFD
// for each invalid byte, except a source or path, which keep their bytes.
func TestParquetTextIsUTF8AsInJSONLines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	doc := "caf\xe9"
	rec := &result.Record{Source: "/s\xff", Path: "d\xfe/x.py", Status: result.Analyzed, Attempts: 1, Err: "",
		Report: &analysis.Report{SchemaVersion: 1, Path: "d\xfe/x.py", SHA256: strings.Repeat("1", 64), Encoding: "latin-1", Docstring: &doc,
			Imports:     []analysis.Import{{Module: "m\xe9", Names: []analysis.ImportName{{Name: "a\xe9"}}, Line: 1, Where: "module"}},
			Definitions: []analysis.Definition{{QualName: "f\xe9", Name: "f\xe9", Kind: "function", Line: 2, Docstring: &doc, Complexity: 1, Rank: "A"}}}}
	failed := &result.Record{Source: "/s\xff", Path: "e.py", Status: result.Failed, ErrClass: "io", Err: "read d\xfe: I/O error", Attempts: 1}
	p, err := OpenParquet(ctx, dir, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*result.Record{rec, failed} {
		if err := p.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	var want []*result.Record
	for _, r := range []*result.Record{rec, failed} {
		b, err := AppendLine(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeLine(b)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, back)
	}
	if want[0].Path != rec.Path || *want[0].Report.Docstring != "caf\uFFFD" {
		t.Fatalf("JSON Lines gave back %q, %q", want[0].Path, *want[0].Report.Docstring)
	}
	// (The report's own copy of the path keeps its bytes, as in SQLite:
	// JSON Lines have no bytes field for it.)
	want[0].Report.Path = rec.Path
	sameRecords(t, readAll(t, dir), want)
}

func TestParquetRowGroupsAreBounded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p, err := OpenParquet(ctx, dir, ParquetOptions{RowGroupBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range parquetCases("/s", 200) {
		if err := p.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "definitions", "part-00000-of-00001-c0000.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	groups := pf.RowGroups()
	if len(groups) < 10 {
		t.Fatalf("%d row groups for 7,200 definitions with 16 KiB groups", len(groups))
	}
	if codec := pf.Metadata().RowGroups[0].Columns[0].MetaData.Codec.String(); codec != "ZSTD" {
		t.Errorf("codec %s, want ZSTD", codec)
	}
}

// crash abandons p as a killed process would: the open chunk's temporary
// files stay, nothing is renamed, and the lock goes with the process.
func crash(p *Parquet) {
	if c := p.cur; c != nil {
		for _, f := range []*os.File{c.files.f, c.defs.f, c.imps.f, c.errs.f} {
			f.Close()
		}
	}
	p.lock.release()
}

func TestParquetResume(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	recs := parquetCases("/src", 30)
	opts := ParquetOptions{Resume: true, OptionsHash: "h", ToolVersion: "v", ChunkRecords: 10}
	p, err := OpenParquet(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[:25] {
		if err := p.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	crash(p) // 20 committed, 5 in the open chunk
	if tmp, _ := filepath.Glob(filepath.Join(dir, "files", "*.tmp")); len(tmp) != 1 {
		t.Fatalf("temporary files %v", tmp)
	}
	// A crash between the renames of a chunk leaves facts without files.
	for _, table := range []string{"definitions", "imports"} {
		if err := os.WriteFile(filepath.Join(dir, table, "part-00000-of-00001-c0007.parquet"), []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	p, err = OpenParquet(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range ParquetTables {
		if left, _ := filepath.Glob(filepath.Join(dir, table, "*.tmp")); len(left) > 0 {
			t.Errorf("temporary files left after reopening: %v", left)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "imports", "part-00000-of-00001-c0007.parquet")); err == nil {
		t.Error("an uncommitted chunk's facts part was kept")
	}
	srcs, err := p.Sources(ctx)
	if err != nil || !slices.Equal(srcs, []string{"/src"}) {
		t.Fatalf("sources %v (%v)", srcs, err)
	}
	in, err := p.Resume(ctx, "/src")
	if err != nil || in == nil {
		t.Fatalf("resume: %v %v", in, err)
	}
	if other, _ := p.Resume(ctx, "/other"); other != nil {
		t.Error("a source the output does not hold is resumed")
	}
	done := 0
	for _, r := range recs {
		skip, err := in.Skip(ctx, r.Path, r.Size, r.ModTime)
		if err != nil {
			t.Fatal(err)
		}
		if skip {
			done++
			continue
		}
		if err := in.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if done != 20 {
		t.Errorf("%d files skipped, want the 20 committed", done)
	}
	if err := p.Finish(ctx, Interrupted, nil); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, readAll(t, dir), recs)
	runs, err := ParquetRuns(dir)
	if err != nil || len(runs) != 1 || runs[0].ID != 2 || runs[0].Outcome != Interrupted {
		t.Fatalf("runs %+v (%v): want the second run, interrupted (the first one crashed)", runs, err)
	}

	// Interrupted: the next run resumes and then completes.
	p, err = OpenParquet(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if in, _ := p.Resume(ctx, "/src"); in == nil || !in.Holds(ctx, recs[len(recs)-1].Path) {
		t.Fatal("an interrupted output is not resumed")
	}
	if err := p.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, readAll(t, dir), recs)

	// Under other options it is refused.
	if _, err := OpenParquet(ctx, dir, ParquetOptions{Resume: true, OptionsHash: "other", ToolVersion: "v"}); err != nil {
		t.Fatalf("a completed output is replaced, not resumed: %v", err)
	}
}

func TestParquetResumeRefusesOtherOptions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p, err := OpenParquet(ctx, dir, ParquetOptions{Resume: true, OptionsHash: "h1", ToolVersion: "v"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(ctx, synthRecord("/s", 1)); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(ctx, Interrupted, nil); err != nil {
		t.Fatal(err)
	}
	_, err = OpenParquet(ctx, dir, ParquetOptions{Resume: true, OptionsHash: "h2", ToolVersion: "v"})
	if err == nil || !strings.Contains(err.Error(), "cannot resume") || !strings.Contains(err.Error(), "h1") {
		t.Fatalf("resume under other options: %v", err)
	}
	// Without resume the shard is replaced.
	p, err = OpenParquet(ctx, dir, ParquetOptions{OptionsHash: "h2", ToolVersion: "v"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, dir); len(got) != 0 {
		t.Fatalf("%d records after a run that replaced the output with nothing", len(got))
	}
}

func TestParquetShards(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var all []*result.Record
	for k := range 3 {
		p, err := OpenParquet(ctx, dir, ParquetOptions{Shard: Shard{Index: k, Count: 3}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range parquetCases(fmt.Sprintf("/s%d", k), 3) {
			all = append(all, r)
			if err := p.Write(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Finish(ctx, Completed, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "files", "part-00002-of-00003-c0000.parquet")); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, readAll(t, dir), all)
	// Re-running a shard replaces exactly its part.
	p, err := OpenParquet(ctx, dir, ParquetOptions{Shard: Shard{Index: 1, Count: 3}, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, dir); len(got) != 2*len(all)/3 {
		t.Fatalf("%d records after shard 1 was replaced by an empty run, want %d", len(got), 2*len(all)/3)
	}
	if _, err := OpenParquet(ctx, dir, ParquetOptions{Shard: Shard{Index: 0, Count: 4}}); err == nil || !strings.Contains(err.Error(), "split in 3 shards") {
		t.Fatalf("a run of 4 shards into an output of 3: %v", err)
	}
	if _, err := OpenParquet(ctx, dir, ParquetOptions{Shard: Shard{Index: 3, Count: 3}}); err == nil {
		t.Fatal("shard 3 of 3 accepted")
	}
}

func TestParquetRefusesWhatIsNotItsOwn(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	file := filepath.Join(base, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := OpenParquet(ctx, file, ParquetOptions{}); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("a file as the output: %v", err)
	}
	other := filepath.Join(base, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if _, err := OpenParquet(ctx, other, ParquetOptions{}); err == nil || !strings.Contains(err.Error(), "not a pybatch Parquet output") {
		t.Errorf("another program's directory: %v", err)
	}
	newer := filepath.Join(base, "newer")
	os.MkdirAll(newer, 0o755)
	os.WriteFile(filepath.Join(newer, "_schema.json"), []byte(`{"format":"pybatch-parquet","schema_version":99}`), 0o644)
	if _, err := OpenParquet(ctx, newer, ParquetOptions{}); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("a directory of another schema version: %v", err)
	}
	if _, err := ParquetChunks(newer); err == nil {
		t.Error("a directory of another schema version is read")
	}
	// Two runs on one shard: the second is refused.
	dir := filepath.Join(base, "busy")
	p, err := OpenParquet(ctx, dir, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := OpenParquet(ctx, dir, ParquetOptions{}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("a second writer of a shard: %v", err)
	}
	// A damaged chunk is an error, not silently fewer records.
	if err := p.Write(ctx, synthRecord("/s", 1)); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(ctx, Completed, nil); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "imports", "part-00000-of-00001-c0000.parquet"))
	if _, err := ParquetChunks(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a chunk without its imports part: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "imports", "part-00000-of-00001-c0000.parquet"), []byte("not parquet"), 0o644)
	n := 0
	var last error
	for _, err := range ReadParquet(ctx, dir) {
		n++
		last = err
	}
	if n != 1 || last == nil {
		t.Errorf("a chunk with a broken part: %d yields, last error %v", n, last)
	}
}

func TestParquetSchemaDocumented(t *testing.T) {
	b, err := ParquetSchemaJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc parquetSchemaDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Tables) != len(ParquetTables) || doc.SchemaVersion != ParquetSchemaVersion {
		t.Fatalf("%s", b)
	}
	cols := map[string][]string{}
	for _, tb := range doc.Tables {
		for _, c := range tb.Columns {
			cols[tb.Name] = append(cols[tb.Name], c.Name)
		}
	}
	// The README's queries rely on these names, as on SQLite's views.
	for table, want := range map[string][]string{
		"files":         {"source", "path", "size", "status", "definitions", "loc"},
		"definitions":   {"path", "line", "qualname", "complexity", "rank"},
		"imports":       {"path", "module"},
		"syntax_errors": {"path", "line", "msg"},
		"runs":          {"id", "outcome", "stats"},
	} {
		for _, c := range want {
			if !slices.Contains(cols[table], c) {
				t.Errorf("%s has no column %s: %v", table, c, cols[table])
			}
		}
	}
}
