package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// DefaultInclude returns the include globs used when Options.Include is nil:
// "**/*.py" and "**/*.ipynb" (Jupyter notebooks, as ruff since 0.6).
func DefaultInclude() []string { return []string{"**/*.py", "**/*.ipynb"} }

// DefaultSkipDirs returns the directory names never descended into when
// Options.SkipDirs is nil: version-control metadata, caches and dependency trees
// that are not the user's source. Hidden directories (".name") are skipped
// separately unless Options.Hidden is set; virtualenvs are recognised by content
// unless Options.Virtualenvs is set.
func DefaultSkipDirs() []string {
	return []string{
		".git", ".hg", ".svn", "__pycache__", "node_modules",
		".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
	}
}

// DefaultMaxSize is the size limit DefaultOptions sets: larger files are skipped
// with SkipTooLarge.
const DefaultMaxSize = 10 << 20

// Options configures Scan and Filter. The zero value is usable: default include
// glob, ignore files honoured, hidden directories, DefaultSkipDirs() and virtualenvs
// skipped, symbolic links not followed, no size limit, GOMAXPROCS workers.
// DefaultOptions returns the same with MaxSize set to DefaultMaxSize.
type Options struct {
	// Include are .gitignore patterns (git's syntax and matching, as ruff's
	// --exclude takes them) choosing the files to yield, matched against a
	// file's slash-separated path relative to the root it was found under: a
	// pattern without a slash matches the name at any depth ("*.py",
	// "conftest.py"); one with a slash is anchored at the root ("/setup.py",
	// "src/*.py"); "**" crosses directories ("src/**/*.py"); "!" takes back
	// what an earlier pattern matched (the last match decides). nil means
	// DefaultInclude().
	Include []string
	// Exclude are .gitignore patterns, as Include, matched against files and
	// directories: "tests" leaves out every file or directory of that name,
	// "/build" only the one at the root, "gen/" directories only; a matching
	// directory is not descended into, so nothing below it is yielded.
	Exclude []string
	// Stubs also includes "**/*.pyi".
	Stubs bool
	// Shebang also includes files whose name has no extension and whose first
	// line is a "#!" line naming python (python, python3, python3.14, ...).
	// Each such file is opened to read that line.
	Shebang bool

	// NoIgnore disables .gitignore files, .git/info/exclude and the user's
	// excludes file (core.excludesFile, default $XDG_CONFIG_HOME/git/ignore).
	NoIgnore bool
	// NoRequireGit honours ignore files even outside a git repository (by
	// default, as with git and ripgrep, they apply only inside a work tree).
	NoRequireGit bool
	// SkipIgnoredRoots reports a root directory that git ignores (itself or a
	// directory above it in the work tree) with SkipIgnored instead of walking
	// it, as git does. By default a named root is walked; see Scan.
	SkipIgnoredRoots bool
	// Hidden descends into hidden directories (names starting with ".").
	// Names in SkipDirs are skipped even then.
	Hidden bool
	// SkipDirs are directory names never descended into. nil means
	// DefaultSkipDirs(); an empty non-nil slice skips none.
	SkipDirs []string
	// Virtualenvs descends into virtual environments. By default a directory
	// holding pyvenv.cfg, or named .venv, venv, env or virtualenv holding
	// bin/activate or Scripts/activate, is skipped.
	Virtualenvs bool

	// FollowSymlinks follows symbolic links to files and directories. Loops and
	// files reached twice are detected by (device, inode): each real file is
	// yielded once. Roots given explicitly are always followed.
	FollowSymlinks bool
	// MaxSize skips files larger than this many bytes with SkipTooLarge; 0 means
	// no limit.
	MaxSize int64
	// Workers is the number of goroutines walking directories and checking
	// files; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Sorted yields in a deterministic order (depth first, each directory's
	// entries in lexical order) by walking sequentially in the caller's
	// goroutine; each directory's listing is then held in memory while it is
	// walked.
	Sorted bool

	// Unchanged, when set, is asked about every candidate file before it is
	// opened, with the size and modification time a stat of it gives (through
	// a link when links are followed). When it returns true the file is
	// yielded with FileInfo.Unchanged set and the content checks (binary,
	// shebang) are not made: the file is not opened at all. Incremental runs
	// use it to skip the files they already hold at the cost of one stat
	// each. It is called from the scanner's goroutines, concurrently.
	Unchanged func(path string, size int64, modTime time.Time) bool
	// OmitUnchanged: files the Unchanged hook declares unchanged are not
	// yielded at all (the hook has seen them): on a re-run most files are
	// unchanged, and sending each one to a caller that only drops it is work
	// for nothing.
	OmitUnchanged bool
	// UnchangedReady, when set, is closed once Unchanged can answer (say,
	// when what an earlier run stored has been read). Until then the walk
	// goes on: it lists directories and stats candidates, and holds up to
	// maxDeferred of them to ask about later, instead of waiting in the
	// first call.
	UnchangedReady <-chan struct{}

	// ListOnly yields every candidate file as its directory listing names
	// it, without a stat or an open: Size and ModTime are zero and no content
	// rule applies. A walk that only counts files (a progress total) costs a
	// few system calls per directory instead of several per file.
	ListOnly bool
	// DirCache, when set, is used to walk directories that have not changed
	// since it was recorded without listing them, and (unless it is a
	// ReadOnly view) records this walk's listings; see DirCache for when an
	// entry holds. Entries recorded for other roots, or under options that
	// keep other entries of a listing, are not used.
	DirCache *DirCache

	// Tally, when set, is given each candidate file (its path, and its size
	// with ListStat) instead of the file being yielded; skips are still
	// yielded. It is called from the walk's goroutines, concurrently. A
	// walk that only counts (a progress total) then hands nothing over per
	// file.
	Tally func(path string, size int64)
	// Dir, when set, is told of each directory the walk lists (or takes
	// from DirCache) and how long that took it: opening and reading the
	// directory and sorting its entries, without the files' own checks or
	// a wait for the consumer. It is called from the walk's goroutines,
	// concurrently. (A progress ETA counts the directories left apart from
	// the files: a walk lists the directories of one or two files each,
	// subpackages, late.)
	Dir func(took time.Duration)

	// ListStat, with ListOnly, also stats each candidate (relative to its
	// open directory; still no open): Size and ModTime are set, or left
	// zero if the stat fails.
	ListStat bool

	// Getenv reads the environment for locating git's configuration (HOME,
	// XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM);
	// nil means os.Getenv.
	Getenv func(string) string
}

