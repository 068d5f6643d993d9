package scan

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// need skips the test when tool is missing, unless CI=true, where it fails.
func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true: %v", tool, err)
		}
		t.Skipf("%s not installed: %v", tool, err)
	}
	return p
}

// writeFile creates path (and its directories) with content.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// collect runs Scan and returns the FileInfos keyed by path relative to base.
func collect(t *testing.T, base string, roots []string, opts Options) map[string]FileInfo {
	t.Helper()
	got := map[string]FileInfo{}
	for fi := range Scan(context.Background(), roots, opts) {
		rel, err := filepath.Rel(base, fi.Path)
		if err != nil {
			t.Fatal(err)
		}
		rel = filepath.ToSlash(rel)
		if _, dup := got[rel]; dup {
			t.Errorf("%s yielded twice", rel)
		}
		got[rel] = fi
	}
	return got
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
