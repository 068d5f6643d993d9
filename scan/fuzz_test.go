package scan

import (
	"strings"
	"testing"
)

// FuzzIgnoreNoPanic: any ignore file and any path are handled without a panic
// (bad input gets a result, never a crash). Run longer with
//
//	go test -run '^$' -fuzz FuzzIgnoreNoPanic -fuzztime 60s ./scan/
func FuzzIgnoreNoPanic(f *testing.F) {
	for _, s := range []string{"[", "\\", "[[:", "[[:alpha:", "[a-", "**/", "/**", "a/**/b", "[!]", "[^", "*[", "\\ ", "!\\", "[\\", "[a-\\"} {
		f.Add(s, "a/b/c")
		f.Add(s, "[")
	}
	f.Fuzz(func(t *testing.T, content, path string) {
		pats := parseIgnore([]byte(content))
		if path == "" || strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") {
			return // not a relative path the walk can produce
		}
		fr := &ignoreFrame{pats: pats}
		fr.excluded(path, false)
		fr.excluded(path, true)
		for _, line := range strings.Split(content, "\n") {
			wildmatch(line, path, true)
			wildmatch(line, path, false)
		}
	})
}
