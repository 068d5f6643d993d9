package parser

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/python/tokenizer"
)

// Version is a Python 3 release by its minor number: 10 is Python 3.10.
// The zero Version means Latest.
type Version int

// Latest is the version whose grammar this parser implements.
const Latest Version = 14

// ParseVersion reads "3.N" (N from 0 to 14).
func ParseVersion(s string) (Version, error) {
	minor, ok := strings.CutPrefix(s, "3.")
	n, err := strconv.Atoi(minor)
	if !ok || err != nil || n < 0 || n > int(Latest) || strconv.Itoa(n) != minor {
		return 0, fmt.Errorf("python version %q: want 3.0 to 3.%d", s, Latest)
	}
	return Version(n), nil
}

// String is "3.N".
func (v Version) String() string {
	if v == 0 {
		v = Latest
	}
	return "3." + strconv.Itoa(int(v))
}

// Feature is one use of syntax that needs a Python version: the first of
// its kind in a file, where it is.
type Feature struct {
	Name    string    // what it is, e.g. "match statement", "type parameters (PEP 695)"
	Version Version   // the first version whose grammar accepts it
	Pos     token.Pos // where it is: line (1-based) and column (0-based, UTF-8 bytes)

	// How an older CPython rejects it: its message and where (columns in
	// bytes here, in characters once in a SyntaxError), and the offset
	// from which the parser reaches it, so that the first of several is
	// the one reported.
	msg        string
	start, end token.Pos
	at         int
}

// versionError is the syntax error CPython v gives for a tree this parser
// accepted: the first feature, in the order CPython's parser meets them,
// that needs a later version; nil when there is none.
func versionError(mod *ast.Module, src []byte, v Version) *token.SyntaxError {
	fs := features(mod, src, v, nil, nil)
	if len(fs) == 0 {
		return nil
	}
	f := slices.MinFunc(fs, func(a, b Feature) int { return a.at - b.at })
	se := &token.SyntaxError{Kind: "SyntaxError", Msg: f.msg, Start: f.start, End: f.end}
	return cpythonColumns(src, se, false, 0)
}

// Features lists the syntax of mod (parsed from src) that needs a version
// of Python 3 later than 3.0, the first use of each kind, in source order.
// The file's lowest version is the largest of their Versions (3.0 when
// there is none).
func Features(mod *ast.Module, src []byte) []Feature {
	return FeaturesLines(mod, src, nil)
}

// FeaturesLines is Features given the offsets where the first lines of
// src start (line 1 at 0, as far as the caller has them), which it would
// otherwise find itself.
func FeaturesLines(mod *ast.Module, src []byte, starts []int32) []Feature {
	return featuresSorted(features(mod, src, 0, starts, nil))
}

// featuresSorted sorts fs by position and keeps the first of each kind.
func featuresSorted(fs []Feature) []Feature {
	slices.SortFunc(fs, func(a, b Feature) int {
		if a.Pos.Line != b.Pos.Line {
			return int(a.Pos.Line - b.Pos.Line)
		}
		return int(a.Pos.Col - b.Pos.Col)
	})
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		if !seen[f.Name] {
			seen[f.Name] = true
			out = append(out, f)
		}
	}
	return out
}

// Facts is what Parse saw of a tree's syntax (Options.Facts): where the
// expressions are that may hold a version feature, so that FeaturesFacts
// walks the statements and only the expressions that lead to those.
type Facts struct {
	trig []uint64 // the positions (posKey) of that syntax, sorted
	ok   bool
}

func (f *Facts) set(trig, yields []token.Pos, async bool) {
	f.trig = f.trig[:0]
	for _, p := range trig {
		f.trig = append(f.trig, posKey(p.Line, p.Col))
	}
	if async {
		for _, p := range yields {
			f.trig = append(f.trig, posKey(p.Line, p.Col))
		}
	}
	slices.Sort(f.trig)
	f.ok = true
}

// posKey orders positions (line and column, both at least 0) as integers.
func posKey(line, col int32) uint64 { return uint64(line)<<32 | uint64(uint32(col)) }

// FeaturesFacts is FeaturesLines for a tree Parse gave with facts
// (Options.Facts); the same result, for less work. Nil facts, or facts
// Parse did not fill, walk all of the tree.
func FeaturesFacts(mod *ast.Module, src []byte, starts []int32, facts *Facts) []Feature {
	return featuresSorted(features(mod, src, 0, starts, facts))
}

