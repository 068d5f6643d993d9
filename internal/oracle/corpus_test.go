package oracle

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python"
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

var updateKnown = flag.Bool("update-known", false, "rewrite testdata/oracle/known-differences-*.txt with the files that differ now")

// TestCorpusPyodideStdlib is corpus (a): CPython 3.14's own standard library
// (node_modules/pyodide/python_stdlib.zip), extracted to a temp dir.
func TestCorpusPyodideStdlib(t *testing.T) {
	env := Require(t)
	dir := t.TempDir()
	if err := ExtractZip(filepath.Join(env.PyodideDir, "python_stdlib.zip"), dir); err != nil {
		t.Fatal(err)
	}
	runCorpus(t, env, "a", dir)
}

// TestCorpusLocalPython is corpus (b): the machine's Python standard library
// and site-packages ($PYBATCH_CORPUS_B, else python3's sysconfig stdlib).
func TestCorpusLocalPython(t *testing.T) {
	env := Require(t)
	root := testenv.CorpusB(t)
	runCorpus(t, env, "b", root)
}

// outcome is pybatch's result for one file.
type outcome struct {
	ok   bool
	dump string
	err  string
}

func ours(raw []byte) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{err: fmt.Sprintf("PANIC: %v", r)}
		}
	}()
	mod, _, err := python.ParseFile(raw)
	if err != nil {
		if se, ok := err.(*token.SyntaxError); ok {
			return outcome{err: fmt.Sprintf("%s: %s (line %d, offset %d)", se.Kind, se.Msg, se.Start.Line, se.Start.Col+1)}
		}
		return outcome{err: err.Error()}
	}
	return outcome{ok: true, dump: ast.Dump(mod, ast.DumpOptions{Indent: -1})}
}

// firstDiff returns the offset where a and b first differ and a short context of each.
func firstDiff(a, b string) (int, string, string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	ctx := func(s string) string {
		lo, hi := max(0, i-80), min(len(s), i+80)
		return s[lo:hi]
	}
	return i, ctx(a), ctx(b)
}

func knownPath(name string) string {
	return filepath.Join("..", "..", "testdata", "oracle", "known-differences-"+name+".txt")
}

// readKnown reads a known-differences list: "path<TAB>reason" lines, '#' comments.
func readKnown(t *testing.T, name string) map[string]string {
	known := map[string]string{}
	f, err := os.Open(knownPath(name))
	if os.IsNotExist(err) {
		return known
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, reason, _ := strings.Cut(line, "\t")
		known[p] = reason
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return known
}

// runCorpus compares CPython's verdict and dump with pybatch's for every .py
// file under root, prints the summary, and fails on any difference not in
// testdata/oracle/known-differences-<name>.txt.
func runCorpus(t *testing.T, env Env, name, root string) {
	files, err := CorpusFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("corpus (%s) %s has no .py files", name, root)
	}
	start := time.Now()
	vpath, cached, err := env.CPythonVerdicts(context.Background(), root, files, DefaultCacheDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus (%s) %s: %d files; CPython verdicts %s (cached=%v, %.1fs)", name, root, len(files), vpath, cached, time.Since(start).Seconds())

	known := readKnown(t, name)
	var (
		compared, identical, different, verdictDis, bothRejected, msgDiffer int
		nowAgree                                                            []string
		unlisted                                                            []string
		current                                                             = map[string]string{}
	)
	seen := 0
	err = ReadVerdicts(vpath, func(v Verdict) error {
		seen++
		raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(v.Path)))
		if err != nil {
			return err
		}
		o := ours(raw)
		compared++
		reason := ""
		switch {
		case v.OK && v.DumpError != "":
			reason = "CPython's ast.dump failed (" + v.DumpError + "): not comparable"
		case v.OK && o.ok:
			if v.Dump == o.dump {
				identical++
				break
			}
			different++
			off, c1, c2 := firstDiff(v.Dump, o.dump)
			reason = fmt.Sprintf("dump differs at byte %d: CPython …%s… pybatch …%s…", off, c1, c2)
		case v.OK:
			verdictDis++
			reason = "verdict: CPython accepts, pybatch: " + o.err
		case o.ok:
			verdictDis++
			reason = fmt.Sprintf("verdict: pybatch accepts, CPython: %s: %s (line %v)", v.Kind, v.Msg, deref(v.Lineno))
		default:
			bothRejected++
			if !strings.HasPrefix(o.err, v.Kind+": "+v.Msg+" ") {
				msgDiffer++
			}
		}
		if reason == "" {
			if _, ok := known[v.Path]; ok {
				nowAgree = append(nowAgree, v.Path)
			}
			return nil
		}
		current[v.Path] = reason
		if _, ok := known[v.Path]; !ok {
			unlisted = append(unlisted, v.Path+": "+reason)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(files) {
		t.Errorf("CPython reported %d files of %d", seen, len(files))
	}
	t.Logf("corpus (%s): compared %d, identical %d, different dumps %d, verdict disagreements %d, both rejected %d (messages differ on %d, not yet required)",
		name, compared, identical, different, verdictDis, bothRejected, msgDiffer)
	t.Logf("corpus (%s): %d files listed in %s, %d of them now agree (remove them: -update-known)", name, len(known), knownPath(name), len(nowAgree))
	for i, p := range nowAgree {
		if i == 20 {
			t.Logf("  ...")
			break
		}
		t.Logf("  now agrees: %s", p)
	}
	if *updateKnown {
		writeKnown(t, name, current)
		return
	}
	sort.Strings(unlisted)
	for i, u := range unlisted {
		if i == 30 {
			t.Errorf("... %d more", len(unlisted)-30)
			break
		}
		t.Errorf("not in known differences: %s", u)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func writeKnown(t *testing.T, name string, current map[string]string) {
	paths := make([]string, 0, len(current))
	for p := range current {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	fmt.Fprintf(&b, "# Files of corpus (%s) where pybatch and CPython 3.14 still disagree, with the cause.\n", name)
	b.WriteString("# The test fails on any other difference; this list may only shrink.\n")
	b.WriteString("# Regenerate: go test ./internal/oracle -run Corpus -update-known -v\n")
	for _, p := range paths {
		r := strings.NewReplacer("\n", `\n`, "\t", " ").Replace(current[p])
		fmt.Fprintf(&b, "%s\t%s\n", p, r)
	}
	if err := os.MkdirAll(filepath.Dir(knownPath(name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(knownPath(name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d files)", knownPath(name), len(paths))
}
