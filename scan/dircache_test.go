package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
)

// ageDirs makes the tree under root look untouched for an hour, as the cache
// needs (it does not record directories changed within racyWindow): the
// directories' mtimes go back an hour and, since a ctime cannot, the cache's
// clock goes forward an hour for the rest of the test.
func ageDirs(t *testing.T, root string) time.Time {
	t.Helper()
	if !aged {
		aged = true
		now = func() time.Time { return time.Now().Add(time.Hour) }
		t.Cleanup(func() { now, aged = time.Now, false })
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chtimes(p, old, old)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return old
}

var aged bool

// scanNames runs a walk and returns the yielded paths (relative to root) with
// their skip reasons, sorted.
func scanNames(t *testing.T, root string, opts Options) []string {
	t.Helper()
	var out []string
	for fi := range Scan(context.Background(), []string{root}, opts) {
		rel, err := filepath.Rel(root, fi.Path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel)+" "+string(fi.Skip))
	}
	slices.Sort(out)
	return out
}

// cacheTempDir returns a new empty directory, removed when the test ends, on
// a file system the directory cache trusts (ext4, XFS, Btrfs, tmpfs, F2FS):
// under $PYBATCH_DIRCACHE_TMPDIR when set, else the first of the test's temp
// directory, /dev/shm, /run/shm, /var/tmp and /tmp that is on one. A
// container's temp directory is often on overlayfs, where the cache is
// never used; /dev/shm is tmpfs almost everywhere. Without one the test
// skips, or fails under CI=true.
func cacheTempDir(t *testing.T) string {
	t.Helper()
	if !dirCacheSupported {
		// Not a missing requirement: the cache does not exist here, and the
		// walk never consults it (newCacheWalk).
		t.Skipf("the directory cache is used on Linux only (GOOS=%s)", runtime.GOOS)
	}
	candidates := []string{t.TempDir(), "/dev/shm", "/run/shm", "/var/tmp", "/tmp"}
	if d := os.Getenv("PYBATCH_DIRCACHE_TMPDIR"); d != "" {
		candidates = []string{d}
	}
	var tried []string
	for _, c := range candidates {
		if !fsKeepsDirMtime(c) {
			tried = append(tried, c+" ("+fsTypeName(c)+")")
			continue
		}
		dir, err := os.MkdirTemp(c, "pybatch-scan-dircache-")
		if err != nil {
			tried = append(tried, c+" ("+err.Error()+")")
			continue
		}
		t.Cleanup(func() {
			if err := os.RemoveAll(dir); err != nil {
				t.Errorf("removing %s: %v", dir, err)
			}
		})
		// (The test's own temp directory is left empty when another is
		// chosen.)
		return dir
	}
	testenv.SkipOrFail(t, "no directory on a file system the directory cache trusts (ext4, XFS, Btrfs, tmpfs, F2FS); tried %s; set PYBATCH_DIRCACHE_TMPDIR to one", strings.Join(tried, ", "))
	return ""
}

func dirCacheTree(t *testing.T) string {
	t.Helper()
	root := cacheTempDir(t)
	for _, f := range []string{"a.py", "b.txt", "pkg/c.py", "pkg/sub/d.py", "pkg/sub/deep/e.py", "other/f.py", "other/g.pyi", "gen/h.py"} {
		writeFile(t, filepath.Join(root, f), "x = 1\n")
	}
	writeFile(t, filepath.Join(root, "pkg", ".gitignore"), "ignored_*.py\n")
	writeFile(t, filepath.Join(root, "pkg", "sub", "ignored_1.py"), "")
	return root
}

// record walks root with a fresh cache loaded from data and returns the
// cache and what it encodes afterwards (nil if nothing changed).
func record(t *testing.T, root string, opts Options, data []byte) (*DirCache, []byte, []string) {
	t.Helper()
	c := NewDirCache(data)
	opts.DirCache = c
	got := scanNames(t, root, opts)
	if !c.Changed() {
		return c, nil, got // nothing new to store
	}
	return c, c.Encode(), got
}

