//go:build !linux

package scan

import (
	"io"
	"os"
	"path/filepath"
)

// dirReader is the portable version of dir_linux.go's, over os.File.
type dirReader struct {
	f    *os.File
	path string
}

const dirBufSize = 0 // os.File has its own buffer

func openDirReader(path string, follow bool, _ []byte) (*dirReader, error) {
	f, err := openDirFile(path, follow)
	if err != nil {
		return nil, err
	}
	return &dirReader{f: f, path: path}, nil
}

func (d *dirReader) close() { d.f.Close() }

func (d *dirReader) id() (devIno, bool, error) {
	st, err := d.f.Stat()
	if err != nil {
		return devIno{}, false, err
	}
	id, known := fileID(st)
	return id, known, nil
}

func (d *dirReader) read(out []dirEntry, n int) ([]dirEntry, error) {
	if n <= 0 {
		n = -1
	}
	entries, err := d.f.ReadDir(n)
	for _, e := range entries {
		out = append(out, dirEntry{name: e.Name(), typ: e.Type()})
	}
	if n < 0 && err == nil {
		err = io.EOF
	}
	return out, err
}

func (d *dirReader) statAt(name string, follow bool) (h head, err error) {
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	fi, err := stat(filepath.Join(d.path, name))
	if err != nil {
		return h, err
	}
	h.size, h.modTime, h.regular, h.typ = fi.Size(), fi.ModTime(), fi.Mode().IsRegular(), fi.Mode().Type()
	h.id, h.idKnown = fileID(fi)
	return h, nil
}
