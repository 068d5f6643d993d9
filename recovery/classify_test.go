package recovery

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	dir := t.TempDir()
	_, notFound := os.Open(filepath.Join(dir, "missing.py"))
	_, isDir := os.ReadFile(dir)
	_, notDir := os.Open(filepath.Join(dir, "missing.py", "x"))
	loop := filepath.Join(dir, "loop")
	os.Symlink(loop, loop)
	_, loopErr := os.Open(loop)
	deadline, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-deadline.Done()
	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	// A real network timeout: a read deadline in the past.
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	a.SetReadDeadline(time.Now().Add(-time.Second))
	_, netTimeout := a.Read(make([]byte, 1))

	pathErr := func(errno syscall.Errno) error { return &fs.PathError{Op: "read", Path: "f.py", Err: errno} }
	for _, tc := range []struct {
		name      string
		err       error
		want      Class
		transient bool
	}{
		{"nil", nil, None, false},
		{"EINTR", pathErr(syscall.EINTR), Interrupted, true},
		{"EAGAIN", pathErr(syscall.EAGAIN), Again, true},
		{"EWOULDBLOCK", syscall.EWOULDBLOCK, Again, true},
		{"EMFILE", pathErr(syscall.EMFILE), TooManyFiles, true},
		{"ENFILE", fmt.Errorf("opening: %w", pathErr(syscall.ENFILE)), TooManyFiles, true},
		{"ENOMEM", syscall.ENOMEM, NoMemory, true},
		{"EIO", pathErr(syscall.EIO), IO, true},
		{"deadline", fmt.Errorf("analysing f.py: %w", deadline.Err()), Timeout, true},
		{"os deadline", os.ErrDeadlineExceeded, Timeout, true},
		{"net timeout", netTimeout, Timeout, true},
		{"worker crash", fmt.Errorf("task 3: %w", &WorkerCrash{Path: "f.py", Detail: "signal: killed"}), Crash, true},
		{"not found (real open)", notFound, NotFound, false},
		{"ENOTDIR (real open)", notDir, NotFound, false},
		{"fs.ErrNotExist", fs.ErrNotExist, NotFound, false},
		{"permission", pathErr(syscall.EACCES), Permission, false},
		{"EPERM", syscall.EPERM, Permission, false},
		{"fs.ErrPermission", fmt.Errorf("x: %w", fs.ErrPermission), Permission, false},
		{"decode", fmt.Errorf("f.py: %w", &DecodeError{Path: "f.py", Err: errors.New("invalid utf-8 at byte 3")}), Decode, false},
		{"too large", &TooLargeError{Path: "f.py", Size: 10, Limit: 5}, TooLarge, false},
		{"not regular", &NotRegularError{Path: "fifo", Mode: fs.ModeNamedPipe}, NotRegular, false},
		{"EISDIR (real read of a dir)", isDir, NotRegular, false},
		{"ELOOP (real open)", loopErr, SymlinkLoop, false},
		{"canceled", fmt.Errorf("x: %w", canceled.Err()), Canceled, false},
		{"unknown", errors.New("something odd"), Unknown, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Classify(tc.err)
			if got != tc.want || got.Transient() != tc.transient || IsTransient(tc.err) != tc.transient {
				t.Fatalf("Classify(%v) = %q (transient %v), want %q (transient %v)", tc.err, got, got.Transient(), tc.want, tc.transient)
			}
		})
	}
}