func TestDirCacheWalksUnchangedTreeWithoutListing(t *testing.T) {
	root := dirCacheTree(t)
	ageDirs(t, root)
	opts := Options{Workers: 3, NoRequireGit: true}
	want := scanNames(t, root, opts)
	_, data, got := record(t, root, opts, nil)
	if !slices.Equal(got, want) {
		t.Fatalf("recording walk %v, want %v", got, want)
	}
	c, data2, got := record(t, root, opts, data)
	if !slices.Equal(got, want) {
		t.Fatalf("cached walk %v, want %v", got, want)
	}
	hits, misses := c.Stats()
	if c.Len() != 6 || hits != 6 || misses != 0 {
		t.Errorf("%d entries, %d hits, %d misses; want all 6 directories from the cache", c.Len(), hits, misses)
	}
	if data2 != nil {
		t.Errorf("a walk of an unchanged tree has something new to store")
	}

	// Unchanged hook: every file still stat'ed and asked about.
	opts.Unchanged = func(string, int64, time.Time) bool { return true }
	c = NewDirCache(data)
	opts.DirCache = c
	n := 0
	for fi := range Scan(context.Background(), []string{root}, opts) {
		if !fi.Unchanged || fi.Size != 6 {
			t.Errorf("%+v: want unchanged with its size from a stat", fi)
		}
		n++
	}
	if n != 6 {
		t.Errorf("%d files, want 6", n)
	}
	// After a change, the whole tree is encoded again, with the changed
	// directory listed anew.
	opts.Unchanged = nil
	writeFile(t, filepath.Join(root, "other", "new.py"), "")
	c, data3, _ := record(t, root, opts, data)
	if hits, misses := c.Stats(); data3 == nil || hits != 5 || misses != 1 {
		t.Fatalf("after a change: %d bytes to store, %d hits, %d misses", len(data3), hits, misses)
	}
	c, _, got = record(t, root, opts, data3)
	if hits, misses := c.Stats(); hits != 6 || misses != 0 || !slices.Contains(got, "other/new.py ") {
		t.Errorf("from the new cache: %d hits, %d misses, walk %v", hits, misses, got)
	}
}

func TestDirCacheSeesChanges(t *testing.T) {
	opts := Options{Workers: 2, NoRequireGit: true}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, root string, old time.Time)
	}{
		{"new file", func(t *testing.T, root string, _ time.Time) {
			writeFile(t, filepath.Join(root, "pkg", "sub", "new.py"), "")
		}},
		{"removed file", func(t *testing.T, root string, _ time.Time) {
			os.Remove(filepath.Join(root, "pkg", "sub", "deep", "e.py"))
		}},
		{"renamed directory", func(t *testing.T, root string, _ time.Time) {
			os.Rename(filepath.Join(root, "other"), filepath.Join(root, "renamed"))
		}},
		{"directory replaced by a file", func(t *testing.T, root string, _ time.Time) {
			os.RemoveAll(filepath.Join(root, "gen"))
			writeFile(t, filepath.Join(root, "gen"), "")
		}},
		{"gitignore edited in place, directory mtime kept", func(t *testing.T, root string, old time.Time) {
			writeFile(t, filepath.Join(root, "pkg", ".gitignore"), "d.py\n")
			os.Chtimes(filepath.Join(root, "pkg"), old, old)
		}},
		{"directory recreated with the same mtime", func(t *testing.T, root string, old time.Time) {
			d := filepath.Join(root, "pkg", "sub", "deep")
			os.RemoveAll(d)
			writeFile(t, filepath.Join(d, "z.py"), "")
			os.Chtimes(d, old, old)
			os.Chtimes(filepath.Join(root, "pkg", "sub"), old, old)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := dirCacheTree(t)
			old := ageDirs(t, root)
			_, data, _ := record(t, root, opts, nil)
			tc.change(t, root, old)
			want := scanNames(t, root, opts)
			_, _, got := record(t, root, opts, data)
			if !slices.Equal(got, want) {
				t.Errorf("cached walk %v\nwant %v", got, want)
			}
		})
	}
}

// A directory modified just before its listing is not recorded (a change
// within the same timestamp tick could follow unseen); other entries are.
func TestDirCacheSkipsRacyDirectories(t *testing.T) {
	root := dirCacheTree(t)
	ageDirs(t, root)
	future := now()
	os.Chtimes(filepath.Join(root, "pkg", "sub"), future, future)
	opts := Options{Workers: 2, NoRequireGit: true}
	want := scanNames(t, root, opts)
	_, data, _ := record(t, root, opts, nil)
	c, data2, got := record(t, root, opts, data)
	if hits, misses := c.Stats(); hits != 5 || misses != 0 || !slices.Equal(got, want) {
		t.Errorf("%d hits, %d misses, walk %v; want the 5 directories not just modified from the cache, and %v", hits, misses, got, want)
	}
	if data2 != nil {
		t.Errorf("listing the untrusted directory again found it as it was, yet there is something new to store")
	}
}

