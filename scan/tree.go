package scan

import (
	"bytes"
	"strings"
)

// TreeRules are the name rules of Options for a tree that is not on disk (a
// git revision's tree, read from the repository's objects): the same
// Include and Exclude patterns, Stubs, Shebang, Hidden, SkipDirs and
// Virtualenvs, and .gitignore files found in the tree itself, with git's
// semantics (the matcher of Scan). The walker of such a tree asks Dir
// before entering a directory and File for each file, passing the ignore
// rules of the directory (Ignore, grown with Push as it descends).
// Only the tree's own .gitignore files apply: the user's excludes file
// and .git/info/exclude belong to a work tree, not to a revision. A
// TreeRules is safe for concurrent use.
type TreeRules struct {
	cfg *config
}

// NewTreeRules compiles opts' name rules, or returns Options.Validate's
// error.
func NewTreeRules(opts Options) (*TreeRules, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return &TreeRules{cfg: cfg}, nil
}

// Ignore is the chain of .gitignore files that applies in one directory of
// a tree. The nil *Ignore has no rules (the tree's root before its own
// .gitignore is pushed). An Ignore is immutable: Push returns a new one.
type Ignore struct {
	frame *ignoreFrame
}

// Push returns the rules of ig with those of a .gitignore file whose
// content is data, found in the directory dir (slash-separated, relative
// to the tree's root, "" for the root), applying below it. It returns ig
// when the file has no pattern. (NoIgnore is the caller's to check: see
// TreeRules.Ignores.)
func (ig *Ignore) Push(dir string, data []byte) *Ignore {
	pats := parseIgnore(data)
	if len(pats) == 0 {
		return ig
	}
	var parent *ignoreFrame
	if ig != nil {
		parent = ig.frame
	}
	return &Ignore{frame: &ignoreFrame{parent: parent, base: dir, pats: pats}}
}

func (ig *Ignore) excluded(rel string, isDir bool) bool {
	return ig != nil && ig.frame.excluded(rel, isDir)
}

// Ignores reports whether .gitignore files apply (Options.NoIgnore is not
// set).
func (t *TreeRules) Ignores() bool { return !t.cfg.NoIgnore }

// Dir reports whether the walk enters the directory at rel (slash-separated,
// relative to the tree's root): not hidden (unless Hidden), not in SkipDirs,
// not excluded, not ignored by ig, and not a virtual environment (unless
// Virtualenvs) as its entries show: has(name) reports whether the directory
// holds an entry of that name (a slash-separated path below it, such as
// "bin/activate").
func (t *TreeRules) Dir(rel string, ig *Ignore, has func(name string) bool) bool {
	cfg := t.cfg
	name := rel[strings.LastIndexByte(rel, '/')+1:]
	if (!cfg.Hidden && strings.HasPrefix(name, ".")) || cfg.skipDirs[name] {
		return false
	}
	if cfg.exc.match(rel, true) || (!cfg.NoIgnore && ig.excluded(rel, true)) {
		return false
	}
	if !cfg.Virtualenvs && has != nil {
		if has("pyvenv.cfg") {
			return false
		}
		switch name {
		case ".venv", "venv", "env", "virtualenv", ".env":
			if has("bin/activate") || has("Scripts/activate") {
				return false
			}
		}
	}
	return true
}

// File reports what becomes of the file at rel, in a directory the walk
// entered: ok is false when it is not a candidate (not included, excluded,
// ignored by ig); shebang is true when it is a candidate only if its
// content starts with a python "#!" line (Options.Shebang and a name
// without a dot; see IsPythonShebang). As in Scan, a link or other
// non-regular entry is a candidate by its name (the walker reports it with
// its skip reason).
func (t *TreeRules) File(rel string, ig *Ignore, regular bool) (ok, shebang bool) {
	cfg := t.cfg
	name := rel[strings.LastIndexByte(rel, '/')+1:]
	var included bool
	if cfg.includeSuffixes != nil {
		included = hasAnySuffix(name, cfg.includeSuffixes)
	} else {
		included = cfg.inc.match(rel, false)
	}
	shebang = !included && cfg.Shebang && regular && !strings.Contains(name, ".")
	if !included && !shebang {
		return false, false
	}
	if cfg.exc.match(rel, false) || (!cfg.NoIgnore && ig.excluded(rel, false)) {
		return false, false
	}
	return true, shebang
}

// MaxSize is Options.MaxSize (0: no limit).
func (t *TreeRules) MaxSize() int64 { return t.cfg.MaxSize }

// Check applies Scan's content rules to a regular file of size bytes whose
// first bytes are head (at least min(size, BinaryCheckSize) of them):
// SkipTooLarge over MaxSize, SkipBinary with a NUL byte in the first
// BinaryCheckSize bytes, else "".
func (t *TreeRules) Check(size int64, head []byte) SkipReason {
	switch {
	case t.cfg.MaxSize > 0 && size > t.cfg.MaxSize:
		return SkipTooLarge
	case IsBinary(head):
		return SkipBinary
	}
	return ""
}

// IsBinary reports whether content is binary as Scan decides it: a NUL byte
// in its first BinaryCheckSize bytes.
func IsBinary(content []byte) bool {
	return bytes.IndexByte(content[:min(len(content), BinaryCheckSize)], 0) >= 0
}

// IsPythonShebang reports whether content's first line is "#!" naming a
// python interpreter, directly ("#!/usr/bin/python3") or through env
// ("#!/usr/bin/env -S python3.14 -u"), as Options.Shebang takes it.
func IsPythonShebang(content []byte) bool {
	return isPythonShebang(content[:min(len(content), BinaryCheckSize)])
}
