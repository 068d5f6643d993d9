package scan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// plain are options that isolate the rule under test from the user's git setup.
func plain(sorted bool) Options {
	return Options{Sorted: sorted, Workers: 3, NoIgnore: true, MaxSize: DefaultMaxSize}
}

func skips(m map[string]FileInfo) map[string]SkipReason {
	out := map[string]SkipReason{}
	for k, v := range m {
		out[k] = v.Skip
	}
	return out
}

func equalSkips(t *testing.T, got map[string]FileInfo, want map[string]SkipReason) {
	t.Helper()
	g := skips(got)
	if len(g) != len(want) {
		t.Errorf("got %v\nwant %v", g, want)
		return
	}
	for k, v := range want {
		if gv, ok := g[k]; !ok || gv != v {
			t.Errorf("got %v\nwant %v", g, want)
			return
		}
	}
}

func bothModes(t *testing.T, f func(t *testing.T, sorted bool)) {
	t.Run("parallel", func(t *testing.T) { f(t, false) })
	t.Run("sorted", func(t *testing.T) { f(t, true) })
}

func TestGlobsAndDirectorySkips(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{
		"a.py", "b.pyi", "c.txt", "pkg/d.py", "pkg/gen/e.py", "pkg/gen/keep/f.py",
		".hidden/g.py", "__pycache__/h.py", "node_modules/i.py", "tests/j.py",
		"venv/bin/activate", "venv/lib/k.py", "myenv/pyvenv.cfg", "myenv/lib/l.py",
		"env2/bin/activate", "env2/m.py", ".n.py",
	} {
		writeFile(t, filepath.Join(root, f), "x = 1\n")
	}
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := plain(sorted)
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{
			"a.py": "", "pkg/d.py": "", "pkg/gen/e.py": "", "pkg/gen/keep/f.py": "",
			"tests/j.py": "", "env2/m.py": "", ".n.py": "",
		})
		opts.Stubs = true
		opts.Exclude = []string{"pkg/gen", "**/j.py"}
		opts.Hidden = true
		opts.SkipDirs = []string{"node_modules"}
		opts.Virtualenvs = true
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{
			"a.py": "", "b.pyi": "", "pkg/d.py": "", ".hidden/g.py": "", "__pycache__/h.py": "",
			"venv/lib/k.py": "", "myenv/lib/l.py": "", "env2/m.py": "", ".n.py": "",
		})
		opts = plain(sorted)
		opts.Include = []string{"pkg/**/*.py"}
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{
			"pkg/d.py": "", "pkg/gen/e.py": "", "pkg/gen/keep/f.py": "",
		})
	})
}

func TestShebang(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"tool":      "#!/usr/bin/env python3\nprint(1)\n",
		"tool2":     "#!/usr/bin/python3.14 -u\n",
		"tool3":     "#!/usr/bin/env -S python -X dev\n",
		"shell":     "#!/bin/sh\necho\n",
		"fake":      "#!/usr/bin/env pythonista\n",
		"nohash":    "python3\n",
		"bin.sh":    "#!/usr/bin/env python3\n", // has an extension: not a candidate
		"big":       "#!/usr/bin/python3\n" + strings.Repeat("#", 2000),
		"nulpy":     "#!/usr/bin/python3\n\x00",
		"script.py": "pass\n",
	}
	for name, content := range files {
		writeFile(t, filepath.Join(root, name), content)
	}
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := plain(sorted)
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{"script.py": ""})
		opts.Shebang = true
		opts.MaxSize = 1000
		equalSkips(t, collect(t, root, []string{root}, opts), map[string]SkipReason{
			"script.py": "", "tool": "", "tool2": "", "tool3": "", "big": SkipTooLarge, "nulpy": SkipBinary,
		})
	})
}

