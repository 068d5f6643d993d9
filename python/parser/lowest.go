package parser

// The features of Python 3.0 to 3.10 (Features, Lowest). Those of 3.11 and
// later (version.go) also give older CPythons' verdicts and are proved
// against CPython 3.10 to 3.13 (internal/oracle); these only count for a
// file's lowest version, and no oracle older than 3.10 exists, so their
// rules come from CPython's history:
//
//   - the "What's New in Python 3.N" documents' grammar changes and the PEPs
//     they cite (the reference manual's "Changed in version 3.N" notes for
//     the comprehension and async rules), and
//   - Grammar/Grammar (3.0-3.8, LL(1)) and Grammar/python.gram (3.9 on) of
//     the CPython release tags, for what the documents leave out: CPython
//     3.9's PEG grammar already has the parenthesized form of with
//     ("'with' '(' ','.with_item+ ','? ')' ':'"), documented only in 3.10,
//     so it counts as 3.9 here; a with statement in that form is 3.9 only
//     when an item has "as" (without, 3.0-3.8 read it as one tuple).
//
// Some are not grammar but errors of older compilers that every file
// meets when compiled (continue in finally before 3.8, await and async
// comprehensions outside async functions before 3.7, future imports a
// version does not know): they count, as the file does not run there. The
// compiler errors of 3.10 and later are left out (ast.parse accepts
// what they reject, e.g. bpo-33346's async comprehensions in
// comprehensions, 3.11), so that the lowest version agrees with those
// CPythons' ast.parse. Syntax that was removed (async and await as names
// since 3.7) does not make a version lower.

import (
	"bytes"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/python/tokenizer"
)

// Names of the features of 3.0 to 3.10, as Features gives them.
const (
	FeatMultipleWith       = "multiple context managers in with"                           // 3.1
	FeatYieldFrom          = "yield from (PEP 380)"                                        // 3.3
	FeatUPrefix            = "u string prefix (PEP 414)"                                   // 3.3
	FeatRBPrefix           = "rb bytes prefix"                                             // 3.3
	FeatAsyncDef           = "async def (PEP 492)"                                         // 3.5
	FeatMatMul             = "matrix multiplication operator @ (PEP 465)"                  // 3.5
	FeatUnpacking          = "unpacking generalizations (PEP 448)"                         // 3.5
	FeatFutureStop         = "from __future__ import generator_stop (PEP 479)"             // 3.5
	FeatFString            = "f-string (PEP 498)"                                          // 3.6
	FeatAnnAssign          = "variable annotation (PEP 526)"                               // 3.6
	FeatUnderscores        = "underscores in numeric literal (PEP 515)"                    // 3.6
	FeatAsyncGen           = "asynchronous generator (PEP 525)"                            // 3.6
	FeatAsyncComp          = "asynchronous comprehension (PEP 530)"                        // 3.6
	FeatAwaitComp          = "await in a comprehension (PEP 530)"                          // 3.6
	FeatAsyncOutside       = "async or await outside async def (keywords since 3.7)"       // 3.7
	FeatFutureAnnotations  = "from __future__ import annotations (PEP 563)"                // 3.7
	FeatWalrus             = "assignment expression (PEP 572)"                             // 3.8
	FeatPosOnly            = "positional-only parameters (PEP 570)"                        // 3.8
	FeatFStringEq          = "f-string = specifier"                                        // 3.8
	FeatStarReturn         = "unparenthesized starred expression in return or yield"       // 3.8
	FeatContinueFinally    = "continue in finally"                                         // 3.8
	FeatDecorator          = "relaxed decorator expression (PEP 614)"                      // 3.9
	FeatParenWith          = "parenthesized context managers"                              // 3.9
	FeatMatch              = "match statement (PEP 634)"                                   // 3.10
	FeatWalrusUnparen      = "unparenthesized assignment expression in a set or subscript" // 3.10
	FeatFutureBarryAsFLUFL = "from __future__ import barry_as_FLUFL"                       // 3.1
)

