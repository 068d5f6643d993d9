package check

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
)

// The tests in this file run the pybatch binary, built once.
func TestMain(m *testing.M) { testenv.Main(m) }

// pybatch runs the binary in dir and returns stdout, stderr and the exit code.
func pybatch(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(testenv.BuildPybatch(t), args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func TestCommandExitCodes(t *testing.T) {
	dir := sampleTree(t)
	for _, c := range []struct {
		args  []string
		code  int
		lines int
	}{
		{[]string{"check", "pkg"}, 0, 0},
		{[]string{"check", "--max-absolute", "C", "--max-modules", "B", "--max-average", "B", "pkg"}, 0, 0},
		{[]string{"check", "pkg", "--max-absolute", "b"}, 1, 1}, // flags after the PATH
		{[]string{"check", "-b", "A", "-m", "A", "-a", "A", "pkg"}, 1, 5},
		{[]string{"check", "--fail-on-syntax-error", "pkg/broken.py", "pkg/simple.py"}, 1, 1},
		{[]string{"check", "--max-absolute", "B", "--exclude", "**/complex.py", "pkg"}, 0, 0},
		{[]string{"check", "--max-absolute", "Z", "pkg"}, 2, 0},
		{[]string{"check", "--format", "xml", "pkg"}, 2, 0},
		{[]string{"check", "--bogus", "pkg"}, 2, 0},
		{[]string{"check"}, 2, 0},
		{[]string{"check", "no/such/dir"}, 2, 0},
	} {
		out, errOut, code := pybatch(t, dir, c.args...)
		lines := strings.Count(out, "\n")
		if code != c.code || lines != c.lines {
			t.Errorf("pybatch %q: exit %d with %d lines, want %d with %d\nstdout:\n%s\nstderr:\n%s", c.args, code, lines, c.code, c.lines, out, errOut)
		}
	}
	out, _, _ := pybatch(t, dir, "check", "--max-absolute", "B", "pkg")
	if want := filepath.Join("pkg", "complex.py") + `:3:1: function "g" has a rank of C (complexity 13), over --max-absolute B` + "\n"; out != want {
		t.Errorf("text output %q, want %q", out, want)
	}
}

// radonDListed runs `radon cc -n D -j` (the blocks ranked D or worse) over
// the standard library, site-packages left out, and returns each block as
// "path:line kind name", and the files radon could not parse.
func radonDListed(t *testing.T, radon, stdlib string) (map[string]bool, map[string]bool) {
	cmd := exec.Command(radon, "cc", "-n", "D", "-j", "-i", "site-packages", stdlib)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("radon cc: %v\n%s", err, stderr.String())
	}
	var res map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	blocks, failed := map[string]bool{}, map[string]bool{}
	for f, raw := range res {
		var bs []struct {
			Type, Name, Classname string
			Lineno                int
		}
		if json.Unmarshal(raw, &bs) != nil {
			failed[f] = true // {"error": ...}
			continue
		}
		for _, b := range bs {
			name := b.Name
			if b.Type == "method" {
				name = b.Classname + "." + b.Name
			}
			blocks[blockID(f, b.Lineno, b.Type, name)] = true
		}
	}
	return blocks, failed
}

func blockID(path string, line int, kind, name string) string {
	return strings.Join([]string{path + ":" + itoa(line), kind, name}, " ")
}

func itoa(n int) string { return num(float64(n)) }

// TestStdlibMatchesRadon: `pybatch check --max-absolute C` on the
// machine's standard library prints exactly the blocks `radon cc -n D`
// lists (radon's blocks ranked worse than C), and a --cache re-run on the
// unchanged tree prints the same in a fraction of the time.
//
//	go test ./check -run TestStdlibMatchesRadon -v
func TestStdlibMatchesRadon(t *testing.T) {
	if testing.Short() {
		t.Skip("radon takes most of a minute over the standard library")
	}
	radon := testenv.RequireCommand(t, "radon")
	stdlib := testenv.Stdlib(t)
	testenv.BuildPybatch(t) // before the clock starts
	work := t.TempDir()
	args := []string{"check", "--format", "json", "--max-absolute", "C", "--exclude", "**/site-packages", stdlib}
	runCheck := func(extra ...string) (*Result, time.Duration) {
		start := time.Now()
		out, errOut, code := pybatch(t, work, append(args[:1:1], append(extra, args[1:]...)...)...)
		took := time.Since(start)
		if code != 1 {
			t.Fatalf("pybatch check: exit %d, want 1\n%s", code, errOut)
		}
		var res Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		return &res, took
	}
	res, plain := runCheck()
	db := filepath.Join(work, "cache.db")
	first, firstTook := runCheck("--cache", db)
	again, againTook := runCheck("--cache", db)
	t.Logf("pybatch check --max-absolute C %s: %d files, %d blocks, %d violations; %v; with --cache: first run %v, re-run %v (%d files from the cache, %d analyzed)",
		stdlib, res.Files, res.Blocks, len(res.Violations), plain.Round(time.Millisecond), firstTook.Round(time.Millisecond), againTook.Round(time.Millisecond), again.Cached, again.Analyzed)
	if again.Cached != first.Files || again.Analyzed != 0 {
		t.Errorf("re-run: %d files from the cache, %d analyzed; want %d, 0", again.Cached, again.Analyzed, first.Files)
	}
	for _, r := range []*Result{first, again} {
		if len(r.Violations) != len(res.Violations) || r.Blocks != res.Blocks || r.Average != res.Average {
			t.Errorf("with --cache: %d violations, %d blocks, average %v; without: %d, %d, %v", len(r.Violations), r.Blocks, r.Average, len(res.Violations), res.Blocks, res.Average)
		}
	}

	start := time.Now()
	theirs, radonFailed := radonDListed(t, radon, stdlib)
	t.Logf("radon cc -n D -j -i site-packages: %d blocks, %d files radon cannot parse, %v", len(theirs), len(radonFailed), time.Since(start).Round(time.Millisecond))
	ours := map[string]bool{}
	for _, v := range res.Violations {
		if v.Rule != RuleAbsolute {
			t.Errorf("unexpected violation %+v", v)
			continue
		}
		p := v.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(work, p)
		}
		ours[blockID(p, v.Line, v.Kind, v.Name)] = true
	}
	var onlyOurs, onlyTheirs []string
	for b := range ours {
		if !theirs[b] {
			onlyOurs = append(onlyOurs, b)
		}
	}
	for b := range theirs {
		if !ours[b] {
			onlyTheirs = append(onlyTheirs, b)
		}
	}
	sort.Strings(onlyOurs)
	sort.Strings(onlyTheirs)
	for _, b := range onlyOurs {
		t.Errorf("pybatch check reports %s, radon cc -n D does not", b)
	}
	for _, b := range onlyTheirs {
		t.Errorf("radon cc -n D lists %s, pybatch check does not", b)
	}
	t.Logf("same set: %d blocks reported by both, %d only by pybatch, %d only by radon", len(ours)-len(onlyOurs), len(onlyOurs), len(onlyTheirs))

	// The same check as SARIF, from the binary, validates against the
	// SARIF 2.1.0 schema.
	sarif, errOut, code := pybatch(t, work, "check", "--format", "sarif", "--cache", db, "--max-absolute", "C", "--exclude", "**/site-packages", stdlib)
	if code != 1 {
		t.Fatalf("pybatch check --format sarif: exit %d\n%s", code, errOut)
	}
	if err := ValidateSARIF([]byte(sarif)); err != nil {
		t.Fatalf("the SARIF of the standard library's check does not validate: %v", err)
	}
	t.Logf("pybatch check --format sarif: %d bytes, %d results, valid against the SARIF 2.1.0 schema", len(sarif), strings.Count(sarif, `"ruleId"`))
}

