//go:build unix

package cli

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// --html naming a device or a pipe (/dev/null, /dev/stdout, a FIFO) writes
// into it: the page is never renamed over it, which would replace a
// machine's /dev/null with a file.
func TestReportHTMLIntoAPipe(t *testing.T) {
	dir := tree(t, 3)
	db := filepath.Join(t.TempDir(), "r.db")
	if code, stderr := runCode(t, nil, "analyze", "-q", "--no-ignore", "-o", db, dir); code != ExitOK {
		t.Fatalf("analyze: %d\n%s", code, stderr)
	}
	fifo := filepath.Join(t.TempDir(), "page")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan int64, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- -1
			return
		}
		defer f.Close()
		n, _ := io.Copy(io.Discard, f)
		got <- n
	}()
	if code, stderr := runCode(t, nil, "report", "-q", "--html", fifo, db); code != ExitOK {
		t.Fatalf("report --html FIFO: exit %d\n%s", code, stderr)
	}
	if n := <-got; n < 1000 {
		t.Errorf("the reader got %d bytes of the page", n)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", st.Mode(), err)
	}
}