// Lowest is the lowest version whose grammar accepts a file with features
// fs (as Features gives them): the largest of their versions, 3.0
// (Version 0, which here is 3.0, not Latest) when there is none.
func Lowest(fs []Feature) Version {
	var v Version
	for _, f := range fs {
		v = max(v, f.Version)
	}
	return v
}

// scopeState is what the walk knows of the enclosing scopes.
type scopeState struct {
	async   bool // directly in an async def's body (not a nested def or lambda)
	comp    int  // comprehensions around, in this function
	finally bool // in a finally block, with no loop between
}

// walk visits n and its descendants, tracking the scopes.
func (c *featureCollector) walk(n ast.Node) {
	if _, ok := n.(*ast.Name); ok {
		return
	}
	if c.prune && c.fstr == 0 && c.skip(n) {
		return
	}
	switch n := n.(type) { // the most frequent nodes, first
	case *ast.Name:
		return
	case *ast.Constant:
		if c.below == 0 {
			c.constant(n)
		}
		return
	case *ast.Attribute:
		c.walk(n.Value)
		return
	}
	if !c.visit(n) {
		return
	}
	outer := c.scope
	switch n := n.(type) {
	case *ast.FunctionDef:
		c.function(n.DecoratorList, n.Args, n.Returns, n.TypeParams, n.Body, false)
		return
	case *ast.AsyncFunctionDef:
		c.function(n.DecoratorList, n.Args, n.Returns, n.TypeParams, n.Body, true)
		return
	case *ast.Lambda:
		c.walk(n.Args)
		c.scope = scopeState{}
		c.walk(n.Body)
		c.scope = outer
		return
	case *ast.ListComp:
		c.comprehension(n, n.Generators, n.Elt, nil)
		return
	case *ast.SetComp:
		c.comprehension(n, n.Generators, n.Elt, nil)
		return
	case *ast.GeneratorExp:
		c.comprehension(n, n.Generators, n.Elt, nil)
		return
	case *ast.DictComp:
		c.comprehension(n, n.Generators, n.Key, n.Value)
		return
	case *ast.Try:
		c.try(n.Body, n.Handlers, n.Orelse, n.Finalbody)
		return
	case *ast.TryStar:
		c.try(n.Body, n.Handlers, n.Orelse, n.Finalbody)
		return
	case *ast.For, *ast.AsyncFor, *ast.While:
		var body []ast.Stmt
		switch n := n.(type) {
		case *ast.For:
			c.walk(n.Target)
			c.walk(n.Iter)
			body = n.Body
		case *ast.AsyncFor:
			c.walk(n.Target)
			c.walk(n.Iter)
			body = n.Body
		case *ast.While:
			c.walk(n.Test)
			body = n.Body
		}
		c.scope.finally = false
		c.stmts(body)
		c.scope = outer
		switch n := n.(type) {
		case *ast.For:
			c.stmts(n.Orelse)
		case *ast.AsyncFor:
			c.stmts(n.Orelse)
		case *ast.While:
			c.stmts(n.Orelse)
		}
		return
	}
	ast.EachChild(n, c.each)
}

func (c *featureCollector) stmts(body []ast.Stmt) {
	for _, s := range body {
		c.walk(s)
	}
}

func (c *featureCollector) exprs(es []ast.Expr) {
	for _, e := range es {
		if e != nil {
			c.walk(e)
		}
	}
}

// function walks a def: what is evaluated where it is defined, then its
// body in a scope of its own.
func (c *featureCollector) function(decorators []ast.Expr, args *ast.Arguments, returns ast.Expr, tps []ast.TypeParam, body []ast.Stmt, async bool) {
	c.exprs(decorators)
	for _, d := range decorators {
		c.decorator(d)
	}
	for _, tp := range tps {
		c.walk(tp)
	}
	if args != nil {
		c.walk(args)
	}
	if returns != nil {
		c.walk(returns)
	}
	outer := c.scope
	c.scope = scopeState{async: async}
	c.stmts(body)
	c.scope = outer
}

