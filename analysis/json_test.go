package analysis

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
)

// checkAppendJSON fails the test when r.AppendJSON differs from json.Marshal(r).
func checkAppendJSON(t testing.TB, name string, r *Report) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", name, err)
	}
	prefix := []byte("prefix")
	got := r.AppendJSON(append([]byte(nil), prefix...))
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("%s: AppendJSON did not append to dst", name)
	}
	got = got[len(prefix):]
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		lo := max(0, i-60)
		t.Fatalf("%s: AppendJSON differs from json.Marshal at byte %d:\n got …%s\nwant …%s",
			name, i, got[lo:min(len(got), i+60)], want[lo:min(len(want), i+60)])
	}
}

// trickyStrings exercise every escaping rule of encoding/json.
var trickyStrings = []string{
	"", "plain", `quote " and backslash \`, "<script>&amp;</script>",
	"\x00\x01\x07\b\t\n\v\f\r\x1b\x1f\x7f", "é ü 日本 🐍", "\u2028 and \u2029 and \u2027\u202a",
	"bad \xff utf-8 \xc3", "\xed\xa0\x80 lone surrogate (WTF-8)", "\xf4\x90\x80\x80 beyond U+10FFFF",
	"\xe2\x80", "trailing \xe2\x80\xa8",
}

// TestAppendJSONEveryField fills every field of a Report (found by
// reflection, so that a field added later without AppendJSON support fails
// here) with non-zero values and tricky strings, and compares.
func TestAppendJSONEveryField(t *testing.T) {
	for k, s := range trickyStrings {
		var r Report
		fill(reflect.ValueOf(&r).Elem(), s, k+1)
		checkAppendJSON(t, "filled with "+s, &r)
	}
	// zero values: omitempty fields absent, nil slices as null
	checkAppendJSON(t, "zero Report", &Report{})
	checkAppendJSON(t, "warning without a column", &Report{Warnings: []Warning{{Category: "SyntaxWarning", Message: "m", Line: 3}}})
	checkAppendJSON(t, "empty slices", &Report{All: []string{}, Imports: []Import{{Names: []ImportName{}}}, Definitions: []Definition{{Decorators: []string{}, Params: []Param{}, Bases: []string{}}}})
	empty := ""
	checkAppendJSON(t, "empty docstrings", &Report{Docstring: &empty, Definitions: []Definition{{Docstring: &empty}}})
	checkAppendJSON(t, "zero syntax error", &Report{SyntaxError: &SyntaxError{Line: -1, Col: -2}})
	for _, se := range []SyntaxError{
		{Kind: "SyntaxError", Msg: "source code string cannot contain null bytes", NoStart: true, NoEnd: true},
		{Kind: "SyntaxError", Msg: "unknown encoding: x", Line: 0, Col: -2, NoEnd: true},
		{Kind: "SyntaxError", Msg: "m", Line: 3, Col: 4, EndLine: 3, EndCol: -1},
	} {
		checkAppendJSON(t, se.Msg, &Report{SyntaxError: &se})
		b := (&Report{SyntaxError: &se}).AppendJSON(nil)
		var back Report
		if err := json.Unmarshal(b, &back); err != nil || back.SyntaxError == nil || *back.SyntaxError != se {
			t.Errorf("%s: read back from %s as %+v (%v), want %+v", se.Msg, b, back.SyntaxError, err, se)
		}
		if se.NoStart != bytes.Contains(b, []byte(`"line":null,"col":null`)) || se.NoEnd != bytes.Contains(b, []byte(`"end_line":null,"end_col":null`)) {
			t.Errorf("%s: unknown positions are not null in %s", se.Msg, b)
		}
	}
	if got := string((*Report)(nil).AppendJSON(nil)); got != "null" {
		t.Fatalf("nil Report: %q", got)
	}
}

// fill sets every field reachable from v to a non-zero value.
func fill(v reflect.Value, s string, n int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), s, n+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(v.Index(i), s, n*10+i)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), s, n*7+i)
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

// TestAppendJSONMatchesMarshal compares AppendJSON with json.Marshal on the
// report of every file of the local standard library (site-packages
// included) and of CPython 3.14's (pyodide's python_stdlib.zip).
//
//	go test ./analysis -run TestAppendJSONMatchesMarshal -v
func TestAppendJSONMatchesMarshal(t *testing.T) {
	if testing.Short() {
		t.Skip("whole standard libraries")
	}
	n := 0
	check := func(root string, files []string) {
		for _, f := range files {
			p := filepath.Join(root, filepath.FromSlash(f))
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			checkAppendJSON(t, p, Analyze(p, src, Options{}))
			n++
		}
	}
	root := testenv.Stdlib(t)
	files, err := oracle.CorpusFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	check(root, files)

	env := oracle.Require(t)
	dir := t.TempDir()
	if err := oracle.ExtractZip(filepath.Join(env.PyodideDir, "python_stdlib.zip"), dir); err != nil {
		t.Fatalf("pyodide's python_stdlib.zip: %v", err)
	}
	if files, err = oracle.CorpusFiles(dir); err != nil {
		t.Fatal(err)
	}
	check(dir, files)
	t.Logf("%d reports identical to json.Marshal", n)
}

// FuzzAppendJSON analyzes arbitrary bytes and compares the report's
// AppendJSON with json.Marshal.
//
//	go test ./analysis -run '^$' -fuzz FuzzAppendJSON -fuzztime 1m
func FuzzAppendJSON(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add([]byte(s), s)
	}
	f.Add([]byte("\"\"\"<doc> & \u2028\"\"\"\nimport a.b as c\nfrom . import (x as y)\n@d(1)\nclass C(B, metaclass=M):\n    def f(self, a: int = 1, /, *b, c, **d) -> '<T>':\n        '''\xe9'''\n"), "x")
	f.Add([]byte("def f(:\n"), "\xff")
	f.Add([]byte("# -*- coding: latin-1 -*-\nx = '\xe9'\n"), "")
	f.Fuzz(func(t *testing.T, src []byte, path string) {
		checkAppendJSON(t, "fuzz input", Analyze(path, src, Options{}))
	})
}

// BenchmarkAppendJSON encodes the reports of the standard library
// (site-packages excluded) with AppendJSON and with json.Marshal, and
// reports both per pass and their ratio:
//
//	go test ./analysis -run '^$' -bench BenchmarkAppendJSON -benchtime 10x
func BenchmarkAppendJSON(b *testing.B) {
	files := testenv.StdlibFiles(b, testenv.Stdlib(b))
	reports := make([]*Report, len(files))
	var size int64
	for i, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		reports[i] = Analyze(f, src, Options{})
		j, _ := json.Marshal(reports[i])
		size += int64(len(j))
	}
	b.SetBytes(size)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var appendCPU, marshalCPU time.Duration
	var buf []byte
	for b.Loop() {
		c0 := threadCPU(b)
		for _, r := range reports {
			buf = r.AppendJSON(buf[:0])
		}
		c1 := threadCPU(b)
		for _, r := range reports {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
		c2 := threadCPU(b)
		appendCPU += c1 - c0
		marshalCPU += c2 - c1
	}
	n := float64(b.N)
	b.ReportMetric(appendCPU.Seconds()*1e3/n, "appendjson-cpu-ms/pass")
	b.ReportMetric(marshalCPU.Seconds()*1e3/n, "marshal-cpu-ms/pass")
	b.ReportMetric(marshalCPU.Seconds()/appendCPU.Seconds(), "marshal/appendjson")
	b.ReportMetric(float64(size)/1e6/(appendCPU.Seconds()/n), "appendjson-MB/s")
}