func TestContentChecks(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "ok.py"), "x = 'é'\n")
	writeFile(t, filepath.Join(root, "latin1.py"), "x = '\xff\xfe\xe9'\n") // invalid UTF-8: passed on
	writeFile(t, filepath.Join(root, "nul.py"), string(make([]byte, 4096)))
	writeFile(t, filepath.Join(root, "late_nul.py"), strings.Repeat("#", BinaryCheckSize)+"\x00")
	writeFile(t, filepath.Join(root, "empty.py"), "")
	big := filepath.Join(root, "big.py")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(200 << 20); err != nil { // sparse: 200 MB of NULs
		t.Fatal(err)
	}
	f.Close()
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := plain(sorted)
		got := collect(t, root, []string{root}, opts)
		equalSkips(t, got, map[string]SkipReason{
			"ok.py": "", "latin1.py": "", "nul.py": SkipBinary, "late_nul.py": "",
			"empty.py": "", "big.py": SkipTooLarge,
		})
		if fi := got["big.py"]; fi.Size != 200<<20 || fi.Ino == 0 || fi.ModTime.IsZero() {
			t.Errorf("big.py info: %+v", fi)
		}
		if fi := got["latin1.py"]; fi.Size != 10 {
			t.Errorf("latin1.py size %d", fi.Size)
		}
		// Without a limit the same file is read (only its first block) and is binary.
		opts.MaxSize = 0
		if fi := collect(t, root, []string{root}, opts)["big.py"]; fi.Skip != SkipBinary {
			t.Errorf("big.py without limit: %q", fi.Skip)
		}
	})
}

func TestUnchangedHook(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "known.py"), "x = 1\n")
	writeFile(t, filepath.Join(root, "known_nul.py"), string(make([]byte, 100))) // binary if opened
	writeFile(t, filepath.Join(root, "new.py"), "y = 2\n")
	writeFile(t, filepath.Join(root, "big.py"), strings.Repeat("#", 2000))
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	stat := func(name string) os.FileInfo {
		st, err := os.Stat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	known := map[string]os.FileInfo{}
	for _, name := range []string{"known.py", "known_nul.py", "big.py", "fifo.py"} {
		known[filepath.Join(root, name)] = stat(name)
	}
	bothModes(t, func(t *testing.T, sorted bool) {
		var mu sync.Mutex
		asked := map[string]bool{}
		opts := plain(sorted)
		opts.MaxSize = 1000
		opts.Unchanged = func(path string, size int64, modTime time.Time) bool {
			mu.Lock()
			asked[filepath.Base(path)] = true
			mu.Unlock()
			st, ok := known[path]
			return ok && st.Size() == size && st.ModTime().Equal(modTime)
		}
		got := collect(t, root, []string{root}, opts)
		// known_nul.py is claimed without being opened: no binary check.
		equalSkips(t, got, map[string]SkipReason{
			"known.py": "", "known_nul.py": "", "new.py": "", "big.py": SkipTooLarge, "fifo.py": SkipNotRegular,
		})
		for name, want := range map[string]bool{"known.py": true, "known_nul.py": true, "new.py": false, "big.py": false, "fifo.py": false} {
			if got[name].Unchanged != want {
				t.Errorf("%s: Unchanged = %v, want %v", name, got[name].Unchanged, want)
			}
		}
		if fi := got["known.py"]; fi.Size != 6 || fi.Ino == 0 || !fi.ModTime.Equal(stat("known.py").ModTime()) {
			t.Errorf("known.py info from stat: %+v", fi)
		}
		// Too large and not regular are decided without asking.
		if asked["big.py"] || asked["fifo.py"] || !asked["new.py"] {
			t.Errorf("asked about %v", asked)
		}
		// OmitUnchanged: the same, without the unchanged files.
		opts.OmitUnchanged = true
		got = collect(t, root, []string{root}, opts)
		equalSkips(t, got, map[string]SkipReason{"new.py": "", "big.py": SkipTooLarge, "fifo.py": SkipNotRegular})
	})
}