// comprehension walks a comprehension: its first iterable is evaluated
// outside it, the rest inside.
func (c *featureCollector) comprehension(n ast.Expr, gens []*ast.Comprehension, elt, value ast.Expr) {
	for _, g := range gens {
		if g.IsAsync != 0 {
			if c.scope.async {
				c.feat(FeatAsyncComp, 6, start(n.(ast.Located).Location()))
			} else {
				c.feat(FeatAsyncOutside, 7, start(n.(ast.Located).Location()))
			}
			break
		}
	}
	outer := c.scope
	for i, g := range gens {
		if i == 0 {
			c.walk(g.Iter)
			c.scope.comp++
			c.walk(g.Target)
		} else {
			c.walk(g.Target)
			c.walk(g.Iter)
		}
		c.exprs(g.Ifs)
	}
	if len(gens) == 0 {
		c.scope.comp++
	}
	c.walk(elt)
	if value != nil {
		c.walk(value)
	}
	c.scope = outer
}

func (c *featureCollector) try(body []ast.Stmt, hs []*ast.ExceptHandler, orelse, final []ast.Stmt) {
	c.stmts(body)
	for _, h := range hs {
		c.walk(h)
	}
	c.stmts(orelse)
	outer := c.scope
	c.scope.finally = true
	c.stmts(final)
	c.scope = outer
}

// feat records a feature of 3.10 or earlier at p.
func (c *featureCollector) feat(name string, v Version, p token.Pos) {
	c.add(name, v, p, "invalid syntax", p, p)
}

// visitOld records the features of 3.0 to 3.10 that n shows by itself.
func (c *featureCollector) visitOld(n ast.Node) {
	switch n := n.(type) {
	case *ast.Constant:
		c.constant(n)
	case *ast.Call:
		c.arglist(n.Args, n.Keywords, start(&n.Loc))
	case *ast.BinOp:
		if n.Op == ast.MatMult {
			c.feat(FeatMatMul, 5, start(&n.Loc))
		}
	case *ast.AugAssign:
		if n.Op == ast.MatMult {
			c.feat(FeatMatMul, 5, start(&n.Loc))
		}
	case *ast.AnnAssign:
		c.feat(FeatAnnAssign, 6, start(&n.Loc))
	case *ast.NamedExpr:
		c.feat(FeatWalrus, 8, start(&n.Loc))
	case *ast.Arguments:
		if len(n.Posonlyargs) > 0 {
			c.feat(FeatPosOnly, 8, start(&n.Posonlyargs[0].Loc))
		}
	case *ast.Tuple:
		if n.Ctx == ast.Load {
			c.starredDisplay(n.Elts)
		}
	case *ast.List:
		if n.Ctx == ast.Load {
			c.starredDisplay(n.Elts)
		}
	case *ast.Set:
		c.starredDisplay(n.Elts)
		for _, e := range n.Elts {
			c.walrusUnparen(e)
		}
	case *ast.SetComp:
		c.walrusUnparen(n.Elt)
	case *ast.Subscript:
		c.walrusUnparen(n.Slice)
		if t, ok := n.Slice.(*ast.Tuple); ok && !c.parenthesized(&t.Loc) {
			for _, e := range t.Elts {
				c.walrusUnparen(e)
			}
		}
	case *ast.Dict:
		for i, k := range n.Keys {
			if k == nil {
				c.feat(FeatUnpacking, 5, start(n.Values[i].(ast.Located).Location()))
				break
			}
		}
	case *ast.ClassDef:
		c.arglist(n.Bases, n.Keywords, start(&n.Loc))
		for _, d := range n.DecoratorList {
			c.decorator(d)
		}
	case *ast.AsyncFunctionDef:
		c.feat(FeatAsyncDef, 5, start(&n.Loc))
	case *ast.Await:
		switch {
		case !c.scope.async:
			c.feat(FeatAsyncOutside, 7, start(&n.Loc))
		case c.scope.comp > 0:
			c.feat(FeatAwaitComp, 6, start(&n.Loc))
		}
	case *ast.AsyncFor:
		if !c.scope.async {
			c.feat(FeatAsyncOutside, 7, start(&n.Loc))
		}
	case *ast.AsyncWith:
		if !c.scope.async {
			c.feat(FeatAsyncOutside, 7, start(&n.Loc))
		}
		c.with(n.Items, start(&n.Loc))
	case *ast.With:
		c.with(n.Items, start(&n.Loc))
	case *ast.Yield:
		if c.scope.async && c.scope.comp == 0 {
			c.feat(FeatAsyncGen, 6, start(&n.Loc))
		}
		c.starReturn(n.Value)
	case *ast.Return:
		c.starReturn(n.Value)
	case *ast.YieldFrom:
		c.feat(FeatYieldFrom, 3, start(&n.Loc))
	case *ast.Continue:
		if c.scope.finally {
			c.feat(FeatContinueFinally, 8, start(&n.Loc))
		}
	case *ast.Match:
		c.feat(FeatMatch, 10, start(&n.Loc))
	case *ast.ImportFrom:
		if n.Module == "__future__" && n.Level == 0 {
			for _, a := range n.Names {
				switch a.Name {
				case "annotations":
					c.feat(FeatFutureAnnotations, 7, start(&n.Loc))
				case "generator_stop":
					c.feat(FeatFutureStop, 5, start(&n.Loc))
				case "barry_as_FLUFL":
					c.feat(FeatFutureBarryAsFLUFL, 1, start(&n.Loc))
				}
			}
		}
	}
}

