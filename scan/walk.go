package scan

import (
	"context"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The walk, file by file:
//
//   - walk.go: Scan, the state one walk shares (walkCtx), the roots.
//   - listing.go: opening and listing a directory, with the rules that apply
//     per directory (link loops, virtualenvs, nested work trees, .gitignore).
//   - classify.go: the name rules for one entry of a listing (globs, hidden
//     and skipped directories, ignore rules, links): walk it, check it,
//     report it, or pass it over.
//   - check.go: the per-file checks on the opened file (regular file, link
//     duplicates, size, binary, shebang).
//   - unchanged.go: Options.Unchanged, OmitUnchanged and UnchangedReady: asking
//     about a stat'ed file before opening it, and holding candidates until
//     the hook can answer.
//   - walk_sorted.go: the sequential walk of Options.Sorted.
//   - walk_parallel.go: the parallel walk: the pool of directories and file
//     batches its workers share, and the walk of a directory from a listing
//     or from the directory cache (dircache.go).

// Scan walks roots and streams a FileInfo for every file to analyse or that was
// skipped for a reason worth reporting (and for every directory that could not
// be walked). Files that simply do not match — other extensions, ignored paths,
// skipped directories — are not reported.
//
// A root that is a file is taken as named: include/exclude globs and ignore rules
// do not apply to it (naming one file is unambiguous), only the content checks
// do. A root that is a directory is walked with the ignore files from the
// enclosing work tree's root down to it applying to its contents. If git ignores
// the directory itself (or one above it) — say the interpreter's own standard
// library under ~/.pyenv/versions, which pyenv's repository ignores — it is
// walked anyway, as ripgrep and fd do for a named path: the rules still apply
// to the paths below it, but the directory's own exclusion does not. Set
// SkipIgnoredRoots for git's behaviour (git lists nothing there, even when run
// inside it): the root then yields one FileInfo with SkipIgnored and IsDir. A
// root that does not exist yields SkipNotFound.
//
// The walk runs on Options.Workers goroutines and yields as it goes, in no
// particular order unless Options.Sorted (directories are taken at random,
// each followed by a run of its neighbours, see randomFrontier and
// depthShare); memory is bounded by the directories waiting to
// be walked (at most randomFrontier plus a depth-first walk's), never by the
// size of the tree. Breaking out
// of the loop, or cancelling ctx, stops the walk and waits for its goroutines; a
// cancelled walk just ends early. Invalid options yield one FileInfo whose Err is
// Options.Validate's error.
func Scan(ctx context.Context, roots []string, opts Options) iter.Seq[FileInfo] {
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
			w.walkSorted(roots, yield)
			return
		}
		out := make(chan FileInfo, 4*cfg.workers)
		go func() {
			defer close(out)
			w.walkParallel(roots, out)
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

// walkCtx is the state shared by all workers of one Scan or Filter call.
// The seen sets are guarded by mu; everything else is read-only.
type walkCtx struct {
	ctx context.Context
	cfg *config

	// rootAbs holds the absolute paths of the roots when there are several, so
	// that a root inside another is walked once, as a root.
	rootAbs map[string]bool

	mu        sync.Mutex
	seenDirs  map[devIno]struct{} // only when following links
	seenFiles map[devIno]struct{} // only when following links

	cache *cacheWalk // nil without Options.DirCache
}

func newWalkCtx(ctx context.Context, cfg *config) *walkCtx {
	w := &walkCtx{ctx: ctx, cfg: cfg}
	if cfg.FollowSymlinks {
		w.seenDirs = make(map[devIno]struct{})
		w.seenFiles = make(map[devIno]struct{})
	}
	return w
}

// firstSeen records id and reports whether it was new.
func (w *walkCtx) firstSeen(set map[devIno]struct{}, id devIno) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := set[id]; ok {
		return false
	}
	set[id] = struct{}{}
	return true
}

// dirJob is a directory waiting to be walked.
type dirJob struct {
	path     string       // OS path: the root as given joined with rel
	base     string       // path cleaned, to join entry names to (childPath)
	rel      string       // slash path relative to the scan root, "" for the root
	gitRel   string       // slash path relative to the enclosing work tree's root
	ignoring bool         // ignore rules apply (inside a work tree, or NoRequireGit)
	frame    *ignoreFrame // ignore files that apply to this directory's entries, before its own
	anc      *ancestor
	abs      string // absolute path, kept only when there are several roots
	root     int    // index of its root (the directory cache's key)
	cached   int    // its entry in the directory cache: offset+1, 0 for none
}

// candidate is a file that passed the name rules and must be opened.
type candidate struct {
	path     string
	name     string // the name in its directory's listing ("" for a root)
	asked    bool   // Options.Unchanged was already asked (by walkDir)
	shebang  bool   // keep only if the first line is a python "#!" line
	explicit bool   // named by the caller: follow links
}

// devIno identifies a file: device and inode.
type devIno struct{ dev, ino uint64 }

// ancestor is the chain of directories (by identity) above a directory, kept only
// when following symbolic links, to tell a loop from a mere second path.
type ancestor struct {
	parent *ancestor
	id     devIno
}

func (a *ancestor) contains(id devIno) bool {
	for ; a != nil; a = a.parent {
		if a.id == id {
			return true
		}
	}
	return false
}

// prepareRoots drops repeated roots and, when several remain, records their
// absolute paths: a root found inside another root's walk is left to its own walk
// (with the explicit-root rules), so that no file is yielded twice.
func (w *walkCtx) prepareRoots(roots []string) []string {
	if len(roots) < 2 {
		return roots
	}
	w.rootAbs = make(map[string]bool, len(roots))
	var out []string
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			out = append(out, r)
			continue
		}
		if !w.rootAbs[abs] {
			w.rootAbs[abs] = true
			out = append(out, r)
		}
	}
	return out
}

