package batch

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/pybatch/pybatch/dataset"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// datasetFiles are files whose records on disk the rows' must equal.
var datasetFiles = map[string]string{
	"pkg/__init__.py":   "",
	"pkg/core.py":       "import os\n\ndef f(x):\n    if x:\n        return 1\n    return 2\n",
	"pkg/copy.py":       "import os\n\ndef f(x):\n    if x:\n        return 1\n    return 2\n",
	"bad.py":            "def (:\n",
	"latin.py":          "# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n",
	"blob.py":           "x = 1\x00\n",
	"tests/test_a.py":   "def test():\n    assert True\n",
	"crlf.py":           "a = 1\r\nb = 2\r\n",
	"deep/a/b/mod.py":   "class C:\n    def m(self):\n        return [i for i in range(3)]\n",
	"weird name (1).py": "w = 1\n",
}

type row struct {
	Path    *string `parquet:"path,optional" json:"path,omitempty"`
	Content *string `parquet:"content,optional" json:"content,omitempty"`
	Repo    string  `parquet:"repo" json:"repo"`
}

func ptr(s string) *string { return &s }

func writeParquet(t *testing.T, path string, rows []row, perGroup int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[row](f, parquet.MaxRowsPerRowGroup(int64(perGroup)))
	for i := 0; i < len(rows); i += perGroup {
		if _, err := w.Write(rows[i:min(i+perGroup, len(rows))]); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func jsonLines(t *testing.T, rows []row) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func TestDatasetsEqualFiles(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	var rows []row
	for name, content := range datasetFiles {
		p := filepath.Join(tree, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row{Path: ptr(name), Content: ptr(content), Repo: "r"})
	}
	jl := jsonLines(t, rows)
	var gz, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(jl)
	gw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write(jl)
	zw.Close()
	files := map[string][]byte{"d.jsonl": jl, "d.jsonl.gz": gz.Bytes(), "d.jsonl.zst": zs.Bytes(), "noext": jl}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeParquet(t, filepath.Join(dir, "d.parquet"), rows, 3)

	for _, so := range []scan.Options{scan.DefaultOptions(), {Exclude: []string{"tests"}}} {
		so = isolatedScan(t, so)
		want := recordsByPath(t, pipelineRecords(t, Config{Roots: []string{tree}, Scan: so}), mustEval(t, tree))
		for _, name := range []string{"d.jsonl", "d.jsonl.gz", "d.jsonl.zst", "noext", "d.parquet"} {
			in, err := OpenDataset(filepath.Join(dir, name), dataset.Options{}, so)
			if err != nil {
				t.Fatal(err)
			}
			got := recordsByPath(t, pipelineRecords(t, Config{Inputs: []Input{in}, Scan: so}), mustEval(t, filepath.Join(dir, name)))
			w := want
			if name != "d.parquet" {
				// JSON strings are Unicode: latin-1 bytes cannot be
				// carried (json.Marshal wrote U+FFFD).
				w = maps.Clone(want)
				delete(w, "latin.py")
				if g := got["latin.py"]; g.Status != result.Analyzed || g.Size != int64(len(datasetFiles["latin.py"]))+2 {
					t.Errorf("%s: latin.py: %+v", name, g)
				}
				delete(got, "latin.py")
			}
			diffRecords(t, name, got, w)
		}
	}
}

func TestDatasetHostileRows(t *testing.T) {
	dir := t.TempDir()
	rows := []row{
		{Path: ptr("a.py"), Content: ptr("a = 1\n")},
		{Path: ptr("nocontent.py")},                      // NULL content
		{Content: ptr("b = 2\n")},                        // no path: "#3"
		{Path: ptr("a.py"), Content: ptr("a = 2\n")},     // repeated name: "a.py#4"
		{Path: ptr(""), Content: ptr("e = 1\n")},         // empty path: "#5"
		{Path: ptr("notes.txt"), Content: ptr("text\n")}, // not selected
		{Path: ptr("x/../../etc/passwd.py"), Content: ptr("p = 1\n")},
	}
	check := func(t *testing.T, name string, extra map[string]string) {
		t.Helper()
		in, err := OpenDataset(filepath.Join(dir, name), dataset.Options{}, scan.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		recs := pipelineRecords(t, Config{Inputs: []Input{in}})
		got := map[string]string{}
		for _, r := range recs {
			got[r.Path] = string(r.Status) + " " + string(r.ErrClass)
			if r.Status == result.Analyzed && r.Report.Path != r.Path {
				t.Errorf("%s: report named %s", r.Path, r.Report.Path)
			}
		}
		want := map[string]string{
			"a.py":                  "analyzed ",
			"nocontent.py":          "failed invalid_row",
			"#3":                    "analyzed ",
			"a.py#4":                "analyzed ",
			"#5":                    "analyzed ",
			"x/../../etc/passwd.py": "analyzed ",
		}
		for k, v := range extra {
			want[k] = v
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	writeParquet(t, filepath.Join(dir, "h.parquet"), rows, 2)
	check(t, "h.parquet", nil)

	jl := string(jsonLines(t, rows)) +
		`{"path": "num.py", "content": 12}` + "\n" +
		`{"path": "arr.py", "content": ["x"]}` + "\n" +
		`{"path": "broken.py", "content": "unterminated` + "\n" +
		"\n   \n" + // blank lines are not rows
		`[1, 2]` + "\n" +
		`{"path": "last.py", "content": "z = 1\n"}` // no final newline
	if err := os.WriteFile(filepath.Join(dir, "h.jsonl"), []byte(jl), 0o644); err != nil {
		t.Fatal(err)
	}
	check(t, "h.jsonl", map[string]string{
		"num.py": "failed invalid_row", "arr.py": "failed invalid_row", "#10": "failed invalid_row",
		"#11": "failed invalid_row", "last.py": "analyzed ",
	})

	// A line over the limit is a failed row, and the next rows are read.
	long := `{"path": "long.py", "content": "` + strings.Repeat("x", 200) + `"}` + "\n" + `{"path": "after.py", "content": "y = 1\n"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "long.jsonl"), []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Open(filepath.Join(dir, "long.jsonl"), dataset.Options{MaxLine: 100})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for e := range d.Rows() {
		names = append(names, e.Path+" "+errClass(e.Err))
	}
	d.Close()
	if want := []string{"#1 invalid_row", "after.py "}; !reflect.DeepEqual(names, want) {
		t.Errorf("long line: %v, want %v", names, want)
	}
}

func errClass(err error) string {
	if err == nil {
		return ""
	}
	return string(recovery.Classify(err))
}

// A damaged dataset keeps the rows before the damage and one failed record
// for the rest; a file that is not a dataset, or lacks the column, is an
// error of OpenDataset.
func TestDatasetDamaged(t *testing.T) {
	dir := t.TempDir()
	var rows []row
	for i := range 40 {
		rows = append(rows, row{Path: ptr(strings.Repeat("d", i%3+1) + "/" + string(rune('a'+i%26)) + ".py"), Content: ptr(strings.Repeat("x = 1\n", 50+i))})
	}
	jl := jsonLines(t, rows)
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(jl)
	gw.Close()
	cut := gz.Bytes()[:gz.Len()/2]
	if err := os.WriteFile(filepath.Join(dir, "cut.jsonl.gz"), cut, 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := OpenDataset(filepath.Join(dir, "cut.jsonl.gz"), dataset.Options{}, scan.Options{Include: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	recs := pipelineRecords(t, Config{Inputs: []Input{in}})
	var analyzed, corrupt int
	for _, r := range recs {
		switch {
		case r.Status == result.Analyzed:
			analyzed++
		case r.ErrClass == recovery.CorruptDataset && strings.HasPrefix(r.Path, "#"):
			corrupt++
		default:
			t.Errorf("%s: %s %s %s", r.Path, r.Status, r.ErrClass, r.Err)
		}
	}
	if analyzed == 0 || analyzed >= 40 || corrupt != 1 {
		t.Errorf("truncated gzip: %d analyzed, %d corrupt records; want some rows and one corrupt record", analyzed, corrupt)
	}

	writeParquet(t, filepath.Join(dir, "ok.parquet"), rows, 10)
	for _, tc := range []struct {
		name string
		opts dataset.Options
		want string
	}{
		{"ok.parquet", dataset.Options{ContentColumn: "text"}, `no column "text" (the columns: path, content, repo)`},
		{"ok.parquet", dataset.Options{PathColumn: "name"}, ""}, // no path column: rows are "#N"
		{"missing.parquet", dataset.Options{}, "no such file"},
	} {
		_, err := OpenDataset(filepath.Join(dir, tc.name), tc.opts, scan.Options{})
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s %+v: %v, want %q", tc.name, tc.opts, err, tc.want)
		}
	}
	// A Parquet file cut short: its footer is gone, so it is not a
	// readable Parquet file at all.
	data, _ := os.ReadFile(filepath.Join(dir, "ok.parquet"))
	if err := os.WriteFile(filepath.Join(dir, "cut.parquet"), data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDataset(filepath.Join(dir, "cut.parquet"), dataset.Options{}, scan.Options{}); err == nil || !strings.Contains(err.Error(), "Parquet") {
		t.Errorf("cut Parquet file: %v", err)
	}
	// A page damaged in the middle: the rows before it are kept.
	bad := bytes.Clone(data)
	for i := len(bad) / 3; i < len(bad)/3+200; i++ {
		bad[i] ^= 0x5a
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.parquet"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if in, err := OpenDataset(filepath.Join(dir, "bad.parquet"), dataset.Options{}, scan.Options{Include: []string{"*"}}); err != nil {
		t.Logf("damaged Parquet: %v", err)
	} else {
		recs := pipelineRecords(t, Config{Inputs: []Input{in}})
		if len(recs) == 0 || len(recs) > 40 {
			t.Errorf("damaged Parquet: %d records", len(recs))
		}
		t.Logf("damaged Parquet: %d records", len(recs))
		for _, r := range recs {
			if r.Status == result.Failed && r.ErrClass != recovery.CorruptDataset {
				t.Errorf("damaged Parquet: %s: %s %s", r.Path, r.ErrClass, r.Err)
			}
		}
	}
}
