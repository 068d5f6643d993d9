//go:build unix

package scan

import (
	"io/fs"
	"syscall"
)

// fileID returns the (device, inode) of fi.
func fileID(fi fs.FileInfo) (devIno, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return devIno{uint64(st.Dev), uint64(st.Ino)}, true
	}
	return devIno{}, false
}
