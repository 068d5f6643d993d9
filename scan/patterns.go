package scan

import (
	"fmt"
	"strings"
)

// patternSet is Options.Include or Options.Exclude compiled: .gitignore
// patterns, matched with git's rules against a path relative to the root
// (see Options.Include). The last pattern that matches decides, so a "!"
// pattern takes back what an earlier one matched.
type patternSet struct {
	pats []ignorePattern
}

func compilePatterns(globs []string) patternSet {
	ps := patternSet{pats: make([]ignorePattern, 0, len(globs))}
	for _, g := range globs {
		ps.pats = append(ps.pats, parsePattern(g))
	}
	return ps
}

// match reports whether rel (slash-separated, relative to the root) is
// matched; isDir says whether it names a directory.
func (ps patternSet) match(rel string, isDir bool) bool {
	if len(ps.pats) == 0 {
		return false
	}
	base := rel[strings.LastIndexByte(rel, '/')+1:]
	for i := len(ps.pats) - 1; i >= 0; i-- {
		if ps.pats[i].matches(rel, base, isDir) {
			return !ps.pats[i].negate
		}
	}
	return false
}

// matchUnder reports whether rel, a file, or a directory above it is
// matched (an excluded directory excludes everything below it, as the walk
// never enters it).
func (ps patternSet) matchUnder(rel string) bool {
	if ps.match(rel, false) {
		return true
	}
	for p := rel; ; {
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return false
		}
		p = p[:i]
		if ps.match(p, true) {
			return true
		}
	}
}

// validPattern reports a pattern git would read differently from what its
// author meant: an empty one, or a bracket expression that is never closed
// (git then matches nothing).
func validPattern(p string) error {
	q := strings.TrimPrefix(p, "!")
	if strings.Trim(q, "/") == "" {
		return fmt.Errorf("empty pattern %q", p)
	}
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case '\\':
			i++
		case '[':
			j := i + 1
			if j < len(q) && (q[j] == '!' || q[j] == '^') {
				j++
			}
			if j < len(q) && q[j] == ']' {
				j++
			}
			for j < len(q) && q[j] != ']' {
				if q[j] == '[' && j+1 < len(q) && q[j+1] == ':' { // [:class:]
					if k := strings.Index(q[j+2:], ":]"); k >= 0 {
						j += k + 4
						continue
					}
				}
				if q[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(q) {
				return fmt.Errorf("unclosed [ in %q", p)
			}
			i = j
		}
	}
	return nil
}
