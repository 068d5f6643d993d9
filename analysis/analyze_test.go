package analysis

import (
	"fmt"
	"strings"
	"testing"
)

// The fields no external tool computes (Where, __all__, file facts, the
// syntax error's form) are checked here; definitions, imports, docstrings,
// source texts and parameters are compared with CPython (defs_test.go),
// complexity with radon (radon_cc_test.go) and line metrics with radon in
// package internal/raw.

func TestImportWhere(t *testing.T) {
	src := `import a
if TYPE_CHECKING:
    import b
    try:
        import c
    except ImportError:
        pass
else:
    import d
if typing.TYPE_CHECKING:
    import e
try:
    import f
except (ValueError, ModuleNotFoundError):
    import g
else:
    import h
finally:
    import i
try:
    import j
except Exception:
    pass
with x:
    import k
for _ in x:
    import l
def fn():
    import m
    if TYPE_CHECKING:
        import n
class C:
    import o
    def meth(self):
        import p
match x:
    case 1:
        import q
while x:
    from . import r
`
	want := map[string]string{
		"a": "module", "b": "type_checking", "c": "type_checking", "d": "conditional",
		"e": "type_checking", "f": "try_import_error", "g": "try_import_error", "h": "conditional",
		"i": "module", "j": "conditional", "k": "module", "l": "conditional", "m": "function",
		"n": "function", "o": "class", "p": "function", "q": "conditional", "": "conditional",
	}
	r := Analyze("w.py", []byte(src), Options{})
	if r.SyntaxError != nil {
		t.Fatal(r.SyntaxError)
	}
	if len(r.Imports) != len(want) {
		t.Fatalf("%d imports, want %d: %+v", len(r.Imports), len(want), r.Imports)
	}
	for _, imp := range r.Imports {
		if w := want[imp.Module]; imp.Where != w {
			t.Errorf("import %q (line %d): where %q, want %q", imp.Module, imp.Line, imp.Where, w)
		}
	}
}

func TestDunderAllAndFacts(t *testing.T) {
	src := "\xef\xbb\xbf__all__ = ['a', \"b\"]\n__all__ += ('c',)\n"
	r := Analyze("x.py", []byte(src), Options{})
	if got := strings.Join(r.All, ","); got != "a,b,c" {
		t.Errorf("__all__ = %q", got)
	}
	if !r.BOM || r.Encoding != "utf-8" || r.Size != int64(len(src)) || len(r.SHA256) != 64 {
		t.Errorf("facts: bom %v encoding %q size %d sha %q", r.BOM, r.Encoding, r.Size, r.SHA256)
	}
	r = Analyze("x.py", []byte("__all__ = ['a', b]\n"), Options{})
	if r.All != nil {
		t.Errorf("__all__ with a non-literal: %q, want none", r.All)
	}
	r = Analyze("x.py", []byte("# -*- coding: latin-1 -*-\nx = '\xe9'\n"), Options{})
	if r.Encoding != "iso-8859-1" && r.Encoding != "latin-1" {
		t.Errorf("encoding %q", r.Encoding)
	}
}

func TestSyntaxErrorIsData(t *testing.T) {
	r := Analyze("bad.py", []byte("x = 1\ndef f(:)\n    pass\n# c\n"), Options{})
	se := r.SyntaxError
	if se == nil || se.Kind != "SyntaxError" || se.Line != 2 || se.Msg == "" {
		t.Fatalf("syntax error %+v", se)
	}
	if r.Imports == nil || r.Definitions == nil || len(r.Definitions) != 0 {
		t.Errorf("imports %v definitions %v: want empty, non-nil", r.Imports, r.Definitions)
	}
	if r.Lines.LOC != 4 || r.Lines.SingleComments != 1 {
		t.Errorf("line metrics of a file with a syntax error: %+v", r.Lines)
	}
	r = Analyze("tab.py", []byte("if x:\n\tpass\n        pass\n"), Options{})
	if r.SyntaxError == nil || r.SyntaxError.Kind != "TabError" {
		t.Errorf("want TabError, got %+v", r.SyntaxError)
	}
	r = Analyze("open.py", []byte("x = (\n"), Options{})
	if r.SyntaxError == nil || r.LinesError == "" {
		t.Errorf("unclosed bracket: syntax error %+v, lines error %q", r.SyntaxError, r.LinesError)
	}
}

func TestCCRank(t *testing.T) {
	// radon's cc_rank boundaries
	for cc, want := range map[int]string{0: "A", 1: "A", 5: "A", 6: "B", 10: "B", 11: "C", 20: "C", 21: "D", 30: "D", 31: "E", 40: "E", 41: "F", 400: "F"} {
		if got := Rank(cc); got != want {
			t.Errorf("Rank(%d) = %s, want %s", cc, got, want)
		}
	}
}

func TestNoAssert(t *testing.T) {
	src := "def f(x):\n    assert x and x\n    assert x\n"
	if got := Analyze("a.py", []byte(src), Options{}).Definitions[0].Complexity; got != 3 {
		t.Errorf("complexity %d, want 3 (radon counts each assert once, not its and)", got)
	}
	if got := Analyze("a.py", []byte(src), Options{NoAssert: true}).Definitions[0].Complexity; got != 1 {
		t.Errorf("NoAssert complexity %d, want 1", got)
	}
}

func TestAnalyzeConcurrent(t *testing.T) {
	srcs := [][]byte{
		[]byte("class A:\n    def f(self, a=1): return a if a else 2\n"),
		[]byte("import os\nfrom x import (y as z)\n"),
		[]byte("def g(*, k): pass\n"),
	}
	want := make([]string, len(srcs))
	for i, s := range srcs {
		want[i] = fmtReport(Analyze("c.py", s, Options{}))
	}
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			ok := true
			for n := 0; n < 200; n++ {
				i := (g + n) % len(srcs)
				if fmtReport(Analyze("c.py", srcs[i], Options{})) != want[i] {
					ok = false
				}
			}
			done <- ok
		}()
	}
	for g := 0; g < 8; g++ {
		if !<-done {
			t.Error("a concurrent Analyze gave a different report")
		}
	}
}

func fmtReport(r *Report) string {
	var b strings.Builder
	for _, d := range r.Definitions {
		b.WriteString(d.QualName + "|" + d.Kind + "|" + d.Rank + ";")
		for _, p := range d.Params {
			b.WriteString(p.Name + p.Kind)
		}
	}
	for _, i := range r.Imports {
		b.WriteString(i.Module + i.Where + ";")
	}
	fmt.Fprintf(&b, "%+v", r.Lines)
	return b.String()
}
