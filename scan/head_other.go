//go:build !linux

package scan

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// readHead is the portable version of head_linux.go's: without O_NONBLOCK and
// O_NOFOLLOW guarantees, it checks the type with Lstat before opening (a file
// replaced in between can still be opened).
func readHead(path string, follow bool, maxSize int64, readLarge bool, buf []byte) (h head, err error) {
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	fi, err := stat(path)
	if err != nil {
		return h, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return h, &fs.PathError{Op: "open", Path: path, Err: errSymlink}
	}
	h.size, h.modTime, h.regular = fi.Size(), fi.ModTime(), fi.Mode().IsRegular()
	h.id, h.idKnown = fileID(fi)
	if !h.regular || (maxSize > 0 && h.size > maxSize && !readLarge) {
		return h, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return h, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	h.n = n
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return h, err
	}
	return h, nil
}

var errSymlink = errors.New("is a symbolic link")

func isLoopErr(err error) bool { return errors.Is(err, errSymlink) }

// openDirFile opens a directory for listing.
func openDirFile(path string, follow bool) (*os.File, error) {
	if !follow {
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &fs.PathError{Op: "open", Path: path, Err: errSymlink}
		}
	}
	return os.Open(path)
}
