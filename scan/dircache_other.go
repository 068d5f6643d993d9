//go:build !linux

package scan

import "errors"

// The directory cache is not used off Linux: every directory is listed.
const dirCacheSupported = false

type dirStat struct {
	dev, ino uint64
	mtime    int64
	ctime    int64
	isDir    bool
}

var errNoDirCache = errors.New("scan: no directory cache on this platform")

func (d *dirReader) stat() (dirStat, error) { return dirStat{}, errNoDirCache }
func statDir(string, bool) (dirStat, error) { return dirStat{}, errNoDirCache }
func statFile(string, bool) (head, error)   { return head{}, errNoDirCache }
func fsKeepsDirMtime(string) bool           { return false }
