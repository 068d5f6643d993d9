package batch

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
	"github.com/ulikunitz/xz"
)

// packTree writes every file under dir into an archive at dst, named by
// its slash path below dir, in the format dst's name says.
func packTree(t *testing.T, dir, dst string) {
	t.Helper()
	var buf bytes.Buffer
	type file struct {
		name string
		data []byte
		info fs.FileInfo
	}
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		files = append(files, file{filepath.ToSlash(rel), data, info})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(dst, ".zip") || strings.HasSuffix(dst, ".whl") {
		zw := zip.NewWriter(&buf)
		for _, f := range files {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: f.info.ModTime()})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(f.data)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	} else {
		var raw bytes.Buffer
		tw := tar.NewWriter(&raw)
		for _, f := range files {
			h, _ := tar.FileInfoHeader(f.info, "")
			h.Name = f.name
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
			tw.Write(f.data)
		}
		tw.Close()
		switch {
		case strings.HasSuffix(dst, ".tar.gz"):
			zw := gzip.NewWriter(&buf)
			zw.Write(raw.Bytes())
			zw.Close()
		case strings.HasSuffix(dst, ".tar.xz"):
			zw, _ := xz.NewWriter(&buf)
			zw.Write(raw.Bytes())
			zw.Close()
		case strings.HasSuffix(dst, ".tar.zst"):
			zw, _ := zstd.NewWriter(&buf)
			zw.Write(raw.Bytes())
			zw.Close()
		default:
			buf = raw
		}
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runRecords runs the pipeline on roots and returns the records by path.
func runRecords(t *testing.T, cfg Config) map[string]*result.Record {
	t.Helper()
	recs := map[string]*result.Record{}
	cfg.OnRecord = func(r *result.Record) {
		if _, dup := recs[r.Path]; dup {
			t.Errorf("%s recorded twice", r.Path)
		}
		recs[r.Path] = r
	}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	return recs
}

// An archive given as a root gives the records of the tree it was packed
// from: the same paths, content hashes and reports, in every format.
func TestArchiveRecordsEqualTheTree(t *testing.T) {
	stdlib := testenv.Stdlib(t)
	tree := filepath.Join(t.TempDir(), "tree")
	n, formats := 120, []string{"s.tar", "s.tar.gz", "s.tgz", "s.tar.xz", "s.tar.zst", "s.zip", "s-1.0-py3-none-any.whl"}
	if testing.Short() {
		n, formats = 30, []string{"s.tar.gz", "s-1.0-py3-none-any.whl"}
	}
	for _, p := range testenv.Sample(testenv.StdlibFiles(t, stdlib), n) {
		rel, _ := filepath.Rel(stdlib, p)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(tree, rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A member the directory rules leave out, and a non-Python one.
	put(t, tree, "__pycache__/cached.py", "x = 1\n")
	put(t, tree, "README.txt", "text")
	so := scan.DefaultOptions()
	want := runRecords(t, Config{Roots: []string{tree}, Scan: so})
	if len(want) < n*3/4 {
		t.Fatalf("only %d records from the tree", len(want))
	}
	for _, name := range formats {
		t.Run(name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), name)
			if name == "s.tgz" {
				packTree(t, tree, dst+".tar.gz")
				os.Rename(dst+".tar.gz", dst)
			} else {
				packTree(t, tree, dst)
			}
			got := runRecords(t, Config{Roots: []string{dst}, Scan: so})
			src, _ := ArchiveSource(dst)
			if len(got) != len(want) {
				t.Errorf("%d records from the archive, %d from the tree", len(got), len(want))
			}
			for path, w := range want {
				g := got[path]
				if g == nil {
					t.Errorf("%s: not in the archive's records", path)
					continue
				}
				if g.Source != src {
					t.Fatalf("%s: source %q, want %q", path, g.Source, src)
				}
				if g.Status != w.Status || g.SkipReason != w.SkipReason || g.Size != w.Size {
					t.Errorf("%s: %s %s %d, the tree's %s %s %d", path, g.Status, g.SkipReason, g.Size, w.Status, w.SkipReason, w.Size)
					continue
				}
				gj, _ := json.Marshal(g.Report)
				wj, _ := json.Marshal(w.Report)
				if !bytes.Equal(gj, wj) {
					t.Errorf("%s: the report differs:\n%s\n%s", path, gj, wj)
				}
			}
		})
	}
}

func TestArchiveGlobsAndLinks(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	put(t, tree, "pkg/a.py", "a = 1\n")
	put(t, tree, "pkg/tests/test_a.py", "def test(): pass\n")
	put(t, tree, "pkg/gen/g.py", "g = 1\n")
	put(t, tree, "pkg/.hidden/h.py", "h = 1\n")
	put(t, tree, "pkg/bin.py", "\x00\x01")
	put(t, tree, "pkg/stub.pyi", "x: int\n")
	arc := filepath.Join(dir, "pkg.tar.gz")
	packTree(t, tree, arc)
	so := scan.DefaultOptions()
	so.Exclude = []string{"tests", "/pkg/gen"}
	so.Stubs = true
	got := runRecords(t, Config{Roots: []string{arc}, Scan: so})
	var paths []string
	for p, r := range got {
		paths = append(paths, p+":"+string(r.Status)+":"+string(r.SkipReason))
	}
	slices.Sort(paths)
	want := []string{"pkg/a.py:analyzed:", "pkg/bin.py:skipped:binary", "pkg/stub.pyi:analyzed:"}
	if !slices.Equal(paths, want) {
		t.Errorf("got %q\nwant %q", paths, want)
	}
}