// features finds the syntax of mod that needs a version later than below
// (every feature when below is 0).
func features(mod *ast.Module, src []byte, below Version, starts []int32, facts *Facts) []Feature {
	c := featureCollector{src: src, below: below}
	if facts != nil && facts.ok && below == 0 {
		c.prune, c.trig = true, facts.trig
	}
	c.each = func(n ast.Node) bool { c.walk(n); return true }
	if len(starts) > 0 && starts[0] == 0 {
		c.lineStarts = starts
	} else {
		c.lineStarts = make([]int32, 1, 1+len(src)/32)
	}
	for i := int(c.lineStarts[len(c.lineStarts)-1]); ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		c.lineStarts = append(c.lineStarts, int32(i))
	}
	c.walk(mod)
	return c.out
}

type featureCollector struct {
	src        []byte
	below      Version
	lineStarts []int32
	each       func(ast.Node) bool // c.walk as EachChild's callback
	toks       []token.Token       // the whole file's tokens with comments, once an f-string needs them
	tokErr     bool
	out        []Feature
	scope      scopeState
	fstr       int // f-strings around
	// With prune, an expression outside f-strings is walked only when
	// one of trig (Facts.trig) is in it.
	prune bool
	trig  []uint64
	hint  int // an index of trig (see skip)
}

// skip says whether the walk can leave out n: a node with a location
// (expression, statement, ...) that holds no syntax a feature needs.
func (c *featureCollector) skip(n ast.Node) bool {
	l, ok := n.(ast.Located)
	if !ok {
		return false
	}
	loc := l.Location()
	// i is the first position at or after the node's start: most often
	// the one found last, as the walk goes mostly in source order.
	s, i := posKey(loc.Lineno, loc.ColOffset), c.hint
	if i > 0 && c.trig[i-1] >= s || i < len(c.trig) && c.trig[i] < s {
		i, _ = slices.BinarySearch(c.trig, s)
		c.hint = i
	}
	return i == len(c.trig) || c.trig[i] > posKey(loc.EndLineno, loc.EndColOffset)
}

// off is the byte offset of a position.
func (c *featureCollector) off(line, col int32) int {
	if line < 1 || int(line) > len(c.lineStarts) {
		return len(c.src)
	}
	return min(int(c.lineStarts[line-1])+int(col), len(c.src))
}

// pos is the position of a byte offset.
func (c *featureCollector) pos(off int) token.Pos {
	l, _ := slices.BinarySearch(c.lineStarts, int32(off+1))
	return token.Pos{Line: int32(l), Col: int32(off - int(c.lineStarts[l-1]))}
}

func start(l *ast.Loc) token.Pos { return token.Pos{Line: l.Lineno, Col: l.ColOffset} }
func end(l *ast.Loc) token.Pos   { return token.Pos{Line: l.EndLineno, Col: l.EndColOffset} }

// add records a feature of version v at p, rejected by older versions with
// msg over [s, e).
func (c *featureCollector) add(name string, v Version, p token.Pos, msg string, s, e token.Pos) {
	if v <= c.below || c.fstr > 0 && c.below != 0 {
		// In an f-string only for the lowest version: the verdicts of
		// older versions check an f-string as a whole.
		return
	}
	c.out = append(c.out, Feature{Name: name, Version: v, Pos: p, msg: msg, start: s, end: e, at: c.off(s.Line, s.Col)})
}

func (c *featureCollector) visit(n ast.Node) bool {
	if c.below < 10 {
		c.visitOld(n)
	}
	switch n := n.(type) {
	case *ast.TypeAlias:
		c.add("type statement (PEP 695)", 12, start(&n.Loc), "invalid syntax", start(n.Name.Location()), end(n.Name.Location()))
		c.typeParams(n.TypeParams, "invalid syntax")
	case *ast.FunctionDef:
		c.typeParams(n.TypeParams, "expected '('")
	case *ast.AsyncFunctionDef:
		c.typeParams(n.TypeParams, "expected '('")
	case *ast.ClassDef:
		c.typeParams(n.TypeParams, "invalid syntax")
	case *ast.Try:
		c.handlers(n.Handlers)
	case *ast.TryStar:
		if len(n.Handlers) > 0 {
			h := n.Handlers[0]
			i := c.skipSpace(c.off(h.Lineno, h.ColOffset) + len("except"))
			p := c.pos(i)
			c.add("except* (PEP 654)", 11, start(&h.Loc), "invalid syntax", p, token.Pos{Line: p.Line, Col: p.Col + 1})
		}
		c.handlers(n.Handlers)
	case *ast.TemplateStr:
		// Before 3.14 the prefix is a name and the string follows it.
		i := c.off(n.Lineno, n.ColOffset)
		for i < len(c.src) && isLetter(c.src[i]) {
			i++
		}
		c.add("t-string (PEP 750)", 14, start(&n.Loc), "invalid syntax", c.pos(i), c.pos(i+1))
		return false
	case *ast.JoinedStr:
		if c.fstr == 0 {
			if c.below < 12 {
				c.fstring(n)
			}
			if c.below != 0 {
				return false // the f-string's own check covers what it holds
			}
			c.feat(FeatFString, 6, start(&n.Loc))
		}
		c.fstringEq(n)
		c.fstr++
		ast.EachChild(n, c.each)
		c.fstr--
		return false
	case *ast.Subscript:
		if s := starredIn(n.Slice); s != nil {
			c.add("starred expression in a subscript (PEP 646)", 11, start(&s.Loc), "invalid syntax", start(&s.Loc), token.Pos{Line: s.Lineno, Col: s.ColOffset + 1})
		}
	case *ast.Arguments:
		if a := n.Vararg; a != nil {
			if s, ok := a.Annotation.(*ast.Starred); ok {
				c.add("starred annotation of *args (PEP 646)", 11, start(&s.Loc), "invalid syntax", start(&s.Loc), token.Pos{Line: s.Lineno, Col: s.ColOffset + 1})
			}
		}
	}
	return true
}

