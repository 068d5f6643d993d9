package scan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// The ignore rules are proven against git itself: generated trees with many
// .gitignore files, .git/info/exclude and a global excludes file; the .py files
// Scan yields must be exactly the .py files `git ls-files --others
// --exclude-standard` lists (every file is untracked), for runs started at the
// work tree's root and in subdirectories.

var patternPool = []string{
	"build/", "/dist", "*_gen.py", "!keep_gen.py", "tests/**/fixture*.py", "**/tmp",
	"a/**/b.py", "docs/*.py", "!docs/index.py", "secret[0-9].py", "secret[!0-3].py",
	"secret[^5].py", "[[:upper:]]*.py", "foo?.py", "deep/", "!deep/", "x/**",
	"!x/keep.py", `\#hash.py`, `\!bang.py`, "trailing.py   ", `escaped\ .py`,
	"*.py", "!pkg/", "/pkg/sub/", "sub", "!sub/ok.py", "**/*.skip.py", "a/b/",
	"!*.py", "!**/ok.py", "src/**/plain.py", "# comment.py", "", "*", "!*/",
	"**/", "a/*/c.py", "*.py/", "plain.py", "!plain.py", "/plain.py", "**/a/**",
	"[a-c].py", "[!a-c].py", "f*o**bar.py", "foo**/b.py", "**bar.py", "ok.py\r",
	"Z/", "!Z/ok.py", "src/", "!src/", "!src/*.py", "*/*/plain.py",
}

var dirPool = []string{"a", "b", "c", "build", "dist", "tests", "tmp", "docs", "deep",
	"x", "pkg", "sub", "src", "foo bar", "Z", "foobar.py"}

var filePool = []string{"keep_gen.py", "x_gen.py", "fixture1.py", "b.py", "c.py",
	"index.py", "secret1.py", "secret5.py", "secret7.py", "Upper.py", "foo1.py",
	"#hash.py", "!bang.py", "trailing.py", "escaped .py", "m.skip.py", "plain.py",
	"ok.py", "__init__.py", "a.py", "d.py", "fobar.py", "fooxbar.py", "readme.txt",
	"data.pyc", "foobar.py"}

// gitSetup is a temporary HOME with a global git config naming an excludes file.
type gitSetup struct {
	env     []string
	getenv  func(string) string
	exclude string // the global excludes file
}

func newGitSetup(t *testing.T, useXDGDefault bool) gitSetup {
	home := t.TempDir()
	xdg := filepath.Join(home, "xdg")
	vars := map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     xdg,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_CONFIG_GLOBAL":   filepath.Join(home, "gitconfig"),
	}
	gs := gitSetup{}
	if useXDGDefault {
		// No core.excludesFile: git falls back to $XDG_CONFIG_HOME/git/ignore.
		writeFile(t, vars["GIT_CONFIG_GLOBAL"], "[user]\n\tname = t\n")
		gs.exclude = filepath.Join(xdg, "git", "ignore")
	} else {
		writeFile(t, vars["GIT_CONFIG_GLOBAL"], "[core]\n\texcludesFile = ~/global-ignore\n")
		gs.exclude = filepath.Join(home, "global-ignore")
	}
	gs.env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range vars {
		gs.env = append(gs.env, k+"="+v)
	}
	gs.getenv = func(k string) string { return vars[k] }
	return gs
}

func gitCmd(gs gitSetup, dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gs.env
	return cmd
}

