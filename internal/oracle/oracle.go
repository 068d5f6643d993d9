// Package oracle runs the real CPython 3.14 — the npm package pyodide, CPython
// compiled to WebAssembly, under Node.js — so that tests can compare pybatch's
// pure-Go Python front end with the reference implementation.
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
	PyodideDir  string // node_modules/pyodide
	PyodideVers string // pyodide's package version, e.g. "314.0.7"
}

// ErrUnavailable is wrapped by Find's error when Node.js or pyodide is missing.
var ErrUnavailable = errors.New("oracle unavailable")

var (
	findOnce sync.Once
	findEnv  Env
	findErr  error
)

// Find locates node and node_modules/pyodide, walking up from the working
// directory and from this package's source directory. The result is cached.
func Find() (Env, error) {
	findOnce.Do(func() { findEnv, findErr = find() })
	return findEnv, findErr
}

func packageDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Dir(file)
}

func find() (Env, error) {
	var e Env
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
			if st, err := os.Stat(filepath.Join(cand, "pyodide", "package.json")); err == nil && !st.IsDir() {
				e.ModulesDir = cand
				e.PyodideDir = filepath.Join(cand, "pyodide")
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
	return e, fmt.Errorf("%w: node_modules/pyodide not found above %s (run `npm ci` at the repository root)", ErrUnavailable, strings.Join(starts, " or "))
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
	e, err := Find()
	testenv.Require(t, "the CPython oracle (pyodide under Node.js)", err)
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