// starredIn is a subscript's starred expression: the slice itself or an
// element of its unparenthesized tuple.
func starredIn(e ast.Expr) *ast.Starred {
	switch e := e.(type) {
	case *ast.Starred:
		return e
	case *ast.Tuple:
		for _, x := range e.Elts {
			if s, ok := x.(*ast.Starred); ok {
				return s
			}
		}
	}
	return nil
}

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// skipSpace skips blanks and backslash continuations from i.
func (c *featureCollector) skipSpace(i int) int {
	for i < len(c.src) {
		switch {
		case c.src[i] == ' ' || c.src[i] == '\t' || c.src[i] == '\f':
			i++
		case c.src[i] == '\\' && i+1 < len(c.src) && c.src[i+1] == '\n':
			i += 2
		default:
			return i
		}
	}
	return i
}

// typeParams records type parameters (3.12) and their defaults (3.13),
// which older versions reject at the '['.
func (c *featureCollector) typeParams(ps []ast.TypeParam, msg string) {
	if len(ps) == 0 {
		return
	}
	first := ps[0].(ast.Located).Location()
	// The '[' is the last one before the first parameter.
	i := bytes.LastIndexByte(c.src[:c.off(first.Lineno, first.ColOffset)], '[')
	br := c.pos(max(i, 0))
	brEnd := token.Pos{Line: br.Line, Col: br.Col + 1}
	c.add("type parameters (PEP 695)", 12, br, msg, br, brEnd)
	for _, p := range ps {
		var d ast.Expr
		switch p := p.(type) {
		case *ast.TypeVar:
			d = p.DefaultValue
		case *ast.ParamSpec:
			d = p.DefaultValue
		case *ast.TypeVarTuple:
			d = p.DefaultValue
		}
		if d != nil {
			c.add("type parameter defaults (PEP 696)", 13, start(p.(ast.Located).Location()), msg, br, brEnd)
			return
		}
	}
}

// handlers records `except A, B:` without parentheses (3.14, PEP 758).
func (c *featureCollector) handlers(hs []*ast.ExceptHandler) {
	for _, h := range hs {
		t, ok := h.Type.(*ast.Tuple)
		if !ok || len(t.Elts) == 0 {
			continue
		}
		last := t.Elts[len(t.Elts)-1].(ast.Located).Location()
		e := c.off(t.EndLineno, t.EndColOffset)
		if e > 0 && c.src[e-1] == ')' && c.off(last.EndLineno, last.EndColOffset) < e {
			continue // parenthesized
		}
		first := t.Elts[0].(ast.Located).Location()
		c.add("except without parentheses (PEP 758)", 14, start(&h.Loc), "multiple exception types must be parenthesized", start(first), end(last))
	}
}

// tokens returns the file's tokens, comments included (nil if the file
// does not tokenize, which cannot happen to a file that parsed).
func (c *featureCollector) tokens() []token.Token {
	if c.toks == nil && !c.tokErr {
		tz := tokenizer.New(c.src, tokenizer.Options{Comments: true})
		for {
			t, err := tz.Next()
			if err != nil {
				c.tokErr, c.toks = true, nil
				break
			}
			c.toks = append(c.toks, t)
			if t.Kind == token.ENDMARKER {
				break
			}
		}
	}
	return c.toks
}

