package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// branchy is a function of cyclomatic complexity 13 (radon rank C): one
// if and eleven elifs on top of the function's 1.
const branchy = `def branchy(x):
    if x == 0:
        return 0
    elif x == 1:
        return 1
    elif x == 2:
        return 2
    elif x == 3:
        return 3
    elif x == 4:
        return 4
    elif x == 5:
        return 5
    elif x == 6:
        return 6
    elif x == 7:
        return 7
    elif x == 8:
        return 8
    elif x == 9:
        return 9
    elif x == 10:
        return 10
    elif x == 11:
        return 11
    return -1
`

// smallTree is a tree with one of everything the page counts: a package
// with relative and absolute imports, a top-level module importing it, a
// class, a complex function, a syntax error and a binary file.
var smallTree = map[string]string{
	"pkg/__init__.py": "",
	"pkg/core.py": `"""Core."""
import os
import os.path
import json
from . import util


def simple(x):
    """Return x."""
    return x


` + branchy + `

class Thing:
    def method(self, items):
        for i in items:
            if i:
                return i
        return None
`,
	"pkg/util.py":  "import sys\n\n\ndef helper():\n    pass\n",
	"tools/run.py": "import os\nimport pkg.core\n\n\ndef main():\n    pkg.core.simple(1)\n",
	"broken.py":    "def f(:\n    pass\n",
	"blob.py":      "\x00\x01\x02binary\x00",
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "src")
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// analyze runs the real pybatch analyze over dir into out (a database or
// *.jsonl), as a user would.
func analyze(t *testing.T, dir, out string, extra ...string) {
	t.Helper()
	bin := testenv.BuildPybatch(t)
	args := append([]string{"analyze", "--progress", "none", "-o", out}, extra...)
	cmd := exec.Command(bin, append(args, dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		// Exit status 1 means some files failed: still a result to report.
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("pybatch analyze %s: %v\n%s", dir, err, stderr.String())
		}
	}
}

