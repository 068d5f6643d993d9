package scan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
)

// ignorePattern is one line of an ignore file, parsed as git's parse_path_pattern does.
type ignorePattern struct {
	pat       string // without the leading "!" and the trailing "/"
	prefix    int    // length of the leading part without wildcards (git's nowildcardlen)
	negate    bool   // "!pattern": re-include
	mustBeDir bool   // "pattern/": matches directories only
	noDir     bool   // no "/" inside: matched against the base name at any depth
	line      int    // 1-based line in its file, for explaining a match
}

// ignoreFrame is the patterns of one ignore file, applying to paths under base (a
// directory relative to the repository root, "" for the root). Frames form an
// immutable chain from the deepest .gitignore to the global excludes file, so a
// frame is shared by every directory below it without copying or locking.
type ignoreFrame struct {
	parent *ignoreFrame
	base   string
	pats   []ignorePattern
	sum    uint64 // identifies the chain: its files' bases and contents
}

// chainSum is the sum of the chain f heads (0 for none).
func (f *ignoreFrame) chainSum() uint64 {
	if f == nil {
		return 0
	}
	return f.sum
}

// parseIgnore parses the content of a .gitignore-style file as git's
// add_patterns_from_buffer does: a UTF-8 BOM is skipped, CR before LF is dropped,
// lines starting with '#' are comments, unescaped trailing spaces are trimmed.
func parseIgnore(data []byte) []ignorePattern {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var pats []ignorePattern
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
			line = bytes.TrimSuffix(line, []byte("\r"))
		} else {
			data = nil
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		s := trimTrailingSpaces(string(line))
		if s == "" {
			continue
		}
		p := parsePattern(s)
		p.line = lineNo
		pats = append(pats, p)
	}
	return pats
}

func trimTrailingSpaces(s string) string {
	lastSpace := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if lastSpace < 0 {
				lastSpace = i
			}
		case '\\':
			i++
			if i >= len(s) {
				return s
			}
			lastSpace = -1
		default:
			lastSpace = -1
		}
	}
	if lastSpace >= 0 {
		return s[:lastSpace]
	}
	return s
}

func parsePattern(p string) ignorePattern {
	var ip ignorePattern
	if strings.HasPrefix(p, "!") {
		ip.negate = true
		p = p[1:]
	}
	if strings.HasSuffix(p, "/") {
		ip.mustBeDir = true
		p = p[:len(p)-1]
	}
	ip.noDir = !strings.Contains(p, "/")
	ip.prefix = len(p)
	if i := strings.IndexAny(p, "*?[\\"); i >= 0 {
		ip.prefix = i
	}
	ip.pat = p
	return ip
}

// matches reports whether the pattern matches rel (the path relative to the
// directory of the pattern's ignore file) whose last element is base.
func (p *ignorePattern) matches(rel, base string, isDir bool) bool {
	if p.mustBeDir && !isDir {
		return false
	}
	if p.noDir {
		if p.prefix == len(p.pat) {
			return p.pat == base
		}
		return wildmatch(p.pat, base, false)
	}
	// git's match_pathname: the literal prefix is compared first, then the rest
	// is wildmatched on its own (which matters for where "**" is special).
	pat, prefix := p.pat, p.prefix
	if strings.HasPrefix(pat, "/") {
		pat, prefix = pat[1:], prefix-1
	}
	if prefix > 0 {
		if prefix > len(rel) || pat[:prefix] != rel[:prefix] {
			return false
		}
		pat, rel = pat[prefix:], rel[prefix:]
		if pat == "" && rel == "" {
			return true
		}
	}
	return wildmatch(pat, rel, true)
}

// excluded reports whether rel (slash-separated, relative to the repository
// root) is ignored by the chain of frames starting at f. It does not look at
// parent directories: the walk never descends into an ignored directory, which is
// how git makes "a file under an excluded directory cannot be re-included" true.
func (f *ignoreFrame) excluded(rel string, isDir bool) bool {
	base := rel[strings.LastIndexByte(rel, '/')+1:]
	for ; f != nil; f = f.parent {
		sub := rel
		if f.base != "" {
			if len(rel) <= len(f.base) || rel[len(f.base)] != '/' || rel[:len(f.base)] != f.base {
				continue
			}
			sub = rel[len(f.base)+1:]
		}
		for i := len(f.pats) - 1; i >= 0; i-- {
			if f.pats[i].matches(sub, base, isDir) {
				return !f.pats[i].negate
			}
		}
	}
	return false
}

