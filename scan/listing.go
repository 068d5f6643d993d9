package scan

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// dirEntry is one entry of a directory listing: its name and its type bits
// (fs.FileMode.Type), as the listing gives them.
type dirEntry struct {
	name string
	typ  fs.FileMode
}

// scratch is one walking goroutine's reusable buffers.
type scratch struct {
	head    []byte        // BinaryCheckSize: the first block of a file
	dirents []byte        // raw directory listing (dirBufSize)
	entries []dirEntry    // parsed entries of the chunk being walked
	checked time.Duration // spent checking files inline while walking a directory (see Options.Dir)
}

func newScratch() *scratch {
	return &scratch{head: make([]byte, BinaryCheckSize), dirents: make([]byte, dirBufSize)}
}

// readChunk is how many directory entries are read at a time.
const readChunk = 256

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
