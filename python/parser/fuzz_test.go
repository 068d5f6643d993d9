package parser

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
)

// FuzzParse checks that no input makes Parse panic or hang, that failures
// are *token.SyntaxError values with a position, and that every tree it
// returns is complete (required children present, so Dump and Preorder work).
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/snippets.txt"); err == nil {
		for _, s := range strings.Split(string(b), "\n#---\n") {
			f.Add([]byte(s))
		}
	}
	f.Add([]byte("f'{a!r:{b}}' t'{c=}' rb'\\x00'\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		src = append([]byte(nil), src...) // scribbled on below
		m, err := Parse(src, Options{})
		if err != nil {
			var se *token.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v is not a *token.SyntaxError", err, err)
			}
			if m != nil {
				t.Fatal("non-nil module with an error")
			}
			return
		}
		for n := range ast.Preorder(m) {
			checkRequired(t, n)
		}
		d := ast.Dump(m, ast.DumpOptions{Indent: -1})
		scribble(src)
		if ast.Dump(m, ast.DumpOptions{Indent: -1}) != d {
			t.Fatalf("the tree changed when the source was overwritten after Parse (without ShareSource)")
		}
	})
}

// scribble overwrites b, as a caller reusing its buffer would.
func scribble(b []byte) {
	for i := range b {
		b[i] = 'Z'
	}
}

// TestCopyOwnsStrings checks that without ShareSource no string of the tree
// points into the caller's source: the dump must not change when the source
// buffer is overwritten after Parse. Snippets, plus the local Python standard
// library (PYBATCH_BENCH_DIR as for the benchmarks, else testenv's; without
// one the snippets alone, except under CI=true).
func TestCopyOwnsStrings(t *testing.T) {
	b, err := os.ReadFile("testdata/snippets.txt")
	if err != nil {
		t.Fatal(err)
	}
	srcs := strings.Split(string(b), "\n#---\n")
	dir := os.Getenv("PYBATCH_BENCH_DIR")
	if dir == "" {
		if _, err := testenv.FindPython(); err != nil && !testenv.InCI() {
			t.Logf("snippets only: %v", err)
		} else {
			dir = testenv.Stdlib(t)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.py"))
	files2, _ := filepath.Glob(filepath.Join(dir, "*", "*.py"))
	for _, f := range append(files, files2...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if src, _, err := source.Decode(raw); err == nil {
			srcs = append(srcs, string(src))
		}
	}
	t.Logf("%d sources", len(srcs))
	parsed := 0
	for _, s := range srcs {
		src := []byte(s)
		m, err := Parse(src, Options{})
		if err != nil {
			continue
		}
		parsed++
		want := ast.Dump(m, ast.DumpOptions{Indent: -1})
		scribble(src)
		if got := ast.Dump(m, ast.DumpOptions{Indent: -1}); got != want {
			k := 0
			for k < len(got) && k < len(want) && got[k] == want[k] {
				k++
			}
			t.Fatalf("tree changed after the source was overwritten, at byte %d: …%.120s", k, want[max(0, k-60):])
		}
	}
	if parsed < 100 {
		t.Fatalf("only %d sources parsed", parsed)
	}
}

// checkRequired fails when a node lacks a child CPython always sets.
func checkRequired(t *testing.T, n ast.Node) {
	bad := false
	switch n := n.(type) {
	case *ast.BinOp:
		bad = n.Left == nil || n.Right == nil
	case *ast.Call:
		bad = n.Func == nil || n.Args == nil || n.Keywords == nil
	case *ast.Attribute:
		bad = n.Value == nil || n.Attr == ""
	case *ast.Name:
		bad = n.Id == ""
	case *ast.Constant:
		bad = n.Value == nil
	case *ast.FunctionDef:
		bad = n.Args == nil || n.Body == nil || len(n.Body) == 0
	case *ast.Assign:
		bad = n.Value == nil || len(n.Targets) == 0
	case *ast.If:
		bad = n.Test == nil || len(n.Body) == 0 || n.Orelse == nil
	case *ast.Compare:
		bad = len(n.Ops) == 0 || len(n.Ops) != len(n.Comparators)
	case *ast.Dict:
		bad = len(n.Keys) != len(n.Values)
	}
	if bad {
		t.Fatalf("incomplete %s node: %+v", n.PyName(), n)
	}
	if l, ok := n.(ast.Located); ok {
		loc := l.Location()
		if loc.Lineno < 1 || loc.EndLineno < loc.Lineno || (loc.EndLineno == loc.Lineno && loc.EndColOffset < loc.ColOffset) {
			t.Fatalf("bad position %+v on %s", *loc, n.PyName())
		}
	}
}

// TestShareSource checks that ShareSource gives the same tree as a copy.
func TestShareSource(t *testing.T) {
	b, err := os.ReadFile("testdata/snippets.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range strings.Split(string(b), "\n#---\n") {
		m1, err1 := Parse([]byte(s), Options{})
		m2, err2 := Parse([]byte(s), Options{ShareSource: true})
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q: errors differ: %v / %v", s, err1, err2)
		}
		if err1 == nil && ast.Dump(m1, ast.DumpOptions{Indent: -1}) != ast.Dump(m2, ast.DumpOptions{Indent: -1}) {
			t.Fatalf("%q: trees differ", s)
		}
	}
}

// TestConcurrentParse parses the snippets from several goroutines at once
// (the parser pool and the lazily built name index are shared) and checks
// every result against a sequential parse; run it with -race.
func TestConcurrentParse(t *testing.T) {
	b, err := os.ReadFile("testdata/snippets.txt")
	if err != nil {
		t.Fatal(err)
	}
	srcs := strings.Split(string(b), "\n#---\n")
	want := make([]string, len(srcs))
	for i, s := range srcs {
		want[i] = ourDump(s)
	}
	done := make(chan string)
	for g := 0; g < 4; g++ {
		go func() {
			for i := range srcs {
				j := (i + g*37) % len(srcs)
				if got := ourDump(srcs[j]); got != want[j] {
					done <- srcs[j]
					return
				}
			}
			done <- ""
		}()
	}
	for g := 0; g < 4; g++ {
		if s := <-done; s != "" {
			t.Errorf("concurrent parse of %q differs", s)
		}
	}
}
