package ast

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/oracle"
)

const dumpSnippet = "x = [1, (2, u'a')]\nif x is not None: pass\ndef f(): return\n{**d, 'k': None}\nfrom . import b\nglobal g\n"

func loc(l, c, el, ec int32) Loc {
	return Loc{Lineno: l, ColOffset: c, EndLineno: el, EndColOffset: ec}
}

// dumpSnippetTree is dumpSnippet's tree built by hand (independently of the parser).
func dumpSnippetTree() *Module {
	return &Module{Body: []Stmt{
		&Assign{Loc: loc(1, 0, 1, 18),
			Targets: []Expr{&Name{Loc: loc(1, 0, 1, 1), Id: "x", Ctx: Store}},
			Value: &List{Loc: loc(1, 4, 1, 18), Ctx: Load, Elts: []Expr{
				&Constant{Loc: loc(1, 5, 1, 6), Value: big.NewInt(1)},
				&Tuple{Loc: loc(1, 8, 1, 17), Ctx: Load, Elts: []Expr{
					&Constant{Loc: loc(1, 9, 1, 10), Value: big.NewInt(2)},
					&Constant{Loc: loc(1, 12, 1, 16), Value: Str("a"), Kind: "u"},
				}},
			}}},
		&If{Loc: loc(2, 0, 2, 22),
			Test: &Compare{Loc: loc(2, 3, 2, 16), Left: &Name{Loc: loc(2, 3, 2, 4), Id: "x", Ctx: Load},
				Ops: []CmpOp{IsNot}, Comparators: []Expr{&Constant{Loc: loc(2, 12, 2, 16), Value: None{}}}},
			Body: []Stmt{&Pass{Loc: loc(2, 18, 2, 22)}}},
		&FunctionDef{Loc: loc(3, 0, 3, 15), Name: "f", Args: &Arguments{},
			Body: []Stmt{&Return{Loc: loc(3, 9, 3, 15)}}},
		&ExprStmt{Loc: loc(4, 0, 4, 16), Value: &Dict{Loc: loc(4, 0, 4, 16),
			Keys:   []Expr{nil, &Constant{Loc: loc(4, 6, 4, 9), Value: Str("k")}},
			Values: []Expr{&Name{Loc: loc(4, 3, 4, 4), Id: "d", Ctx: Load}, &Constant{Loc: loc(4, 11, 4, 15), Value: None{}}}}},
		&ImportFrom{Loc: loc(5, 0, 5, 15), Names: []*Alias{{Loc: loc(5, 14, 5, 15), Name: "b"}}, Level: 1},
		&Global{Loc: loc(6, 0, 6, 8), Names: []string{"g"}},
	}}
}

// TestDumpOracle compares Dump of a hand-built tree with CPython's ast.dump of
// the parsed snippet, one line and with indents 0, 2 and 4.
func TestDumpOracle(t *testing.T) {
	env := oracle.Require(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.py"), []byte(dumpSnippet), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := env.Run(context.Background(), dir, `
import ast
tree = ast.parse(open("s.py", "rb").read())
for indent in (None, 0, 2, 4):
    print(ast.dump(tree, include_attributes=True, show_empty=True, indent=indent))
    print("\x00")
`)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(string(out), "\n\x00\n")
	tree := dumpSnippetTree()
	for i, indent := range []int{-1, 0, 2, 4} {
		if got := Dump(tree, DumpOptions{Indent: indent}); got != want[i] {
			t.Errorf("indent %d:\ngot:\n%s\nCPython:\n%s", indent, got, want[i])
		}
	}
}

func TestDumpNil(t *testing.T) {
	if got := Dump(nil, DumpOptions{Indent: -1}); got != "None" {
		t.Errorf("Dump(nil) = %q", got)
	}
}

func BenchmarkDump(b *testing.B) {
	tree := dumpSnippetTree()
	n := len(Dump(tree, DumpOptions{Indent: -1}))
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		Dump(tree, DumpOptions{Indent: -1})
	}
}