// push returns a frame for the ignore file at path (applying under base), or f
// itself when the file is absent, empty or a symbolic link (git ≥ 2.32 does not
// follow a symlinked .gitignore in the working tree).
func (f *ignoreFrame) push(path, base string, noFollow bool) *ignoreFrame {
	if noFollow {
		if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
			return f
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return f
	}
	pats := parseIgnore(data)
	if len(pats) == 0 {
		return f
	}
	h := fnv.New64a()
	binary.Write(h, binary.LittleEndian, f.chainSum())
	h.Write([]byte(base))
	h.Write([]byte{0})
	h.Write(data)
	return &ignoreFrame{parent: f, base: base, pats: pats, sum: h.Sum64()}
}

// gitEnv resolves git's configuration files the way git does for the user's
// excludes file.
type gitEnv struct {
	getenv func(string) string
}

func (e gitEnv) home() string {
	if h := e.getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

func (e gitEnv) xdg(name string) string {
	if x := e.getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "git", name)
	}
	if h := e.home(); h != "" {
		return filepath.Join(h, ".config", "git", name)
	}
	return ""
}

func (e gitEnv) expand(p string) string {
	if p == "~" {
		return e.home()
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(e.home(), p[2:])
	}
	return p
}

// configFiles lists the system, global and (if gitDir is set) local git config
// files in increasing priority, as git reads them.
func (e gitEnv) configFiles(gitDir string) []string {
	var files []string
	if !gitBool(e.getenv("GIT_CONFIG_NOSYSTEM")) {
		if s := e.getenv("GIT_CONFIG_SYSTEM"); s != "" {
			files = append(files, s)
		} else {
			files = append(files, "/etc/gitconfig")
		}
	}
	if g := e.getenv("GIT_CONFIG_GLOBAL"); g != "" {
		files = append(files, g)
	} else {
		if x := e.xdg("config"); x != "" {
			files = append(files, x)
		}
		if h := e.home(); h != "" {
			files = append(files, filepath.Join(h, ".gitconfig"))
		}
	}
	if gitDir != "" {
		files = append(files, filepath.Join(gitDir, "config"))
	}
	return files
}

func gitBool(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// excludesFile returns the user's excludes file: core.excludesFile from the last
// config that sets it, else $XDG_CONFIG_HOME/git/ignore (or ~/.config/git/ignore).
// "include" directives in config files are not followed.
func (e gitEnv) excludesFile(gitDir string) string {
	value, set := "", false
	for _, file := range e.configFiles(gitDir) {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		cfg := gitconfig.New()
		if err := gitconfig.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
			continue
		}
		for _, s := range cfg.Sections {
			if !s.IsName("core") {
				continue
			}
			for _, o := range s.Options {
				if o.IsKey("excludesFile") {
					value, set = o.Value, true
				}
			}
		}
	}
	if set {
		if value == "" {
			return ""
		}
		return e.expand(value)
	}
	return e.xdg("ignore")
}

// repoInfo is what the scanner knows about the git repository around a root.
type repoInfo struct {
	root   string // absolute work-tree root
	gitDir string // absolute git directory ("" when unknown)
}

// findRepo walks up from the absolute directory dir to the nearest directory
// holding ".git" (a directory, or a file "gitdir: ..." for worktrees and
// submodules).
func findRepo(dir string) (repoInfo, bool) {
	for {
		if gd, ok := gitDirAt(dir); ok {
			return repoInfo{root: dir, gitDir: gd}, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return repoInfo{}, false
		}
		dir = parent
	}
}

// gitDirAt reports whether dir is a work-tree root and returns its git directory.
func gitDirAt(dir string) (string, bool) {
	p := filepath.Join(dir, ".git")
	fi, err := os.Lstat(p)
	if err != nil {
		return "", false
	}
	if fi.IsDir() {
		return p, true
	}
	if !fi.Mode().IsRegular() {
		return "", false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return "", false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	gd, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	if !ok {
		return "", false
	}
	gd = strings.TrimSpace(gd)
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(dir, gd)
	}
	return gd, true
}

// commonDir returns the directory holding info/exclude and config for gitDir:
// gitDir itself, or for a linked worktree (.git/worktrees/NAME) the main
// repository's git directory named by its "commondir" file.
func commonDir(gitDir string) string {
	data, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return gitDir
	}
	cd := strings.TrimSpace(string(data))
	if cd == "" {
		return gitDir
	}
	if !filepath.IsAbs(cd) {
		cd = filepath.Join(gitDir, cd)
	}
	return cd
}

// baseFrames returns the frames that apply at the top of a repository: the
// user's excludes file, then info/exclude.
func baseFrames(env gitEnv, repo repoInfo) *ignoreFrame {
	var f *ignoreFrame
	common := ""
	if repo.gitDir != "" {
		common = commonDir(repo.gitDir)
	}
	if p := env.excludesFile(common); p != "" {
		f = f.push(p, "", false)
	}
	if common != "" {
		f = f.push(filepath.Join(common, "info", "exclude"), "", false)
	}
	return f
}

// isNotExist is errors.Is(err, fs.ErrNotExist), named for reading.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
