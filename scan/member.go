package scan

import (
	"strings"
)

// MemberSelector returns what chooses the files of a source that is not a
// directory on disk (an archive's members, a tree read from elsewhere) by
// their slash-separated names, as a walk of the same tree extracted would
// choose them: Include (and Stubs) must match, and neither Exclude nor the
// directory rules may leave out the name or a directory above it — hidden
// directories (unless Hidden), SkipDirs. What needs the files themselves
// is not applied: ignore files, virtualenv detection, shebang lines.
//
// The name is matched as given, except that a leading "/" or "./" and
// repeated slashes are dropped for the match (a member named "/x.py" or
// "./pkg/x.py" is matched as "x.py" and "pkg/x.py"); the caller keeps its
// name unchanged. It returns the Validate error of bad options.
func (o Options) MemberSelector() (func(name string) bool, error) {
	cfg, err := newConfig(o)
	if err != nil {
		return nil, err
	}
	return func(name string) bool {
		rel := memberRel(name)
		if rel == "" || !cfg.inc.match(rel, false) {
			return false
		}
		for dir := rel; ; {
			i := strings.LastIndexByte(dir, '/')
			if i < 0 {
				break
			}
			dir = dir[:i]
			base := dir[strings.LastIndexByte(dir, '/')+1:]
			if (!cfg.Hidden && strings.HasPrefix(base, ".") && base != "." && base != "..") || cfg.skipDirs[base] {
				return false
			}
		}
		return !cfg.exc.matchUnder(rel)
	}, nil
}

// memberRel is name as a relative slash path for matching: no leading
// "/" or "./", no empty or "." elements. ".." elements are kept (nothing
// is resolved: the name is matched as the archive gives it).
func memberRel(name string) string {
	if !strings.Contains(name, "//") && !strings.HasPrefix(name, "/") && !strings.HasPrefix(name, "./") && !strings.Contains(name, "/./") && !strings.HasSuffix(name, "/") {
		return name
	}
	parts := strings.Split(name, "/")
	kept := parts[:0]
	for _, p := range parts {
		if p != "" && p != "." {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "/")
}