func TestListOnly(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "x = 1\n")
	writeFile(t, filepath.Join(root, "nul.py"), string(make([]byte, 100))) // binary if opened
	writeFile(t, filepath.Join(root, "pkg/b.py"), "y = 2\n")
	writeFile(t, filepath.Join(root, "c.txt"), "")
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := plain(sorted)
		opts.ListOnly = true
		got := collect(t, root, []string{root}, opts)
		equalSkips(t, got, map[string]SkipReason{"a.py": "", "nul.py": "", "pkg/b.py": ""})
		for name, fi := range got {
			if fi.Size != 0 || !fi.ModTime.IsZero() || fi.Ino != 0 {
				t.Errorf("%s: list-only info %+v has stat data", name, fi)
			}
		}
		// Tally takes the files instead of the loop.
		var mu sync.Mutex
		tallied := map[string]int64{}
		opts.Tally = func(path string, size int64) {
			mu.Lock()
			tallied[path] = size
			mu.Unlock()
		}
		if got := collect(t, root, []string{root}, opts); len(got) != 0 || len(tallied) != 3 {
			t.Errorf("with Tally: yielded %v, tallied %v", got, tallied)
		}
		opts.Tally = nil
		// ListStat adds size and time from a stat, still without opening.
		opts.ListStat = true
		got = collect(t, root, []string{root}, opts)
		equalSkips(t, got, map[string]SkipReason{"a.py": "", "nul.py": "", "pkg/b.py": ""})
		for name, fi := range got {
			st, err := os.Stat(filepath.Join(root, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size != st.Size() || !fi.ModTime.Equal(st.ModTime()) {
				t.Errorf("%s: ListStat info %+v, stat says %d bytes at %v", name, fi, st.Size(), st.ModTime())
			}
		}
	})
}

// finishes runs f, which must not block (on a FIFO): the property under test
// is that the scanner returns, not how fast. A blocked f fails the test just
// before the test binary's -timeout would end it, saying what blocked
// (without a deadline, the wait has no end: a hang is the failure).
func finishes(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	var expired <-chan time.Time
	if deadline, ok := t.Deadline(); ok {
		timer := time.NewTimer(time.Until(deadline) * 9 / 10)
		defer timer.Stop()
		expired = timer.C
	}
	select {
	case <-done:
	case <-expired:
		t.Fatalf("%s blocked until the test's deadline was near", what)
	}
}

func TestNonRegularFiles(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "")
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo_other"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Unix socket paths are limited to ~108 bytes; listen from inside root.
	t.Chdir(root)
	l, err := net.Listen("unix", "sock.py")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	want := map[string]SkipReason{"a.py": "", "fifo.py": SkipNotRegular, "sock.py": SkipNotRegular}
	// A character device, when this process may make one (root).
	if err := syscall.Mknod(filepath.Join(root, "null.py"), syscall.S_IFCHR|0o666, 1<<8|3); err == nil {
		want["null.py"] = SkipNotRegular
	}
	bothModes(t, func(t *testing.T, sorted bool) {
		finishes(t, "Scan", func() {
			got := collect(t, root, []string{root}, plain(sorted))
			equalSkips(t, got, want)
			if fi := got["fifo.py"]; fi.Ino == 0 || fi.ModTime.IsZero() {
				t.Errorf("fifo.py reported without its lstat data: %+v", fi)
			}
		})
		finishes(t, "Filter", func() {
			n := 0
			for fi := range Filter(context.Background(), []string{filepath.Join(root, "fifo.py")}, plain(sorted)) {
				n++
				if fi.Skip != SkipNotRegular {
					t.Errorf("Filter fifo: %+v", fi)
				}
			}
			if n != 1 {
				t.Errorf("Filter fifo: %d results", n)
			}
		})
	})
	// A FIFO that replaced a regular file after the listing reaches the open:
	// O_NONBLOCK keeps it from blocking and fstat rejects it.
	cfg, _ := newConfig(plain(true))
	w := newWalkCtx(context.Background(), cfg)
	finishes(t, "check of a FIFO", func() {
		fi, keep := w.check(candidate{path: filepath.Join(root, "fifo.py")}, make([]byte, BinaryCheckSize))
		if !keep || fi.Skip != SkipNotRegular {
			t.Errorf("check fifo: %+v keep=%v", fi, keep)
		}
	})
}

