//go:build unix

package scan

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openFlags: O_NONBLOCK so that a FIFO that replaced a regular file after it was
// listed cannot block the open; O_NOFOLLOW so that a file that became a symlink is
// not followed unless links are.
func openFlags(follow bool) int {
	fl := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC
	if !follow {
		fl |= syscall.O_NOFOLLOW
	}
	return fl
}

// fileID returns the (device, inode) of fi, when the platform reports them.
func fileID(fi fs.FileInfo) (devIno, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return devIno{uint64(st.Dev), uint64(st.Ino)}, true
	}
	return devIno{}, false
}

// isLoopErr reports ELOOP: a link chain the kernel refused, or (with
// O_NOFOLLOW) a path that is a symbolic link.
func isLoopErr(err error) bool { return errors.Is(err, syscall.ELOOP) }
