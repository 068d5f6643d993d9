package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

const unreadableHelperEnv = "PYBATCH_SCAN_UNREADABLE_ROOT"

// TestUnreadableDirectories: a directory that cannot be listed and a file that
// cannot be read are reported with their reason and the walk goes on. Root
// ignores permission bits, and the tests (CI included) run as root here, so the
// scan then runs in a child process of this test binary that has dropped to
// uid/gid 65534 (nobody) before scanning: the permission checks are the kernel's.
func TestUnreadableDirectories(t *testing.T) {
	dir, err := os.MkdirTemp("", "scan-unreadable-")
	must(t, err)
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			os.Chmod(p, 0o755)
			return nil
		})
		os.RemoveAll(dir)
	})
	must(t, os.Chmod(dir, 0o755))
	for _, f := range []string{"ok.py", "locked/secret.py", "locked/deeper/x.py", "after/z.py", "noread.py"} {
		writeFile(t, filepath.Join(dir, f), "x = 1\n")
	}
	must(t, os.Chmod(filepath.Join(dir, "locked"), 0))
	must(t, os.Chmod(filepath.Join(dir, "noread.py"), 0))
	want := map[string]string{
		"ok.py": "", "after/z.py": "", "locked": string(SkipUnreadableDir) + " dir perm", "noread.py": string(SkipUnreadable) + " file perm",
	}
	var lines []string
	if os.Geteuid() != 0 {
		lines = unreadableScan(dir)
	} else {
		cmd := exec.Command(os.Args[0])
		// (The child walks in the order this binary's seed gives.)
		cmd.Env = append(os.Environ(), unreadableHelperEnv+"="+dir, "PYBATCH_WALK_SEED="+strconv.FormatUint(walkSeed(), 10))
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "SETUID-FAILED") {
			testenv.SkipOrFail(t, "helper could not run as nobody: %v\n%s", err, out)
		}
		for l := range strings.SplitSeq(string(out), "\n") {
			if rest, ok := strings.CutPrefix(l, "RESULT "); ok {
				lines = append(lines, rest)
			}
		}
	}
	for _, mode := range []string{"parallel", "sorted"} {
		got := map[string]string{}
		for _, l := range lines {
			if rest, ok := strings.CutPrefix(l, mode+" "); ok {
				path, reason, _ := strings.Cut(rest, "=")
				got[path] = reason
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v\nwant %v", mode, got, want)
		}
	}
}

// TestMain runs the child process of TestUnreadableDirectories when asked to:
// it drops to nobody, scans, prints one line per FileInfo and exits.
func TestMain(m *testing.M) {
	seedWalks()
	root := os.Getenv(unreadableHelperEnv)
	if root == "" {
		os.Exit(m.Run())
	}
	if os.Geteuid() == 0 {
		// On Linux these apply to every thread of the process.
		if err := errors.Join(syscall.Setgroups(nil), syscall.Setgid(65534), syscall.Setuid(65534)); err != nil {
			fmt.Println("SETUID-FAILED", err)
			os.Exit(2)
		}
	}
	for _, l := range unreadableScan(root) {
		fmt.Println("RESULT " + l)
	}
	os.Exit(0)
}

func unreadableScan(root string) []string {
	var lines []string
	for _, sorted := range []bool{false, true} {
		mode := map[bool]string{false: "parallel", true: "sorted"}[sorted]
		for fi := range Scan(context.Background(), []string{root}, plain(sorted)) {
			rel, _ := filepath.Rel(root, fi.Path)
			desc := string(fi.Skip)
			if fi.Skip != "" {
				kind := map[bool]string{false: "file", true: "dir"}[fi.IsDir]
				perm := "other"
				if errors.Is(fi.Err, fs.ErrPermission) {
					perm = "perm"
				}
				desc += " " + kind + " " + perm
			}
			lines = append(lines, mode+" "+filepath.ToSlash(rel)+"="+desc)
		}
	}
	return lines
}