func symlinkTree(t *testing.T) string {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "a = 1\n")
	writeFile(t, filepath.Join(root, "dir", "b.py"), "b = 1\n")
	writeFile(t, filepath.Join(root, "dir", "sub", "c.py"), "c = 1\n")
	links := map[string]string{
		"link.py":         "a.py",       // to a file
		"linkdir":         "dir",        // to a directory
		"dir/sub/up":      "../..",      // a loop to the root
		"dir/self":        ".",          // a loop to itself
		"broken.py":       "nowhere.py", // dangling
		"l1.py":           "l2.py",      // a link cycle
		"l2.py":           "l1.py",
		"dir/sub/back.py": "../../a.py", // another path to a.py
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestSymlinksNotFollowed(t *testing.T) {
	root := symlinkTree(t)
	bothModes(t, func(t *testing.T, sorted bool) {
		finishes(t, "Scan", func() {
			equalSkips(t, collect(t, root, []string{root}, plain(sorted)), map[string]SkipReason{
				"a.py": "", "dir/b.py": "", "dir/sub/c.py": "",
				"link.py": SkipSymlink, "broken.py": SkipSymlink, "l1.py": SkipSymlink,
				"l2.py": SkipSymlink, "dir/sub/back.py": SkipSymlink,
			})
		})
	})
}

func TestSymlinksFollowed(t *testing.T) {
	root := symlinkTree(t)
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := plain(sorted)
		opts.FollowSymlinks = true
		var got map[string]FileInfo
		finishes(t, "Scan", func() { got = collect(t, root, []string{root}, opts) })
		// Each real file is yielded valid exactly once, whatever path won.
		valid := map[devIno][]string{}
		for rel, fi := range got {
			if fi.Skip == "" {
				id := devIno{fi.Dev, fi.Ino}
				valid[id] = append(valid[id], rel)
			}
		}
		if len(valid) != 3 {
			t.Errorf("want 3 real files yielded, got %v", valid)
		}
		for id, paths := range valid {
			if len(paths) != 1 {
				t.Errorf("file %v yielded valid under %v", id, paths)
			}
		}
		s := skips(got)
		loops := map[string]bool{}
		for p, reason := range s {
			switch {
			case p == "broken.py":
				if reason != SkipBrokenSymlink {
					t.Errorf("%s: %q", p, reason)
				}
			case p == "l1.py" || p == "l2.py":
				if reason != SkipSymlinkLoop {
					t.Errorf("%s: %q", p, reason)
				}
			case reason == SkipSymlinkLoop:
				loops[filepath.Base(p)] = true
			case reason != "" && reason != SkipDuplicate:
				t.Errorf("%s: %q", p, reason)
			}
		}
		if !loops["self"] || !loops["up"] {
			t.Errorf("directory loops not reported: %v", s)
		}
		if sorted {
			// Deterministic order: a.py before link.py; dir before linkdir.
			equalSkips(t, got, map[string]SkipReason{
				"a.py": "", "broken.py": SkipBrokenSymlink, "dir/b.py": "", "dir/self": SkipSymlinkLoop,
				"dir/sub/back.py": SkipDuplicate, "dir/sub/c.py": "", "dir/sub/up": SkipSymlinkLoop,
				"l1.py": SkipSymlinkLoop, "l2.py": SkipSymlinkLoop, "link.py": SkipDuplicate,
				"linkdir": SkipDuplicate,
			})
		}
	})
}

func TestRootsAndErrors(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "")
	writeFile(t, filepath.Join(root, "notes.txt"), "")
	writeFile(t, filepath.Join(root, "d", "b.py"), "")
	bothModes(t, func(t *testing.T, sorted bool) {
		roots := []string{filepath.Join(root, "d"), filepath.Join(root, "notes.txt"), filepath.Join(root, "missing")}
		got := collect(t, root, roots, plain(sorted))
		// An explicitly named file is taken whatever its name.
		equalSkips(t, got, map[string]SkipReason{"d/b.py": "", "notes.txt": "", "missing": SkipNotFound})
		if err := got["missing"].Err; !errors.Is(err, os.ErrNotExist) {
			t.Errorf("missing: %v", err)
		}
	})
	// Overlapping and repeated roots: each file once, with the explicit-root
	// rules for the inner root (notes.txt is named, so it is taken).
	bothModes(t, func(t *testing.T, sorted bool) {
		roots := []string{root, filepath.Join(root, "d"), root + "/", filepath.Join(root, "notes.txt")}
		equalSkips(t, collect(t, root, roots, plain(sorted)), map[string]SkipReason{"a.py": "", "d/b.py": "", "notes.txt": ""})
	})
	for fi := range Scan(context.Background(), []string{root}, Options{Include: []string{"[a-"}}) {
		if fi.Skip != SkipInvalidOptions || fi.Err == nil {
			t.Errorf("bad glob: %+v", fi)
		}
	}
}

