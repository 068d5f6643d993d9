package raw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/source"
)

// rawSnippets exercise radon raw's corner cases: its per-line tokenization,
// colons (dict literals, slices, lambdas, annotations count as 2 logical
// lines), semicolons, continuation lines, strings alone on a line (counted
// as comments or multi), comments in brackets, str.splitlines' extra line
// breaks (\f, \v, \x1c, \u2028), f-strings, and files radon cannot finish.
var rawSnippets = []string{
	"",
	"\n",
	"x = 1",
	"x = 1\n\n\n",
	"# c\n#c2\nx = 1  # c3\n",
	"if x: y = 1\n",
	"if x:\n    y = 1\nelse: pass\n",
	"d = {1: 2}\ns = a[1:2]\nf = lambda: 0\nx: int = 1\n",
	"a = 1; b = 2;\nif x: a; b\nif y: a;\n;\n",
	"x = (1,\n     2,  # c\n\n     3)\n",
	"x = 1 + \\\n    2\n",
	"'''doc'''\n\"\"\"multi\n\nline\n\"\"\"\n'single'\n'a' 'b'\n'x'  # c\n",
	"def f():\n    \"\"\"Doc.\n\n    More.\n    \"\"\"\n    return f'{x:>10}' + f\"{y!r}\"\n",
	"x = 1\fy = 2\n\f\nz = 3\v4\n",
	"s = 'a\\\nb'\nt = '''x\\\ny'''\n",
	"x = '''unterminated\n",
	"x = (\n",
	"x = 1\n)\n",
	"x = 'abc\n",
	"x = 1 $ 2\n",
	"a = 0x1F; b = 1_000.5e-3j; c = 0777; d = 1if x else 2\n",
	"x = rb'a' + Rb\"b\" + f'{a}' + u'c' + ub'd'\n",
	"async def f():\n    await x\n    return [i async for i in y if i]\n",
	"class A:\n    x: int\n    def f(self) -> int: return 1\n",
	"print('''a''', '''b\nc''')\n",
	"x = 1\u2028y = 2\x1cz = 3\x85w\n",
	"\u00e9t\u00e9 = 1  # caf\u00e9\n",
	"x = [\n    1,\n    # only a comment\n]\n",
	"try: 1/0\nexcept: pass\nfinally: pass\n",
	"@dec\ndef f(a, b=1, *c, d, **e): pass\n",
	"while 1:\n    break\n\\\n",
	"x = '''a''' '''b\nc'''\n",
	"with a as b, c as d: pass\nfor i in x: pass\n",
	"x = 'a:b'  # c\nif x == ':':  # c\nf(a)['k'] = \"v\\\"q\"\nprint(1) # :\n",
	"y = b'x' + rb\"y\"\n(x := 1)\nx = 'abc\\\\'\nz = f'{a:>3}'\nelse:\ntry: # c\n",
	"x = 'it''s'\nb'x'\nrb'y' + 1\nu = ''\nv = \"\" # '\n",
	// statements over several lines (the fast scanner's units)
	"x = f(a,\n      b[1:2],\n      c)\n",
	"d = {\n    'a': 1,\n\n    'b': 2}\n",
	"d = {\n    'k':\n        1}\nif (a and\n        b):\n    pass\n",
	"foo(x,\n    '''abc''', \"\"\"d'e\"\"\")\nfoo('''a''' ':', b\n)\n",
	"x = [1,\n     2]; y = 3\nf(a,\n  b\\\n  c)\n",
	"x = (  # c\n    1)  # d\nf(\n)\nx = f(a)(\n    b)[\n    c:]\n",
	"x = (1,\n     '''multi\nline''')\ny = ('a'\n     'b')\n",
	"z = [\n    1 if a else 2,\n    lambda: 0,\n    {**a, 'b': c},\n]\n",
	"f(a,\n  \u00e9,\n  b)\ng(a,\n  'caf\u00e9')\n",
	"class C(\n    Base,\n    metaclass=M):\n    x = [\n        1]\n",
	"f(a,\n  b))\ng(\n",
	"        x = 1      \n\t\ty = [\n  \t  2 ]  \n",
}

