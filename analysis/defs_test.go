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
)

// The definitions and imports of every file are compared with what CPython
// itself sees: testdata/defs_oracle.py walks CPython's ast and reads the real
// __qualname__ of each definition from the code objects its compiler makes.

// oracleFile is one line of defs_oracle.py's output.
type oracleFile struct {
	Path    string            `json:"path"`
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

// defTuple renders a definition as the oracle does: [qualname, kind, line, end_line].
func defTuple(q any, kind string, line, end int) string {
	b, _ := json.Marshal([]any{q, kind, line, end})
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
				st.diffs = append(st.diffs, fmt.Sprintf("%s: CPython: %s; we parse it", path, of.Error))
			}
			continue
		}
		if r.SyntaxError != nil {
			st.diffs = append(st.diffs, fmt.Sprintf("%s: CPython parses it; we report %s at %d:%d", path, r.SyntaxError.Msg, r.SyntaxError.Line, r.SyntaxError.Col))
			continue
		}
		st.compared++
		var want, got []string
		for _, d := range of.Defs {
			var tup []any
			_ = json.Unmarshal(d, &tup)
			want = append(want, normalize(d))
		}
		// the oracle has no qualname for definitions without a code object
		// (dead code): compare those without it
		noQual := map[string]bool{}
		for _, w := range want {
			if strings.HasPrefix(w, "[null,") {
				noQual[w] = true
				st.noCodeObject++
			}
		}
		for _, d := range r.Definitions {
			g := defTuple(d.QualName, d.Kind, d.Line, d.EndLine)
			if n := defTuple(nil, d.Kind, d.Line, d.EndLine); noQual[n] {
				g = n
			}
			got = append(got, g)
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

func (st defsStats) report(t *testing.T, name string) {
	t.Helper()
	for _, d := range st.diffs {
		t.Log("DIFF", d)
	}
	t.Logf("%s: %d files; CPython rejects %d (we too: %d); %d compared, %d identical (%.2f%%): %d definitions (%d without a code object, compared without qualname), %d imports",
		name, st.files, st.oracleErrors, st.bothErrors, st.compared, st.identical,
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
	python := requireTool(t, "python3")
	root := stdlibDir(t)
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
	st.report(t, "CPython 3.11 (local python3), "+root)
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
	st.report(t, "CPython 3.14 (pyodide), python_stdlib.zip")
}
