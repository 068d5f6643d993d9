package scan

import (
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// The suffix fast path decides exactly what doublestar decides.
func TestAnyDirSuffixMatchesDoublestar(t *testing.T) {
	globs := []string{"**/*.py", "**/*.pyi", "**/*_test.py", "**/*.py[co]", "**/*", "*.py", "**/x/*.py", "**/*.{py,pyi}"}
	paths := []string{
		"a.py", ".py", "x.pyi", "a/b/c.py", "a/.hidden.py", ".git/x.py", "a.py/b", "a/b.pyc",
		"deep/er/still/m_test.py", "m_test.py", "a/b.PY", "py", "a/py", "x/y.py", "a/x/y.py",
		"ünï/cödé.py", "a b/c d.py", "a/b.py.txt", "a/bpy",
	}
	fast := 0
	for _, g := range globs {
		_, ok := anyDirSuffix(g)
		if ok {
			fast++
		}
		for _, p := range paths {
			want, err := doublestar.Match(g, p)
			if err != nil {
				t.Fatal(err)
			}
			if got := matchAny([]string{g}, p); got != want {
				t.Errorf("matchAny(%q, %q) = %v, doublestar says %v", g, p, got, want)
			}
		}
	}
	if fast != 3 {
		t.Errorf("%d globs took the fast path, want 3 (**/*.py, **/*.pyi, **/*_test.py)", fast)
	}
}
