package scan

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

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
			cfg.exc.match(rel, true) || (j.ignoring && j.frame.excluded(gitRel, true)) {
			return actNone, dirJob{}, candidate{}, FileInfo{}
		}
		return actDir, dirJob{path: path, base: path, rel: rel, gitRel: gitRel, ignoring: j.ignoring, frame: j.frame, anc: j.anc, abs: abs, root: j.root}, candidate{}, FileInfo{}
	}
	var included bool
	if cfg.includeSuffixes != nil {
		included = hasAnySuffix(name, cfg.includeSuffixes)
	} else {
		included = cfg.inc.match(rel, false)
	}
	shebang := !included && cfg.Shebang && typ.IsRegular() && !strings.Contains(name, ".")
	if !included && !shebang {
		return actNone, dirJob{}, candidate{}, FileInfo{}
	}
	if cfg.exc.match(rel, false) || (j.ignoring && j.frame.excluded(gitRel, false)) {
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
