// Package testenv is the one place the tests ask for what the machine must
// provide: a command in PATH, root or non-root, the machine's Python standard
// library, the pybatch binary, a logged random seed.
//
// The rule it enforces: a test whose requirement is missing skips and says
// why, except when the environment variable CI is "true" (as .ci/run sets it,
// after installing everything), where it fails instead — under CI no test
// skips silently. The CPython oracle (pyodide under Node.js) is
// oracle.Require, built on SkipOrFail.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the environment variable CI is "true": every
// requirement must then be met, and a missing one fails the test.
func InCI() bool { return os.Getenv("CI") == "true" }

// SkipOrFail stops the test because of a missing requirement: it skips with
// the formatted reason, or, under CI=true, fails with it.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s (CI=true: this test must run)", reason)
	} else {
		t.Skip(reason)
	}
}

// installHint names the Debian package that provides a command, where it is
// not the command's own name.
var installHint = map[string]string{
	"node":     "nodejs",
	"ctags":    "universal-ctags",
	"chromium": "chromium",
	"radon":    "radon",
	"sqlite3":  "sqlite3",
	"python3":  "python3",
}

// RequireCommand returns the path of the named program in PATH, or stops the
// test with SkipOrFail (naming the package that installs it).
func RequireCommand(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		pkg := installHint[name]
		if pkg == "" {
			pkg = name
		}
		SkipOrFail(t, "%s is not installed (apt-get install -y %s): %v", name, pkg, err)
	}
	return p
}

// RequireRoot stops the test with SkipOrFail unless it runs as root (uid 0).
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		SkipOrFail(t, "needs to run as root (euid %d)", os.Geteuid())
	}
}

// RequireNonRoot stops the test with SkipOrFail when it runs as root, for
// checks that root's privileges would defeat. Prefer a test that works for
// both: .ci/run usually runs as root, so such a test fails there.
func RequireNonRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		SkipOrFail(t, "must not run as root: root is not stopped by permission bits")
	}
}

// Require stops the test with SkipOrFail when err (the outcome of looking
// for what the test needs) is not nil; what names the requirement.
func Require(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		SkipOrFail(t, "%s not available: %v", what, err)
	}
}
