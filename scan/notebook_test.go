package scan

import (
	"path/filepath"
	"testing"
)

// TestNotebooksByDefault: *.ipynb is in the default selection, alongside
// *.py; an explicit --include replaces both, and --exclude and Stubs work
// as for Python files.
func TestNotebooksByDefault(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"a.py", "n.ipynb", "sub/m.ipynb", "x.ipynb.txt", "s.pyi", ".ipynb_checkpoints/n-checkpoint.ipynb"} {
		writeFile(t, filepath.Join(root, f), "{}\n")
	}
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := plain(sorted)
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{"a.py": "", "n.ipynb": "", "sub/m.ipynb": ""})
		opts.Stubs = true
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{"a.py": "", "n.ipynb": "", "sub/m.ipynb": "", "s.pyi": ""})
		opts = plain(sorted)
		opts.Exclude = []string{"*.ipynb"}
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{"a.py": ""})
		opts = plain(sorted)
		opts.Include = []string{"*.py"}
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{"a.py": ""})
		opts.Include = []string{"sub/*.ipynb"}
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{"sub/m.ipynb": ""})
	})
	for path, want := range map[string]bool{"n.ipynb": true, "dir/n.ipynb": true, "n.ipynb.txt": false} {
		if got := (Options{}).Selects(path); got != want {
			t.Errorf("Selects(%q) = %v", path, got)
		}
	}
}