// constant records underscores in a number and the prefix u or rb of a
// string (of the first one, when strings are concatenated: the others'
// are not looked at, which would cost a scan of every string).
func (c *featureCollector) constant(n *ast.Constant) {
	s, e := c.off(n.Lineno, n.ColOffset), c.off(n.EndLineno, n.EndColOffset)
	if s >= e {
		return
	}
	switch n.Value.(type) {
	case ast.Str:
		if e-s > 2 && c.src[s]|0x20 == 'u' && (c.src[s+1] == '\'' || c.src[s+1] == '"') {
			c.feat(FeatUPrefix, 3, c.pos(s))
		}
	case ast.Bytes:
		if e-s > 2 && c.src[s]|0x20 == 'r' && c.src[s+1]|0x20 == 'b' {
			c.feat(FeatRBPrefix, 3, c.pos(s))
		}
	default:
		if b := c.src[s]; b >= '0' && b <= '9' || b == '.' && s+1 < e && c.src[s+1] >= '0' && c.src[s+1] <= '9' {
			if bytes.IndexByte(c.src[s:e], '_') >= 0 {
				c.feat(FeatUnderscores, 6, start(&n.Loc))
			}
		}
	}
}

// arglist records the argument lists that 3.4's grammar lacks (PEP 448):
// several *iterables or **mappings, a positional argument after an
// *iterable, a keyword argument after a **mapping.
func (c *featureCollector) arglist(args []ast.Expr, kws []*ast.Keyword, p token.Pos) {
	star := false
	for _, a := range args {
		_, isStar := a.(*ast.Starred)
		if star {
			c.feat(FeatUnpacking, 5, start(a.(ast.Located).Location()))
			return
		}
		star = isStar
	}
	dstar := false
	for _, k := range kws {
		if dstar {
			c.feat(FeatUnpacking, 5, start(&k.Loc))
			return
		}
		dstar = k.Arg == ""
	}
}

// starredDisplay records *iterable in a tuple, list or set display (PEP 448).
func (c *featureCollector) starredDisplay(elts []ast.Expr) {
	for _, e := range elts {
		if s, ok := e.(*ast.Starred); ok {
			c.feat(FeatUnpacking, 5, start(&s.Loc))
			return
		}
	}
}

