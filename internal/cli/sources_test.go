package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// gitRepo makes a repository with the git binary: two commits, a tag,
// a symbolic link and a submodule (a gitlink entry).
func gitRepo(t *testing.T) string {
	gitBin := testenv.RequireCommand(t, "git")
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(gitBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(dir, "a.py"), []byte("def f():\n    pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.py", filepath.Join(dir, "link.py")); err != nil {
		t.Fatal(err)
	}
	git("add", "-A")
	git("update-index", "--add", "--cacheinfo", "160000,0123456789abcdef0123456789abcdef01234567,vendor/lib.py")
	git("commit", "-qm", "one")
	git("tag", "v1")
	if err := os.WriteFile(filepath.Join(dir, "b.py"), []byte("import os\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "b.py")
	git("commit", "-qm", "two")
	return dir
}

func TestAnalyzeRev(t *testing.T) {
	repo := gitRepo(t)
	code, stdout, stderr := runHere("analyze", "--progress", "none", "-o", "-", "--rev", "v1", "--rev", "v1..main", repo)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	real, _ := filepath.EvalSymlinks(repo)
	got := map[string]string{}
	sources := map[string]bool{}
	for line := range strings.Lines(stdout) {
		var rec struct {
			Source, Path, Status string
			Skip                 string `json:"skip_reason"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rec.Source, real+"@") || len(rec.Source) != len(real)+41 {
			t.Errorf("source %q, want %s@<commit id>", rec.Source, real)
		}
		sources[rec.Source] = true
		got[rec.Path] += rec.Status + ":" + rec.Skip + " "
	}
	want := map[string]string{
		"a.py":          "analyzed: analyzed: ",
		"link.py":       "skipped:symlink skipped:symlink ",
		"vendor/lib.py": "skipped:submodule skipped:submodule ",
		"b.py":          "analyzed: ",
	}
	if len(sources) != 2 || len(got) != len(want) {
		t.Errorf("%d sources, records %v", len(sources), got)
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: %q, want %q", p, got[p], w)
		}
	}

	// A revision that does not exist is a usage error naming it.
	for _, args := range [][]string{
		{"--rev", "v2", repo},
		{"--rev", "v1..nosuch", repo},
		{"--rev", "v1", t.TempDir()},
		{"--rev", "", repo},
		{"--rev", "v1"},
	} {
		code, _, stderr := runHere(append([]string{"analyze", "--progress", "none", "-o", "-"}, args...)...)
		if code != ExitUsage || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, want %d and one line\n%s", args, code, ExitUsage, stderr)
		}
		if args[1] != "" && len(args) == 3 && !strings.Contains(stderr, args[1]) && !strings.Contains(stderr, "repository") {
			t.Errorf("%q: %q does not name the revision", args, stderr)
		}
	}
}

func TestAnalyzeDataset(t *testing.T) {
	dir := t.TempDir()
	data := `{"path": "a.py", "content": "def f():\n    pass\n"}` + "\n" +
		`{"path": "b.py", "content": null}` + "\n" +
		`{"path": "c.txt", "content": "x"}` + "\n"
	ds := filepath.Join(dir, "d.jsonl")
	if err := os.WriteFile(ds, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runHere("analyze", "--progress", "none", "-o", "-", "--dataset", ds)
	if code != ExitFailures {
		t.Fatalf("exit %d, want %d (a row without content)\n%s", code, ExitFailures, stderr)
	}
	real, _ := filepath.EvalSymlinks(ds)
	var got []string
	for line := range strings.Lines(stdout) {
		var rec struct{ Source, Path, Status, ErrorClass string }
		var raw map[string]any
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal([]byte(line), &rec)
		if rec.Source != real {
			t.Errorf("source %q, want %q", rec.Source, real)
		}
		got = append(got, rec.Path+" "+rec.Status+" "+fmt.Sprint(raw["error_class"]))
	}
	slices.Sort(got)
	if want := []string{"a.py analyzed <nil>", "b.py failed invalid_row"}; !slices.Equal(got, want) {
		t.Errorf("records %v, want %v", got, want)
	}
	for _, args := range [][]string{
		{"--dataset", filepath.Join(dir, "nope.parquet")},
		{"--dataset", ""},
		{"--dataset", ds, "--content-column", ""},
		{"--content-column", "text", dir},
	} {
		code, _, stderr := runHere(append([]string{"analyze", "--progress", "none", "-o", "-"}, args...)...)
		if code != ExitUsage || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, want %d and one line\n%s", args, code, ExitUsage, stderr)
		}
	}
}