// DefaultOptions returns the documented defaults, including MaxSize =
// DefaultMaxSize.
func DefaultOptions() Options {
	return Options{MaxSize: DefaultMaxSize}
}

// Validate reports a malformed pattern in Include or Exclude.
func (o Options) Validate() error {
	for _, g := range o.Include {
		if err := validPattern(g); err != nil {
			return fmt.Errorf("scan: bad include pattern: %w", err)
		}
	}
	for _, g := range o.Exclude {
		if err := validPattern(g); err != nil {
			return fmt.Errorf("scan: bad exclude pattern: %w", err)
		}
	}
	if o.MaxSize < 0 {
		return fmt.Errorf("scan: negative MaxSize %d", o.MaxSize)
	}
	if o.Workers < 0 {
		return fmt.Errorf("scan: negative Workers %d", o.Workers)
	}
	return nil
}

// config is Options with defaults applied.
type config struct {
	Options
	include  []string
	inc, exc patternSet
	// includeSuffixes, when every include pattern is "*SUFFIX" or
	// "**/*SUFFIX", holds the suffixes: a name that ends in none of them is
	// not a candidate, which the walk decides before building any path.
	includeSuffixes []string
	skipDirs        map[string]bool
	workers         int
	env             gitEnv
}

func newConfig(o Options) (*config, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := &config{Options: o}
	c.include = slices.Clone(o.Include)
	if o.Include == nil {
		c.include = DefaultInclude()
	}
	if o.Stubs {
		c.include = append(c.include, "**/*.pyi")
	}
	c.inc, c.exc = compilePatterns(c.include), compilePatterns(o.Exclude)
	for _, g := range c.include {
		suffix, ok := anyDirSuffix(g)
		if !ok {
			c.includeSuffixes = nil
			break
		}
		c.includeSuffixes = append(c.includeSuffixes, suffix)
	}
	skip := o.SkipDirs
	if skip == nil {
		skip = DefaultSkipDirs()
	}
	c.skipDirs = make(map[string]bool, len(skip))
	for _, d := range skip {
		c.skipDirs[d] = true
	}
	c.workers = o.Workers
	if c.workers <= 0 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	c.env.getenv = o.Getenv
	if c.env.getenv == nil {
		c.env.getenv = os.Getenv
	}
	return c, nil
}

// hasAnySuffix reports whether name ends in one of suffixes.
func hasAnySuffix(name string, suffixes []string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// anyDirSuffix recognizes the patterns "*SUFFIX" and "**/*SUFFIX" with a
// plain SUFFIX (the default "**/*.py", "*.py", "**/*.pyi"): they match
// exactly the paths ending in SUFFIX, which a suffix test decides without
// the general matcher (which every candidate name of every walk would
// otherwise go through).
func anyDirSuffix(g string) (string, bool) {
	suffix, ok := strings.CutPrefix(g, "**/*")
	if !ok {
		suffix, ok = strings.CutPrefix(g, "*")
	}
	if !ok || suffix == "" || strings.ContainsAny(suffix, `*?[]{}\/!`) {
		return "", false
	}
	return suffix, true
}

// Selects reports whether the file at path (as given, relative or
// absolute) is one the options choose by name: it matches Include (or is a
// stub with Stubs) and neither it nor a directory above it matches
// Exclude. Ignore files and content rules are not consulted. A list of
// paths from another tool (find, git ls-files) is filtered with it; for
// many paths, Selector compiles the options once.
func (o Options) Selects(path string) bool {
	sel, err := o.Selector()
	return err == nil && sel(path)
}

// Selector returns Selects with the options compiled once, or their
// Validate error.
func (o Options) Selector() (func(path string) bool, error) {
	cfg, err := newConfig(o)
	if err != nil {
		return nil, err
	}
	return func(path string) bool {
		return cfg.selects(strings.TrimPrefix(filepath.ToSlash(filepath.Clean(path)), "/"))
	}, nil
}

// selects is Selects for a cleaned, slash-separated path.
func (c *config) selects(rel string) bool {
	return c.inc.match(rel, false) && !c.exc.matchUnder(rel)
}
