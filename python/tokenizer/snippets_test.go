package tokenizer

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/python/token"
)

// snippets exercise every corner of the lexical grammar, valid and invalid.
// Their expected token streams and errors are not written here: the test
// compares them with CPython 3.14 (see oracle_test.go).
var snippets = []string{
	// layout
	"", "\n", "x", "x\n", "x = 1", "# c", "  \n", "\n\n\nx\n\n", "x = 1  # c\n", "if x:\n  y  # c",
	"if x:\n  y\n\n# c\n", "if x:\n  y\n\n  # c\n  z\n", "x\n  \n\ny", "if 1:\n  x\n y\n",
	"if 1:\n\tx\n        y\n", "if 1:\n        x\n\ty\n", "if 1:\n\tx\n\ty\n", "if 1:\n \tx\n\t y\n",
	"if 1:\n\tif 2:\n\t\tx\n\ty\nz\n", "\f  x\n", "if 1:\n  \f x\n", "  x\n", "if 1:\n\tx\n\f\ty\n",
	"def f():\n\tpass\n", "class C:\n    def f(self):\n        return 1\n\n    x = 2\n",
	strings.Repeat("(", 199) + strings.Repeat(")", 199), strings.Repeat("(", 200), strings.Repeat("(", 201),
	nested(99), nested(100), nested(101), nestedF(148), nestedF(149), nestedF(150),
	strings.Repeat("f'{", 3) + "x" + strings.Repeat("}'", 3), "f'{" + strings.Repeat("(", 199) + "}'",
	// continuation lines
	"x \\\n y\n", "x\\\n", "x \\ y", "x = 1 \\\n\n", "\\\n  x\n", "if 1:\n \\\n  x\n", "if 1:\n  x\n  \\\n y\n",
	"x = [\\\n1]\n", "'\\\n'", "x ='\\\nabc'", "\\", "x = 1\\", "if 1:\n    \\\n\n",
	// brackets
	"(\n", "(x", ")", "(]", "(\n]", "x = (1 +\n  2)\n", "(\n# c\n1)\n", "[1,\n\n 2]\n", "{a: b for a in c}",
	"f(**k, *a)", "x = ]", "(((]", "{)", "[}",
	// strings
	"\"abc", "\"\"\"abc\n", "'''\n", "\"\"\"", "x = \"abc\\\"", "x = \"\"\"a\nb\"\"\" + 1\n", "''", "''''''",
	"'a' 'b'", "rb\"x\" Rb\"y\" bR\"z\" U\"u\" ub\"x\"", "br'\\'' rB'\\\\'", "u'x'", "ur'x'", "ru'x'", "bu'x'",
	"Bu'x'", "'\\N{BULLET}'", "b'\\xff'", "'''a''' '''b\n'''", "'\\\n\\\n'", "\"a\nb\"", "'\\'", "'''\\''''",
	// f-strings and t-strings
	"f\"{x}\"", "f\"a{x!r:>{w}}b{{c}}\" rf\"\\{x}\" f\"\"\"\n{x=}\n\"\"\"", "f\"{x}}\"", "t\"a{b}c\"",
	"ft\"x\"", "bf\"x\"", "fb\"x\"", "tb\"x\"", "bt\"x\"", "ut\"x\"", "uf'x'", "Rf'x' fR'x' rT'x' TR'x'",
	"f\"{a!r=}\"", "f\"{x", "f\"{x:{y:{z:{w}}}}\"", "f\"{x:{y:{z}}}\"", "f'{'", "f\"{x!}\"", "f\"{)}\"",
	"f\"{x)}\"", "f\"\"\"{x", "f'''\n{x\n", "f\"abc", "t\"abc", "f\"{\"", "f\"{x:\n}\"", "f\"\"\"{x:\n}\"\"\"",
	"f\"{x\n}\"", "f\"{\nx}\"", "f'{x!r\n}'", "f\"\\N{BULLET} {x}\"", "f\"{x:\\N{BULLET}}\"", "rf\"\\N{x}\"",
	"f\"{{}}\"", "f\"}}{{\"", "f\"{x}}}\"", "f\"{x:}}\"", "f\"{x:{{}}}\"", "f\"{x # c\n}\"", "f'{f\"{f'{x}'}\"}'",
	"f'{x:=5}'", "f'{(x:=5)}'", "f'{x!=y}'", "f'{x==y=}'", "f'{x:{y}.{z}f}'", "f'{x:%H:%M}'", "f'{x=!s:^20}'",
	"f'''{\nx\n:\n}'''", "f'{x}' f'{y}'", "f'{\"a\"}'", "f'{'''a'''}'", "f'\\{x}'", "f'\\{{x}}'", "f'{x}\\'",
	"f'a\\\nb'", "f'''a\nb{c}\nd'''", "t'{x!r:{y}}'", "f'{lambda x: 1}'", "f'{x:{'a'}}'", "f'{x}{y}{z}'",
	"f'{1:{2:{3}}}'", "f'{x:a{{b}}c}'", "f'{x:{y}}'", "f'{x[\"a\"]}'", "f'{{x}}'", "f'}'", "f'{'", "f'{}'",
	"f'{ }'", "f'{x!r'", "f'{x:'", "f'{x=}'", "f'{x!r}}'", "f'{{{x}}}'", "f'''{x\n!r}'''", "f'{x\\n}'",
	// numbers
	"0777", "1_", "0x", "1e", "1e+", "1if x else 2", "1jx", "0b12", "0o8", "1__0", "0_7", "0_", "00", "0e1",
	"09.5", "09", "0x_1", "0x1_", "1.e5", "1.5e", "1.5ej", "1__", "0b", "0o", "0o1_", "1 if 1else 2",
	"1 if 1elsex 2", "0x1for", "0b1and", "1.0or", "1jif", "1_000j", "0j", "00j", "08.", ".5", "..5", "...",
	"1.", "1.__class__", "1e5j", "1E-5", "0XdeadBEEF", "0O17", "0B101", "1_2.3_4e5_6j", "1e1_", "1.2_", "0.0",
	"1ein", "1not in x", "0b1or", "0o7and", "1_e1", "1e_1", "0_0", "0__0", "1in x", "1is x", "0x1e+1",
	// operators
	"a += b -= c *= d /= e //= f %= g @= h &= i |= j ^= k >>= l <<= m **= n", "a -> b", "a := b",
	"1 <> 2", "a != b", "a ~ b", "$", "${}", "`", "?", "x = $", "!x", "a!b", "->", "**", "//",
	// identifiers
	"€", "a€", "ℕ = 1", "\U0001d400 = 1", "x = 1 ·", "·x", "a·b = 1", "é = 1", "ﬁ = 1", "a\u200cb = 1",
	"a\u200bb", "\u00a0", "x\x7f", "\x01", "_ = 1", "__x__", "Ω = 'é'", "x = 'é' + \"€\"", "变量 = 1",
	"a\u0301 = 1", "\u0301a = 1", "x\u2028", "\U0001F600",
	// null bytes and odd bytes
	"x\x00y", "\n\nx = 1\ny\x00\n", "x = 1\n\x00", "'''\n\x00'''", "x\r\ny", "x\ry\n", "\x0b",
	// soft keywords and misc
	"match x:\n    case 1:\n        pass\n", "type X = int", "print(*args, sep='')", "async def f():\n    await x\n",
	"lambda: (yield)", "x[1:2, ::3]", "@dec\ndef f(): pass", "del x", "try:\n    pass\nexcept* E:\n    pass\n",
}

