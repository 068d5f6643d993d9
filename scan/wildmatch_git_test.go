package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// TestPatternsMatchGitCheckIgnore is a differential fuzz of pattern parsing and
// wildmatch: random patterns built from the awkward parts of the syntax (classes,
// escapes, "**", anchors, negation, trailing spaces) against random names, asking
// `git check-ignore -v` which line decides each path, and asking our matcher the
// same question (with git's rule that an excluded parent directory decides for
// everything below it).
func TestPatternsMatchGitCheckIgnore(t *testing.T) {
	testenv.RequireCommand(t, "git")
	gs := newGitSetup(t, false)
	root := t.TempDir()
	gs.git(t, root, "init", "-q")
	r := testenv.Rand(t)
	names := []string{"a", "b", "ab", "a.b", "[a]", "a*b", "-", "!a", "#a", " a", "a ", `\a`,
		"aa", "ba", "B", "1", "a]", "a-b", "abab"}
	var paths []string
	isDir := map[string]bool{}
	var gen func(rel string, depth int)
	gen = func(rel string, depth int) {
		for _, n := range pick(r, names, 5) {
			p := n
			if rel != "" {
				p = rel + "/" + n
			}
			if _, seen := isDir[p]; seen {
				continue
			}
			if depth < 2 && r.IntN(3) == 0 {
				isDir[p] = true
				must(t, os.MkdirAll(filepath.Join(root, p), 0o755))
				paths = append(paths, p)
				gen(p, depth+1)
			} else {
				isDir[p] = false
				writeFile(t, filepath.Join(root, p), "")
				paths = append(paths, p)
			}
		}
	}
	gen("", 0)
	tokens := []string{"a", "b", "*", "**", "?", "[a-b]", "[!a]", "[^b]", "[]a]", "[a", "[[:alpha:]]",
		"[[:digit:]]", "[[:bogus:]]", `\`, `\*`, "/", " ", "!", "#", ".", "-", "]", "a", "b", "/", "*"}
	cases := 300
	if testing.Short() {
		cases = 50
	}
	checked, matched := 0, 0
	for c := range cases {
		var lines []string
		for range 1 + r.IntN(4) {
			var sb strings.Builder
			for range 1 + r.IntN(5) {
				sb.WriteString(tokens[r.IntN(len(tokens))])
			}
			lines = append(lines, sb.String())
		}
		content := strings.Join(lines, "\n") + "\n"
		writeFile(t, filepath.Join(root, ".gitignore"), content)
		pats := parseIgnore([]byte(content))

		out := gs.gitStdin(t, root, strings.Join(paths, "\x00")+"\x00",
			"check-ignore", "-v", "-n", "-z", "--stdin", "--no-index")
		fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if len(fields) != 4*len(paths) {
			t.Fatalf("case %d: git printed %d fields for %d paths", c, len(fields), len(paths))
		}
		for i := 0; i < len(fields); i += 4 {
			lineNo, path := fields[i+1], fields[i+3]
			want := "none"
			if lineNo != "" {
				want = "line " + lineNo
			}
			got := "none"
			if m := checkIgnoreLike(pats, path, isDir[path]); m != nil {
				got = fmt.Sprintf("line %d", m.line)
				matched++
			}
			checked++
			if got != want {
				t.Errorf("case %d, path %q: ours %s, git %s\n.gitignore:\n%s", c, path, got, want, content)
			}
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d path checks, %d matched a pattern", checked, matched)
}

// checkIgnoreLike answers what `git check-ignore -v` reports for path: the
// pattern that excluded its nearest excluded parent directory, else the last
// pattern matching the path itself (negated or not), else nil.
func checkIgnoreLike(pats []ignorePattern, path string, isDir bool) *ignorePattern {
	last := func(rel string, dir bool) *ignorePattern {
		base := rel[strings.LastIndexByte(rel, '/')+1:]
		for i := len(pats) - 1; i >= 0; i-- {
			if pats[i].matches(rel, base, dir) {
				return &pats[i]
			}
		}
		return nil
	}
	for i := range len(path) {
		if path[i] == '/' {
			if m := last(path[:i], true); m != nil && !m.negate {
				return m
			}
		}
	}
	return last(path, isDir)
}

func (gs gitSetup) gitStdin(t *testing.T, dir, stdin string, args ...string) []byte {
	t.Helper()
	cmd := gitCmd(gs, dir, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	// check-ignore exits 1 when no path is ignored.
	if err != nil && cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("git %v: %v", args, err)
	}
	return out
}
