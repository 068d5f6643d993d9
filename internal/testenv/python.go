package testenv

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// PythonPaths are the directories of the machine's Python installation.
type PythonPaths struct {
	// Stdlib is the standard library, the directory holding os.py.
	Stdlib string
	// SitePackages are the existing site-packages directories (sysconfig's
	// purelib and platlib, and site.getsitepackages()), without duplicates.
	// Often, not always, inside Stdlib.
	SitePackages []string
}

var (
	pyOnce  sync.Once
	pyPaths PythonPaths
	pyErr   error
)

// findPython asks python3 (then python) for its sysconfig paths; the answer
// is cached for the test binary's lifetime. $PYBATCH_STDLIB, when set,
// replaces the standard library directory (site-packages are then those under
// it, if any).
func findPython() (PythonPaths, error) {
	pyOnce.Do(func() { pyPaths, pyErr = lookupPython() })
	return pyPaths, pyErr
}

const sysconfigScript = `import json, site, sysconfig
p = sysconfig.get_paths()
sp = [p["purelib"], p["platlib"]]
try:
    sp += site.getsitepackages()
except AttributeError:
    pass
print(json.dumps({"stdlib": p["stdlib"], "site": sp}))`

func lookupPython() (PythonPaths, error) {
	var out PythonPaths
	if d := os.Getenv("PYBATCH_STDLIB"); d != "" {
		if err := checkStdlib(d); err != nil {
			return out, fmt.Errorf("$PYBATCH_STDLIB: %w", err)
		}
		out.Stdlib = d
		out.SitePackages = existing([]string{filepath.Join(d, "site-packages")})
		return out, nil
	}
	var errs []error
	for _, py := range []string{"python3", "python"} {
		b, err := exec.Command(py, "-c", sysconfigScript).Output()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", py, err))
			continue
		}
		var got struct {
			Stdlib string   `json:"stdlib"`
			Site   []string `json:"site"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			errs = append(errs, fmt.Errorf("%s: sysconfig output %q: %w", py, b, err))
			continue
		}
		if err := checkStdlib(got.Stdlib); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", py, err))
			continue
		}
		out.Stdlib = got.Stdlib
		out.SitePackages = existing(got.Site)
		return out, nil
	}
	return out, fmt.Errorf("no Python standard library found (install python3 or set PYBATCH_STDLIB): %w", errors.Join(errs...))
}

func checkStdlib(dir string) error {
	st, err := os.Stat(filepath.Join(dir, "os.py"))
	if err != nil {
		return fmt.Errorf("%s is not a Python standard library: %w", dir, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a Python standard library: os.py is not a regular file", dir)
	}
	return nil
}

// existing returns the directories of dirs that exist, each once, in order.
func existing(dirs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range dirs {
		if d == "" || seen[filepath.Clean(d)] {
			continue
		}
		seen[filepath.Clean(d)] = true
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

// FindPython returns the machine's Python paths, or an error when there is
// no Python standard library, for a test that can do without one. Under
// CI=true prefer Python or Stdlib, which fail the test instead.
func FindPython() (PythonPaths, error) { return findPython() }

// Python returns the machine's Python paths, or stops the test with
// SkipOrFail when there is no Python standard library.
func Python(t testing.TB) PythonPaths {
	t.Helper()
	p, err := findPython()
	Require(t, "the machine's Python standard library", err)
	return p
}

// Stdlib returns the machine's Python standard library directory:
// $PYBATCH_STDLIB, else python3's sysconfig "stdlib" (verified to hold
// os.py). Without one, the test stops with SkipOrFail.
func Stdlib(t testing.TB) string {
	t.Helper()
	return Python(t).Stdlib
}

// CorpusB returns the root of the oracle's corpus (b), the machine's Python
// code: $PYBATCH_CORPUS_B when set (it must exist), else Stdlib(t).
func CorpusB(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("PYBATCH_CORPUS_B"); d != "" {
		if _, err := os.Stat(d); err != nil {
			SkipOrFail(t, "$PYBATCH_CORPUS_B: %v", err)
		}
		return d
	}
	return Stdlib(t)
}

// StdlibFiles lists the .py files under root (a standard library),
// site-packages, __pycache__ and hidden files left out, sorted; it stops
// the test with SkipOrFail when there are fewer than 100.
func StdlibFiles(t testing.TB, root string) []string {
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
		SkipOrFail(t, "standard library at %s has too few files", root)
	}
	return files
}

// Sample takes every k-th file so that about n are left: a fixed choice.
func Sample(files []string, n int) []string {
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
