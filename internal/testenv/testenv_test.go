package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// recorder is a testing.TB that notes how the helpers stopped the test
// instead of stopping it.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                          {}
func (r *recorder) Skip(args ...any)                 { r.skipped = strings.TrimSpace(fmt.Sprintln(args...)) }
func (r *recorder) Skipf(format string, args ...any) { r.skipped = fmt.Sprintf(format, args...) }
func (r *recorder) Fatal(args ...any)                { r.failed = strings.TrimSpace(fmt.Sprintln(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestSkipOrFail(t *testing.T) {
	for _, tc := range []struct {
		ci       string
		wantFail bool
	}{{"true", true}, {"", false}, {"1", false}, {"false", false}} {
		t.Setenv("CI", tc.ci)
		r := &recorder{TB: t}
		SkipOrFail(r, "no %s here", "frobnicator")
		if tc.wantFail {
			if r.failed == "" || r.skipped != "" || !strings.Contains(r.failed, "no frobnicator here") || !strings.Contains(r.failed, "CI=true") {
				t.Errorf("CI=%q: failed %q, skipped %q; want a failure naming the reason and CI=true", tc.ci, r.failed, r.skipped)
			}
		} else if r.skipped != "no frobnicator here" || r.failed != "" {
			t.Errorf("CI=%q: failed %q, skipped %q; want a skip with the reason", tc.ci, r.failed, r.skipped)
		}
	}
}

func TestRequireCommand(t *testing.T) {
	t.Setenv("CI", "")
	r := &recorder{TB: t}
	if p := RequireCommand(r, "go"); p == "" || r.skipped != "" || r.failed != "" {
		t.Errorf("go: path %q, skipped %q, failed %q", p, r.skipped, r.failed)
	}
	r = &recorder{TB: t}
	if p := RequireCommand(r, "pybatch-no-such-command"); p != "" || !strings.Contains(r.skipped, "pybatch-no-such-command is not installed") {
		t.Errorf("missing command: path %q, skipped %q", p, r.skipped)
	}
	t.Setenv("CI", "true")
	r = &recorder{TB: t}
	RequireCommand(r, "node-no-such-command")
	if !strings.Contains(r.failed, "node-no-such-command is not installed") {
		t.Errorf("CI=true, missing command: failed %q, skipped %q", r.failed, r.skipped)
	}
	r = &recorder{TB: t}
	installHint["pybatch-hinted"] = "pybatch-hint-pkg"
	defer delete(installHint, "pybatch-hinted")
	RequireCommand(r, "pybatch-hinted")
	if !strings.Contains(r.failed, "apt-get install -y pybatch-hint-pkg") {
		t.Errorf("install hint missing: %q", r.failed)
	}
}

func TestRequireRootAndNonRoot(t *testing.T) {
	t.Setenv("CI", "")
	root, nonRoot := &recorder{TB: t}, &recorder{TB: t}
	RequireRoot(root)
	RequireNonRoot(nonRoot)
	if (root.skipped == "") == (nonRoot.skipped == "") {
		t.Errorf("euid %d: RequireRoot skipped %q, RequireNonRoot skipped %q: exactly one must stop", os.Geteuid(), root.skipped, nonRoot.skipped)
	}
}

func TestRequire(t *testing.T) {
	t.Setenv("CI", "")
	r := &recorder{TB: t}
	Require(r, "the thing", nil)
	if r.skipped != "" || r.failed != "" {
		t.Errorf("nil error stopped the test: %+v", r)
	}
	Require(r, "the thing", os.ErrNotExist)
	if r.skipped != "the thing not available: file does not exist" {
		t.Errorf("skipped %q", r.skipped)
	}
}

func TestStdlib(t *testing.T) {
	dir := Stdlib(t)
	if _, err := os.Stat(filepath.Join(dir, "os.py")); err != nil {
		t.Fatalf("Stdlib %s: %v", dir, err)
	}
	if again := Stdlib(t); again != dir {
		t.Errorf("second call %q, first %q", again, dir)
	}
	for _, sp := range Python(t).SitePackages {
		if st, err := os.Stat(sp); err != nil || !st.IsDir() {
			t.Errorf("site-packages %s: %v", sp, err)
		}
	}
	t.Logf("stdlib %s, site-packages %v", dir, Python(t).SitePackages)
}

func TestStdlibOverride(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PYBATCH_STDLIB", dir)
	if _, err := lookupPython(); err == nil {
		t.Fatalf("$PYBATCH_STDLIB=%s without os.py accepted", dir)
	}
	if err := os.WriteFile(filepath.Join(dir, "os.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "site-packages"), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := lookupPython()
	if err != nil || p.Stdlib != dir || len(p.SitePackages) != 1 || p.SitePackages[0] != filepath.Join(dir, "site-packages") {
		t.Fatalf("lookupPython() = %+v, %v", p, err)
	}
}

func TestCorpusB(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PYBATCH_CORPUS_B", dir)
	if got := CorpusB(t); got != dir {
		t.Errorf("CorpusB = %q, want $PYBATCH_CORPUS_B %q", got, dir)
	}
	t.Setenv("CI", "")
	t.Setenv("PYBATCH_CORPUS_B", filepath.Join(dir, "missing"))
	r := &recorder{TB: t}
	CorpusB(r)
	if !strings.Contains(r.skipped, "PYBATCH_CORPUS_B") {
		t.Errorf("missing $PYBATCH_CORPUS_B: skipped %q", r.skipped)
	}
}

func TestExisting(t *testing.T) {
	dir := t.TempDir()
	got := existing([]string{dir, "", filepath.Join(dir, "missing"), dir + "/", dir})
	if len(got) != 1 || got[0] != dir {
		t.Errorf("existing = %q", got)
	}
}

func TestBuildPybatch(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the command")
	}
	t.Chdir(t.TempDir()) // outside the module: the build must not depend on it
	bin := BuildPybatch(t)
	if again := BuildPybatch(t); again != bin {
		t.Errorf("second build %q, first %q: want one build per test binary", again, bin)
	}
	out, err := exec.Command(bin, "help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "analyze") {
		t.Errorf("%s help: %v\n%s", bin, err, out)
	}
}

func TestSeed(t *testing.T) {
	t.Setenv("PYBATCH_SEED", "42")
	if s := Seed(t); s != 42 {
		t.Errorf("Seed = %d, want $PYBATCH_SEED 42", s)
	}
	a, b := Rand(t).Uint64(), FixedRand(t, 7).Uint64()
	if a != b {
		t.Errorf("two generators from $PYBATCH_SEED 42 differ: %d, %d", a, b)
	}
	t.Setenv("PYBATCH_SEED", "")
	if s := SeedOr(t, 7); s != 7 {
		t.Errorf("SeedOr(7) = %d without $PYBATCH_SEED", s)
	}
	if a, b := FixedRand(t, 7).Uint64(), NewRand(7).Uint64(); a != b {
		t.Errorf("FixedRand(7) and NewRand(7) differ: %d, %d", a, b)
	}
	t.Setenv("PYBATCH_SEED", "x")
	r := &recorder{TB: t}
	Seed(r)
	if !strings.Contains(r.failed, "PYBATCH_SEED") {
		t.Errorf("bad $PYBATCH_SEED: failed %q", r.failed)
	}
}
