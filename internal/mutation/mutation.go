// Package mutation makes the mutation corpus of the syntax-error tests:
// seeded one-token and one-character edits of real Python files, whose
// errors the tests compare with CPython's (python/parser's
// TestOracleMutations, internal/oracle's TestVersionVerdicts).
package mutation

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/python/tokenizer"
)

// Corpus is the mutation corpus of the syntax-error tests: n edits
// (see Mutate) of the top-level .py files of a standard library (dir)
// that are UTF-8 and at most 32 KiB, drawn with r.
func Corpus(dir string, r *rand.Rand, n int) ([]Mutation, error) {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.py"))
	sort.Strings(paths)
	var names []string
	var srcs [][]byte
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil || len(raw) > 32<<10 {
			continue
		}
		// UTF-8 sources only, so that an edit stays text.
		if text, _, err := source.Decode(raw); err != nil || !bytes.Equal(text, raw) {
			continue
		}
		names = append(names, filepath.Base(p))
		srcs = append(srcs, raw)
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no sources under %s", dir)
	}
	return Mutate(r, names, srcs, n), nil
}

// Mutation is one edit of a real source file.
type Mutation struct {
	File string // the edited file's name
	Kind string // the edit: "delete token", "indent tab", ...
	Src  []byte // the edited source
}

// Mutate returns n edited copies of files drawn from srcs: one token
// deleted, duplicated, swapped with the next or replaced by another token of
// the file; one character deleted or duplicated; one line's indentation
// changed.
func Mutate(r *rand.Rand, names []string, srcs [][]byte, n int) []Mutation {
	var out []Mutation
	for len(out) < n {
		i := r.IntN(len(srcs))
		src := srcs[i]
		var toks []token.Token
		tz := tokenizer.New(src, tokenizer.Options{})
		for {
			t, err := tz.Next()
			if err != nil || t.Kind == token.ENDMARKER {
				break
			}
			if t.EndOff > t.Off {
				toks = append(toks, t)
			}
		}
		if len(toks) < 2 {
			continue
		}
		edit := func(off, end int, repl []byte) []byte {
			b := make([]byte, 0, len(src)+len(repl))
			b = append(b, src[:off]...)
			b = append(b, repl...)
			return append(b, src[end:]...)
		}
		k := r.IntN(len(toks) - 1)
		t, u := toks[k], toks[k+1]
		var m Mutation
		switch kind := r.IntN(8); kind {
		case 0:
			m = Mutation{Kind: "delete token", Src: edit(int(t.Off), int(t.EndOff), nil)}
		case 1:
			m = Mutation{Kind: "duplicate token", Src: edit(int(t.Off), int(t.Off), append(slices.Clone(t.Text(src)), ' '))}
		case 2:
			if u.Off < t.EndOff {
				continue
			}
			swapped := slices.Concat(u.Text(src), src[t.EndOff:u.Off], t.Text(src))
			m = Mutation{Kind: "swap tokens", Src: edit(int(t.Off), int(u.EndOff), swapped)}
		case 3:
			o := toks[r.IntN(len(toks))]
			m = Mutation{Kind: "replace token", Src: edit(int(t.Off), int(t.EndOff), o.Text(src))}
		case 4, 5:
			p := r.IntN(len(src))
			for p > 0 && src[p]&0xC0 == 0x80 {
				p--
			}
			q := p + 1
			for q < len(src) && src[q]&0xC0 == 0x80 {
				q++
			}
			if kind == 4 {
				m = Mutation{Kind: "delete char", Src: edit(p, q, nil)}
			} else {
				m = Mutation{Kind: "duplicate char", Src: edit(p, p, src[p:q])}
			}
		default:
			lines := bytes.SplitAfter(src, []byte("\n"))
			l := r.IntN(len(lines))
			off := 0
			for _, ln := range lines[:l] {
				off += len(ln)
			}
			switch r.IntN(3) {
			case 0:
				m = Mutation{Kind: "indent +1", Src: edit(off, off, []byte(" "))}
			case 1:
				if len(lines[l]) == 0 || (lines[l][0] != ' ' && lines[l][0] != '\t') {
					continue
				}
				m = Mutation{Kind: "indent -1", Src: edit(off, off+1, nil)}
			default:
				m = Mutation{Kind: "indent tab", Src: edit(off, off, []byte("\t"))}
			}
		}
		m.File = names[i]
		out = append(out, m)
	}
	return out
}