func TestAggregatesSQLiteJSONLAndParquet(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, smallTree)
	tmp := t.TempDir()
	db := filepath.Join(tmp, "out.db")
	jl := filepath.Join(tmp, "out.jsonl")
	pq := filepath.Join(tmp, "out.parquet")
	analyze(t, dir, db)
	analyze(t, dir, db, "--no-resume") // a second run, for the run history
	analyze(t, dir, jl)
	analyze(t, dir, pq)

	fromDB, err := Load(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	fromJL, err := Load(ctx, jl, "")
	if err != nil {
		t.Fatal(err)
	}
	fromPQ, err := Load(ctx, pq, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    *Data
	}{{"sqlite", fromDB}, {"jsonl", fromJL}, {"parquet", fromPQ}} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			if d.Format != tc.name {
				t.Errorf("Format = %q", d.Format)
			}
			if d.Files != 6 || d.Status["analyzed"] != 5 || d.Status["skipped"] != 1 {
				t.Errorf("files %d, status %v; want 6 files, 5 analysed, 1 skipped", d.Files, d.Status)
			}
			if len(d.SkipReasons) != 1 || d.SkipReasons[0] != (NameCount{"binary", 1}) {
				t.Errorf("skip reasons %v, want binary: 1", d.SkipReasons)
			}
			// simple, branchy, Thing.method, helper, main; the class apart.
			if d.Functions != 5 || d.Classes != 1 {
				t.Errorf("functions %d classes %d, want 5 and 1", d.Functions, d.Classes)
			}
			if d.Ranks != [6]int64{4, 0, 1, 0, 0, 0} {
				t.Errorf("ranks %v, want 4 A and 1 C", d.Ranks)
			}
			var inBuckets int64
			for _, b := range d.CCBuckets {
				inBuckets += b.Count
				if b.Lo <= 13 && 13 <= b.Hi && b.Count != 1 {
					t.Errorf("bucket %d-%d holds %d, want branchy alone", b.Lo, b.Hi, b.Count)
				}
			}
			if inBuckets != d.Functions {
				t.Errorf("histogram holds %d functions, want %d", inBuckets, d.Functions)
			}
			if len(d.Worst) != 5 {
				t.Fatalf("worst: %d functions, want all 5", len(d.Worst))
			}
			w := d.Worst[0]
			if w.QualName != "branchy" || w.Path != "pkg/core.py" || w.Line != 13 || w.Complexity != 13 || w.Rank != "C" || w.Kind != "function" {
				t.Errorf("worst function %+v, want branchy at pkg/core.py:13, 13, C", w)
			}
			if i := slices.IndexFunc(d.Worst, func(f Func) bool { return f.QualName == "simple" }); i < 0 || d.Worst[i].Doc != "Return x." {
				t.Errorf("simple's docstring line missing from %+v", d.Worst)
			}
			if i := slices.IndexFunc(d.Worst, func(f Func) bool { return f.QualName == "Thing.method" }); i < 0 || d.Worst[i].Complexity != 3 || d.Worst[i].Kind != "method" {
				t.Errorf("Thing.method (complexity 3) missing from %+v", d.Worst)
			}
			// Modules by importing files: os by core and run; relative imports not.
			mods := map[string]int64{}
			for _, m := range d.TopMods {
				mods[m.Name] = m.Count
			}
			want := map[string]int64{"os": 2, "os.path": 1, "json": 1, "sys": 1, "pkg.core": 1}
			if !mapsEqual(mods, want) {
				t.Errorf("modules %v, want %v", mods, want)
			}
			if d.Imports != 7 {
				t.Errorf("imports %d, want 7 statements", d.Imports)
			}
			// The matrix: the top-level module run imports the package pkg.
			if !slices.Equal(d.Packages, []string{"pkg", "run"}) || d.Matrix[1][0] != 1 || d.Matrix[0][1] != 0 {
				t.Errorf("packages %v matrix %v, want run → pkg once", d.Packages, d.Matrix)
			}
			if d.SyntaxErrors != 1 || len(d.SynErrs) != 1 || d.SynErrs[0].Path != "broken.py" || d.SynErrs[0].Line != 1 || d.SynErrs[0].Kind != "SyntaxError" {
				t.Errorf("syntax errors %d %+v, want broken.py:1", d.SyntaxErrors, d.SynErrs)
			}
			// The tree sums to the totals.
			if d.Tree.LOC != d.Lines.LOC || d.Tree.Files != 6 || d.Tree.Funcs != 5 {
				t.Errorf("tree root: %d lines %d files %d functions; totals %d lines", d.Tree.LOC, d.Tree.Files, d.Tree.Funcs, d.Lines.LOC)
			}
			pkg := d.Tree.Children["pkg"]
			if pkg == nil || pkg.Files != 3 || pkg.Funcs != 4 || pkg.Worst != 13 || pkg.CCSum != 1+13+3+1 {
				t.Errorf("pkg node %+v, want 3 files, 4 functions, worst 13, complexity sum 18", pkg)
			}
			if d.Lines.LOC < 40 {
				t.Errorf("lines %+v", d.Lines)
			}
			if len(d.Slowest) < 5 || d.Slowest[0].Duration < d.Slowest[len(d.Slowest)-1].Duration {
				t.Errorf("slowest files %+v", d.Slowest)
			}
		})
	}
	if len(fromDB.Runs) != 2 || fromDB.Runs[0].ID > fromDB.Runs[1].ID || fromDB.LatestRun == nil || fromDB.LatestRun.ID != fromDB.Runs[1].ID {
		t.Errorf("runs %+v, latest %+v; want 2, oldest first", fromDB.Runs, fromDB.LatestRun)
	}
	for _, r := range fromDB.Runs {
		if r.Outcome != "completed" || r.Files != 6 || r.Wall <= 0 {
			t.Errorf("run %+v, want completed with 6 files", r)
		}
	}
	if len(fromJL.Runs) != 0 {
		t.Errorf("JSON Lines runs %+v", fromJL.Runs)
	}
	if r := fromPQ.Runs; len(r) != 1 || r[0].Outcome != "completed" || r[0].Files != 6 || fromPQ.LatestRun == nil {
		t.Errorf("Parquet runs %+v, want the one completed run of 6 files", r)
	}
	if fromDB.Lines != fromJL.Lines || fromDB.Bytes != fromJL.Bytes || fromPQ.Lines != fromJL.Lines || fromPQ.Bytes != fromJL.Bytes {
		t.Errorf("sqlite %+v %d bytes, jsonl %+v %d bytes, parquet %+v %d bytes", fromDB.Lines, fromDB.Bytes, fromJL.Lines, fromJL.Bytes, fromPQ.Lines, fromPQ.Bytes)
	}

	// The pages are written, and carry the charts.
	for _, d := range []*Data{fromDB, fromJL, fromPQ} {
		var buf bytes.Buffer
		if err := Write(&buf, d); err != nil {
			t.Fatal(err)
		}
		for _, id := range chartIDs {
			if !strings.Contains(buf.String(), `id="`+id+`"`) {
				t.Errorf("%s page: no element %s", d.Format, id)
			}
		}
	}
}

