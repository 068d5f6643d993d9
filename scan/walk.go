package scan

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

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

func skipInfo(path, reason string, err error) FileInfo {
	return FileInfo{Path: path, Skip: reason, Err: err}
}

func dirSkip(path string, err error) FileInfo {
	reason := SkipUnreadableDir
	if isNotExist(err) {
		reason = SkipVanished
	}
	return FileInfo{Path: path, IsDir: true, Skip: reason, Err: err}
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

// dirEntry is one entry of a directory listing: its name and its type bits
// (fs.FileMode.Type), as the listing gives them.
type dirEntry struct {
	name string
	typ  fs.FileMode
}

// scratch is one walking goroutine's reusable buffers.
type scratch struct {
	head    []byte     // BinaryCheckSize: the first block of a file
	dirents []byte     // raw directory listing (dirBufSize)
	entries []dirEntry // parsed entries of the chunk being walked
}

func newScratch() *scratch {
	return &scratch{head: make([]byte, BinaryCheckSize), dirents: make([]byte, dirBufSize)}
}

// listing is a directory opened for walking, with its first entries read.
type listing struct {
	d        *dirReader
	first    []dirEntry // the first readChunk entries (all of them in sorted mode)
	firstErr error      // the error of that first read, io.EOF at the end
	complete bool       // first holds every entry
	rec      *cachedDir // records the listing for the directory cache, or nil
	dotGit   bool       // it holds .git
	pushed   bool       // its .gitignore was pushed on the job's frames
}

// specials finds the entries the per-directory rules look for. From a complete
// listing this costs no system call (most directories fit in one chunk); from a
// partial one it falls back to Lstat.
func (l *listing) specials(dir string) (venvCfg, dotGit bool, gitignore fs.FileMode, hasGitignore bool) {
	if l.complete {
		for _, e := range l.first {
			switch e.name {
			case "pyvenv.cfg":
				venvCfg = true
			case ".git":
				dotGit = true
			case ".gitignore":
				gitignore, hasGitignore = e.typ, true
			}
		}
		return
	}
	_, err := os.Lstat(filepath.Join(dir, "pyvenv.cfg"))
	venvCfg = err == nil
	_, err = os.Lstat(filepath.Join(dir, ".git"))
	dotGit = err == nil
	if fi, err := os.Lstat(filepath.Join(dir, ".gitignore")); err == nil {
		gitignore, hasGitignore = fi.Mode().Type(), true
	}
	return
}

// openDir opens and starts listing a directory, and applies the per-directory
// rules: link loops and duplicates, virtualenvs, a nested work tree, the
// directory's own .gitignore. ok is false when the directory must not be walked;
// report, if set, says why. all reads the whole listing at once. The listing
// reads into sc.
func (w *walkCtx) openDir(j *dirJob, all bool, sc *scratch) (l listing, report *FileInfo, ok bool) {
	// Roots are followed; below them a directory is opened as listed.
	d, err := openDirReader(j.path, w.cfg.FollowSymlinks || j.rel == "", sc.dirents)
	if err != nil {
		fi := dirSkip(j.path, err)
		if isLoopErr(err) {
			fi.Skip, fi.Err = SkipSymlink, nil
		}
		return l, &fi, false
	}
	fail := func(fi FileInfo) (listing, *FileInfo, bool) {
		d.close()
		return listing{}, &fi, false
	}
	if w.cfg.FollowSymlinks {
		id, known, err := d.id()
		if err != nil {
			return fail(dirSkip(j.path, err))
		}
		if known {
			if !w.firstSeen(w.seenDirs, id) {
				reason := SkipDuplicate
				if j.anc.contains(id) {
					reason = SkipSymlinkLoop
				}
				return fail(FileInfo{Path: j.path, IsDir: true, Skip: reason})
			}
			j.anc = &ancestor{parent: j.anc, id: id}
		}
	}
	l.d = d
	l.rec = w.cache.startRecord(j, d, now())
	n := readChunk
	if all {
		n = 0
	}
	l.first, l.firstErr = d.read(sc.entries[:0], n)
	sc.entries = l.first[:0]
	if l.firstErr != nil && l.firstErr != io.EOF && len(l.first) == 0 {
		return fail(dirSkip(j.path, l.firstErr))
	}
	// read(n) stops short of n entries only at the end of the directory.
	l.complete = l.firstErr != nil || len(l.first) < readChunk
	venvCfg, dotGit, gitignoreType, hasGitignore := l.specials(j.path)
	if j.rel != "" && !w.cfg.Virtualenvs && (venvCfg || isOldVirtualenv(j.path)) {
		d.close()
		return listing{}, nil, false
	}
	if !w.cfg.NoIgnore {
		if j.rel != "" && dotGit {
			if gd, isRepo := gitDirAt(j.path); isRepo {
				// A nested work tree: its own rules replace the outer ones.
				j.ignoring = true
				j.gitRel = ""
				j.frame = baseFrames(w.cfg.env, repoInfo{root: j.path, gitDir: gd})
			}
		}
		// git ≥ 2.32 does not follow a symlinked .gitignore in the work tree.
		if j.ignoring && hasGitignore && gitignoreType.IsRegular() {
			j.frame = j.frame.push(filepath.Join(j.path, ".gitignore"), j.gitRel, false)
			l.pushed = true
		}
	}
	l.dotGit = dotGit
	return l, nil, true
}

// isOldVirtualenv recognises a virtual environment without pyvenv.cfg (older
// virtualenv): a conventional name holding an activate script.
func isOldVirtualenv(dir string) bool {
	switch filepath.Base(dir) {
	case ".venv", "venv", "env", "virtualenv", ".env":
		for _, a := range []string{"bin/activate", "Scripts/activate"} {
			if _, err := os.Lstat(filepath.Join(dir, a)); err == nil {
				return true
			}
		}
	}
	return false
}

// entryAction is what to do with one directory entry.
type entryAction int

const (
	actNone entryAction = iota
	actDir
	actFile
	actReport
)

// classify applies the name rules to one entry of directory j. It never opens the
// entry; it stats it only for a followed symbolic link.
func (w *walkCtx) classify(j *dirJob, name string, typ fs.FileMode) (entryAction, dirJob, candidate, FileInfo) {
	cfg := w.cfg
	isLink := typ&fs.ModeSymlink != 0
	// Most entries of a tree are settled by their name alone, before any
	// path is built.
	if typ.IsDir() && ((!cfg.Hidden && strings.HasPrefix(name, ".")) || cfg.skipDirs[name]) {
		return actNone, dirJob{}, candidate{}, FileInfo{}
	}
	if !typ.IsDir() && !isLink && !cfg.Shebang && cfg.includeSuffixes != nil && !hasAnySuffix(name, cfg.includeSuffixes) {
		return actNone, dirJob{}, candidate{}, FileInfo{}
	}
	path := childPath(j.base, name)
	name = path[len(path)-len(name):] // (kept in a candidate: no second string)
	var abs string
	if w.rootAbs != nil && j.abs != "" {
		abs = filepath.Join(j.abs, name)
		if w.rootAbs[abs] {
			return actNone, dirJob{}, candidate{}, FileInfo{} // walked as a root
		}
	}
	var linkErr error
	if isLink && cfg.FollowSymlinks {
		st, err := os.Stat(path)
		if err != nil {
			linkErr = err
		} else {
			typ = st.Mode().Type()
			isLink = false
		}
	}
	// The paths relative to the root and to the work tree, when a rule
	// needs them.
	var rel, gitRel string
	if typ.IsDir() || cfg.includeSuffixes == nil || len(cfg.Exclude) > 0 {
		rel = joinRel(j.rel, name)
	}
	if j.ignoring {
		gitRel = joinRel(j.gitRel, name)
	}
	if typ.IsDir() {
		if (!cfg.Hidden && strings.HasPrefix(name, ".")) || cfg.skipDirs[name] ||
			matchAny(cfg.Exclude, rel) || (j.ignoring && j.frame.excluded(gitRel, true)) {
			return actNone, dirJob{}, candidate{}, FileInfo{}
		}
		return actDir, dirJob{path: path, base: path, rel: rel, gitRel: gitRel, ignoring: j.ignoring, frame: j.frame, anc: j.anc, abs: abs, root: j.root}, candidate{}, FileInfo{}
	}
	var included bool
	if cfg.includeSuffixes != nil {
		included = hasAnySuffix(name, cfg.includeSuffixes)
	} else {
		included = matchAny(cfg.include, rel)
	}
	shebang := !included && cfg.Shebang && typ.IsRegular() && !strings.Contains(name, ".")
	if !included && !shebang {
		return actNone, dirJob{}, candidate{}, FileInfo{}
	}
	if matchAny(cfg.Exclude, rel) || (j.ignoring && j.frame.excluded(gitRel, false)) {
		return actNone, dirJob{}, candidate{}, FileInfo{}
	}
	switch {
	case linkErr != nil:
		reason := SkipBrokenSymlink
		if isLoopErr(linkErr) {
			reason = SkipSymlinkLoop
		}
		return actReport, dirJob{}, candidate{}, skipInfo(path, reason, linkErr)
	case isLink:
		return actReport, dirJob{}, candidate{}, lstatInfo(path, SkipSymlink)
	case !typ.IsRegular():
		return actReport, dirJob{}, candidate{}, lstatInfo(path, SkipNotRegular)
	}
	return actFile, dirJob{}, candidate{path: path, name: name, shebang: shebang}, FileInfo{}
}

// head is what readHead learns about an opened file.
type head struct {
	size    int64
	modTime time.Time
	id      devIno
	idKnown bool
	regular bool
	typ     fs.FileMode // type bits (statAt only)
	n       int         // bytes of the first block read into the buffer
}

// lstatInfo reports a link or non-regular file with what lstat says about it
// (without opening it).
func lstatInfo(path, reason string) FileInfo {
	fi := FileInfo{Path: path, Skip: reason}
	if st, err := os.Lstat(path); err == nil {
		fi.Size, fi.ModTime = st.Size(), st.ModTime()
		id, _ := fileID(st)
		fi.Dev, fi.Ino = id.dev, id.ino
	}
	return fi
}

// check opens a candidate file and applies the content rules: regular file (by
// fstat of the opened descriptor), link duplicates, size, binary, shebang. keep
// is false when the file is silently not a Python file (a shebang candidate that
// is not one). buf is the caller's BinaryCheckSize scratch buffer.
func (w *walkCtx) check(c candidate, buf []byte) (fi FileInfo, keep bool) {
	follow := w.cfg.FollowSymlinks || c.explicit
	if w.cfg.ListOnly {
		fi := FileInfo{Path: c.path}
		if w.cfg.ListStat {
			stat := os.Lstat
			if follow {
				stat = os.Stat
			}
			if st, err := stat(c.path); err == nil {
				fi.Size, fi.ModTime = st.Size(), st.ModTime()
			}
		}
		return fi, !c.shebang
	}
	if w.cfg.Unchanged != nil && !c.asked {
		if fi, ok := w.unchanged(c.path, follow); ok {
			return fi, true
		}
	}
	h, err := readHead(c.path, follow, w.cfg.MaxSize, c.shebang, buf[:BinaryCheckSize])
	if err != nil && !h.idKnown {
		switch {
		case isNotExist(err):
			return skipInfo(c.path, SkipVanished, err), !c.shebang
		case !follow && isLoopErr(err):
			return skipInfo(c.path, SkipSymlink, nil), !c.shebang
		case isLoopErr(err):
			return skipInfo(c.path, SkipSymlinkLoop, err), !c.shebang
		}
		return skipInfo(c.path, SkipUnreadable, err), !c.shebang
	}
	fi = FileInfo{Path: c.path, Size: h.size, ModTime: h.modTime, Dev: h.id.dev, Ino: h.id.ino}
	if err != nil {
		fi.Skip, fi.Err = SkipUnreadable, err
		return fi, !c.shebang
	}
	if !h.regular {
		fi.Skip = SkipNotRegular
		return fi, !c.shebang
	}
	headBytes := buf[:h.n]
	if c.shebang && !isPythonShebang(headBytes) {
		return fi, false
	}
	if w.seenFiles != nil && h.idKnown && !w.firstSeen(w.seenFiles, h.id) {
		fi.Skip = SkipDuplicate
		return fi, true
	}
	switch {
	case w.cfg.MaxSize > 0 && h.size > w.cfg.MaxSize:
		fi.Skip = SkipTooLarge
	case bytes.IndexByte(headBytes, 0) >= 0:
		fi.Skip = SkipBinary
	}
	return fi, true
}

// unchanged stats a candidate and asks Options.Unchanged about it. ok is
// false when the file must be checked as usual: the stat failed (the open
// then reports why), it is not a regular file, it is too large, or the hook
// said no.
func (w *walkCtx) unchanged(path string, follow bool) (fi FileInfo, ok bool) {
	if !w.waitReady() {
		return fi, false
	}
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	st, err := stat(path)
	if err != nil {
		return fi, false
	}
	h := head{size: st.Size(), modTime: st.ModTime(), regular: st.Mode().IsRegular()}
	h.id, h.idKnown = fileID(st)
	return w.unchangedHead(path, h)
}

// ready reports whether Options.Unchanged can be asked without waiting.
func (w *walkCtx) ready() bool {
	if w.cfg.UnchangedReady == nil {
		return true
	}
	select {
	case <-w.cfg.UnchangedReady:
		return true
	default:
		return false
	}
}

// waitReady waits until Options.Unchanged can be asked; false if the walk
// was cancelled first.
func (w *walkCtx) waitReady() bool {
	if w.cfg.UnchangedReady == nil {
		return true
	}
	select {
	case <-w.cfg.UnchangedReady:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// unchangedHead is unchanged for a file already stat'ed (h).
func (w *walkCtx) unchangedHead(path string, h head) (fi FileInfo, ok bool) {
	if !h.regular || (w.cfg.MaxSize > 0 && h.size > w.cfg.MaxSize) {
		return fi, false
	}
	if !w.cfg.Unchanged(path, h.size, h.modTime) {
		return fi, false
	}
	fi = FileInfo{Path: path, Size: h.size, ModTime: h.modTime, Dev: h.id.dev, Ino: h.id.ino, Unchanged: true}
	if w.seenFiles != nil && h.idKnown && !w.firstSeen(w.seenFiles, h.id) {
		fi.Skip, fi.Unchanged = SkipDuplicate, false
	}
	return fi, true
}

// isPythonShebang reports whether the first line is "#!" naming a python
// interpreter, directly ("#!/usr/bin/python3") or through env
// ("#!/usr/bin/env -S python3.14 -u").
func isPythonShebang(head []byte) bool {
	line, ok := bytes.CutPrefix(head, []byte("#!"))
	if !ok {
		return false
	}
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	for _, field := range bytes.Fields(line) {
		name := field[bytes.LastIndexByte(field, '/')+1:]
		rest, ok := bytes.CutPrefix(name, []byte("python"))
		if !ok {
			continue
		}
		if len(bytes.Trim(rest, "0123456789.")) == 0 {
			return true
		}
	}
	return false
}

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
// particular order unless Options.Sorted (directories are taken in a random
// order, see randomFrontier); memory is bounded by the directories waiting to
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

// rootEntries resolves each root: a directory job, a candidate, or a report.
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

// walkSorted walks sequentially in the caller's goroutine, each directory's
// entries in lexical order.
func (w *walkCtx) walkSorted(roots []string, yield func(FileInfo) bool) {
	sc := newScratch()
	emitFile := func(c candidate) bool {
		if fi, keep := w.check(c, sc.head); keep && !(fi.Unchanged && w.cfg.OmitUnchanged) {
			if w.cfg.Tally != nil && fi.Skip == "" && fi.Err == nil {
				w.cfg.Tally(fi.Path, fi.Size)
				return true
			}
			return yield(fi)
		}
		return true
	}
	var walkDir func(j dirJob) bool
	walkDir = func(j dirJob) bool {
		if w.ctx.Err() != nil {
			return false
		}
		l, report, ok := w.openDir(&j, true, sc)
		if !ok {
			if report != nil {
				return yield(*report)
			}
			return true
		}
		l.d.close()
		// (A copy: the walk of a subdirectory reuses sc.)
		entries, err := slices.Clone(l.first), l.firstErr
		if err == io.EOF {
			err = nil
		}
		slices.SortFunc(entries, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
		for _, e := range entries {
			if w.ctx.Err() != nil {
				return false
			}
			act, sub, c, fi := w.classify(&j, e.name, e.typ)
			var cont bool
			switch act {
			case actNone:
				cont = true
			case actDir:
				cont = walkDir(sub)
			case actFile:
				cont = emitFile(c)
			case actReport:
				cont = yield(fi)
			}
			if !cont {
				return false
			}
		}
		if err != nil {
			return yield(dirSkip(j.path, err))
		}
		return true
	}
	for _, r := range w.prepareRoots(roots) {
		act, j, c, fi := w.root(r)
		var cont bool
		switch act {
		case actDir:
			cont = walkDir(j)
		case actFile:
			cont = emitFile(c)
		default:
			cont = yield(fi)
		}
		if !cont {
			return
		}
	}
}

// Parallel walking: a shared pool of directories (taken at random while it is
// small, last in first out beyond: depth first keeps the frontier small) and
// a bounded list of file batches to check. The queue state is owned by
// pool and guarded by its mutex; workers only push, pop and send results.
type pool struct {
	w     *walkCtx
	out   chan<- FileInfo
	mu    sync.Mutex
	cond  sync.Cond
	dirs  []dirJob
	files [][]candidate
	// deferred are stat'ed candidates waiting for Options.UnchangedReady,
	// in batches of fileBatch.
	deferred  [][]statted
	ndeferred int
	busy      int // jobs taken and not finished
}

// statted is a candidate and what a stat said about it.
type statted struct {
	c candidate
	h head
}

const (
	readChunk = 256 // directory entries read at a time
	fileBatch = 32  // candidates per file job
)

// randomFrontier: while no more directories than this wait to be walked,
// the next one is taken at random, not the last one found. The files done at
// any point of a run are then a fair sample of the whole tree rather than of
// the subtrees a depth-first walk happened to reach first, whose cost per
// byte can differ by a third from the rest (the standard library's tests
// against site-packages): that is what makes a byte-based ETA meaningful
// early (on the full tree, the ETA at 10% of the bytes went from 30-43% long
// to 4-24%). Beyond it the walk is depth first, which bounds the frontier.
const randomFrontier = 4096

// maxDeferred bounds the candidates held for Options.UnchangedReady (about
// 5 MB); beyond it the walk waits. (A variable for the tests.)
var maxDeferred = 1 << 15

func (w *walkCtx) walkParallel(roots []string, out chan<- FileInfo) {
	p := &pool{w: w, out: out}
	p.cond.L = &p.mu
	stop := context.AfterFunc(w.ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	var explicit []candidate
	roots = w.prepareRoots(roots)
	w.cache = newCacheWalk(w.cfg.DirCache, w.cfg, roots)
	for i := len(roots) - 1; i >= 0; i-- {
		act, j, c, fi := w.root(roots[i])
		switch act {
		case actDir:
			j.root, j.cached = i, w.cache.rootRef(i)
			p.dirs = append(p.dirs, j)
		case actFile:
			explicit = append(explicit, c)
		default:
			if !p.emit(fi) {
				return
			}
		}
	}
	if len(explicit) > 0 {
		p.files = append(p.files, explicit)
	}
	if ready := w.cfg.UnchangedReady; ready != nil {
		// Wake the workers waiting with deferred candidates only.
		go func() {
			select {
			case <-ready:
				p.mu.Lock()
				p.cond.Broadcast()
				p.mu.Unlock()
			case <-w.ctx.Done():
			}
		}()
	}
	var wg sync.WaitGroup
	for range w.cfg.workers {
		wg.Go(p.work)
	}
	wg.Wait()
	if w.ctx.Err() == nil {
		w.cache.done()
	}
}

func (p *pool) emit(fi FileInfo) bool {
	if fi.Unchanged && p.w.cfg.OmitUnchanged {
		return true
	}
	if p.w.cfg.Tally != nil && fi.Skip == "" && !fi.IsDir && fi.Err == nil {
		p.w.cfg.Tally(fi.Path, fi.Size)
		return true
	}
	select {
	case p.out <- fi:
		return true
	case <-p.w.ctx.Done():
		return false
	}
}

func (p *pool) work() {
	sc := newScratch()
	for {
		p.mu.Lock()
		for len(p.files) == 0 && len(p.dirs) == 0 && !(len(p.deferred) > 0 && p.w.ready()) &&
			(p.busy > 0 || len(p.deferred) > 0) && p.w.ctx.Err() == nil {
			p.cond.Wait()
		}
		if p.w.ctx.Err() != nil || (len(p.files) == 0 && len(p.dirs) == 0 && len(p.deferred) == 0) {
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
		var files []candidate
		var dir dirJob
		var stats []statted
		isDir := false
		if n := len(p.deferred); n > 0 && p.w.ready() {
			stats, p.deferred[n-1] = p.deferred[n-1], nil
			p.deferred = p.deferred[:n-1]
			p.ndeferred -= len(stats)
		} else if n := len(p.files); n > 0 {
			files, p.files[n-1] = p.files[n-1], nil
			p.files = p.files[:n-1]
		} else {
			n := len(p.dirs)
			if n <= randomFrontier {
				i := rand.IntN(n)
				p.dirs[i], p.dirs[n-1] = p.dirs[n-1], p.dirs[i]
			}
			dir, p.dirs[n-1] = p.dirs[n-1], dirJob{}
			p.dirs = p.dirs[:n-1]
			isDir = true
		}
		p.busy++
		p.mu.Unlock()

		switch {
		case isDir:
			p.walkDir(dir, sc)
		case stats != nil:
			p.settle(stats, sc.head)
		default:
			p.checkFiles(files, sc.head)
		}

		p.mu.Lock()
		p.busy--
		if p.busy == 0 && len(p.files) == 0 && len(p.dirs) == 0 {
			p.cond.Broadcast()
		}
		p.mu.Unlock()
	}
}

func (p *pool) checkFiles(files []candidate, buf []byte) bool {
	for _, c := range files {
		if p.w.ctx.Err() != nil {
			return false
		}
		if fi, keep := p.w.check(c, buf); keep && !p.emit(fi) {
			return false
		}
	}
	return true
}

// settle asks Options.Unchanged about deferred candidates and checks the
// ones it does not declare unchanged.
func (p *pool) settle(stats []statted, buf []byte) bool {
	for _, s := range stats {
		if p.w.ctx.Err() != nil {
			return false
		}
		fi, ok := p.w.unchangedHead(s.c.path, s.h)
		keep := true
		if !ok {
			fi, keep = p.w.check(s.c, buf)
		}
		if keep && !p.emit(fi) {
			return false
		}
	}
	return true
}

// deferFile holds a stat'ed candidate until Options.UnchangedReady; false
// when enough are held already.
func (p *pool) deferFile(c candidate, h head) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ndeferred >= maxDeferred {
		return false
	}
	n := len(p.deferred)
	if n == 0 || len(p.deferred[n-1]) == fileBatch {
		p.deferred = append(p.deferred, make([]statted, 0, fileBatch))
		n++
	}
	p.deferred[n-1] = append(p.deferred[n-1], statted{c, h})
	p.ndeferred++
	return true
}

// dirOut is where one directory's walk sends what it finds: subdirectories
// to the queue, candidate files in batches to the workers (or, when enough
// batches are waiting, checked at once, which bounds the queue), reports to
// the output. With an Unchanged hook each candidate is stat'ed first (by
// stat) and the unchanged ones are settled at once.
type dirOut struct {
	p     *pool
	sc    *scratch
	stat  func(c candidate) (head, error)
	batch []candidate
}

func (o *dirOut) dir(sub dirJob) {
	o.p.mu.Lock()
	o.p.dirs = append(o.p.dirs, sub)
	o.p.cond.Signal()
	o.p.mu.Unlock()
}

// file takes one candidate; false when the walk must stop.
func (o *dirOut) file(c candidate) bool {
	p, w := o.p, o.p.w
	if w.cfg.ListOnly && w.cfg.ListStat && !c.shebang {
		fi := FileInfo{Path: c.path}
		if h, err := o.stat(c); err == nil {
			fi.Size, fi.ModTime = h.size, h.modTime
		}
		return p.emit(fi)
	}
	if w.cfg.Unchanged != nil && !w.cfg.ListOnly {
		c.asked = true
		if h, err := o.stat(c); err == nil {
			if !w.ready() {
				if p.deferFile(c, h) {
					return true
				}
				if !w.waitReady() {
					return false
				}
			}
			if fi, ok := w.unchangedHead(c.path, h); ok {
				return p.emit(fi)
			}
		}
	}
	o.batch = append(o.batch, c)
	return len(o.batch) < fileBatch || o.flush()
}

func (o *dirOut) flush() bool {
	if len(o.batch) == 0 {
		return true
	}
	p := o.p
	p.mu.Lock()
	if len(p.files) < 2*p.w.cfg.workers {
		p.files = append(p.files, o.batch)
		p.cond.Signal()
		p.mu.Unlock()
		o.batch = nil
		return true
	}
	p.mu.Unlock()
	ok := p.checkFiles(o.batch, o.sc.head)
	o.batch = o.batch[:0]
	return ok
}

// walkDir walks one directory: from the directory cache when its entry
// still holds, else by listing it in chunks (and recording the listing).
func (p *pool) walkDir(j dirJob, sc *scratch) {
	w := p.w
	e := w.cache.find(&j)
	if e != nil && e.trusted {
		if p.walkCached(j, e, sc) {
			return
		}
		w.cache.c.misses.Add(1)
	}
	l, report, ok := w.openDir(&j, false, sc)
	if !ok {
		if report != nil {
			p.emit(*report)
		}
		return
	}
	defer l.d.close()
	out := dirOut{p: p, sc: sc, stat: func(c candidate) (head, error) { return l.d.statAt(c.name, w.cfg.FollowSymlinks) }}
	entries, err := l.first, l.firstErr
	for {
		if w.ctx.Err() != nil {
			return
		}
		for _, ent := range entries {
			act, sub, c, fi := w.classify(&j, ent.name, ent.typ)
			switch act {
			case actDir:
				name := sub.path[len(sub.path)-len(ent.name):]
				if l.rec != nil {
					l.rec.subdirs = append(l.rec.subdirs, name)
				}
				sub.cached = e.subOff(name) + 1
				out.dir(sub)
			case actFile:
				if l.rec != nil {
					l.rec.files = append(l.rec.files, c.name)
				}
				if !out.file(c) {
					return
				}
			case actReport:
				if l.rec != nil {
					l.rec.trusted = false
				}
				if !p.emit(fi) {
					return
				}
			}
		}
		if err != nil {
			if !out.flush() {
				return
			}
			if err != io.EOF {
				p.emit(dirSkip(j.path, err))
				return
			}
			w.cache.finish(l.rec, e, &j, l.pushed, l.dotGit)
			return
		}
		entries, err = l.d.read(entries[:0], readChunk)
	}
}

// walkCached walks j from its cache entry e, after checking that the entry
// still holds: false (nothing done) when it does not.
func (p *pool) walkCached(j dirJob, e *cachedDir, sc *scratch) bool {
	w := p.w
	st, err := statDir(j.path, j.rel == "")
	if err != nil || !st.isDir || st.dev != e.dev || st.ino != e.ino || st.mtime != e.mtime || st.ctime != e.ctime || !w.cache.trusted(st.dev, j.path) {
		return false
	}
	if e.gitignore {
		if !j.ignoring {
			return false
		}
		j.frame = j.frame.push(filepath.Join(j.path, ".gitignore"), j.gitRel, false)
	}
	if rulesSum(&j) != e.rules {
		return false
	}
	w.cache.c.hits.Add(1)
	w.cache.keep(&j, e)
	out := dirOut{p: p, sc: sc, stat: func(c candidate) (head, error) { return statFile(c.path, false) }}
	for i, name := range e.subdirs {
		sub := dirJob{path: childPath(j.base, name), rel: joinRel(j.rel, name), ignoring: j.ignoring, frame: j.frame, root: j.root, cached: e.subOffs[i] + 1}
		sub.base = sub.path
		if j.ignoring {
			sub.gitRel = joinRel(j.gitRel, name)
		}
		if j.abs != "" {
			sub.abs = filepath.Join(j.abs, name)
		}
		out.dir(sub)
	}
	for _, name := range e.files {
		if w.ctx.Err() != nil {
			return true
		}
		path := childPath(j.base, name)
		if !out.file(candidate{path: path, name: path[len(path)-len(name):]}) {
			return true
		}
	}
	out.flush()
	return true
}
