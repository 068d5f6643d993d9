package parser

import (
	"testing"
)

// TestLowest: the lowest version of snippets of each feature (those of
// 3.0 to 3.9 from CPython's documents and grammars, see lowest.go; those
// of 3.10 and later are proved against CPython by internal/oracle's
// TestLowestVersions, which also runs these snippets).
func TestLowest(t *testing.T) {
	for _, c := range LowestSnippets {
		mod, err := Parse([]byte(c.Src), Options{})
		if err != nil {
			t.Errorf("%q: %v", c.Src, err)
			continue
		}
		fs := Features(mod, []byte(c.Src))
		got := Lowest(fs)
		if got != c.Version {
			t.Errorf("%q: lowest 3.%d, want 3.%d (%v)", c.Src, got, c.Version, fs)
			continue
		}
		if c.Feature != "" {
			found := false
			for _, f := range fs {
				if f.Name == c.Feature && f.Version == c.Version {
					found = true
					if c.Line != 0 && (f.Pos.Line != c.Line || f.Pos.Col != c.Col) {
						t.Errorf("%q: %s at %d:%d, want %d:%d", c.Src, f.Name, f.Pos.Line, f.Pos.Col, c.Line, c.Col)
					}
				}
			}
			if !found {
				t.Errorf("%q: no %q in %v", c.Src, c.Feature, fs)
			}
		}
	}
}