// chartIDs are the page's charts and tables, which the browser test checks
// are present and not empty.
var chartIDs = []string{"chart-status", "chart-ranks", "chart-cc", "tm-0", "chart-scatter",
	"table-worst", "table-slowest", "chart-imports", "chart-matrix", "table-syntax", "chart-runs"}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestDatabaseOpenedReadOnly(t *testing.T) {
	dir := writeTree(t, smallTree)
	db := filepath.Join(t.TempDir(), "out.db")
	analyze(t, dir, db)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), db, ""); err != nil {
		t.Fatalf("a read-only database: %v", err)
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(before, after) {
		t.Error("the report changed the database")
	}
}

func TestReportWhileARunHoldsTheDatabase(t *testing.T) {
	ctx := context.Background()
	dir := writeTree(t, smallTree)
	db := filepath.Join(t.TempDir(), "out.db")
	analyze(t, dir, db)
	w, err := store.Open(ctx, db, store.Options{}) // takes the run lock, as analyze does
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	run, err := w.BeginRun(ctx, store.RunInfo{ToolVersion: "test", Options: map[string]any{}, OptionsHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Finish(ctx, store.Completed, nil)
	d, err := Load(ctx, db, "")
	if err != nil {
		t.Fatalf("report while a run writes: %v", err)
	}
	if d.Files != 6 || len(d.Runs) != 2 || d.Runs[1].Outcome != "running" {
		t.Errorf("%d files, runs %+v; want 6 and the running run last", d.Files, d.Runs)
	}
}

// hostile are file and directory names, docstrings and source that try to
// break out of the page's text, attributes and script.
var hostile = map[string]string{
	"<img src=x onerror=alert(1)>.py": `"""</script><script>alert(2)</script>"""


def f(x):
    """</script><img src=x onerror=alert(3)>"""
    if x:
        return 1
    return 0
`,
	`"><svg onload=alert(4)>/m.py`:              "def (\n",
	`x' onmouseover='alert(5)' y='.py`:          "import os\n",
	"&lt;amp&gt;.py":                            "def g():\n    pass\n",
	"<script>alert(6)<\\script>/__init__.py":    "import json\n",
	"<script>alert(6)<\\script>/<b>bold</b>.py": "def h():\n    '''<style>*{display:none}</style>'''\n",
}

func TestEscaping(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pybatch and analyses a tree")
	}
	dir := writeTree(t, hostile)
	db := filepath.Join(t.TempDir(), "hostile.db")
	analyze(t, dir, db)
	d, err := Load(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	checkEscaped(t, page)
}

// checkEscaped fails unless every hostile string is in the page as text
// only: none of them made an element or an attribute.
func checkEscaped(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<img", "<svg onload", "<b>bold", "<style>*", "onmouseover='", `onmouseover="`, "<script>alert"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q unescaped", bad)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d <script elements, want the page's own one", n)
	}
	if n := strings.Count(page, "</script>"); n != 1 {
		t.Errorf("%d </script>, want the page's own one", n)
	}
	for _, text := range []string{
		"&lt;img src=x onerror=alert(1)&gt;.py",                // a file name, as text
		"&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt;",    // a docstring
		"&#34;&gt;&lt;svg onload=alert(4)&gt;/m.py",            // a directory, in the syntax errors
		"x&#39; onmouseover=&#39;alert(5)&#39; y=&#39;.py",     // quotes
		"&amp;lt;amp&amp;gt;.py",                               // escaped once, not twice or never
		"&lt;script&gt;alert(6)&lt;\\script&gt;/&lt;b&gt;bold", // a package and its module
	} {
		if !strings.Contains(page, text) {
			t.Errorf("the page lacks %q", text)
		}
	}
}

func TestCommand(t *testing.T) {
	bin := testenv.BuildPybatch(t)
	dir := writeTree(t, smallTree)
	tmp := t.TempDir()
	db := filepath.Join(tmp, "out.db")
	analyze(t, dir, db)
	page := filepath.Join(tmp, "page.html")
	// Flags after the input, as analyze accepts them.
	out, err := exec.Command(bin, "report", db, "--html", page).CombinedOutput()
	if err != nil {
		t.Fatalf("pybatch report: %v\n%s", err, out)
	}
	b, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(b), `id="chart-treemap"`) && !strings.Contains(string(b), `id="tm-0"`) {
		t.Fatalf("no page written: %v", err)
	}
	if !strings.Contains(string(out), "6 files") {
		t.Errorf("summary %q", out)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"report", db}, 0},                                            // no --html: the terminal report
		{[]string{"report", "--html", "", db}, 2},                              // an empty --html
		{[]string{"report", "--html", page, db, db}, 2},                        // two inputs
		{[]string{"report", "--html", page, "--format", "csv", db}, 2},         // bad format
		{[]string{"report", "--html", page, filepath.Join(tmp, "none.db")}, 3}, // missing input
	} {
		err := exec.Command(bin, tc.args...).Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != tc.code {
			t.Errorf("pybatch %s: exit %d, want %d", strings.Join(tc.args, " "), code, tc.code)
		}
	}
}

