package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pybatch/pybatch/internal/testenv"
)

// cacheTempDir returns a new empty directory, removed when the test ends, on
// a file system the directory cache trusts (ext4, XFS, Btrfs, tmpfs, F2FS),
// as scan's tests choose one: under $PYBATCH_DIRCACHE_TMPDIR when set, else
// the first of the test's temp directory, /dev/shm, /run/shm, /var/tmp and
// /tmp that is on one. A container's temp directory is often on overlayfs,
// where the cache is never used; /dev/shm is tmpfs almost everywhere.
// Without one the test skips, or fails under CI=true.
func cacheTempDir(t *testing.T) string {
	t.Helper()
	candidates := []string{t.TempDir(), "/dev/shm", "/run/shm", "/var/tmp", "/tmp"}
	if d := os.Getenv("PYBATCH_DIRCACHE_TMPDIR"); d != "" {
		candidates = []string{d}
	}
	var tried []string
	for _, c := range candidates {
		if name, ok := cacheFS(c); !ok {
			tried = append(tried, c+" ("+name+")")
			continue
		}
		dir, err := os.MkdirTemp(c, "pybatch-cli-dircache-")
		if err != nil {
			tried = append(tried, c+" ("+err.Error()+")")
			continue
		}
		t.Cleanup(func() {
			if err := os.RemoveAll(dir); err != nil {
				t.Errorf("removing %s: %v", dir, err)
			}
		})
		return dir
	}
	testenv.SkipOrFail(t, "no directory on a file system the directory cache trusts (ext4, XFS, Btrfs, tmpfs, F2FS); tried %s; set PYBATCH_DIRCACHE_TMPDIR to one", strings.Join(tried, ", "))
	return ""
}

// cacheFS names the file system path is on and says whether the directory
// cache trusts it (scan.fsKeepsDirMtime).
func cacheFS(path string) (string, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return err.Error(), false
	}
	switch uint32(st.Type) {
	case unix.EXT4_SUPER_MAGIC:
		return "ext4", true
	case unix.XFS_SUPER_MAGIC:
		return "xfs", true
	case unix.BTRFS_SUPER_MAGIC:
		return "btrfs", true
	case unix.TMPFS_MAGIC:
		return "tmpfs", true
	case unix.F2FS_SUPER_MAGIC:
		return "f2fs", true
	case unix.OVERLAYFS_SUPER_MAGIC:
		return "overlayfs", false
	case unix.NFS_SUPER_MAGIC:
		return "nfs", false
	case unix.FUSE_SUPER_MAGIC:
		return "fuse", false
	case unix.V9FS_MAGIC:
		return "9p", false
	}
	return fmt.Sprintf("file system type %#x", st.Type), false
}

// waitUntilCacheable returns once every directory under root last changed
// (mtime or ctime, the stamps the cache compares) at least window ago: the
// cache does not trust a directory listed sooner after a change (scan's
// racyWindow), and a test that wants its directories cached must wait for
// that moment, which no clock in the child process can be moved past.
func waitUntilCacheable(t *testing.T, root string, window time.Duration) {
	t.Helper()
	var newest int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return err
		}
		newest = max(newest, st.Mtim.Nano(), st.Ctim.Nano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ready := time.Unix(0, newest).Add(window)
	t.Logf("waiting %v for the directories to be %v older than their last change", time.Until(ready).Round(time.Millisecond), window)
	for d := time.Until(ready); d > 0; d = time.Until(ready) {
		time.Sleep(d)
	}
}
