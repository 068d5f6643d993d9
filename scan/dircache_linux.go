//go:build linux

package scan

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

const dirCacheSupported = true

// dirStat is what the directory cache checks of a directory.
type dirStat struct {
	dev, ino uint64
	mtime    int64 // ns
	ctime    int64 // ns
	isDir    bool
}

func fromStat(st *unix.Stat_t) dirStat {
	return dirStat{dev: uint64(st.Dev), ino: uint64(st.Ino), mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(), isDir: st.Mode&unix.S_IFMT == unix.S_IFDIR}
}

// stat is fstat of the open directory.
func (d *dirReader) stat() (dirStat, error) {
	var st unix.Stat_t
	if err := unix.Fstat(d.fd, &st); err != nil {
		return dirStat{}, &fs.PathError{Op: "fstat", Path: d.path, Err: err}
	}
	return fromStat(&st), nil
}

// statDir stats a directory by path, following a final link only if follow.
func statDir(path string, follow bool) (dirStat, error) {
	flags := unix.AT_SYMLINK_NOFOLLOW
	if follow {
		flags = 0
	}
	var st unix.Stat_t
	for {
		err := unix.Fstatat(unix.AT_FDCWD, path, &st, flags)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return dirStat{}, &fs.PathError{Op: "stat", Path: path, Err: err}
		}
		return fromStat(&st), nil
	}
}

// statFile stats a file by path (the directory cache's candidates, whose
// directory is not open).
func statFile(path string, follow bool) (head, error) {
	d := dirReader{fd: unix.AT_FDCWD}
	return d.statAt(path, follow)
}

// fsKeepsDirMtime: file systems that update a directory's mtime on every
// create, remove and rename in it, to the nanosecond, and are local (no
// attribute caching).
func fsKeepsDirMtime(path string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return false
	}
	switch uint32(st.Type) {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.TMPFS_MAGIC, unix.F2FS_SUPER_MAGIC:
		return true
	}
	return false
}