func TestSeveralSources(t *testing.T) {
	a := writeTree(t, map[string]string{"a.py": branchy})
	b := writeTree(t, map[string]string{"b.py": "def f(:\n", "c.py": "def g():\n    pass\n"})
	db := filepath.Join(t.TempDir(), "two.db")
	bin := testenv.BuildPybatch(t)
	if out, err := exec.Command(bin, "analyze", "--progress", "none", "-o", db, a, b).CombinedOutput(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("pybatch analyze: %v\n%s", err, out)
		}
	}
	d, err := Load(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sources) != 2 || len(d.Tree.Children) != 2 || d.Tree.Files != 3 {
		t.Fatalf("sources %q, tree %d children, %d files; want 2 sources, 3 files", d.Sources, len(d.Tree.Children), d.Tree.Files)
	}
	if len(d.Worst) == 0 || d.Worst[0].Path != a+":a.py" {
		t.Errorf("worst %+v, want the path %s:a.py", d.Worst, a)
	}
	if len(d.SynErrs) != 1 || d.SynErrs[0].Path != b+":b.py" {
		t.Errorf("syntax errors %+v, want %s:b.py", d.SynErrs, b)
	}
}

func TestEmptyInput(t *testing.T) {
	d, err := FromJSONL(context.Background(), strings.NewReader(""), "empty.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	for _, id := range chartIDs {
		if id == "table-syntax" { // "none" instead of an empty table
			continue
		}
		if !strings.Contains(buf.String(), `id="`+id+`"`) {
			t.Errorf("empty input: no element %s", id)
		}
	}
	if _, err := FromJSONL(context.Background(), strings.NewReader("{\"path\":\"a.py\"}\nnot json\n"), "bad.jsonl"); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2") {
		t.Errorf("a bad line: error %v, want one naming bad.jsonl:2", err)
	}
}

func TestSyntaxErrorsKeptFirstByPath(t *testing.T) {
	a := newAggregator("x", "jsonl")
	n := MaxSyntaxErrors + 57
	for _, i := range testenv.FixedRand(t, 7).Perm(n) {
		a.addSyntaxError(SyntaxErr{Path: fmt.Sprintf("f%04d.py", i), Line: 1})
	}
	d := a.finish()
	if d.SyntaxErrors != int64(n) || len(d.SynErrs) != MaxSyntaxErrors {
		t.Fatalf("%d errors, %d kept", d.SyntaxErrors, len(d.SynErrs))
	}
	for i, e := range d.SynErrs {
		if want := fmt.Sprintf("f%04d.py", i); e.Path != want {
			t.Fatalf("kept[%d] = %s, want %s", i, e.Path, want)
		}
	}
}

func TestWorstFunctionsTiesKeptWhateverTheOrder(t *testing.T) {
	var want []Func
	for _, seed := range []uint64{1, 2, 3} {
		a := newAggregator("x", "jsonl")
		for _, i := range testenv.FixedRand(t, seed).Perm(3 * TopFunctions) {
			ref := a.addFile(fileRow{source: "s", path: fmt.Sprintf("s/f%03d.py", i), status: "analyzed", analyzed: true})
			a.addDef(ref, Func{QualName: "f", Kind: "function", Complexity: 5 + i%3, Line: 1, EndLine: 2})
		}
		got := a.finish().Worst
		if len(got) != TopFunctions || got[0].Complexity != 7 || got[0].Path != "f002.py" {
			t.Fatalf("seed %d: %d kept, first %+v", seed, len(got), got[0])
		}
		if want == nil {
			want = got
		} else if !slices.EqualFunc(want, got, func(x, y Func) bool { return x.Path == y.Path && x.Complexity == y.Complexity }) {
			t.Fatalf("seed %d kept other functions than seed 1", seed)
		}
	}
}
