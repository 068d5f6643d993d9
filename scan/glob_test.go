package scan

import (
	"testing"
)

// The suffix fast path decides exactly what the .gitignore matcher decides.
func TestAnyDirSuffixMatchesPatterns(t *testing.T) {
	globs := []string{"**/*.py", "**/*.pyi", "**/*_test.py", "**/*.py[co]", "**/*", "*.py", "**/x/*.py", "*.{py,pyi}", "!*.py", "*_test.py"}
	paths := []string{
		"a.py", ".py", "x.pyi", "a/b/c.py", "a/.hidden.py", ".git/x.py", "a.py/b", "a/b.pyc",
		"deep/er/still/m_test.py", "m_test.py", "a/b.PY", "py", "a/py", "x/y.py", "a/x/y.py",
		"ünï/cödé.py", "a b/c d.py", "a/b.py.txt", "a/bpy",
	}
	fast := 0
	for _, g := range globs {
		suffix, ok := anyDirSuffix(g)
		if ok {
			fast++
		}
		ps := compilePatterns([]string{g})
		for _, p := range paths {
			if !ok {
				continue
			}
			want := ps.match(p, false)
			base := p[lastSlash(p)+1:]
			if got := hasAnySuffix(base, []string{suffix}); got != want {
				t.Errorf("suffix %q of %q on %q: %v, the matcher says %v", suffix, g, p, got, want)
			}
		}
	}
	if fast != 5 {
		t.Errorf("%d patterns took the fast path, want 5 (**/*.py, **/*.pyi, **/*_test.py, *.py, *_test.py)", fast)
	}
}

func lastSlash(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return i
		}
	}
	return -1
}

// Include and Exclude are .gitignore patterns, as ruff's --exclude: a name
// at any depth, anchored with a slash, directories only with a trailing
// one, "**" across directories, "!" to take back.
func TestPatternSemantics(t *testing.T) {
	for _, c := range []struct {
		pats  []string
		path  string
		isDir bool
		want  bool
	}{
		{[]string{"tests"}, "tests", true, true},
		{[]string{"tests"}, "a/b/tests", true, true},
		{[]string{"tests"}, "a/tests.py", false, false},
		{[]string{"test/"}, "lib/test", true, true},
		{[]string{"test/"}, "lib/test", false, false},
		{[]string{"*.py"}, "a/b/c.py", false, true},
		{[]string{"*.py"}, "c.py", false, true},
		{[]string{"/build"}, "build", true, true},
		{[]string{"/build"}, "src/build", true, false},
		{[]string{"src/*.py"}, "src/a.py", false, true},
		{[]string{"src/*.py"}, "src/x/a.py", false, false},
		{[]string{"src/**/*.py"}, "src/x/y/a.py", false, true},
		{[]string{"**/site-packages"}, "lib/site-packages", true, true},
		{[]string{"*.py", "!setup.py"}, "setup.py", false, false},
		{[]string{"*.py", "!setup.py"}, "a/b.py", false, true},
		{[]string{"test_*.py"}, "pkg/test_x.py", false, true},
	} {
		if got := compilePatterns(c.pats).match(c.path, c.isDir); got != c.want {
			t.Errorf("%q on %q (dir %v): %v, want %v", c.pats, c.path, c.isDir, got, c.want)
		}
	}
	// A file below an excluded directory is excluded (lists of paths).
	if !compilePatterns([]string{"tests"}).matchUnder("a/tests/x/y.py") || compilePatterns([]string{"/tests"}).matchUnder("a/tests/y.py") {
		t.Error("matchUnder")
	}
	for _, bad := range []string{"", "/", "[a-", "x[", "!"} {
		if validPattern(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"[]]", "[!a]x", "[[:digit:]]*", `\[x`, "a/**/b"} {
		if err := validPattern(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}