// starReturn records `return *a, b` and `yield *a, b` (3.8; 3.5 to 3.7
// want the tuple parenthesized).
func (c *featureCollector) starReturn(v ast.Expr) {
	t, ok := v.(*ast.Tuple)
	if !ok {
		return
	}
	var st *ast.Starred
	for _, e := range t.Elts {
		if s, ok := e.(*ast.Starred); ok {
			st = s
			break
		}
	}
	if st == nil {
		return
	}
	if !c.parenthesized(&t.Loc) {
		c.feat(FeatStarReturn, 8, start(&st.Loc))
	}
}

// parenthesized says whether a tuple's parentheses are its own (CPython
// counts them in its location).
func (c *featureCollector) parenthesized(t *ast.Loc) bool {
	s, e := c.off(t.Lineno, t.ColOffset), c.off(t.EndLineno, t.EndColOffset)
	return s < e && c.src[s] == '(' && c.src[e-1] == ')' && c.closing(s, e) == e-1
}

// closing is the offset of the bracket that closes the one at src[s],
// looking no further than e (-1 if not found), skipping strings and
// comments.
func (c *featureCollector) closing(s, e int) int {
	depth := 0
	for i := s; i < e; i++ {
		switch b := c.src[i]; b {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth--; depth == 0 {
				return i
			}
		case '#':
			j := bytes.IndexByte(c.src[i:e], '\n')
			if j < 0 {
				return -1
			}
			i += j
		case '"', '\'':
			triple := i+2 < e && c.src[i+1] == b && c.src[i+2] == b
			if triple {
				i += 2
			}
			for i++; i < e; i++ {
				if c.src[i] == '\\' {
					i++
					continue
				}
				if c.src[i] == b && (!triple || i+2 < e && c.src[i+1] == b && c.src[i+2] == b) {
					if triple {
						i += 2
					}
					break
				}
			}
		}
	}
	return -1
}

// prevByte is the last byte before off that is not blank, a newline or
// a line continuation (0 at the start).
func (c *featureCollector) prevByte(off int) byte {
	for i := off - 1; i >= 0; i-- {
		switch c.src[i] {
		case ' ', '\t', '\n', '\r', '\f', '\\':
		default:
			return c.src[i]
		}
	}
	return 0
}

// nextByte is the offset of the first byte from off that is not blank, a
// newline or a line continuation.
func (c *featureCollector) nextByte(off int) int {
	for i := off; i < len(c.src); i++ {
		switch c.src[i] {
		case ' ', '\t', '\n', '\r', '\f', '\\':
		default:
			return i
		}
	}
	return len(c.src)
}

// walrusUnparen records e when it is an assignment expression without
// parentheses (where 3.10 first allows that: an element of a set display,
// a set comprehension's element, a subscript).
func (c *featureCollector) walrusUnparen(e ast.Expr) {
	n, ok := e.(*ast.NamedExpr)
	if !ok {
		return
	}
	s, end := c.off(n.Lineno, n.ColOffset), c.off(n.EndLineno, n.EndColOffset)
	if c.prevByte(s) == '(' {
		if i := c.nextByte(end); i < len(c.src) && c.src[i] == ')' {
			return
		}
	}
	c.feat(FeatWalrusUnparen, 10, start(&n.Loc))
}

// decorator records a decorator that 3.8's grammar lacks: anything but a
// dotted name, optionally called once (PEP 614).
func (c *featureCollector) decorator(d ast.Expr) {
	x := d
	if call, ok := d.(*ast.Call); ok {
		x = call.Func
	}
	loc := x.(ast.Located).Location()
	s, e := c.off(loc.Lineno, loc.ColOffset), c.off(loc.EndLineno, loc.EndColOffset)
	ok := c.prevByte(s) == '@' && s < e
	for i := s; ok && i < e; i++ {
		b := c.src[i]
		ok = b == '.' || b == '_' || b == ' ' || b == '\t' || b == '\\' || b == '\n' || b == '\f' || isLetter(b) || b >= '0' && b <= '9' || b >= 0x80
	}
	if !ok || !dotted(x) {
		c.feat(FeatDecorator, 9, start(d.(ast.Located).Location()))
	}
}

