package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// WriteSources writes each of srcs to a file of a new temporary directory,
// named by format (a fmt verb for the index, e.g. "s%d.py"), and returns
// the directory and the names in the order of srcs: the snippets of a
// test, ready for an oracle run over the directory.
func WriteSources(t testing.TB, format string, srcs []string) (dir string, names []string) {
	t.Helper()
	dir = t.TempDir()
	for i, s := range srcs {
		name := fmt.Sprintf(format, i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return dir, names
}
