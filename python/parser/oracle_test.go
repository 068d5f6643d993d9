package parser

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/ast"
)

// oracleScript prints, for each file named on the command line, CPython's
// one-line dump or "ERROR <class>: <message>", each followed by a NUL line.
const oracleScript = `
import ast, sys
for name in sys.argv[1:]:
    try:
        print(ast.dump(ast.parse(open(name, "rb").read()), include_attributes=True, show_empty=True))
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        print("ERROR", type(e).__name__ + ":", e)
    print("\x00")
`

// oracleDumps runs CPython 3.14 over the sources and returns its dump (or
// "ERROR ...") for each.
func oracleDumps(t *testing.T, srcs []string) []string {
	t.Helper()
	env := oracle.Require(t)
	dir, names := testenv.WriteSources(t, "s%d.py", srcs)
	out, err := env.Run(context.Background(), dir, oracleScript, names...)
	if err != nil {
		t.Fatal(err)
	}
	res := strings.Split(string(out), "\n\x00\n")
	if len(res) < len(srcs) {
		t.Fatalf("oracle returned %d results for %d sources", len(res), len(srcs))
	}
	return res[:len(srcs)]
}

// loadSnippets reads testdata/snippets.txt: sources separated by "#---" lines.
func loadSnippets(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/snippets.txt")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(b), "\n#---\n")
	return parts[1:] // the first part is the file's header comment
}

func ourDump(src string) string {
	m, err := Parse([]byte(src), Options{})
	if err != nil {
		return "ERROR " + err.Error()
	}
	return ast.Dump(m, ast.DumpOptions{Indent: -1})
}

// TestOracleSnippets compares this parser with CPython 3.14 on every snippet
// of testdata/snippets.txt: the verdict (valid or SyntaxError) must agree,
// and for valid sources the dump must be byte-identical.
func TestOracleSnippets(t *testing.T) {
	srcs := loadSnippets(t)
	want := oracleDumps(t, srcs)
	for i, src := range srcs {
		got := ourDump(src)
		w := want[i]
		wantErr, gotErr := strings.HasPrefix(w, "ERROR"), strings.HasPrefix(got, "ERROR")
		switch {
		case wantErr != gotErr:
			t.Errorf("snippet %d %q: verdict differs\nCPython: %.200s\nours:    %.200s", i, src, w, got)
		case !wantErr && got != w:
			t.Errorf("snippet %d %q: dump differs\nCPython: %s\nours:    %s", i, src, w, got)
		}
	}
}
