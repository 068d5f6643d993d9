//go:build !unix

package scan

import (
	"io/fs"
	"os"
)

// openFlags: this platform has no O_NONBLOCK/O_NOFOLLOW; non-regular files are
// still rejected from their listed type before any open.
func openFlags(follow bool) int { return os.O_RDONLY }

// fileID is unknown on this platform; loop detection then relies on the
// operating system's own limits.
func fileID(fi fs.FileInfo) (devIno, bool) { return devIno{}, false }

func isLoopErr(err error) bool { return false }