// TestPreCommit runs the hooks of .pre-commit-hooks.yaml with Debian's
// pre-commit on a small git repository holding one function ranked D (over
// the hooks' default --max-absolute C): `pre-commit try-repo` fails on it,
// and a .pre-commit-config.yaml that allows D passes. pybatch-check-system
// runs the binary on PATH; pybatch-check builds pybatch with Go (pre-commit's
// golang language, offline with the module and build caches of this
// machine).
//
//	go test ./check -run TestPreCommit -v
func TestPreCommit(t *testing.T) {
	preCommit := testenv.RequireCommand(t, "pre-commit")
	git := testenv.RequireCommand(t, "git")
	goCmd := testenv.RequireCommand(t, "go")
	bin := testenv.BuildPybatch(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	goEnv := func(name string) string {
		out, err := exec.Command(goCmd, "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	home := t.TempDir()
	repo := t.TempDir()
	env := append(os.Environ(),
		"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.com", "GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.com",
		// The golang hook runs `go install ./...` in a GOPATH of its own:
		// the machine's module and build caches keep it offline and quick.
		"GOMODCACHE="+goEnv("GOMODCACHE"), "GOCACHE="+goEnv("GOCACHE"), "GOFLAGS=-mod=mod -buildvcs=false", "GOTOOLCHAIN=local",
	)
	if err := os.WriteFile(filepath.Join(home, "gitconfig"), []byte("[safe]\n\tdirectory = *\n[init]\n\tdefaultBranch = main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sh := func(want int, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = repo, env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		t.Logf("$ %s %s  (exit %d, %v)\n%s", filepath.Base(name), strings.Join(args, " "), code, time.Since(start).Round(time.Millisecond), strings.TrimRight(string(out), "\n"))
		if code != want {
			t.Fatalf("exit %d, want %d", code, want)
		}
		return string(out)
	}
	rev := func() string {
		out, err := exec.Command(git, "-C", root, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}()

	sh(0, git, "init", "-q")
	// Complexity 22, rank D; the other file is simple.
	files := map[string]string{"app/busy.py": branches("busy", 21, ""), "app/ok.py": "def ok():\n    return 1\n"}
	for name, src := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sh(0, git, "add", ".")
	sh(0, git, "commit", "-q", "-m", "one busy function")
	violation := filepath.Join("app", "busy.py") + `:1:1: function "busy" has a rank of D (complexity 22), over --max-absolute C`

	// The manifest as it is in the work tree, default args.
	if out := sh(1, preCommit, "try-repo", root, "pybatch-check-system", "--all-files"); !strings.Contains(out, violation) {
		t.Errorf("try-repo: no %q in the hook's output", violation)
	}
	config := func(hook, rank string) {
		t.Helper()
		cfg := fmt.Sprintf("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n        args: [--max-absolute, %s]\n", root, rev, hook, rank)
		if err := os.WriteFile(filepath.Join(repo, ".pre-commit-config.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		sh(0, git, "add", ".pre-commit-config.yaml")
	}
	// The manifest as committed (rev HEAD of this repository): the
	// threshold in the project's config decides.
	config("pybatch-check-system", "D")
	sh(0, preCommit, "run", "--all-files")
	config("pybatch-check-system", "C")
	sh(1, preCommit, "run", "--all-files")

	if testing.Short() {
		t.Log("-short: the golang hook (which builds pybatch) is not run")
		return
	}
	config("pybatch-check", "C")
	if out := sh(1, preCommit, "run", "--all-files"); !strings.Contains(out, violation) {
		t.Errorf("golang hook: no %q in the output", violation)
	}
	config("pybatch-check", "D")
	sh(0, preCommit, "run", "--all-files")
}