// TestSnippetsMatchRadon compares Metrics with radon's own radon.raw.analyze
// (Debian's python3 runs it) on rawSnippets.
//
//	go test ./analysis/internal/raw -run TestSnippetsMatchRadon -v
func TestSnippetsMatchRadon(t *testing.T) {
	testenv.RequireCommand(t, "radon")
	py := "/usr/bin/python3" // the interpreter radon is installed for
	script := `
import json, sys
from radon.raw import analyze
out = []
for s in json.load(sys.stdin):
    try:
        out.append(analyze(s)._asdict())
    except Exception as e:
        out.append({"error": str(e)})
json.dump(out, sys.stdout)
`
	in, _ := json.Marshal(rawSnippets)
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		testenv.SkipOrFail(t, "radon's Python module cannot run: %v %s", err, stderr.String())
	}
	var want []radonRaw
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	same := 0
	for i, s := range rawSnippets {
		got, err := Metrics([]byte(s), nil)
		w := want[i]
		switch {
		case w.Error != "" && err == nil:
			t.Errorf("%q: radon fails (%s), we give %s", s, w.Error, fmtCounts(got))
		case w.Error == "" && err != nil:
			t.Errorf("%q: we fail (%v), radon gives %s", s, err, fmtCounts(w.Counts))
		case got != w.Counts:
			t.Errorf("%q: got %s, radon %s", s, fmtCounts(got), fmtCounts(w.Counts))
		default:
			same++
		}
	}
	t.Logf("%d/%d snippets identical to radon.raw.analyze", same, len(rawSnippets))
}

// splitStripRef is Python's [l.strip() for l in s.splitlines()] written
// the obvious way, rune by rune.
func splitStripRef(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		n := 0
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			n = size
		case '\r':
			n = 1
			if i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
		}
		if n == 0 {
			i += size
			continue
		}
		out = append(out, pyStrip(s[start:i]))
		i += n
		start = i
	}
	if start < len(s) {
		out = append(out, pyStrip(s[start:]))
	}
	return out
}

// FuzzLineReader compares lineReader (which skips 8 bytes at a time) with
// splitStripRef, and checks its nl field.
//
//	go test ./analysis/internal/raw -run '^$' -fuzz FuzzLineReader -fuzztime 1m
func FuzzLineReader(f *testing.F) {
	for _, s := range rawSnippets {
		f.Add(s)
	}
	f.Add("        indented  \n\t\tx\r\ny\rz\u2028\u2029\x85\xc2\xe2\x80\n  \u3000 a \u3000\n")
	f.Fuzz(func(t *testing.T, s string) {
		want := splitStripRef(s)
		lr := lineReader{text: s}
		for i := 0; ; i++ {
			line, more := lr.next()
			if !more {
				if i != len(want) {
					t.Fatalf("%q: %d lines, want %d", s, i, len(want))
				}
				break
			}
			if i >= len(want) || line != want[i] || lr.n != i+1 {
				t.Fatalf("%q: line %d = %q, want %q", s, i+1, line, want)
			}
			if lr.nl != "" && lr.nl != line+"\n" {
				t.Fatalf("%q: line %d: nl = %q", s, i+1, lr.nl)
			}
		}
	})
}

// checkFastPaths compares scan with its tokenize-port-only variant.
func checkFastPaths(t *testing.T, name, s string) {
	t.Helper()
	got, gotErr := scan(s, nil, true)
	want, wantErr := scan(s, nil, false)
	if got != want || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
		t.Fatalf("%s: fast paths give %s (%v), the tokenize port %s (%v)", name, fmtCounts(got), gotErr, fmtCounts(want), wantErr)
	}
}

// TestFastPathsMatchPort checks that the fast paths of the line metrics
// (statements read straight from the text, or from stripped lines, without
// the tokenize port) give the port's numbers on every file of the local
// standard library (site-packages included) and on rawSnippets. The port
// itself is compared with radon (TestMatchesRadon, TestSnippetsMatchRadon).
func TestFastPathsMatchPort(t *testing.T) {
	for _, s := range rawSnippets {
		checkFastPaths(t, fmt.Sprintf("%q", s), s)
	}
	if testing.Short() {
		return
	}
	root := testenv.Stdlib(t)
	files, err := oracle.CorpusFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(root, f)
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text, _, err := source.Decode(raw)
		if err != nil {
			continue
		}
		checkFastPaths(t, p, string(text))
	}
}

// FuzzFastPaths checks the fast paths against the tokenize port on
// arbitrary text.
//
//	go test ./analysis/internal/raw -run '^$' -fuzz FuzzFastPaths -fuzztime 1m
func FuzzFastPaths(f *testing.F) {
	for _, s := range rawSnippets {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFastPaths(t, fmt.Sprintf("%q", s), s)
	})
}
