//go:build linux

package scan

import (
	"errors"
	"io/fs"
	"syscall"
	"time"
)

// readHead opens path and fills in what check needs with raw system calls (no
// poller registration, no finalizer: a scan opens every file once). O_NONBLOCK:
// a FIFO that replaced a regular file after it was listed cannot block the open.
// O_NOFOLLOW unless follow: a file that became a symbolic link is not followed.
// The first block is read only from a regular file, and only if readLarge or the
// file is within maxSize (0: no limit).
func readHead(path string, follow bool, maxSize int64, readLarge bool, buf []byte) (h head, err error) {
	flags := syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	var fd int
	for {
		fd, err = syscall.Open(path, flags, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return h, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return h, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	h.size = st.Size
	h.modTime = time.Unix(st.Mtim.Sec, st.Mtim.Nsec)
	h.id = devIno{uint64(st.Dev), uint64(st.Ino)}
	h.idKnown = true
	h.regular = st.Mode&syscall.S_IFMT == syscall.S_IFREG
	if !h.regular || (maxSize > 0 && st.Size > maxSize && !readLarge) {
		return h, nil
	}
	for h.n < len(buf) {
		n, err := syscall.Read(fd, buf[h.n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return h, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			break
		}
		h.n += n
	}
	return h, nil
}

// isLoopErr reports ELOOP: a link chain the kernel refused, or (with
// O_NOFOLLOW) a path that is a symbolic link.
func isLoopErr(err error) bool { return errors.Is(err, syscall.ELOOP) }