// A directory's archives are read only with Archives.Walk, each a source of
// its own; a damaged one keeps what was read and fails the rest.
func TestArchivesWalkAndDamage(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	put(t, tree, "top.py", "t = 1\n")
	src := filepath.Join(dir, "src")
	put(t, src, "one.py", "one = 1\n")
	var big strings.Builder
	for i := 0; big.Len() < 300<<10; i++ {
		big.WriteString("x" + strings.Repeat("y", i%97) + " = 1\n")
	}
	put(t, src, "two.py", big.String())
	os.MkdirAll(filepath.Join(tree, "dist"), 0o755)
	packTree(t, src, filepath.Join(tree, "dist", "good.tar"))
	data, _ := os.ReadFile(filepath.Join(tree, "dist", "good.tar"))
	os.WriteFile(filepath.Join(tree, "dist", "cut.tar"), data[:len(data)/2], 0o644)

	got := runRecords(t, Config{Roots: []string{tree}})
	if len(got) != 1 || got["top.py"] == nil {
		t.Errorf("without Walk: %v", keys(got))
	}
	var recs []*result.Record
	cfg := Config{Roots: []string{tree}, Archives: ArchiveOptions{Walk: true}, OnRecord: func(r *result.Record) { recs = append(recs, r) }}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	bySource := map[string][]string{}
	for _, r := range recs {
		rel, _ := filepath.Rel(dir, r.Source)
		bySource[rel] = append(bySource[rel], r.Path+":"+string(r.Status)+":"+string(r.ErrClass))
	}
	for _, v := range bySource {
		slices.Sort(v)
	}
	want := map[string][]string{
		"tree":               {"top.py:analyzed:"},
		"tree/dist/good.tar": {"one.py:analyzed:", "two.py:analyzed:"},
		// cut inside two.py's data
		"tree/dist/cut.tar": {"one.py:analyzed:", "two.py:failed:" + string(recovery.CorruptArchive)},
	}
	for k, v := range want {
		if !slices.Equal(bySource[k], v) {
			t.Errorf("%s: got %q, want %q", k, bySource[k], v)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A re-run of an unchanged archive analyzes nothing; a changed member is
// analyzed again and a removed one is gone.
func TestArchiveIncremental(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	put(t, tree, "a.py", "a = 1\n")
	put(t, tree, "b.py", "b = 1\n")
	put(t, tree, "c.py", "c = 1\n")
	arc := filepath.Join(dir, "pkg.zip")
	packTree(t, tree, arc)
	db, err := store.Open(ctx, filepath.Join(dir, "out.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	so := scan.DefaultOptions()
	run := func() RunSummary {
		t.Helper()
		out, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: Version, OptionsHash: OptionsHash(so)})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := Run(ctx, Config{Roots: []string{arc}, Scan: so, Output: out})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	if rs := run(); rs.Analyzed != 3 {
		t.Fatalf("first run: %d analyzed", rs.Analyzed)
	}
	if rs := run(); rs.Analyzed != 0 || rs.Kept != 3 {
		t.Errorf("unchanged: %d analyzed, %d kept", rs.Analyzed, rs.Kept)
	}
	os.Remove(filepath.Join(tree, "c.py"))
	put(t, tree, "b.py", "b = 2  # changed\n")
	packTree(t, tree, arc)
	rs := run()
	if rs.Analyzed != 1 || rs.Kept != 1 || rs.Gone != 1 {
		t.Errorf("changed: %d analyzed, %d kept, %d gone; want 1, 1, 1", rs.Analyzed, rs.Kept, rs.Gone)
	}
	var n int
	src, _ := ArchiveSource(arc)
	db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM files f JOIN sources s ON s.id = f.source_id WHERE s.name = ? AND f.status != 'gone'`, src).Scan(&n)
	if n != 2 {
		t.Errorf("%d files held of the archive, want 2", n)
	}
}

// put writes a file, making its directories.
func put(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, name, content)
}

// Hostile member names are recorded as given, through SQLite and JSON
// Lines alike, and nothing is written anywhere but the output.
func TestArchiveHostileNamesStored(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	names := []string{"../../escape.py", "/etc/abs.py", "nul\x00byte.py", "bad\xff\xfe.py", "a/./b/../c.py"}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write([]byte("x = 1\n"))
	}
	zw.Close()
	arc := filepath.Join(dir, "hostile.zip")
	os.WriteFile(arc, buf.Bytes(), 0o644)
	so := scan.DefaultOptions()

	var jsonl bytes.Buffer
	if _, err := Run(ctx, Config{Roots: []string{arc}, Scan: so, Output: store.NewJSONL(&jsonl, store.JSONLOptions{})}); err != nil {
		t.Fatal(err)
	}
	var fromJSONL []string
	for r, err := range store.ReadJSONL(&jsonl) {
		if err != nil {
			t.Fatal(err)
		}
		fromJSONL = append(fromJSONL, r.Path)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "out.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: Version, OptionsHash: OptionsHash(so)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, Config{Roots: []string{arc}, Scan: so, Output: out}); err != nil {
		t.Fatal(err)
	}
	var fromDB []string
	for r, err := range db.Records(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		fromDB = append(fromDB, r.Path)
	}
	want := slices.Sorted(slices.Values(names))
	slices.Sort(fromJSONL)
	slices.Sort(fromDB)
	if !slices.Equal(fromJSONL, want) || !slices.Equal(fromDB, want) {
		t.Errorf("names:\n jsonl %q\n db    %q\n want  %q", fromJSONL, fromDB, want)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "hostile.zip") && !strings.HasPrefix(e.Name(), "out.db") {
			t.Errorf("%s appeared beside the archive", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape.py")); err == nil {
		t.Errorf("../../escape.py was written")
	}
}