// nested returns n nested if-blocks, each indented one more space.
func nested(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "if 1:\n")
	}
	b.WriteString(strings.Repeat(" ", n) + "x\n")
	return b.String()
}

// nestedF returns n f-strings nested in each other's replacement fields,
// alternating quotes as PEP 701 allows any.
func nestedF(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("f" + string("'\""[i%2]) + "{")
	}
	b.WriteString("x")
	for i := n - 1; i >= 0; i-- {
		b.WriteString("}" + string("'\""[i%2]))
	}
	return b.String()
}

func writeSnippets(t *testing.T) string {
	dir := t.TempDir()
	for i, s := range snippets {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("s%03d.py", i)), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSnippetsOracle compares each snippet's token stream and verdict with
// CPython 3.14, in the parser's mode and in tokenize's (Options.Comments).
func TestSnippetsOracle(t *testing.T) {
	dir := writeSnippets(t)
	clean := true
	for _, extra := range []bool{false, true} {
		t.Run(fmt.Sprintf("comments=%v", extra), func(t *testing.T) {
			st := runCorpus(t, dir, extra)
			if st.msgs != 0 && !extra {
				t.Errorf("%d error message or position differences", st.msgs)
			}
			if st.differ != 0 || st.same != len(snippets) || t.Failed() {
				clean = false
			}
		})
	}
	if *update {
		if !clean {
			t.Fatalf("not updating %s: CPython disagrees", goldenPath)
		}
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, []byte(formatSnippets()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenPath)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/snippets.golden (only when CPython agrees on every snippet)")

const goldenPath = "testdata/snippets.golden"

// formatSnippets renders our token streams for all snippets in both modes.
func formatSnippets() string {
	var b strings.Builder
	for _, extra := range []bool{false, true} {
		for i, s := range snippets {
			fmt.Fprintf(&b, "=== s%03d comments=%v %.60q\n", i, extra, s)
			toks, err := all(s, Options{Comments: extra})
			for _, tok := range toks {
				fmt.Fprintf(&b, "%v %v-%v %q\n", tok.Kind, tok.Start, tok.End, tok.Text([]byte(s)))
			}
			if err != nil {
				se := err.(*token.SyntaxError)
				fmt.Fprintf(&b, "ERR %s %v-%v %s\n", se.Kind, se.Start, se.End, se.Msg)
			}
		}
	}
	return b.String()
}

// TestSnippetsGolden runs anywhere: it compares the snippets' streams with
// testdata/snippets.golden, which holds our output as verified against
// CPython 3.14 by TestSnippetsOracle. Regenerate it with
//
//	go test ./python/tokenizer -run TestSnippetsOracle -update
func TestSnippetsGolden(t *testing.T) {
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (regenerate: go test ./python/tokenizer -run TestSnippetsOracle -update)", err)
	}
	got := formatSnippets()
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			t.Fatalf("line %d differs from %s:\n got  %s\n want %s\n(if the snippets changed: go test ./python/tokenizer -run TestSnippetsOracle -update)", i+1, goldenPath, gl[i], wl[i])
		}
	}
	t.Fatalf("output has %d lines, %s has %d", len(gl), goldenPath, len(wl))
}