// dotted says whether e is a name or a chain of attributes of a name.
func dotted(e ast.Expr) bool {
	for {
		switch x := e.(type) {
		case *ast.Name:
			return true
		case *ast.Attribute:
			e = x.Value
		default:
			return false
		}
	}
}

// with records several context managers in one with statement (3.1) and
// the parenthesized form with an "as" (3.9).
func (c *featureCollector) with(items []*ast.WithItem, p token.Pos) {
	if len(items) == 0 {
		return
	}
	first := items[0].ContextExpr.(ast.Located).Location()
	last := items[len(items)-1]
	var lastLoc *ast.Loc
	if last.OptionalVars != nil {
		lastLoc = last.OptionalVars.(ast.Located).Location()
	} else {
		lastLoc = last.ContextExpr.(ast.Located).Location()
	}
	paren := false
	if c.prevByte(c.off(first.Lineno, first.ColOffset)) == '(' {
		i := c.nextByte(c.off(lastLoc.EndLineno, lastLoc.EndColOffset))
		if i < len(c.src) && c.src[i] == ',' {
			i = c.nextByte(i + 1)
		}
		if i < len(c.src) && c.src[i] == ')' {
			j := c.nextByte(i + 1)
			paren = j < len(c.src) && c.src[j] == ':'
		}
	}
	if paren {
		for _, it := range items {
			if it.OptionalVars != nil {
				c.feat(FeatParenWith, 9, p)
				return
			}
		}
		return // 3.0 reads it as one tuple
	}
	if len(items) > 1 {
		c.feat(FeatMultipleWith, 1, p)
	}
}

// fstringEq records the = specifier of the replacement fields of n
// (f'{x=}'): the expression is followed by '='. (The walk visits the
// format specifications' own.)
func (c *featureCollector) fstringEq(n *ast.JoinedStr) {
	for _, v := range n.Values {
		fv, ok := v.(*ast.FormattedValue)
		if !ok {
			continue
		}
		loc := fv.Value.(ast.Located).Location()
		i := c.nextByte(c.off(loc.EndLineno, loc.EndColOffset))
		if i < len(c.src) && c.src[i] == '=' {
			c.feat(FeatFStringEq, 8, start(loc))
			return
		}
	}
}

// mayBePEP701 says whether f-string n may hold syntax that only PEP 701
// allows: a replacement field with a quote, a backslash, a '#' or a
// newline, or format specifications nested more than twice. (A false
// positive only costs tokenizing n.)
func (c *featureCollector) mayBePEP701(n *ast.JoinedStr) bool {
	for _, v := range n.Values {
		fv, ok := v.(*ast.FormattedValue)
		if !ok {
			continue
		}
		s, e := c.off(fv.Lineno, fv.ColOffset), c.off(fv.EndLineno, fv.EndColOffset)
		if s >= e || bytes.ContainsAny(c.src[s:e], "'\"\\#\n") {
			return true
		}
	}
	return specDepth(n, 0) > 2
}

// fragmentTokens tokenizes src[s:e] (an f-string and the strings
// concatenated with it) on its own, in parentheses so that its lines are
// continuation lines, with the tokens' offsets those of src.
func (c *featureCollector) fragmentTokens(s, e int) []token.Token {
	frag := make([]byte, 0, e-s+2)
	frag = append(append(append(frag, '('), c.src[s:e]...), ')')
	tz := tokenizer.New(frag, tokenizer.Options{Comments: true})
	var toks []token.Token
	for {
		t, err := tz.Next()
		if err != nil {
			return nil
		}
		if t.Kind == token.ENDMARKER || t.Kind == token.NEWLINE {
			return toks
		}
		if int(t.Off) == 0 && t.Kind == token.LPAR || int(t.Off) == len(frag)-1 && t.Kind == token.RPAR {
			continue
		}
		t.Off += int32(s - 1)
		t.EndOff += int32(s - 1)
		toks = append(toks, t)
	}
}
