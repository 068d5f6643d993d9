package analysis

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Helpers shared by the tests that compare with real tools (radon, CPython's
// ast) on the machine's Python standard library.

// inCI reports whether missing tools must fail the test instead of skipping it.
func inCI() bool { return os.Getenv("CI") == "true" }

// need skips the test (or fails it under CI=true) with reason.
func need(t testing.TB, reason string) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true but %s", reason)
	}
	t.Skip(reason)
}

// requireTool returns the path of the named program, or skips/fails.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		need(t, name+" is not installed (apt-get install -y "+name+")")
	}
	return p
}

// stdlibDir is the local Python 3.11 standard library: $PYBATCH_STDLIB, or
// what python3 reports, or the pyenv path of this machine.
func stdlibDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("PYBATCH_STDLIB"); d != "" {
		return d
	}
	candidates := []string{"/root/.pyenv/versions/3.11.7/lib/python3.11"}
	if out, err := exec.Command("python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output(); err == nil {
		candidates = append([]string{strings.TrimSpace(string(out))}, candidates...)
	}
	for _, d := range candidates {
		if st, err := os.Stat(filepath.Join(d, "os.py")); err == nil && !st.IsDir() {
			return d
		}
	}
	need(t, "no Python standard library found (set PYBATCH_STDLIB)")
	return ""
}

// stdlibFiles lists the .py files of the standard library, site-packages
// excluded, sorted.
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
		need(t, "standard library at "+root+" has too few files")
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
