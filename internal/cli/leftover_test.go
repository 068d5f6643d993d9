package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Nothing is left behind: no lock file after any run (done, refused, or
// failed at the start), no checkpoint after a completed JSON Lines run; a
// lock file left by a killed run is taken over with a note.
func TestNoLockOrCheckpointLeftBehind(t *testing.T) {
	dir := tree(t, 5)
	work := t.TempDir()
	db, jl := filepath.Join(work, "a.db"), filepath.Join(work, "a.jsonl")
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"analyze", "--progress", "none", "--no-ignore", "-o", db, dir}, ExitOK},
		{[]string{"analyze", "--progress", "none", "--no-ignore", "-o", jl, dir}, ExitOK},
		{[]string{"analyze", "--progress", "none", "--no-ignore", "-o", jl, dir}, ExitOK}, // replaces the complete output
		{[]string{"analyze", "--progress", "none", "--format", "xml", "-o", db, dir}, ExitUsage},
		{[]string{"analyze", "--progress", "none", "-o", filepath.Join(work, "x.jsonl"), filepath.Join(dir, "nope")}, ExitUsage},
		{[]string{"retry", "--progress", "none", db}, ExitOK},
	} {
		if code, stderr := runCode(t, nil, c.args...); code != c.code {
			t.Fatalf("%q: exit %d, want %d\n%s", c.args, code, c.code, stderr)
		}
		ents, _ := os.ReadDir(work)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".lock") || strings.HasSuffix(e.Name(), ".ckpt") || strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("%q left %s behind", c.args, e.Name())
			}
		}
	}
	if b, _ := os.ReadFile(jl); len(parseLines(t, b)) != 5 {
		t.Errorf("a second run over a complete JSON Lines output: %d lines, want 5", len(parseLines(t, b)))
	}
	// A lock file whose holder is gone (kill -9): taken over, then removed.
	for _, out := range []string{db, jl} {
		if err := os.WriteFile(out+".lock", []byte("pid 2147483000 since 2026-01-01T00:00:00Z\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stderr := runCode(t, nil, "analyze", "--progress", "none", "--no-ignore", "-o", out, dir)
		if code != ExitOK || !strings.Contains(stderr, "taking over "+out+".lock") || !strings.Contains(stderr, "pid 2147483000") {
			t.Errorf("stale lock of %s: exit %d\n%s", out, code, stderr)
		}
		if _, err := os.Stat(out + ".lock"); !os.IsNotExist(err) {
			t.Errorf("%s.lock still there after the run took it over", out)
		}
	}
}