func TestDirCacheBadDataAndOtherRoots(t *testing.T) {
	root := dirCacheTree(t)
	ageDirs(t, root)
	opts := Options{Workers: 2, NoRequireGit: true}
	want := scanNames(t, root, opts)
	_, data, _ := record(t, root, opts, nil)
	for name, bad := range map[string][]byte{
		"empty": nil, "truncated": data[:len(data)/2], "garbage": []byte("not a cache"),
		"trailing": append(slices.Clone(data), 0),
	} {
		c, _, got := record(t, root, opts, bad)
		if hits, _ := c.Stats(); !slices.Equal(got, want) || hits != 0 || c.Len() != 0 {
			t.Errorf("%s: walk %v (hits %d, %d entries), want a full listing walk %v", name, got, hits, c.Len(), want)
		}
	}
	// Entries are relative to the roots they were recorded with.
	c := NewDirCache(data)
	opts.DirCache = c
	sub := filepath.Join(root, "pkg")
	for range Scan(context.Background(), []string{sub}, opts) {
	}
	if hits, _ := c.Stats(); hits != 0 {
		t.Errorf("%d hits walking another root", hits)
	}
	// And to the options: a listing recorded without stubs does not hold
	// other/g.pyi, which a walk with stubs must yield.
	stubs := opts
	stubs.Stubs = true
	stubs.DirCache = nil
	want = scanNames(t, root, stubs)
	if !slices.Contains(want, "other/g.pyi ") {
		t.Fatalf("walk with stubs %v: no other/g.pyi", want)
	}
	for name, c := range map[string]*DirCache{"recording": NewDirCache(data), "read-only": NewDirCache(data).ReadOnly()} {
		stubs.DirCache = c
		if got := scanNames(t, root, stubs); !slices.Equal(got, want) {
			t.Errorf("%s cache from a walk without stubs: %v, want %v", name, got, want)
		}
		if hits, _ := c.Stats(); hits != 0 {
			t.Errorf("%s cache: %d hits walking with other options", name, hits)
		}
	}
	// What a walk with other options records is stored anew, under them.
	c, data2, _ := record(t, root, stubs, data)
	if data2 == nil {
		t.Fatal("a walk with other options has nothing new to store")
	}
	if c, _, _ = record(t, root, stubs, data2); !hitsAll(c) {
		t.Errorf("from the cache recorded with stubs: %d hits of %d", c.hits.Load(), c.Len())
	}
}

// hitsAll reports whether every directory c holds was walked from it.
func hitsAll(c *DirCache) bool {
	hits, misses := c.Stats()
	return c.Len() > 0 && hits == int64(c.Len()) && misses == 0
}

// TestDirCacheRandomChanges: after random changes to a recorded tree (each of
// which moves the mtime of the directory it touches), a walk from the cache
// yields exactly what a listing walk does.
func TestDirCacheRandomChanges(t *testing.T) {
	r := testenv.Rand(t)
	opts := Options{Workers: 3, NoRequireGit: true}
	for round := range 20 {
		root := dirCacheTree(t)
		var dirs []string
		for i := range 12 {
			d := filepath.Join(root, fmt.Sprintf("d%d", i%4), fmt.Sprintf("e%d", i))
			dirs = append(dirs, d)
			writeFile(t, filepath.Join(d, "m.py"), "")
		}
		ageDirs(t, root)
		_, data, _ := record(t, root, opts, nil)
		for range 1 + r.IntN(4) {
			d := dirs[r.IntN(len(dirs))]
			switch r.IntN(4) {
			case 0:
				writeFile(t, filepath.Join(d, fmt.Sprintf("n%d.py", r.IntN(100))), "")
			case 1:
				os.RemoveAll(d)
			case 2:
				writeFile(t, filepath.Join(d, "sub", "s.py"), "")
			case 3:
				writeFile(t, filepath.Join(d, ".gitignore"), "m.py\n")
			}
		}
		want := scanNames(t, root, opts)
		_, _, got := record(t, root, opts, data)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: cached walk\n%s\nwant\n%s", round, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
