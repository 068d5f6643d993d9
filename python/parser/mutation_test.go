package parser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/mutation"
	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
)

// mutationScript prints, for each file named on the command line, "OK" or
// CPython's SyntaxError (class, message, the four positions), each result
// followed by a NUL line.
const mutationScript = `
import ast, sys, warnings
warnings.simplefilter("ignore")
for name in sys.argv[1:]:
    try:
        ast.parse(open(name, "rb").read())
        print("OK")
    except SyntaxError as e:
        print("ERROR %s: %s\nlineno=%s offset=%s end_lineno=%s end_offset=%s" % (type(e).__name__, e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset))
    except Exception as e:
        print("ERROR %s: %s" % (type(e).__name__, e))
    print("\x00")
`

// errorReport formats Parse's result as mutationScript does.
func errorReport(src []byte) string {
	text, _, err := source.Decode(src)
	if err == nil {
		_, err = Parse(text, Options{})
	}
	if err == nil {
		return "OK"
	}
	var se *token.SyntaxError
	if !errors.As(err, &se) {
		return "ERROR " + err.Error()
	}
	start := fmt.Sprintf("lineno=%d offset=%d", se.Start.Line, se.Start.Col+1)
	end := fmt.Sprintf("end_lineno=%d end_offset=%d", se.End.Line, se.End.Col+1)
	if se.NoStart {
		start = "lineno=None offset=None"
	}
	if se.NoEnd {
		end = "end_lineno=None end_offset=None"
	}
	return fmt.Sprintf("ERROR %s: %s\n%s %s", se.Kind, se.Msg, start, end)
}

// errorLine returns the line of src a report names (lineno=N), trimmed.
func errorLine(src []byte, report string) string {
	_, after, ok := strings.Cut(report, "lineno=")
	if !ok {
		return ""
	}
	n, _ := strconv.Atoi(strings.Fields(after)[0])
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}

// TestOracleMutations compares pybatch's syntax errors, message and four
// positions, with CPython 3.14's on one-token and one-character edits of
// real standard-library files (see mutate), drawn with a logged seed
// (PYBATCH_SEED replays a run). It reports the share that agree and the
// differences by CPython's message. It runs with CI=true or
// PYBATCH_ORACLE_MUTATIONS=N (N edits; default 3000), and fails when fewer
// than minAgree of the invalid ones agree with the default seed.
// PYBATCH_MUTATION_DUMP=DIR keeps the files whose errors differ.
func TestOracleMutations(t *testing.T) {
	const minAgree = 0.997 // raise as the agreement improves; never lower it
	n := 3000
	if env := os.Getenv("PYBATCH_ORACLE_MUTATIONS"); env != "" {
		v, err := strconv.Atoi(env)
		if err != nil {
			t.Fatalf("PYBATCH_ORACLE_MUTATIONS=%q: %v", env, err)
		}
		n = v
	} else if !testenv.InCI() {
		t.Skip("set PYBATCH_ORACLE_MUTATIONS=N (or CI=true) to compare syntax errors on mutated stdlib files with CPython")
	}
	env := oracle.Require(t)
	r := testenv.FixedRand(t, 17)
	muts, err := mutation.Corpus(testenv.Stdlib(t), r, n)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	var files []string
	for i, m := range muts {
		name := fmt.Sprintf("m%05d.py", i)
		if err := os.WriteFile(filepath.Join(tmp, name), m.Src, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	out, err := env.Run(context.Background(), tmp, mutationScript, files...)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(string(out), "\n\x00\n")
	if len(want) < len(muts) {
		t.Fatalf("oracle returned %d results for %d files", len(want), len(muts))
	}
	invalid, same, verdicts := 0, 0, 0
	type diff struct {
		m         mutation.Mutation
		want, got string
	}
	byMsg := map[string][]diff{}
	quoted := regexp.MustCompile(`'[^']*'|line \d+`)
	for i, m := range muts {
		w, g := want[i], errorReport(m.Src)
		if (w == "OK") != (g == "OK") {
			verdicts++
			t.Errorf("%s (%s of %s): verdict differs: CPython %q, pybatch %q", files[i], m.Kind, m.File, w, g)
			continue
		}
		if w == "OK" {
			continue
		}
		invalid++
		if w == g {
			same++
			continue
		}
		if d := os.Getenv("PYBATCH_MUTATION_DUMP"); d != "" {
			// Keep the differing files for a closer look.
			os.WriteFile(filepath.Join(d, files[i]), m.Src, 0o644)
		}
		msg, _, _ := strings.Cut(w, "\n")
		key := quoted.ReplaceAllString(msg, "…")
		byMsg[key] = append(byMsg[key], diff{m, w, g})
	}
	keys := make([]string, 0, len(byMsg))
	for k := range byMsg {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(byMsg[keys[i]]) > len(byMsg[keys[j]]) })
	for _, k := range keys {
		ds := byMsg[k]
		var b strings.Builder
		fmt.Fprintf(&b, "%d × CPython %s", len(ds), k)
		for _, d := range ds[:min(3, len(ds))] {
			fmt.Fprintf(&b, "\n  %s of %s: %q\n    CPython %s\n    pybatch %s", d.m.Kind, d.m.File, errorLine(d.m.Src, d.want),
				strings.ReplaceAll(d.want, "\n", " "), strings.ReplaceAll(d.got, "\n", " "))
		}
		t.Log(b.String())
	}
	share := float64(same) / float64(max(invalid, 1))
	t.Logf("%d edits, %d invalid for CPython: %d (%.2f%%) with the same message and positions; %d verdicts differ",
		len(muts), invalid, same, 100*share, verdicts)
	if share < minAgree && os.Getenv("PYBATCH_SEED") == "" {
		t.Errorf("agreement %.2f%% is below the floor %.2f%%", 100*share, 100*minAgree)
	}
}
