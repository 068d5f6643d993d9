package oracle

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/python"
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

var update = flag.Bool("update", false, "regenerate testdata/grammar/**/*.golden with CPython 3.14 (pyodide)")

// grammarDir holds corpus (c): snippets exercising every grammar rule and
// token kind, each X.py with its CPython golden X.golden.
var grammarDir = filepath.Join("..", "..", "testdata", "grammar")

// goldenScript writes, for each snippet path listed in argv[1:] (relative to
// /mnt), what CPython 3.14 gives for it: the dump with indent=1, or the
// error, in the format of formatGolden.
const goldenScript = `
import ast, sys, warnings
warnings.simplefilter("ignore")
for rel in sys.argv[1:]:
    raw = open(rel, "rb").read()
    try:
        out = ast.dump(ast.parse(raw), include_attributes=True, show_empty=True, indent=1) + "\n"
    except SyntaxError as e:
        out = "ERROR %s: %s\nlineno=%s offset=%s end_lineno=%s end_offset=%s\n" % (type(e).__name__, e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset)
    except Exception as e:
        out = "ERROR %s: %s\n" % (type(e).__name__, e)
    with open(rel[:-3] + ".golden.tmp", "w", encoding="utf-8") as f:
        f.write(out)
`

func snippets(t *testing.T) []string {
	var files []string
	err := filepath.WalkDir(grammarDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".py") {
			rel, _ := filepath.Rel(grammarDir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatalf("no snippets under %s", grammarDir)
	}
	return files
}

func goldenPath(rel string) string {
	return filepath.Join(grammarDir, filepath.FromSlash(strings.TrimSuffix(rel, ".py")+".golden"))
}

// cpythonGoldens runs CPython over the snippets and returns its golden text for each.
func cpythonGoldens(t *testing.T, env Env, files []string) map[string]string {
	if _, err := env.Run(context.Background(), grammarDir, goldenScript, files...); err != nil {
		t.Fatal(err)
	}
	res := map[string]string{}
	for _, f := range files {
		tmp := goldenPath(f) + ".tmp"
		b, err := os.ReadFile(tmp)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(tmp)
		res[f] = string(b)
	}
	return res
}

// pybatchGolden formats pybatch's result for a snippet like goldenScript.
func pybatchGolden(raw []byte) string {
	mod, _, err := python.ParseFile(raw)
	if err != nil {
		var se *token.SyntaxError
		if errors.As(err, &se) {
			start := fmt.Sprintf("lineno=%d offset=%d", se.Start.Line, se.Start.Col+1)
			end := fmt.Sprintf("end_lineno=%d end_offset=%d", se.End.Line, se.End.Col+1)
			if se.NoStart { // CPython gives no position (None)
				start = "lineno=None offset=None"
			}
			if se.NoEnd {
				end = "end_lineno=None end_offset=None"
			}
			line := start + " " + end
			return fmt.Sprintf("ERROR %s: %s\n%s\n", se.Kind, se.Msg, line)
		}
		return "ERROR " + err.Error() + "\n"
	}
	return ast.Dump(mod, ast.DumpOptions{Indent: 1}) + "\n"
}

// TestGolden compares pybatch with the committed CPython goldens of corpus
// (c); it needs no Node.js. Valid snippets must dump identically; for
// invalid ones the verdict must agree (messages and positions are reported,
// their parity is a later goal). -update regenerates the goldens first.
func TestGolden(t *testing.T) {
	files := snippets(t)
	if *update {
		env := Require(t)
		for f, g := range cpythonGoldens(t, env, files) {
			if err := os.WriteFile(goldenPath(f), []byte(g), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	known := readKnown(t, "c")
	valid, invalid, msgDiff := 0, 0, 0
	for _, f := range files {
		errorf := t.Errorf
		if reason, ok := known[f]; ok {
			errorf = func(format string, args ...any) {
				t.Logf("known difference (%s): "+format, append([]any{reason}, args...)...)
			}
		}
		raw, err := os.ReadFile(filepath.Join(grammarDir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		gb, err := os.ReadFile(goldenPath(f))
		if err != nil {
			t.Errorf("%s: no golden (regenerate: go test ./internal/oracle -run Golden -update): %v", f, err)
			continue
		}
		want, got := string(gb), pybatchGolden(raw)
		wantErr, gotErr := strings.HasPrefix(want, "ERROR "), strings.HasPrefix(got, "ERROR ")
		switch {
		case !wantErr && !gotErr:
			valid++
			if got != want {
				off, c1, c2 := firstDiff(want, got)
				errorf("%s: dump differs at byte %d:\nCPython: …%s…\npybatch: …%s…", f, off, c1, c2)
			}
		case wantErr != gotErr:
			errorf("%s: verdict differs:\nCPython: %spybatch: %s", f, firstLine(want), firstLine(got))
		default:
			invalid++
			if got != want {
				msgDiff++
				t.Logf("%s: error differs (not yet required):\nCPython: %spybatch: %s", f, want, got)
			}
		}
	}
	t.Logf("corpus (c): %d snippets: %d valid, %d invalid (%d with a different message or position)", len(files), valid, invalid, msgDiff)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i+1]
	}
	return s + "\n"
}

// TestGoldenFresh checks that the committed goldens are what CPython 3.14
// gives today (new or edited snippets need -update).
func TestGoldenFresh(t *testing.T) {
	if *update {
		t.Skip("goldens were just regenerated")
	}
	env := Require(t)
	files := snippets(t)
	for f, want := range cpythonGoldens(t, env, files) {
		got, err := os.ReadFile(goldenPath(f))
		if err != nil || string(got) != want {
			t.Errorf("%s: golden is stale or missing (go test ./internal/oracle -run Golden -update)", f)
		}
	}
}
