package cli

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An archive PATH is read as a source; a directory's archives only with
// --archives; --max-archive-bytes is a size or auto.
func TestAnalyzeArchives(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "pkg-1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, n := range []string{"pkg/__init__.py", "pkg/mod.py", "pkg/tests/test_mod.py"} {
		w, _ := zw.Create(n)
		w.Write([]byte("x = 1\n"))
	}
	zw.Close()
	f.Close()
	whl := filepath.Join(dir, "pkg-1.0-py3-none-any.whl")

	code, out, stderr := runHere("analyze", "-o", "-", "--progress", "none", "--exclude", "tests", whl)
	if code != 0 || strings.Count(out, `"status":"analyzed"`) != 2 || !strings.Contains(out, `"path":"pkg/mod.py"`) || !strings.Contains(out, `pkg-1.0-py3-none-any.whl"`) {
		t.Errorf("archive PATH: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = runHere("analyze", "-o", "-", "--progress", "none", dir)
	if code != ExitNoFiles || strings.Contains(out, "pkg/mod.py") {
		t.Errorf("a directory without --archives: exit %d, %s", code, out)
	}
	code, out, stderr = runHere("analyze", "-o", "-", "--progress", "none", "--archives", dir)
	if code != 0 || strings.Count(out, `"status":"analyzed"`) != 3 {
		t.Errorf("--archives: exit %d\n%s\n%s", code, out, stderr)
	}
	code, _, stderr = runHere("analyze", "-o", "-", "--max-archive-bytes", "lots", whl)
	if code != ExitUsage || !strings.Contains(stderr, "--max-archive-bytes") {
		t.Errorf("bad --max-archive-bytes: exit %d, %s", code, stderr)
	}
	code, out, stderr = runHere("analyze", "-o", "-", "--progress", "none", "--max-archive-bytes", "10", whl)
	if code != 0 || !strings.Contains(out, `"skip_reason":"archive_limit"`) {
		t.Errorf("--max-archive-bytes 10: exit %d\n%s\n%s", code, out, stderr)
	}
}
