// Package scan finds the Python files to analyse: it walks roots in parallel and
// streams a FileInfo per file as it goes (the first file is available long before
// the walk ends), applying include/exclude patterns (.gitignore syntax), git's ignore rules, directory
// skips, symbolic-link policy, and size, binary and file-type checks. It is the
// original plan's FileScanner (Scan) and filter_files (Filter).
//
// # Ignore rules
//
// Inside a git work tree, .gitignore files at every level, .git/info/exclude and
// the user's excludes file (core.excludesFile from the system, global and local
// git config, or $XDG_CONFIG_HOME/git/ignore) apply with git's precedence and
// semantics: negation, anchoring, directory-only patterns, "**", and a file under
// an excluded directory cannot be re-included (the walk never enters an excluded
// directory). A run started in a subdirectory loads the .gitignore files of every
// directory from the work tree's root down. A nested work tree (a directory with
// its own .git) uses its own rules; a .git file ("gitdir: ...", submodules and
// linked worktrees) is followed, and a linked worktree takes info/exclude and
// config from the main repository (commondir). Matching is case-sensitive
// (core.ignoreCase is not read); GIT_DIR and GIT_WORK_TREE are not read.
//
// These rules are proven against git itself: the files a walk yields
// equal `git ls-files --others --exclude-standard` on generated trees with many
// ignore files, from the root and from subdirectories (ignore_git_test.go), and
// the line that decides each path equals `git check-ignore -v` for random
// patterns built from the syntax's corners (wildmatch_git_test.go).
//
// Why hand-written: the pattern matcher is a port of git's wildmatch.c and
// dir.c matching rather than github.com/go-git/go-git/v5/plumbing/format/gitignore,
// which differs from git where it matters here, for example:
//   - "!dir/" re-includes every file below dir in go-git (its name patterns match
//     any path component), while git only re-includes the directory, so
//     "*.py" + "!pkg/" leaves pkg/a.py ignored in git but not in go-git;
//   - "a/**" ignores the directory a itself in go-git, so "!a/keep.py" can never
//     re-include a/keep.py, while git ignores only a's contents and honours it;
//   - classes go through filepath.Match: "[!a-c].py" is read as the set
//     {!, a, b, c} (so it matches a.py and not d.py, the reverse of git), and
//     POSIX classes ("[[:digit:]]") never match;
//   - "**" inside a name in a pattern with a slash ("src/f**o.py") never
//     matches, where git treats it as "*";
//   - only ~/.gitconfig is read for core.excludesFile (no GIT_CONFIG_GLOBAL, XDG
//     config, system or local config, and no default XDG ignore file).
//
// go-git's git-config decoder (plumbing/format/config) is used to read
// core.excludesFile; include directives in config files are not followed.
//
// On Linux directories are listed with raw getdents64 calls and their
// linux_dirent64 records parsed here (dir_linux.go): a walk is mostly system
// calls, and os.File.ReadDir adds an fcntl, a finalizer and an allocation per
// entry, while golang.org/x/sys/unix parses only names (no types). Candidate
// files of an incremental run are stat'ed relative to their open directory.
//
// # Other rules
//
// Named paths are taken as the user's intent, as ripgrep and fd do: a named file
// is checked whatever the globs and ignore rules say; a named directory is walked
// even if git ignores it (SkipIgnoredRoots restores git's behaviour), with the
// rules applying below it; a path named twice or inside another named directory
// is walked once.
//
// Hidden directories, DefaultSkipDirs() and virtualenvs are skipped unless asked.
// Symbolic links are not followed by default: a link whose name matches the
// include globs is reported with SkipSymlink, others are silently passed over.
// Followed links are tracked by (device, inode) so that loops end (SkipSymlinkLoop)
// and each real file is yielded once (later paths get SkipDuplicate).
// Non-regular files are reported from their listed type, never opened; files are
// opened O_NONBLOCK|O_NOFOLLOW so that one replaced by a FIFO or link after it was
// listed cannot block or escape. Content checks read at most BinaryCheckSize
// bytes. Files or directories that vanish during the walk get SkipVanished, and
// unreadable directories SkipUnreadableDir; the walk goes on.
//
// The tests use real files rather than fstest.MapFS: what they prove — inodes,
// link loops, FIFOs, open flags, kernel permission checks, files changing under
// the walk — is exactly what an in-memory file system cannot model.
package scan
