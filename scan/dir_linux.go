//go:build linux

package scan

import (
	"encoding/binary"
	"io"
	"io/fs"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// dirReader lists one directory with raw getdents64 calls into the walking
// worker's buffer. os.File.ReadDir costs, per directory, an fcntl (to see
// whether the descriptor is non-blocking), a finalizer, one allocation per
// entry and, when a listing ends exactly on a chunk, one more getdents; and
// its entries cannot answer a stat relative to the directory. A walk of a
// large tree is mostly these system calls, so the scanner parses the
// kernel's linux_dirent64 records itself (unix.ParseDirent gives only the
// names, not the types).
type dirReader struct {
	fd   int
	path string
	buf  []byte // the worker's buffer; buf[pos:end] is not yet parsed
	pos  int
	end  int
	eof  bool
}

// dirBufSize holds a few hundred entries: most directories in one call.
const dirBufSize = 32 << 10

// openDirReader opens a directory for listing. O_NOFOLLOW unless follow: a
// directory replaced by a symbolic link after it was listed is not followed.
func openDirReader(path string, follow bool, buf []byte) (*dirReader, error) {
	flags := syscall.O_RDONLY | syscall.O_DIRECTORY | syscall.O_CLOEXEC
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	for {
		fd, err := syscall.Open(path, flags, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return &dirReader{fd: fd, path: path, buf: buf}, nil
	}
}

func (d *dirReader) close() { syscall.Close(d.fd) }

// id is the directory's (device, inode), by fstat of the open descriptor.
func (d *dirReader) id() (devIno, bool, error) {
	var st unix.Stat_t
	if err := unix.Fstat(d.fd, &st); err != nil {
		return devIno{}, false, &fs.PathError{Op: "fstat", Path: d.path, Err: err}
	}
	return devIno{uint64(st.Dev), uint64(st.Ino)}, true, nil
}

// read appends up to n entries (every remaining one when n <= 0) to out,
// without "." and "..". The error is io.EOF once the listing has ended.
func (d *dirReader) read(out []dirEntry, n int) ([]dirEntry, error) {
	start := len(out)
	for n <= 0 || len(out)-start < n {
		if d.pos >= d.end {
			if d.eof {
				return out, io.EOF
			}
			m, err := unix.Getdents(d.fd, d.buf)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				return out, &fs.PathError{Op: "readdirent", Path: d.path, Err: err}
			}
			if m <= 0 {
				d.eof = true
				return out, io.EOF
			}
			d.pos, d.end = 0, m
		}
		// struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }
		rec := d.buf[d.pos:d.end]
		if len(rec) < 19 {
			d.pos = d.end
			continue
		}
		reclen := int(binary.NativeEndian.Uint16(rec[16:18]))
		if reclen < 19 || reclen > len(rec) {
			d.pos = d.end
			continue
		}
		d.pos += reclen
		ino := binary.NativeEndian.Uint64(rec[0:8])
		typ := rec[18]
		name := rec[19:reclen]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if ino == 0 || string(name) == "." || string(name) == ".." {
			continue
		}
		e := dirEntry{name: string(name)}
		if typ == unix.DT_UNKNOWN { // some file systems do not say
			h, err := d.statAt(e.name, false)
			if err != nil {
				continue // gone since it was listed
			}
			e.typ = h.typ
		} else {
			e.typ = modeType(typ)
		}
		out = append(out, e)
	}
	return out, nil
}

// statAt stats an entry relative to the open directory (no path lookup from
// the root), following a symbolic link only if follow.
func (d *dirReader) statAt(name string, follow bool) (h head, err error) {
	flags := unix.AT_SYMLINK_NOFOLLOW
	if follow {
		flags = 0
	}
	var st unix.Stat_t
	for {
		err = unix.Fstatat(d.fd, name, &st, flags)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		path := name
		if d.path != "" {
			path = d.path + "/" + name
		}
		return h, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	h.size = st.Size
	h.modTime = time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec))
	h.id = devIno{uint64(st.Dev), uint64(st.Ino)}
	h.idKnown = true
	h.regular = st.Mode&unix.S_IFMT == unix.S_IFREG
	h.typ = modeType(uint8(st.Mode & unix.S_IFMT >> 12)) // (a DT_ type is its S_IF type >> 12)
	return h, nil
}

// modeType is the fs.FileMode type bits of a directory entry's DT_ type.
func modeType(dt uint8) fs.FileMode {
	switch dt {
	case unix.DT_DIR:
		return fs.ModeDir
	case unix.DT_LNK:
		return fs.ModeSymlink
	case unix.DT_FIFO:
		return fs.ModeNamedPipe
	case unix.DT_SOCK:
		return fs.ModeSocket
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.DT_BLK:
		return fs.ModeDevice
	}
	return 0 // DT_REG
}