// fstring records what an f-string (with the strings implicitly
// concatenated with it) holds that CPython before 3.12 rejects (PEP 701):
// the quote that closes it, a newline in a single-quoted one, a backslash
// or a comment in a replacement field, format specifications nested more
// than twice. Those CPythons read an f-string as a plain string token and
// parse its replacement fields when the parser reduces the strings, so the
// error is at the token after the last string; a newline ends a
// single-quoted string where it is (unterminated string literal).
func (c *featureCollector) fstring(n *ast.JoinedStr) {
	const name = "f-string syntax of PEP 701"
	s, e := c.off(n.Lineno, n.ColOffset), c.off(n.EndLineno, n.EndColOffset)
	var toks []token.Token
	if c.below == 0 {
		// Only whether it has that syntax counts, not where older
		// versions report it: most f-strings show they cannot, and the
		// others are tokenized alone.
		if !c.mayBePEP701(n) {
			return
		}
		toks = c.fragmentTokens(s, e)
	} else {
		toks = c.tokens()
	}
	i, _ := slices.BinarySearchFunc(toks, s, func(t token.Token, off int) int { return int(t.Off) - off })
	j := i
	for j < len(toks) && int(toks[j].Off) < e {
		j++
	}
	if i >= j {
		return
	}
	// The token after the strings, where older versions report the error
	// (nothing: the fragment's end).
	after := token.Token{Off: int32(e), EndOff: int32(e)}
	for ; j < len(toks); j++ {
		if after = toks[j]; after.Kind != token.NL && after.Kind != token.COMMENT {
			break
		}
	}
	if j >= len(toks) && c.below != 0 {
		return
	}
	msg := ""
	at := func(m string) {
		if msg == "" {
			msg = m
		}
	}
	depth := 0
	for k := i; k < len(toks) && int(toks[k].Off) < e; k++ {
		t := toks[k]
		switch t.Kind {
		case token.FSTRING_START, token.TSTRING_START:
			if depth == 0 {
				// Where the old tokenizer ends this string.
				q := int(t.EndOff)
				quote := c.src[q-1]
				triple := q-3 >= int(t.Off) && c.src[q-2] == quote && c.src[q-3] == quote
				old := -1
				for x := q; x < len(c.src); x++ {
					b := c.src[x]
					if b == '\\' {
						x++
						continue
					}
					if b == '\n' && !triple {
						p := c.pos(int(t.Off))
						nl := c.pos(x)
						c.add(name, 12, p, fmt.Sprintf("unterminated string literal (detected at line %d)", nl.Line), p, p)
						return
					}
					if b == quote && (!triple || x+2 < len(c.src) && c.src[x+1] == quote && c.src[x+2] == quote) {
						old = x + 1
						if triple {
							old += 2
						}
						break
					}
				}
				// The new tokenizer's end of this string.
				d, m := 0, k
				for ; m < len(toks); m++ {
					switch toks[m].Kind {
					case token.FSTRING_START, token.TSTRING_START:
						d++
					case token.FSTRING_END, token.TSTRING_END:
						d--
					}
					if d == 0 {
						break
					}
				}
				if m < len(toks) && old != int(toks[m].EndOff) {
					at("f-string: expecting '}'")
				}
				// Backslashes outside the literal text.
				lit, d := int(t.EndOff), 1
				for x := k + 1; x <= m && x < len(toks); x++ {
					u := toks[x]
					switch u.Kind {
					case token.FSTRING_MIDDLE, token.TSTRING_MIDDLE:
						if d != 1 {
							continue
						}
					case token.FSTRING_START, token.TSTRING_START:
						d++
						continue
					case token.FSTRING_END, token.TSTRING_END:
						if d--; d > 0 {
							continue
						}
					default:
						continue
					}
					if bytes.IndexByte(c.src[lit:u.Off], '\\') >= 0 {
						at("f-string expression part cannot include a backslash")
					}
					lit = int(u.EndOff)
				}
			}
			depth++
		case token.FSTRING_END, token.TSTRING_END:
			depth--
		case token.COMMENT:
			if depth > 0 {
				at("f-string expression part cannot include '#'")
			}
		}
	}
	if msg == "" && specDepth(n, 0) > 2 {
		msg = "f-string: expressions nested too deeply"
	}
	if msg != "" {
		a := c.pos(int(after.Off))
		c.add(name, 12, start(&n.Loc), msg, a, c.pos(int(after.EndOff)))
	}
}

// specDepth is the deepest nesting of replacement fields inside format
// specifications of n (1 for a field of n itself).
func specDepth(n *ast.JoinedStr, d int) int {
	best := d
	for _, v := range n.Values {
		if fv, ok := v.(*ast.FormattedValue); ok {
			best = max(best, d+1)
			if spec, ok := fv.FormatSpec.(*ast.JoinedStr); ok && spec != nil {
				best = max(best, specDepth(spec, d+1))
			}
		}
	}
	return best
}