// root resolves one root: a directory job, a candidate, or a report.
func (w *walkCtx) root(root string) (entryAction, dirJob, candidate, FileInfo) {
	st, err := os.Stat(root)
	switch {
	case err != nil && isNotExist(err):
		return actReport, dirJob{}, candidate{}, skipInfo(root, SkipNotFound, err)
	case err != nil:
		return actReport, dirJob{}, candidate{}, skipInfo(root, SkipUnreadable, err)
	case st.IsDir():
		j, ignored := w.rootJob(root)
		if ignored && w.cfg.SkipIgnoredRoots {
			return actReport, dirJob{}, candidate{}, FileInfo{Path: root, IsDir: true, Skip: SkipIgnored}
		}
		return actDir, j, candidate{}, FileInfo{}
	case !st.Mode().IsRegular():
		return actReport, dirJob{}, candidate{}, skipInfo(root, SkipNotRegular, nil)
	}
	return actFile, dirJob{}, candidate{path: root, explicit: true}, FileInfo{}
}

// rootJob prepares the walk of a root directory: finds the enclosing work tree and
// loads the ignore files of every directory from the work tree's root down to the
// root's parent, so that a run started in a subdirectory sees what git sees.
// ignored is true when the root itself, or a directory above it in the work
// tree, is ignored.
func (w *walkCtx) rootJob(root string) (j dirJob, ignored bool) {
	j = dirJob{path: root, base: filepath.Clean(root)}
	if w.rootAbs != nil {
		j.abs, _ = filepath.Abs(root)
	}
	if w.cfg.NoIgnore {
		return j, false
	}
	abs, err := filepath.Abs(root)
	if err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
	}
	if repo, ok := findRepo(abs); ok {
		j.ignoring = true
		j.frame = baseFrames(w.cfg.env, repo)
		rel, err := filepath.Rel(repo.root, abs)
		if err != nil || rel == "." {
			return j, false
		}
		rel = filepath.ToSlash(rel)
		cur, base := repo.root, ""
		for part := range strings.SplitSeq(rel, "/") {
			j.frame = j.frame.push(filepath.Join(cur, ".gitignore"), base, true)
			cur, base = filepath.Join(cur, part), joinRel(base, part)
			if !ignored && j.frame.excluded(base, true) {
				// git lists nothing below an ignored directory, even when
				// run inside it; by default a named root is walked anyway.
				ignored = true
			}
		}
		j.gitRel = rel
		return j, ignored
	} else if w.cfg.NoRequireGit {
		j.ignoring = true
		j.frame = baseFrames(w.cfg.env, repoInfo{root: abs})
	}
	return j, false
}

// childPath is filepath.Join(dir, name) for a clean dir and a name from a
// listing (no separator, never "." or ".."), without Join's Clean: the walk
// builds one path per entry it keeps.
func childPath(dir, name string) string {
	switch {
	case filepath.Separator != '/':
		return filepath.Join(dir, name)
	case dir == ".":
		return name
	case dir[len(dir)-1] == '/':
		return dir + name
	}
	return dir + "/" + name
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func skipInfo(path string, reason SkipReason, err error) FileInfo {
	return FileInfo{Path: path, Skip: reason, Err: err}
}

func dirSkip(path string, err error) FileInfo {
	reason := SkipUnreadableDir
	if isNotExist(err) {
		reason = SkipVanished
	}
	return FileInfo{Path: path, IsDir: true, Skip: reason, Err: err}
}
