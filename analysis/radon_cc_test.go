package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// radonBlock is one entry of `radon cc -j`.
type radonBlock struct {
	Type       string `json:"type"`
	Name       string `json:"name"`
	Classname  string `json:"classname"`
	Lineno     int    `json:"lineno"`
	Complexity int    `json:"complexity"`
	Rank       string `json:"rank"`
}

// blockKey identifies a block as radon names it: "function f", "method C.m",
// "class C", with its line.
type blockKey struct {
	typ, name string
	line      int
}

func (k blockKey) String() string { return fmt.Sprintf("%s %s:%d", k.typ, k.name, k.line) }

// runRadonCC runs `radon cc -s -j` once over files; a file maps to its
// blocks, or to an error message.
//
// PYBATCH_RADON_CC_JSON names a file holding that output from an earlier
// run (radon takes minutes on the standard library), to iterate faster.
func runRadonCC(t *testing.T, radon string, files []string) (map[string][]radonBlock, map[string]string) {
	t.Helper()
	var out []byte
	if cached := os.Getenv("PYBATCH_RADON_CC_JSON"); cached != "" {
		b, err := os.ReadFile(cached)
		if err != nil {
			t.Fatal(err)
		}
		out = b
	} else {
		cmd := exec.Command(radon, append([]string{"cc", "-s", "-j"}, files...)...)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("radon cc: %v\n%s", err, stderr.String())
		}
		out = b
	}
	var res map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("radon cc output: %v", err)
	}
	blocks := map[string][]radonBlock{}
	errs := map[string]string{}
	for f, v := range res {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(v, &e) == nil && e.Error != "" {
			errs[f] = e.Error
			continue
		}
		var bs []radonBlock
		if err := json.Unmarshal(v, &bs); err != nil {
			t.Fatalf("radon cc output for %s: %v", f, err)
		}
		blocks[f] = bs
	}
	return blocks, errs
}

// radonVisible returns the blocks radon cc reports (without
// --show-closures) from a report: top-level functions and classes, and the
// methods of top-level classes. Nesting is found from the spans, not from
// qualnames (a `global` declaration shortens a qualname).
func radonVisible(r *Report) map[blockKey]int {
	defs := r.Definitions
	before := func(l1, c1, l2, c2 int) bool { return l1 < l2 || l1 == l2 && c1 < c2 }
	parent := make([]int, len(defs))
	for i, d := range defs {
		parent[i] = -1
		for j, e := range defs {
			if i == j {
				continue
			}
			if before(e.Line, e.Col, d.Line, d.Col) && !before(e.EndLine, e.EndCol, d.EndLine, d.EndCol) {
				// e encloses d; keep the innermost
				if p := parent[i]; p < 0 || before(defs[p].Line, defs[p].Col, e.Line, e.Col) {
					parent[i] = j
				}
			}
		}
	}
	out := map[blockKey]int{}
	for i, d := range defs {
		p := parent[i]
		switch {
		case p < 0 && d.Kind == "class":
			out[blockKey{"class", d.Name, d.Line}] = d.Complexity
		case p < 0:
			out[blockKey{"function", d.Name, d.Line}] = d.Complexity
		case defs[p].Kind == "class" && parent[p] < 0 && d.Kind != "class":
			out[blockKey{"method", defs[p].Name + "." + d.Name, d.Line}] = d.Complexity
		}
	}
	return out
}

// TestComplexityMatchesRadon compares the complexity of every function,
// method and class of the standard library with `radon cc -s -j`, run once
// over the whole tree (site-packages excluded).
//
//	go test ./analysis -run TestComplexityMatchesRadon -v
func TestComplexityMatchesRadon(t *testing.T) {
	radon := testenv.RequireCommand(t, "radon")
	files := testenv.StdlibFiles(t, testenv.Stdlib(t))
	want, radonErrs := runRadonCC(t, radon, files)
	var total, same, ourErr int
	var diffs []string
	for _, f := range files {
		if _, bad := radonErrs[f]; bad {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := Analyze(f, src, Options{})
		theirs := map[blockKey]radonBlock{}
		for _, b := range want[f] {
			k := blockKey{b.Type, b.Name, b.Lineno}
			if b.Type == "method" {
				k.name = b.Classname + "." + b.Name
			}
			theirs[k] = b
		}
		if r.SyntaxError != nil {
			ourErr++
			total += len(theirs)
			diffs = append(diffs, fmt.Sprintf("%s: we report a syntax error %q, radon parsed %d blocks", f, r.SyntaxError.Msg, len(theirs)))
			continue
		}
		ours := radonVisible(r)
		for k, b := range theirs {
			total++
			got, ok := ours[k]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("%s: %v: missing (radon %d)", f, k, b.Complexity))
			case got != b.Complexity:
				diffs = append(diffs, fmt.Sprintf("%s: %v: got %d, radon %d", f, k, got, b.Complexity))
			default:
				same++
				if want := b.Rank; Rank(got) != want {
					t.Errorf("%s: %v: rank %s, radon %s", f, k, Rank(got), want)
				}
			}
		}
		for k, got := range ours {
			if _, ok := theirs[k]; !ok {
				total++
				diffs = append(diffs, fmt.Sprintf("%s: %v: extra (ours %d)", f, k, got))
			}
		}
	}
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Log("DIFF", d)
	}
	pct := 100 * float64(same) / float64(max(total, 1))
	t.Logf("radon cc: %d files, radon failed on %d (skipped), we failed on %d more; %d blocks, %d identical (%.3f%%)",
		len(files), len(radonErrs), ourErr, total, same, pct)
	if pct < 99.9 {
		t.Errorf("complexity identical for %.3f%% of blocks, want >= 99.9%%", pct)
	}
}
