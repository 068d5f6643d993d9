package scan

import (
	"bytes"
	"io/fs"
	"os"
	"time"
)

// head is what readHead learns about an opened file.
type head struct {
	size    int64
	modTime time.Time
	id      devIno
	idKnown bool
	regular bool
	typ     fs.FileMode // type bits (statAt only)
	n       int         // bytes of the first block read into the buffer
}

// check opens a candidate file and applies the content rules: regular file (by
// fstat of the opened descriptor), link duplicates, size, binary, shebang. keep
// is false when the file is silently not a Python file (a shebang candidate that
// is not one). buf is the caller's BinaryCheckSize scratch buffer.
func (w *walkCtx) check(c candidate, buf []byte) (fi FileInfo, keep bool) {
	follow := w.cfg.FollowSymlinks || c.explicit
	if w.cfg.ListOnly {
		fi := FileInfo{Path: c.path}
		if w.cfg.ListStat {
			stat := os.Lstat
			if follow {
				stat = os.Stat
			}
			if st, err := stat(c.path); err == nil {
				fi.Size, fi.ModTime = st.Size(), st.ModTime()
			}
		}
		return fi, !c.shebang
	}
	if w.cfg.Unchanged != nil && !c.asked {
		if fi, ok := w.unchanged(c.path, follow); ok {
			return fi, true
		}
	}
	h, err := readHead(c.path, follow, w.cfg.MaxSize, c.shebang, buf[:BinaryCheckSize])
	if err != nil && !h.idKnown {
		switch {
		case isNotExist(err):
			return skipInfo(c.path, SkipVanished, err), !c.shebang
		case !follow && isLoopErr(err):
			return skipInfo(c.path, SkipSymlink, nil), !c.shebang
		case isLoopErr(err):
			return skipInfo(c.path, SkipSymlinkLoop, err), !c.shebang
		}
		return skipInfo(c.path, SkipUnreadable, err), !c.shebang
	}
	fi = FileInfo{Path: c.path, Size: h.size, ModTime: h.modTime, Dev: h.id.dev, Ino: h.id.ino}
	if err != nil {
		fi.Skip, fi.Err = SkipUnreadable, err
		return fi, !c.shebang
	}
	if !h.regular {
		fi.Skip = SkipNotRegular
		return fi, !c.shebang
	}
	headBytes := buf[:h.n]
	if c.shebang && !isPythonShebang(headBytes) {
		return fi, false
	}
	if w.seenFiles != nil && h.idKnown && !w.firstSeen(w.seenFiles, h.id) {
		fi.Skip = SkipDuplicate
		return fi, true
	}
	switch {
	case w.cfg.MaxSize > 0 && h.size > w.cfg.MaxSize:
		fi.Skip = SkipTooLarge
	case bytes.IndexByte(headBytes, 0) >= 0:
		fi.Skip = SkipBinary
	}
	return fi, true
}

// lstatInfo reports a link or non-regular file with what lstat says about it
// (without opening it).
func lstatInfo(path string, reason SkipReason) FileInfo {
	fi := FileInfo{Path: path, Skip: reason}
	if st, err := os.Lstat(path); err == nil {
		fi.Size, fi.ModTime = st.Size(), st.ModTime()
		id, _ := fileID(st)
		fi.Dev, fi.Ino = id.dev, id.ino
	}
	return fi
}

// isPythonShebang reports whether the first line is "#!" naming a python
// interpreter, directly ("#!/usr/bin/python3") or through env
// ("#!/usr/bin/env -S python3.14 -u").
func isPythonShebang(head []byte) bool {
	line, ok := bytes.CutPrefix(head, []byte("#!"))
	if !ok {
		return false
	}
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	for _, field := range bytes.Fields(line) {
		name := field[bytes.LastIndexByte(field, '/')+1:]
		rest, ok := bytes.CutPrefix(name, []byte("python"))
		if !ok {
			continue
		}
		if len(bytes.Trim(rest, "0123456789.")) == 0 {
			return true
		}
	}
	return false
}
