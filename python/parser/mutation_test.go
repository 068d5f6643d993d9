package parser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/python/tokenizer"
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

// mutation is one edit of a real source file.
type mutation struct {
	file, kind string
	src        []byte
}

// mutate returns n edited copies of files drawn from srcs: one token
// deleted, duplicated, swapped with the next or replaced by another token of
// the file; one character deleted or duplicated; one line's indentation
// changed.
func mutate(r *rand.Rand, names []string, srcs [][]byte, n int) []mutation {
	var out []mutation
	for len(out) < n {
		i := r.IntN(len(srcs))
		src := srcs[i]
		var toks []token.Token
		tz := tokenizer.New(src, tokenizer.Options{})
		for {
			t, err := tz.Next()
			if err != nil || t.Kind == token.ENDMARKER {
				break
			}
			if t.EndOff > t.Off {
				toks = append(toks, t)
			}
		}
		if len(toks) < 2 {
			continue
		}
		edit := func(off, end int, repl []byte) []byte {
			b := make([]byte, 0, len(src)+len(repl))
			b = append(b, src[:off]...)
			b = append(b, repl...)
			return append(b, src[end:]...)
		}
		k := r.IntN(len(toks) - 1)
		t, u := toks[k], toks[k+1]
		var m mutation
		switch kind := r.IntN(8); kind {
		case 0:
			m = mutation{kind: "delete token", src: edit(int(t.Off), int(t.EndOff), nil)}
		case 1:
			m = mutation{kind: "duplicate token", src: edit(int(t.Off), int(t.Off), append(slices.Clone(t.Text(src)), ' '))}
		case 2:
			if u.Off < t.EndOff {
				continue
			}
			swapped := slices.Concat(u.Text(src), src[t.EndOff:u.Off], t.Text(src))
			m = mutation{kind: "swap tokens", src: edit(int(t.Off), int(u.EndOff), swapped)}
		case 3:
			o := toks[r.IntN(len(toks))]
			m = mutation{kind: "replace token", src: edit(int(t.Off), int(t.EndOff), o.Text(src))}
		case 4, 5:
			p := r.IntN(len(src))
			for p > 0 && src[p]&0xC0 == 0x80 {
				p--
			}
			q := p + 1
			for q < len(src) && src[q]&0xC0 == 0x80 {
				q++
			}
			if kind == 4 {
				m = mutation{kind: "delete char", src: edit(p, q, nil)}
			} else {
				m = mutation{kind: "duplicate char", src: edit(p, p, src[p:q])}
			}
		default:
			lines := bytes.SplitAfter(src, []byte("\n"))
			l := r.IntN(len(lines))
			off := 0
			for _, ln := range lines[:l] {
				off += len(ln)
			}
			switch r.IntN(3) {
			case 0:
				m = mutation{kind: "indent +1", src: edit(off, off, []byte(" "))}
			case 1:
				if len(lines[l]) == 0 || (lines[l][0] != ' ' && lines[l][0] != '\t') {
					continue
				}
				m = mutation{kind: "indent -1", src: edit(off, off+1, nil)}
			default:
				m = mutation{kind: "indent tab", src: edit(off, off, []byte("\t"))}
			}
		}
		m.file = names[i]
		out = append(out, m)
	}
	return out
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
	dir := testenv.Stdlib(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.py"))
	sort.Strings(paths)
	var names []string
	var srcs [][]byte
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil || len(raw) > 32<<10 {
			continue
		}
		// UTF-8 sources only, so that an edit stays text.
		if text, _, err := source.Decode(raw); err != nil || !bytes.Equal(text, raw) {
			continue
		}
		names = append(names, filepath.Base(p))
		srcs = append(srcs, raw)
	}
	if len(srcs) == 0 {
		t.Fatalf("no sources under %s", dir)
	}
	r := testenv.FixedRand(t, 17)
	muts := mutate(r, names, srcs, n)
	tmp := t.TempDir()
	var files []string
	for i, m := range muts {
		name := fmt.Sprintf("m%05d.py", i)
		if err := os.WriteFile(filepath.Join(tmp, name), m.src, 0o644); err != nil {
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
		m         mutation
		want, got string
	}
	byMsg := map[string][]diff{}
	quoted := regexp.MustCompile(`'[^']*'|line \d+`)
	for i, m := range muts {
		w, g := want[i], errorReport(m.src)
		if (w == "OK") != (g == "OK") {
			verdicts++
			t.Errorf("%s (%s of %s): verdict differs: CPython %q, pybatch %q", files[i], m.kind, m.file, w, g)
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
			os.WriteFile(filepath.Join(d, files[i]), m.src, 0o644)
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
			fmt.Fprintf(&b, "\n  %s of %s: %q\n    CPython %s\n    pybatch %s", d.m.kind, d.m.file, errorLine(d.m.src, d.want),
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
