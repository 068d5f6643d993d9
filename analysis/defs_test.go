package analysis

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
)

// The definitions and imports of every file are compared with what CPython
// itself sees: testdata/defs_oracle.py walks CPython's ast and reads the real
// __qualname__ of each definition from the code objects its compiler makes.

// oracleFile is one line of defs_oracle.py's output.
type oracleFile struct {
	Path    string            `json:"path"`
	Doc     any               `json:"doc"`
	Error   string            `json:"error"`
	Defs    []json.RawMessage `json:"defs"`
	Imports []json.RawMessage `json:"imports"`
}

// oracleScript is the checked-in script's text.
func oracleScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "defs_oracle.py"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ourDef renders a definition as the oracle does: [qualname, kind, line,
// end_line, docstring, decorators, returns, bases, params], with the fields
// the oracle could not give ("<skip>", or a null qualname) copied from it.
func ourDef(d Definition, oracle []any) string {
	var doc any
	if d.Docstring != nil {
		doc = *d.Docstring
	}
	params := []any{}
	for _, p := range d.Params {
		params = append(params, []any{p.Name, p.Kind, p.Default, p.Annotation})
	}
	strs := func(s []string) []any {
		out := []any{}
		for _, x := range s {
			out = append(out, x)
		}
		return out
	}
	v := []any{d.QualName, d.Kind, d.Line, d.EndLine, doc, strs(d.Decorators), d.Returns, strs(d.Bases), params}
	if oracle != nil {
		for i := range v {
			if i < len(oracle) && (oracle[i] == "<skip>" || i == 0 && oracle[i] == nil) {
				v[i] = oracle[i]
			}
			if i >= 5 && i <= 7 && i < len(oracle) {
				// lists of source segments: a skipped segment skips that item
				if ol, ok := oracle[i].([]any); ok {
					if vl, ok := v[i].([]any); ok && len(vl) == len(ol) {
						for j := range ol {
							if ol[j] == "<skip>" {
								vl[j] = "<skip>"
							}
						}
					}
				}
			}
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func importTuple(imp Import) string {
	names := make([][2]string, len(imp.Names))
	for i, n := range imp.Names {
		names[i] = [2]string{n.Name, n.As}
	}
	b, _ := json.Marshal([]any{imp.Module, names, imp.Level, imp.From, imp.Line})
	return string(b)
}

// ourDefJSON re-renders an oracle definition in Go's JSON form (numbers as
// integers).
func ourDefJSON(tup []any) string {
	for i, x := range tup {
		if f, ok := x.(float64); ok {
			tup[i] = int(f)
		}
	}
	b, _ := json.Marshal(tup)
	return string(b)
}

// normalize re-renders an oracle tuple in Go's JSON form.
func normalize(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	if a, ok := v.([]any); ok {
		for i, x := range a {
			if f, ok := x.(float64); ok {
				a[i] = int(f)
			}
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// defsStats are the figures of one corpus comparison.
type defsStats struct {
	files, oracleErrors, bothErrors, compared, identical int
	defs, imports, noCodeObject                          int
	diffs                                                []string
	// verdicts lists files CPython and our parser disagree on (valid or
	// not): against the local 3.11 these are grammar changes up to 3.14,
	// whose verdicts python/parser's own oracle tests check.
	verdicts []string
}

// compareDefs analyzes each file the oracle reported on (hostPath maps the
// oracle's path to ours) and compares.
func compareDefs(t *testing.T, results string, hostPath func(string) string) defsStats {
	t.Helper()
	var st defsStats
	sc := bufio.NewScanner(strings.NewReader(results))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		var of oracleFile
		if err := json.Unmarshal(sc.Bytes(), &of); err != nil {
			t.Fatalf("oracle output: %v: %.200s", err, sc.Text())
		}
		st.files++
		path := hostPath(of.Path)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r := Analyze(path, src, Options{})
		if of.Error != "" {
			st.oracleErrors++
			if r.SyntaxError != nil {
				st.bothErrors++
			} else {
				st.verdicts = append(st.verdicts, fmt.Sprintf("%s: CPython: %s; we parse it", path, of.Error))
			}
			continue
		}
		if r.SyntaxError != nil {
			st.verdicts = append(st.verdicts, fmt.Sprintf("%s: CPython parses it; we report %s at %d:%d", path, r.SyntaxError.Msg, r.SyntaxError.Line, r.SyntaxError.Col))
			continue
		}
		st.compared++
		var want, got []string
		// Match each of our definitions to the oracle's at the same (kind,
		// line, end line) to learn which fields the oracle skipped (a null
		// qualname when there is no code object, e.g. dead code).
		byPos := map[string][]any{}
		for _, d := range of.Defs {
			var tup []any
			if err := json.Unmarshal(d, &tup); err != nil || len(tup) < 4 {
				t.Fatalf("%s: bad oracle definition %s", path, d)
			}
			if tup[0] == nil {
				st.noCodeObject++
			}
			byPos[fmt.Sprint(tup[1], tup[2], tup[3])] = tup
			want = append(want, ourDefJSON(tup))
		}
		for _, d := range r.Definitions {
			got = append(got, ourDef(d, byPos[fmt.Sprint(d.Kind, float64(d.Line), float64(d.EndLine))]))
		}
		if of.Doc != "<skip>" {
			var doc any
			if r.Docstring != nil {
				doc = *r.Docstring
			}
			if doc != of.Doc {
				st.diffs = append(st.diffs, fmt.Sprintf("%s: module docstring %q, CPython %q", path, doc, of.Doc))
			}
		}
		var wantImp, gotImp []string
		for _, i := range of.Imports {
			wantImp = append(wantImp, normalize(i))
		}
		for _, i := range r.Imports {
			gotImp = append(gotImp, importTuple(i))
		}
		st.defs += len(want)
		st.imports += len(wantImp)
		ok := true
		if d := setDiff(want, got); d != "" {
			st.diffs = append(st.diffs, path+": definitions: "+d)
			ok = false
		}
		if d := setDiff(wantImp, gotImp); d != "" {
			st.diffs = append(st.diffs, path+": imports: "+d)
			ok = false
		}
		if ok {
			st.identical++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return st
}

// setDiff compares two multisets of strings and describes the first
// differences, or returns "".
func setDiff(want, got []string) string {
	want, got = slices.Clone(want), slices.Clone(got)
	slices.Sort(want)
	slices.Sort(got)
	if slices.Equal(want, got) {
		return ""
	}
	var missing, extra []string
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j >= len(got) || i < len(want) && want[i] < got[j]:
			missing = append(missing, want[i])
			i++
		case i >= len(want) || got[j] < want[i]:
			extra = append(extra, got[j])
			j++
		default:
			i++
			j++
		}
	}
	trim := func(s []string) []string { return s[:min(len(s), 3)] }
	return fmt.Sprintf("missing %d %v, extra %d %v", len(missing), trim(missing), len(extra), trim(extra))
}

func (st defsStats) report(t *testing.T, name string, sameVersion bool) {
	t.Helper()
	for _, d := range st.diffs {
		t.Log("DIFF", d)
	}
	for _, d := range st.verdicts {
		t.Log("VERDICT", d)
	}
	if sameVersion && len(st.verdicts) > 0 {
		t.Errorf("%s: %d verdicts differ from CPython 3.14", name, len(st.verdicts))
	}
	t.Logf("%s: %d files; verdicts differ on %d; CPython rejects %d (we too: %d); %d compared, %d identical (%.2f%%): %d definitions (%d without a code object, compared without qualname), %d imports",
		name, st.files, len(st.verdicts), st.oracleErrors, st.bothErrors, st.compared, st.identical,
		100*float64(st.identical)/float64(max(st.compared, 1)), st.defs, st.noCodeObject, st.imports)
	if len(st.diffs) > 0 {
		t.Errorf("%s: %d files differ", name, len(st.diffs))
	}
}

// TestDefinitionsMatchCPython311 compares definitions and imports with the
// local python3's ast and compiler on the whole local installation (corpus
// (b): standard library and site-packages).
//
//	go test ./analysis -run TestDefinitionsMatchCPython311 -v
func TestDefinitionsMatchCPython311(t *testing.T) {
	python := testenv.RequireCommand(t, "python3")
	root := testenv.Stdlib(t)
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") && d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(t.TempDir(), "files.txt")
	if err := os.WriteFile(list, []byte(strings.Join(files, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "defs_oracle.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-W", "ignore", script, list)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	st := compareDefs(t, string(out), func(p string) string { return p })
	st.report(t, "CPython 3.11 (local python3), "+root, false)
}

// TestDefinitionsMatchCPython314 does the same with CPython 3.14 (pyodide)
// on its own standard library (corpus (a): python_stdlib.zip).
//
//	go test ./analysis -run TestDefinitionsMatchCPython314 -v
func TestDefinitionsMatchCPython314(t *testing.T) {
	env := oracle.Require(t)
	dir := t.TempDir()
	if err := oracle.ExtractZip(filepath.Join(env.PyodideDir, "python_stdlib.zip"), dir); err != nil {
		t.Fatal(err)
	}
	files, err := oracle.CorpusFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "files.txt"), []byte(strings.Join(files, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	script := "import warnings\nwarnings.simplefilter('ignore')\n" + oracleScript(t)
	out, err := env.Run(ctx, dir, script, "files.txt")
	if err != nil {
		t.Fatal(err)
	}
	st := compareDefs(t, string(out), func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) })
	st.report(t, "CPython 3.14 (pyodide), python_stdlib.zip", true)
}
