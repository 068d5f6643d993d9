package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// The binary built by BuildPybatch lives in binDir until Run returns.
var (
	mainMu      sync.Mutex
	mainRunning bool   // Run is running the tests: binDir will be removed
	binDir      string // os.MkdirTemp, created by the first BuildPybatch

	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// Main is a TestMain for packages that only need Run's clean-up:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the tests (m.Run), then removes what BuildPybatch built, and
// returns the exit code. A package with its own TestMain calls it in place
// of m.Run:
//
//	os.Exit(testenv.Run(m))
func Run(m *testing.M) int {
	mainMu.Lock()
	mainRunning = true
	mainMu.Unlock()
	code := m.Run()
	mainMu.Lock()
	defer mainMu.Unlock()
	mainRunning = false
	if binDir != "" {
		if err := os.RemoveAll(binDir); err != nil {
			fmt.Fprintf(os.Stderr, "testenv: removing %s: %v\n", binDir, err)
		}
		binDir = ""
	}
	return code
}

// BuildPybatch builds ./cmd/pybatch once per test binary and returns the
// executable's path; every test of the package shares it. The package's
// TestMain must call Main or Run, which remove the binary when the tests are
// done; without them the test fails (a binary left in the temp directory of
// every run is a leak).
func BuildPybatch(t testing.TB) string {
	t.Helper()
	mainMu.Lock()
	ok := mainRunning
	mainMu.Unlock()
	if !ok {
		t.Fatal("testenv.BuildPybatch: the package's TestMain must call testenv.Main(m) or os.Exit(testenv.Run(m))")
	}
	goCmd := RequireCommand(t, "go")
	buildOnce.Do(func() { buildBin, buildErr = build(goCmd) })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

func build(goCmd string) (string, error) {
	dir, err := os.MkdirTemp("", "pybatch-testenv-")
	if err != nil {
		return "", err
	}
	mainMu.Lock()
	binDir = dir
	mainMu.Unlock()
	name := "pybatch"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command(goCmd, "build", "-o", bin, "github.com/pybatch/pybatch/cmd/pybatch")
	cmd.Dir = moduleRoot() // a test may have changed directory (t.Chdir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building pybatch: %v\n%s", err, out)
	}
	return bin, nil
}

// moduleRoot is the repository's root directory, two levels above this
// file's, or "" (the working directory) when the binary was built with
// -trimpath and the path is not known.
func moduleRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return ""
	}
	return root
}
