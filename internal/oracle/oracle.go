// Package oracle runs the real CPython 3.14 — the npm package pyodide, CPython
// compiled to WebAssembly, under Node.js — so that tests can compare pybatch's
// pure-Go Python front end with the reference implementation. FindVersion
// runs an older CPython (3.10 to 3.13) from the pyodide release that embeds
// it, installed beside the current one under an npm alias (package.json:
// "pyodide-3.12": "npm:pyodide@0.26.4"), for the target-version tests.
//
// The Node.js side is the script run.mjs next to this file: it loads pyodide
// once, mounts a host directory at /mnt (NODEFS) and runs one Python script.
// Loading pyodide costs 2–4 s, so callers should hand a whole batch of work
// to one script run rather than one file per run.
//
// Nothing here is a library for production use: it exists for tests and
// developer tools, which is why it lives under internal/.
package oracle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// Env locates the pieces needed to run the oracle.
type Env struct {
	Node        string // path of the node executable
	ModulesDir  string // the node_modules directory holding pyodide
	RunScript   string // path of run.mjs
	Package     string // the npm package (or alias) run.mjs loads: "pyodide", "pyodide-3.12"
	Python      string // the CPython version it embeds, major.minor: "3.14", "3.12"
	PyodideDir  string // node_modules/<Package>
	PyodideVers string // pyodide's package version, e.g. "314.0.7"
}

// Versions are the CPython versions FindVersion can run, oldest first.
var Versions = []string{"3.10", "3.11", "3.12", "3.13", "3.14"}

// packageFor is the npm package (or alias) that embeds CPython py.
func packageFor(py string) string {
	if py == "3.14" {
		return "pyodide"
	}
	return "pyodide-" + py
}

// ErrUnavailable is wrapped by Find's error when Node.js or pyodide is missing.
var ErrUnavailable = errors.New("oracle unavailable")

type found struct {
	env Env
	err error
}

var (
	findMu sync.Mutex
	finds  = map[string]found{}
)

// Find locates node and node_modules/pyodide (CPython 3.14), walking up from
// the working directory and from this package's source directory. The
// result is cached.
func Find() (Env, error) { return FindVersion("3.14") }

// FindVersion is Find for CPython py, one of Versions: 3.14 is the npm
// package pyodide, the others its aliases pyodide-3.10 ... pyodide-3.13.
func FindVersion(py string) (Env, error) {
	findMu.Lock()
	defer findMu.Unlock()
	f, ok := finds[py]
	if !ok {
		f.env, f.err = find(py)
		finds[py] = f
	}
	return f.env, f.err
}

func packageDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Dir(file)
}

func find(py string) (Env, error) {
	var e Env
	if !slices.Contains(Versions, py) {
		return e, fmt.Errorf("%w: no oracle for Python %q (have %s)", ErrUnavailable, py, strings.Join(Versions, ", "))
	}
	e.Python, e.Package = py, packageFor(py)
	node, err := exec.LookPath("node")
	if err != nil {
		return e, fmt.Errorf("%w: node (Node.js) not found in PATH", ErrUnavailable)
	}
	e.Node = node
	pkg := packageDir()
	e.RunScript = filepath.Join(pkg, "run.mjs")
	if _, err := os.Stat(e.RunScript); err != nil {
		return e, fmt.Errorf("%w: %s missing: %v", ErrUnavailable, e.RunScript, err)
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if pkg != "" {
		starts = append(starts, pkg)
	}
	for _, s := range starts {
		for dir := s; ; {
			cand := filepath.Join(dir, "node_modules")
			if st, err := os.Stat(filepath.Join(cand, e.Package, "package.json")); err == nil && !st.IsDir() {
				e.ModulesDir = cand
				e.PyodideDir = filepath.Join(cand, e.Package)
				e.PyodideVers = readVersion(filepath.Join(e.PyodideDir, "package.json"))
				return e, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return e, fmt.Errorf("%w: node_modules/%s not found above %s (run `npm ci` at the repository root)", ErrUnavailable, e.Package, strings.Join(starts, " or "))
}

func readVersion(pkgJSON string) string {
	b, err := os.ReadFile(pkgJSON)
	if err != nil {
		return "unknown"
	}
	const key = `"version"`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return "unknown"
	}
	rest := b[i+len(key):]
	q1 := bytes.IndexByte(rest, '"')
	if q1 < 0 {
		return "unknown"
	}
	q2 := bytes.IndexByte(rest[q1+1:], '"')
	if q2 < 0 {
		return "unknown"
	}
	return string(rest[q1+1 : q1+1+q2])
}

// Require returns the oracle's Env, or skips the test saying why when Node.js
// or pyodide is missing; under CI=true it fails the test instead.
func Require(t testing.TB) Env {
	t.Helper()
	return RequireVersion(t, "3.14")
}

// RequireVersion is Require for CPython py (see FindVersion).
func RequireVersion(t testing.TB, py string) Env {
	t.Helper()
	e, err := FindVersion(py)
	testenv.Require(t, "the CPython "+py+" oracle (pyodide under Node.js)", err)
	return e
}

// RunError is returned when the Python script exits non-zero.
type RunError struct {
	ExitCode int
	Stderr   string
}

func (e *RunError) Error() string {
	s := strings.TrimSpace(e.Stderr)
	if len(s) > 4000 {
		s = "..." + s[len(s)-4000:]
	}
	return fmt.Sprintf("oracle: python script exited with status %d: %s", e.ExitCode, s)
}

// Run runs the Python source script in pyodide with hostDir mounted at /mnt
// (also the working directory) and sys.argv[1:] = args. It returns the
// script's stdout; a non-zero exit gives a *RunError carrying stderr.
func (e Env) Run(ctx context.Context, hostDir, script string, args ...string) ([]byte, error) {
	var stdout bytes.Buffer
	err := e.RunTo(ctx, &stdout, hostDir, script, args...)
	return stdout.Bytes(), err
}

// RunTo is Run writing the script's stdout to w as it comes.
func (e Env) RunTo(ctx context.Context, w interface{ Write([]byte) (int, error) }, hostDir, script string, args ...string) error {
	abs, err := filepath.Abs(hostDir)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "oracle-*.py")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, e.Node, append([]string{e.RunScript, abs, f.Name()}, args...)...)
	cmd.Dir = filepath.Dir(e.ModulesDir) // so that run.mjs resolves this node_modules
	cmd.Env = append(os.Environ(), "PYBATCH_PYODIDE="+e.Package)
	var stderr bytes.Buffer
	cmd.Stdout = w
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ctx.Err() == nil {
			return &RunError{ExitCode: ee.ExitCode(), Stderr: stderr.String()}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("oracle: running node: %w (stderr: %s)", err, stderr.String())
	}
	return nil
}

// RunPython finds the oracle and runs script as Env.Run does.
func RunPython(ctx context.Context, hostDir, script string, args ...string) ([]byte, error) {
	e, err := Find()
	if err != nil {
		return nil, err
	}
	return e.Run(ctx, hostDir, script, args...)
}
