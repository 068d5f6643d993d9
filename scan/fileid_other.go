//go:build !unix

package scan

import "io/fs"

// fileID: this platform's FileInfo carries no (device, inode); link loops then
// end at the operating system's own limits and duplicates are not detected.
func fileID(fi fs.FileInfo) (devIno, bool) { return devIno{}, false }
