package scan

import (
	"context"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Filter checks an explicit list of paths (the original plan's filter_files), for
// lists made by other tools: `git diff --name-only`, `find`, a file of paths.
//
// Include and Exclude patterns (and Stubs, Shebang) apply, matched against each
// path as given (cleaned, slash-separated; an Exclude pattern that matches a
// directory above the file leaves it out too), so a mixed list keeps only Python
// files; pass Include: []string{"*"} to keep everything. Ignore files do NOT apply: the
// list's producer already chose these paths, and naming a file overrides ignore
// rules in ripgrep, fd and ctags alike (git itself only refuses explicit ignored
// paths for "git add", which writes; reading is harmless). Symbolic links in the
// list are followed, as explicit paths are. A path that does not exist yields
// SkipNotFound; a directory yields SkipNotRegular with IsDir set (use Scan to walk
// directories). The content checks are Scan's. Results come in no particular
// order unless Options.Sorted, which yields in input order.
func Filter(ctx context.Context, paths []string, opts Options) iter.Seq[FileInfo] {
	return func(yield func(FileInfo) bool) {
		cfg, err := newConfig(opts)
		if err != nil {
			yield(FileInfo{Skip: SkipInvalidOptions, Err: err})
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		w := newWalkCtx(ctx, cfg)
		if cfg.Sorted {
			buf := make([]byte, BinaryCheckSize)
			for _, p := range paths {
				if ctx.Err() != nil {
					return
				}
				if fi, keep := w.filterOne(p, buf); keep && !yield(fi) {
					return
				}
			}
			return
		}
		in := make(chan string)
		out := make(chan FileInfo, 4*cfg.workers)
		var wg sync.WaitGroup
		for range cfg.workers {
			wg.Go(func() {
				buf := make([]byte, BinaryCheckSize)
				for p := range in {
					fi, keep := w.filterOne(p, buf)
					if !keep {
						continue
					}
					select {
					case out <- fi:
					case <-ctx.Done():
					}
				}
			})
		}
		go func() {
			defer close(in)
			for _, p := range paths {
				select {
				case in <- p:
				case <-ctx.Done():
					return
				}
			}
		}()
		go func() {
			wg.Wait()
			close(out)
		}()
		for fi := range out {
			if !yield(fi) {
				cancel()
				for range out {
				}
				return
			}
		}
	}
}

// filterOne applies the name rules and then the content checks to one path.
func (w *walkCtx) filterOne(path string, buf []byte) (FileInfo, bool) {
	rel := filepath.ToSlash(filepath.Clean(path))
	name := filepath.Base(path)
	st, err := os.Stat(path)
	if err != nil {
		if isNotExist(err) {
			return skipInfo(path, SkipNotFound, err), true
		}
		return skipInfo(path, SkipUnreadable, err), true
	}
	if st.IsDir() {
		return FileInfo{Path: path, IsDir: true, Skip: SkipNotRegular}, true
	}
	included := w.cfg.inc.match(rel, false)
	shebang := !included && w.cfg.Shebang && st.Mode().IsRegular() && !strings.Contains(name, ".")
	if (!included && !shebang) || w.cfg.exc.matchUnder(rel) {
		return FileInfo{}, false
	}
	if !st.Mode().IsRegular() {
		return skipInfo(path, SkipNotRegular, nil), true
	}
	return w.check(candidate{path: path, shebang: shebang, explicit: true}, buf)
}