func (gs gitSetup) git(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := gitCmd(gs, dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// gitUnignoredPy lists the .py files git does not ignore under dir, relative to dir.
func (gs gitSetup) gitUnignoredPy(t *testing.T, dir string) []string {
	out := gs.git(t, dir, "ls-files", "--others", "--exclude-standard", "-z")
	var files []string
	for f := range strings.SplitSeq(string(out), "\x00") {
		if strings.HasSuffix(f, ".py") {
			files = append(files, f)
		}
	}
	slices.Sort(files)
	return files
}

// scanPy lists the .py files Scan yields under dir, relative to dir.
func scanPy(t *testing.T, dir string, opts Options) []string {
	got := collect(t, dir, []string{dir}, opts)
	var files []string
	for rel, fi := range got {
		if rel == "." && fi.Skip == SkipIgnored {
			continue // the root itself is ignored: nothing below it counts
		}
		if fi.Skip != "" {
			t.Errorf("%s: unexpected skip %s (%v)", rel, fi.Skip, fi.Err)
		}
		files = append(files, rel)
	}
	slices.Sort(files)
	return files
}

func gitCompareOptions(gs gitSetup, sorted bool) Options {
	// Compare pure ignore semantics: nothing else skipped.
	return Options{Hidden: true, SkipDirs: []string{".git"}, Virtualenvs: true,
		Getenv: gs.getenv, Sorted: sorted, Workers: 3, SkipIgnoredRoots: true}
}

func pick[T any](r *rand.Rand, pool []T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = pool[r.IntN(len(pool))]
	}
	return out
}

// genTree writes a random tree under root and returns its directories
// (relative, "" for root).
func genTree(t *testing.T, r *rand.Rand, root string) []string {
	dirs := []string{""}
	var walk func(rel string, depth int)
	walk = func(rel string, depth int) {
		for _, f := range pick(r, filePool, 3+r.IntN(6)) {
			writeFile(t, filepath.Join(root, rel, f), "x = 1\n")
		}
		if depth == 4 {
			return
		}
		for _, d := range pick(r, dirPool, r.IntN(4)) {
			sub := filepath.ToSlash(filepath.Join(rel, d))
			if slices.Contains(dirs, sub) {
				continue
			}
			if fi, err := os.Stat(filepath.Join(root, sub)); err == nil && !fi.IsDir() {
				continue // a file of that name already exists
			}
			dirs = append(dirs, sub)
			walk(sub, depth+1)
		}
	}
	walk("", 0)
	return dirs
}

func ignoreLines(r *rand.Rand, n int) string {
	return strings.Join(pick(r, patternPool, n), "\n") + "\n"
}

func TestIgnoreMatchesGitOnGeneratedTrees(t *testing.T) {
	testenv.RequireCommand(t, "git")
	seeds := 40
	if testing.Short() {
		seeds = 8
	}
	base := testenv.Seed(t)
	for i := range seeds {
		t.Run(fmt.Sprint("tree", i), func(t *testing.T) {
			seed := base + uint64(i)
			t.Logf("tree seed %d (base seed %d)", seed, base)
			r := rand.New(rand.NewPCG(seed, 7))
			gs := newGitSetup(t, i%3 == 0)
			root := t.TempDir()
			gs.git(t, root, "init", "-q")
			dirs := genTree(t, r, root)
			for _, d := range dirs {
				if r.IntN(3) == 0 || d == "" {
					writeFile(t, filepath.Join(root, d, ".gitignore"), ignoreLines(r, 1+r.IntN(8)))
				}
			}
			writeFile(t, filepath.Join(root, ".git", "info", "exclude"), ignoreLines(r, 3))
			writeFile(t, gs.exclude, ignoreLines(r, 3))

			starts := []string{""}
			for range 3 {
				starts = append(starts, dirs[r.IntN(len(dirs))])
			}
			for i, start := range starts {
				dir := filepath.Join(root, start)
				want := gs.gitUnignoredPy(t, dir)
				got := scanPy(t, dir, gitCompareOptions(gs, i%2 == 1))
				if !slices.Equal(got, want) {
					t.Errorf("start %q: scan and git disagree\n only scan: %v\n only git:  %v\n%s",
						start, minus(got, want), minus(want, got), dumpIgnores(root))
				}
			}
		})
	}
}

// TestIgnoreMatchesGitKnownCases covers, by name, the cases where a naive
// matcher (go-git's, for one) departs from git.
func TestIgnoreMatchesGitKnownCases(t *testing.T) {
	testenv.RequireCommand(t, "git")
	cases := []struct {
		name, ignore string
		files        []string
	}{
		{"negated dir does not re-include files", "*.py\n!pkg/\n", []string{"pkg/a.py", "a.py"}},
		{"a/** keeps a so children can be re-included", "a/**\n!a/keep.py\n", []string{"a/keep.py", "a/b.py", "a/s/c.py"}},
		{"file under excluded dir cannot be re-included", "build/\n!build/x.py\n", []string{"build/x.py", "y.py"}},
		{"anchored vs floating", "/top.py\nany.py\n", []string{"top.py", "d/top.py", "any.py", "d/any.py"}},
		{"dir-only does not match files", "thing/\n", []string{"thing", "d/thing/x.py", "thing.py"}},
		{"classes", "[!a-c].py\n[[:digit:]]*.py\n", []string{"a.py", "d.py", "1x.py", "b.py"}},
		{"double star in name is a star", "f**o.py\n", []string{"fo.py", "fxxo.py", "d/fzo.py"}},
		{"middle double star", "a/**/z.py\n", []string{"a/z.py", "a/b/z.py", "a/b/c/z.py", "b/a/z.py"}},
		{"escapes and spaces", "\\#h.py\n\\!b.py\ns.py  \nt\\ .py\n", []string{"#h.py", "!b.py", "s.py", "t .py", "t.py"}},
		{"whitelist", "*\n!*/\n!*.py\n", []string{"a.py", "d/b.py", "d/e/c.py"}},
		{"nested gitignore wins", "*.py\n", []string{"keep/a.py", "b.py"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := newGitSetup(t, false)
			root := t.TempDir()
			gs.git(t, root, "init", "-q")
			writeFile(t, filepath.Join(root, ".gitignore"), tc.ignore)
			if tc.name == "nested gitignore wins" {
				writeFile(t, filepath.Join(root, "keep", ".gitignore"), "!a.py\n")
			}
			for _, f := range tc.files {
				writeFile(t, filepath.Join(root, f), "pass\n")
			}
			want := gs.gitUnignoredPy(t, root)
			got := scanPy(t, root, gitCompareOptions(gs, true))
			if !slices.Equal(got, want) {
				t.Errorf("scan %v, git %v", got, want)
			}
		})
	}
}

// TestIgnoreNestedRepoAndLocalConfig: a nested work tree uses its own rules
// (not the outer .gitignore), and core.excludesFile in a repository's own
// .git/config overrides the global one; both compared with git run in each tree.
func TestIgnoreNestedRepoAndLocalConfig(t *testing.T) {
	testenv.RequireCommand(t, "git")
	gs := newGitSetup(t, false)
	root := t.TempDir()
	gs.git(t, root, "init", "-q")
	inner := filepath.Join(root, "inner")
	must(t, os.MkdirAll(inner, 0o755))
	gs.git(t, inner, "init", "-q")
	writeFile(t, filepath.Join(root, ".gitignore"), "outer_*.py\n")
	writeFile(t, filepath.Join(inner, ".gitignore"), "inner_*.py\n")
	writeFile(t, gs.exclude, "global_*.py\n")
	writeFile(t, filepath.Join(root, "local-ignore"), "local_*.py\n")
	gs.git(t, inner, "config", "core.excludesFile", filepath.Join(root, "local-ignore"))
	for _, d := range []string{root, inner, filepath.Join(inner, "pkg")} {
		for _, f := range []string{"outer_a.py", "inner_b.py", "global_c.py", "local_d.py", "e.py"} {
			writeFile(t, filepath.Join(d, f), "")
		}
	}
	wantOuter := gs.gitUnignoredPy(t, root) // lists no file of inner/ (a nested repository)
	wantInner := gs.gitUnignoredPy(t, inner)
	var want []string
	want = append(want, wantOuter...)
	for _, f := range wantInner {
		want = append(want, "inner/"+f)
	}
	slices.Sort(want)
	if !slices.Equal(wantInner, []string{"e.py", "global_c.py", "outer_a.py", "pkg/e.py", "pkg/global_c.py", "pkg/outer_a.py"}) {
		t.Fatalf("git lists %v in the nested repository; the test's premise is wrong", wantInner)
	}
	for _, sorted := range []bool{false, true} {
		if got := scanPy(t, root, gitCompareOptions(gs, sorted)); !slices.Equal(got, want) {
			t.Errorf("sorted=%v: only scan %v, only git %v", sorted, minus(got, want), minus(want, got))
		}
	}
}

// TestIgnoreInLinkedWorktree: in a linked worktree (.git is a file naming
// .git/worktrees/NAME) info/exclude comes from the main repository, as in git.
func TestIgnoreInLinkedWorktree(t *testing.T) {
	testenv.RequireCommand(t, "git")
	gs := newGitSetup(t, false)
	base := t.TempDir()
	main := filepath.Join(base, "main")
	must(t, os.MkdirAll(main, 0o755))
	gs.git(t, main, "init", "-q")
	writeFile(t, filepath.Join(main, "README"), "")
	gs.git(t, main, "add", "README")
	gs.git(t, main, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init")
	wt := filepath.Join(base, "wt")
	gs.git(t, main, "worktree", "add", "-q", wt)
	writeFile(t, filepath.Join(main, ".git", "info", "exclude"), "excluded_*.py\n")
	writeFile(t, filepath.Join(wt, ".gitignore"), "ignored_*.py\n")
	for _, f := range []string{"excluded_a.py", "ignored_b.py", "c.py", "sub/excluded_d.py", "sub/e.py"} {
		writeFile(t, filepath.Join(wt, f), "")
	}
	want := gs.gitUnignoredPy(t, wt)
	if !slices.Equal(want, []string{"c.py", "sub/e.py"}) {
		t.Fatalf("git lists %v; the test's premise is wrong", want)
	}
	for _, start := range []string{"", "sub"} {
		dir := filepath.Join(wt, start)
		if got := scanPy(t, dir, gitCompareOptions(gs, true)); !slices.Equal(got, gs.gitUnignoredPy(t, dir)) {
			t.Errorf("start %q: scan %v, git %v", start, got, gs.gitUnignoredPy(t, dir))
		}
	}
}

// TestIgnoreInLargeDirectory: a directory listed in several chunks finds its
// .gitignore (and a nested work tree, and a virtualenv marker) all the same.
func TestIgnoreInLargeDirectory(t *testing.T) {
	testenv.RequireCommand(t, "git")
	gs := newGitSetup(t, false)
	root := t.TempDir()
	gs.git(t, root, "init", "-q")
	big := filepath.Join(root, "big")
	for i := range 3 * readChunk {
		writeFile(t, filepath.Join(big, fmt.Sprintf("m%04d.py", i)), "")
	}
	writeFile(t, filepath.Join(big, ".gitignore"), "m00*.py\n!m0001.py\n")
	writeFile(t, filepath.Join(big, "zz_venv", "pyvenv.cfg"), "")
	writeFile(t, filepath.Join(big, "zz_venv", "lib", "site.py"), "")
	for i := range 2 * readChunk {
		writeFile(t, filepath.Join(big, "zz_venv", fmt.Sprintf("pad%04d", i)), "")
	}
	want := gs.gitUnignoredPy(t, root)
	want = slices.DeleteFunc(want, func(p string) bool { return strings.Contains(p, "zz_venv") })
	for _, sorted := range []bool{false, true} {
		opts := gitCompareOptions(gs, sorted)
		opts.Virtualenvs = false
		if got := scanPy(t, root, opts); !slices.Equal(got, want) {
			t.Errorf("sorted=%v: only scan %v, only git %v", sorted, minus(got, want), minus(want, got))
		}
	}
	if len(want) != 3*readChunk-99 {
		t.Errorf("git lists %d files; the test's premise is wrong", len(want))
	}
}

// TestIgnoreFromSubdirectoryHonoursParents: a run started below the work tree's
// root applies the parents' .gitignore files, info/exclude and the global file.
func TestIgnoreFromSubdirectoryHonoursParents(t *testing.T) {
	testenv.RequireCommand(t, "git")
	gs := newGitSetup(t, false)
	root := t.TempDir()
	gs.git(t, root, "init", "-q")
	writeFile(t, filepath.Join(root, ".gitignore"), "gen_*.py\n/sub/deep/local.py\n")
	writeFile(t, filepath.Join(root, "sub", ".gitignore"), "!gen_keep.py\n")
	writeFile(t, filepath.Join(root, ".git", "info", "exclude"), "info_*.py\n")
	writeFile(t, gs.exclude, "global_*.py\n")
	for _, f := range []string{"gen_a.py", "gen_keep.py", "info_x.py", "global_y.py", "local.py", "ok.py"} {
		writeFile(t, filepath.Join(root, "sub", "deep", f), "pass\n")
	}
	dir := filepath.Join(root, "sub", "deep")
	want := gs.gitUnignoredPy(t, dir)
	if !slices.Equal(want, []string{"gen_keep.py", "ok.py"}) {
		t.Fatalf("git itself says %v; the test's premise is wrong", want)
	}
	for _, sorted := range []bool{false, true} {
		if got := scanPy(t, dir, gitCompareOptions(gs, sorted)); !slices.Equal(got, want) {
			t.Errorf("sorted=%v: scan %v, git %v", sorted, got, want)
		}
	}
	// A relative root from a working directory inside the tree works the same.
	t.Chdir(filepath.Join(root, "sub"))
	got := collect(t, ".", []string{"deep"}, gitCompareOptions(gs, false))
	if ks := keys(got); !slices.Equal(ks, []string{"deep/gen_keep.py", "deep/ok.py"}) {
		t.Errorf("relative root: %v", ks)
	}
}

// TestIgnoredRoot: a root that git ignores is walked by default with the rules
// still applying below it, or reported with SkipIgnored under SkipIgnoredRoots.
func TestIgnoredRoot(t *testing.T) {
	testenv.RequireCommand(t, "git")
	gs := newGitSetup(t, false)
	root := t.TempDir()
	gs.git(t, root, "init", "-q")
	writeFile(t, filepath.Join(root, ".gitignore"), "/versions\n*_gen.py\n")
	for _, f := range []string{"versions/lib/a.py", "versions/lib/b_gen.py", "versions/lib/sub/c.py"} {
		writeFile(t, filepath.Join(root, f), "")
	}
	dir := filepath.Join(root, "versions", "lib")
	if got := gs.gitUnignoredPy(t, dir); len(got) != 0 {
		t.Fatalf("git lists %v in an ignored directory; the test's premise is wrong", got)
	}
	for _, sorted := range []bool{false, true} {
		opts := gitCompareOptions(gs, sorted)
		opts.SkipIgnoredRoots = false
		if got := keys(collect(t, dir, []string{dir}, opts)); !slices.Equal(got, []string{"a.py", "sub/c.py"}) {
			t.Errorf("default: %v", got)
		}
		opts.SkipIgnoredRoots = true
		got := collect(t, dir, []string{dir}, opts)
		if fi := got["."]; len(got) != 1 || fi.Skip != SkipIgnored || !fi.IsDir {
			t.Errorf("SkipIgnoredRoots: %v", got)
		}
	}
}

// TestIgnoreOnlyInsideWorkTree: like git, ignore files outside a work tree do not
// apply unless NoRequireGit; NoIgnore turns them all off.
func TestIgnoreOnlyInsideWorkTree(t *testing.T) {
	gs := newGitSetup(t, false)
	root := t.TempDir()
	writeFile(t, filepath.Join(root, ".gitignore"), "a.py\n")
	writeFile(t, filepath.Join(root, "a.py"), "")
	writeFile(t, filepath.Join(root, "b.py"), "")
	opts := gitCompareOptions(gs, true)
	if got := keys(collect(t, root, []string{root}, opts)); !slices.Equal(got, []string{"a.py", "b.py"}) {
		t.Errorf("outside a work tree: %v", got)
	}
	opts.NoRequireGit = true
	if got := keys(collect(t, root, []string{root}, opts)); !slices.Equal(got, []string{"b.py"}) {
		t.Errorf("NoRequireGit: %v", got)
	}
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	opts.NoRequireGit = false
	if got := keys(collect(t, root, []string{root}, opts)); !slices.Equal(got, []string{"b.py"}) {
		t.Errorf("inside a work tree: %v", got)
	}
	opts.NoIgnore = true
	if got := keys(collect(t, root, []string{root}, opts)); !slices.Equal(got, []string{"a.py", "b.py"}) {
		t.Errorf("NoIgnore: %v", got)
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func dumpIgnores(root string) string {
	var sb strings.Builder
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && (d.Name() == ".gitignore" || strings.HasSuffix(p, "info/exclude")) {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			fmt.Fprintf(&sb, "--- %s\n%s", rel, data)
		}
		return nil
	})
	return sb.String()
}