func TestFilter(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "")
	writeFile(t, filepath.Join(root, "b.txt"), "")
	writeFile(t, filepath.Join(root, "nul.py"), "\x00")
	writeFile(t, filepath.Join(root, "ignored.py"), "")
	writeFile(t, filepath.Join(root, ".gitignore"), "ignored.py\n")
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "dir.py"), 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range []string{"nul.py", "b.txt", "a.py", "missing.py", "ignored.py", "dir.py"} {
		paths = append(paths, filepath.Join(root, p))
	}
	want := []string{"nul.py:binary", "a.py:", "missing.py:not_found", "ignored.py:", "dir.py:not_regular"}
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := DefaultOptions()
		opts.Sorted = sorted
		var got []string
		for fi := range Filter(context.Background(), paths, opts) {
			got = append(got, filepath.Base(fi.Path)+":"+string(fi.Skip))
		}
		w := slices.Clone(want)
		if !sorted {
			slices.Sort(got)
			slices.Sort(w)
		}
		if !slices.Equal(got, w) {
			t.Errorf("got %v, want %v", got, w)
		}
	})
}

// TestStreams proves that files are yielded while the walk is still going:
// while the consumer holds the first FileInfo, a new file is created in every
// directory; directories not yet listed then yield it. It also shows the walk
// does not run ahead of a slow consumer by more than its bounded queues: the
// files are created once every worker waits for the consumer (sorted mode
// walks in the consumer's goroutine, so it is stopped already).
func TestStreams(t *testing.T) {
	root := t.TempDir()
	const dirs, per = 200, 10
	var dirNames []string
	for d := range dirs {
		dn := filepath.Join(root, "d"+strings.Repeat("x", d%7)+string(rune('a'+d%26)), "n"+itoa(d))
		dirNames = append(dirNames, dn)
		for f := range per {
			writeFile(t, filepath.Join(dn, "f"+itoa(f)+".py"), "")
		}
	}
	bothModes(t, func(t *testing.T, sorted bool) {
		opts := plain(sorted)
		opts.Workers = 2
		// How many workers wait for the consumer (the output is full).
		var mu sync.Mutex
		allWaiting := sync.NewCond(&mu)
		waiting := 0
		testHookOutputWait = func(w bool) {
			mu.Lock()
			defer mu.Unlock()
			if w {
				waiting++
			} else {
				waiting--
			}
			if waiting == opts.Workers {
				allWaiting.Broadcast()
			}
		}
		t.Cleanup(func() { testHookOutputWait = nil })
		late := 0
		first := true
		for fi := range Scan(context.Background(), []string{root}, opts) {
			if first {
				first = false
				if !sorted {
					// Until every worker waits for this loop, the walk
					// can still run ahead.
					mu.Lock()
					for waiting < opts.Workers {
						allWaiting.Wait()
					}
					mu.Unlock()
				}
				for _, dn := range dirNames {
					writeFile(t, filepath.Join(dn, "late.py"), "")
				}
			}
			if filepath.Base(fi.Path) == "late.py" {
				late++
			}
		}
		for _, dn := range dirNames {
			os.Remove(filepath.Join(dn, "late.py"))
		}
		t.Logf("%d of %d directories listed after the first file was yielded", late, dirs)
		if late < dirs/2 {
			t.Errorf("only %d of %d directories were listed after the first file was yielded", late, dirs)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestStopEarly: breaking out of the loop or cancelling the context ends the walk
// and its goroutines.
func TestStopEarly(t *testing.T) {
	root := t.TempDir()
	for d := range 50 {
		for f := range 20 {
			writeFile(t, filepath.Join(root, "d"+itoa(d), "f"+itoa(f)+".py"), "")
		}
	}
	before := runtime.NumGoroutine()
	n := 0
	for range Scan(context.Background(), []string{root}, plain(false)) {
		n++
		if n == 5 {
			break
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := 0
	for range Scan(ctx, []string{root}, plain(false)) {
		m++
		if m == 5 {
			cancel()
		}
	}
	if m >= 1000 {
		t.Errorf("cancelled walk yielded all %d files", m)
	}
	// Scan has waited for its workers; what may remain is a goroutine
	// between its last statement and its exit (the one that closed the
	// output, or the context's wake-up call), which yields let finish. The
	// bound counts yields, not time: generous on a loaded machine, and a
	// real leak still fails in a second or two.
	for i := 0; runtime.NumGoroutine() > before && i < 1e7; i++ {
		runtime.Gosched()
	}
	if g := runtime.NumGoroutine(); g > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left running (before: %d)\n%s", g, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestFilesChangingDuringWalk: files deleted, rewritten, replaced by a FIFO or a
// link, or grown after the directory was listed are reported as they are when
// opened; a directory deleted before it is walked is reported vanished.
func TestFilesChangingDuringWalk(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"a.py", "c_deleted.py", "d_rewritten.py", "e_grown.py", "f_fifo.py", "g_link.py", "h_same.py", "zz/y.py"} {
		writeFile(t, filepath.Join(root, f), "x = 1\n")
	}
	opts := plain(true) // sequential: the changes happen after the listing, before the checks
	opts.MaxSize = 1000
	got := map[string]SkipReason{}
	for fi := range Scan(context.Background(), []string{root}, opts) {
		rel, _ := filepath.Rel(root, fi.Path)
		got[rel] = fi.Skip
		if rel == "a.py" {
			must(t, os.Remove(filepath.Join(root, "c_deleted.py")))
			writeFile(t, filepath.Join(root, "d_rewritten.py"), "\x00\x01")
			writeFile(t, filepath.Join(root, "e_grown.py"), strings.Repeat("#", 2000))
			must(t, os.Remove(filepath.Join(root, "f_fifo.py")))
			must(t, syscall.Mkfifo(filepath.Join(root, "f_fifo.py"), 0o644))
			must(t, os.Remove(filepath.Join(root, "g_link.py")))
			must(t, os.Symlink("a.py", filepath.Join(root, "g_link.py")))
			must(t, os.RemoveAll(filepath.Join(root, "zz")))
		}
	}
	want := map[string]SkipReason{
		"a.py": "", "c_deleted.py": SkipVanished, "d_rewritten.py": SkipBinary, "e_grown.py": SkipTooLarge,
		"f_fifo.py": SkipNotRegular, "g_link.py": SkipSymlink, "h_same.py": "", "zz": SkipVanished,
	}
	if len(got) != len(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
}

// TestConcurrentChurn deletes and rewrites files while a parallel walk runs:
// no crash, no duplicate, and every FileInfo is one of the states the file can
// have been in.
func TestConcurrentChurn(t *testing.T) {
	root := t.TempDir()
	var all []string
	for d := range 20 {
		for f := range 100 {
			p := filepath.Join(root, "d"+itoa(d), "f"+itoa(f)+".py")
			writeFile(t, p, "x = 1\n")
			all = append(all, p)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, p := range all {
			switch i % 3 {
			case 0:
				os.Remove(p)
			case 1:
				os.WriteFile(p, []byte("\x00"), 0o644)
			}
		}
		os.RemoveAll(filepath.Join(root, "d19"))
	}()
	opts := plain(false)
	opts.Workers = 4
	got := collect(t, root, []string{root}, opts)
	<-done
	for rel, fi := range got {
		switch fi.Skip {
		case "", SkipBinary, SkipVanished:
		default:
			t.Errorf("%s: unexpected %q (%v)", rel, fi.Skip, fi.Err)
		}
		if fi.Skip == SkipBinary && !strings.HasSuffix(rel, ".py") {
			t.Errorf("%s: binary?", rel)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestUnchangedReady: with Options.UnchangedReady the walk goes on while the
// hook cannot answer yet, never asks it before, and then settles every held
// file exactly once, also when more files are held than maxDeferred.
// UnchangedReady is closed once the walk can go no further without it
// (every worker waits: testHookIdle).
func TestUnchangedReady(t *testing.T) {
	root := t.TempDir()
	known := map[string]bool{}
	for d := range 4 {
		for f := range 15 {
			p := filepath.Join(root, fmt.Sprintf("d%d/f%02d.py", d, f))
			content := "x = 1\n"
			if f%3 == 0 {
				content = string(make([]byte, 50)) // binary: a new file says so when opened
			}
			writeFile(t, p, content)
			known[p] = f%2 == 0
		}
	}
	for _, limit := range []int{maxDeferred, 5} {
		t.Run(fmt.Sprintf("maxDeferred=%d", limit), func(t *testing.T) {
			defer func(old int) { maxDeferred = old }(maxDeferred)
			maxDeferred = limit
			bothModes(t, func(t *testing.T, sorted bool) {
				ready := make(chan struct{})
				var open atomic.Bool
				var asked atomic.Int64
				opts := plain(sorted)
				workers := opts.Workers
				if sorted {
					workers = 1
				}
				var mu sync.Mutex
				idle := 0
				testHookIdle = func(w bool) {
					mu.Lock()
					defer mu.Unlock()
					if !w {
						idle--
						return
					}
					idle++
					if idle == workers && !open.Load() {
						open.Store(true)
						close(ready)
					}
				}
				t.Cleanup(func() { testHookIdle = nil })
				opts.UnchangedReady = ready
				opts.Unchanged = func(path string, size int64, modTime time.Time) bool {
					if !open.Load() {
						t.Errorf("asked about %s before UnchangedReady", path)
					}
					asked.Add(1)
					return known[path]
				}
				n := 0
				seen := map[string]bool{}
				for fi := range Scan(context.Background(), []string{root}, opts) {
					n++
					if seen[fi.Path] {
						t.Errorf("%s yielded twice", fi.Path)
					}
					seen[fi.Path] = true
					base := filepath.Base(fi.Path)
					binary := base[1:3] == "00" || base[1:3] == "03" || base[1:3] == "06" || base[1:3] == "09" || base[1:3] == "12"
					switch {
					case known[fi.Path]:
						if !fi.Unchanged || fi.Skip != "" {
							t.Errorf("%s: known, got %+v", fi.Path, fi)
						}
					case binary:
						if fi.Unchanged || fi.Skip != SkipBinary {
							t.Errorf("%s: new and binary, got %+v", fi.Path, fi)
						}
					default:
						if fi.Unchanged || fi.Skip != "" {
							t.Errorf("%s: new, got %+v", fi.Path, fi)
						}
					}
				}
				if n != len(known) || asked.Load() != int64(len(known)) {
					t.Errorf("yielded %d, asked %d times, want %d", n, asked.Load(), len(known))
				}
			})
		})
	}
}

// TestLargeDirectory: a directory whose listing takes many reads (more entries
// than readChunk, more bytes than one listing buffer) yields each file once, in
// every walk mode.
func TestLargeDirectory(t *testing.T) {
	root := t.TempDir()
	want := map[string]bool{}
	long := strings.Repeat("n", 150)
	for i := range 2500 {
		name := fmt.Sprintf("%s%04d.py", long, i)
		if i%5 == 0 {
			name = fmt.Sprintf("%s%04d.txt", long, i)
		} else {
			want[name] = true
		}
		if err := os.WriteFile(filepath.Join(root, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, mode := range []string{"parallel", "sorted", "list", "unchanged"} {
		t.Run(mode, func(t *testing.T) {
			opts := plain(mode == "sorted")
			opts.ListOnly = mode == "list"
			if mode == "unchanged" {
				opts.Unchanged = func(string, int64, time.Time) bool { return true }
			}
			got := map[string]bool{}
			for fi := range Scan(context.Background(), []string{root}, opts) {
				name := filepath.Base(fi.Path)
				if got[name] || !want[name] || fi.Skip != "" || (mode == "unchanged") != fi.Unchanged {
					t.Errorf("unexpected or repeated: %+v", fi)
				}
				got[name] = true
			}
			if len(got) != len(want) {
				t.Errorf("%d files, want %d", len(got), len(want))
			}
		})
	}
}

// Options.Dir hears of each directory listed once, with the time it took,
// in both walks and in a list-only walk; a directory the walk skips is not
// listed.
func TestDirHook(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "x = 1\n")
	writeFile(t, filepath.Join(root, "pkg/b.py"), "y = 2\n")
	writeFile(t, filepath.Join(root, "pkg/sub/c.py"), "z = 3\n")
	writeFile(t, filepath.Join(root, "pkg/empty/README"), "")
	writeFile(t, filepath.Join(root, "node_modules/d.py"), "")
	bothModes(t, func(t *testing.T, sorted bool) {
		for _, listOnly := range []bool{false, true} {
			opts := plain(sorted)
			opts.ListOnly = listOnly
			var n, negative atomic.Int64
			opts.Dir = func(took time.Duration) {
				n.Add(1)
				if took < 0 {
					negative.Add(1)
				}
			}
			collect(t, root, []string{root}, opts)
			if n.Load() != 4 || negative.Load() != 0 { // root, pkg, pkg/sub, pkg/empty
				t.Errorf("list only %v: %d directories heard of (%d with a negative time), want 4", listOnly, n.Load(), negative.Load())
			}
		}
	})
}
