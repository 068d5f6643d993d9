package analysis

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
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
}

// TestRawSnippetsMatchRadon compares rawMetrics with radon's own
// radon.raw.analyze (Debian's python3 runs it) on rawSnippets.
//
//	go test ./analysis -run TestRawSnippetsMatchRadon -v
func TestRawSnippetsMatchRadon(t *testing.T) {
	requireTool(t, "radon")
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
		need(t, "radon's Python module cannot run: "+err.Error()+" "+stderr.String())
	}
	var want []radonRaw
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	same := 0
	for i, s := range rawSnippets {
		got, err := rawMetrics(s)
		w := want[i]
		switch {
		case w.Error != "" && err == nil:
			t.Errorf("%q: radon fails (%s), we give %s", s, w.Error, fmtLines(got))
		case w.Error == "" && err != nil:
			t.Errorf("%q: we fail (%v), radon gives %s", s, err, fmtLines(w.LineMetrics))
		case got != w.LineMetrics:
			t.Errorf("%q: got %s, radon %s", s, fmtLines(got), fmtLines(w.LineMetrics))
		default:
			same++
		}
	}
	t.Logf("%d/%d snippets identical to radon.raw.analyze", same, len(rawSnippets))
}
