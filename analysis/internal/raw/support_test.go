package raw

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// stdlibFiles lists the .py files of the standard library, site-packages
// excluded, sorted (as package analysis's tests list them).
func stdlibFiles(t testing.TB, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == "site-packages" || d.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".py") && d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 100 {
		testenv.SkipOrFail(t, "standard library at %s has too few files", root)
	}
	return files
}

// sample takes every k-th file so that about n are left, a fixed choice.
func sample(files []string, n int) []string {
	if len(files) <= n {
		return files
	}
	k := len(files) / n
	var out []string
	for i := 0; i < len(files) && len(out) < n; i += k {
		out = append(out, files[i])
	}
	return out
}
