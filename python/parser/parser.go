// Package parser parses Python 3.14 source into the python/ast tree, accepting
// exactly the language of CPython 3.14's PEG grammar (Grammar/python.gram) and
// producing the same nodes, constant values and positions as CPython's ast.parse.
//
// It is hand-written recursive descent instead of generated from the grammar:
// CPython's grammar is written for a memoizing PEG generator with C actions,
// while a direct parser over a small token window is several times faster,
// allocates far less, and lets every alternative that CPython resolves by
// backtracking be resolved here by at most a bounded look-ahead or a cover
// grammar (parse an expression, then check it is a valid target), which gives
// the same verdict. Only the first pass of CPython's parser decides validity;
// its second pass, with the invalid_* rules, only chooses the message and
// position. Here those rules are checked where the single pass fails or
// where they apply (errors.go): the message and the four positions of
// CPython's SyntaxError (columns in characters, clamped as CPython clamps
// them) are matched on the grammar corpus's invalid snippets and on 99% of
// a mutation corpus of stdlib files (TestOracleMutations), not proved.
//
// \N{...} escapes are resolved with golang.org/x/text/unicode/runenames
// (a reverse index is built once, lazily, on the first \N escape), plus the
// algorithmic names (CJK unified ideographs, Hangul syllables) and the most
// used of Unicode's name aliases. runenames carries Unicode 15/17 tables while
// CPython 3.14 uses Unicode 16, so names added or changed between them
// differ; no generated table is needed.
//
// Limits: nesting deeper than maxDepth (like CPython's MAXSTACK) fails with
// CPython's MemoryError message, and left-nested chains (a+b+..., a.b.c...,
// f()()...) longer than maxChain fail with CPython's RecursionError message
// for AST construction, so no input overflows the Go stack and every tree is
// safe to walk recursively. Tokens are kept in a small window (only open
// backtracking points pin older tokens), so memory is dominated by the tree.
//
// Errors are *token.SyntaxError whose Kind is CPython's exception class
// ("SyntaxError", "IndentationError", "TabError", or "MemoryError" /
// "RecursionError" for the limits above).
package parser

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
	"unsafe"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/python/tokenizer"
)

// Options configures Parse. The zero value parses Python 3.14.
type Options struct {
	// ShareSource lets the tree's strings (identifiers, string constants
	// without escapes) point into src instead of a private copy, saving one
	// byte of allocation per source byte. Set it only when src is never
	// modified while the tree is in use (e.g. the text source.Decode
	// returns, as long as the raw bytes it decoded are not modified either:
	// the text may be those bytes).
	ShareSource bool
	// Version is the Python whose verdict Parse gives (zero: Latest): a
	// tree that uses syntax of a later version is refused with the syntax
	// error that version's CPython raises, at the line it gives (the
	// message may be 3.14's). See Features for what is checked.
	Version Version
	// Facts, when not nil, receives what FeaturesFacts needs to find the
	// version features of the tree without walking all of it.
	Facts *Facts
}

// maxDepth bounds the nesting of recursive constructs, like CPython's
// MAXSTACK (6000) bounds its parser's C recursion; beyond it Parse fails
// with CPython's MemoryError message.
const maxDepth = 6000

// maxChain bounds left-nested chains built by loops (a+b+c..., a.b.c...,
// f()()...), whose trees are as deep as they are long: CPython refuses
// such trees when converting them to Python objects (RecursionError during
// ast construction), and consumers that recurse over the tree must not
// overflow either.
const maxChain = 10000

// lookBehind is how many consumed tokens stay in the window (node ends look
// back over NEWLINE/INDENT/DEDENT tokens).
const lookBehind = 128

// Parse parses a module. src must be UTF-8 with newlines normalized to "\n"
// (what python/source.Decode returns). The error, if any, is a
// *token.SyntaxError.
func Parse(src []byte, opts Options) (*ast.Module, error) {
	mod, _, err := parse(src, opts, false)
	return mod, err
}

// ParseWarnings is Parse that also returns the warnings CPython 3.14's
// ast.parse emits for src (SyntaxWarnings: invalid escape sequences, numbers
// glued to a keyword), in the order CPython emits them; see token.Warning.
// They are 3.14's whatever opts.Version says. With a syntax error they are
// the ones CPython emits before raising it, as far as the tokens read
// before the error tell (a best effort: CPython's error pass may read
// further).
func ParseWarnings(src []byte, opts Options) (*ast.Module, []token.Warning, error) {
	return parse(src, opts, true)
}

func parse(src []byte, opts Options, wantWarn bool) (mod *ast.Module, warns []token.Warning, err error) {
	p := newParser(src, opts.ShareSource)
	defer func() {
		r := recover()
		if r == nil {
			if wantWarn {
				warns = p.warnings(-1, -1)
			}
			p.release()
			return
		}
		b, ok := r.(bailout)
		if !ok {
			p.release()
			panic(r)
		}
		mod, err = nil, b.err
		se := b.err
		limit := int32(0)
		if p.fill > 0 {
			limit = p.toks[p.fill-1].eoff
		}
		tokLimit := limit
		if !b.tok && !b.noRest && se.Kind != "MemoryError" && se.Kind != "RecursionError" {
			se = p.checkRest(se)
			// CPython's tokenizer warns as it reads the rest.
			tokLimit = -1
		}
		if wantWarn {
			warns = p.warnings(limit, tokLimit)
		}
		curLine := int32(0)
		if p.fill > 0 {
			curLine = p.toks[p.fill-1].end.Line
		}
		err = cpythonColumns(src, se, !b.tok, curLine)
		p.release()
	}()
	mod = p.file()
	if f := opts.Facts; f != nil {
		f.set(p.trig, p.yields, p.async)
	}
	if v := opts.Version; v != 0 && v < Latest {
		if se := versionError(mod, src, v); se != nil {
			return nil, warns, se
		}
	}
	return mod, warns, nil
}

// warnings returns the tokenizer's and the string literals' warnings in
// CPython's order, without the repeats backtracking made: those of string
// literals emitted before offset limit and of tokens before tokLimit (-1:
// all).
func (p *parser) warnings(limit, tokLimit int32) []token.Warning {
	tw := p.tz.Warnings()
	if len(p.warns) == 0 && len(tw) == 0 {
		return nil
	}
	before := func(ws []token.Warning, limit int32) []token.Warning {
		if limit < 0 {
			return ws
		}
		return slices.DeleteFunc(slices.Clone(ws), func(w token.Warning) bool { return w.At >= limit })
	}
	all := append(slices.Clip(before(p.warns, limit)), before(tw, tokLimit)...)
	slices.SortStableFunc(all, func(a, b token.Warning) int {
		return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(a.Off, b.Off))
	})
	all = slices.Compact(all)
	if len(all) == 0 {
		return nil
	}
	return all
}

// bailout carries a syntax error up to Parse.
type bailout struct {
	err    *token.SyntaxError
	soft   bool // a grammar failure that backtracking may recover from
	tok    bool // the tokenizer's error
	noRest bool // not followed by the rest-of-source check (see checkRest)
}

// Internal token kinds for hard keywords, above every token.Kind.
const (
	kwBase = 100 + iota
	kwFalse
	kwNone
	kwTrue
	kwAnd
	kwAs
	kwAssert
	kwAsync
	kwAwait
	kwBreak
	kwClass
	kwContinue
	kwDef
	kwDel
	kwElif
	kwElse
	kwExcept
	kwFinally
	kwFor
	kwFrom
	kwGlobal
	kwIf
	kwImport
	kwIn
	kwIs
	kwLambda
	kwNonlocal
	kwNot
	kwOr
	kwPass
	kwRaise
	kwReturn
	kwTry
	kwWhile
	kwWith
	kwYield
)

// Soft keywords (still NAME tokens).
const (
	softNone = iota
	softMatch
	softCase
	softType
	softUnderscore
)

func keywordKind(b []byte) (kind uint8, soft uint8) {
	switch string(b) {
	case "False":
		return kwFalse, 0
	case "None":
		return kwNone, 0
	case "True":
		return kwTrue, 0
	case "and":
		return kwAnd, 0
	case "as":
		return kwAs, 0
	case "assert":
		return kwAssert, 0
	case "async":
		return kwAsync, 0
	case "await":
		return kwAwait, 0
	case "break":
		return kwBreak, 0
	case "class":
		return kwClass, 0
	case "continue":
		return kwContinue, 0
	case "def":
		return kwDef, 0
	case "del":
		return kwDel, 0
	case "elif":
		return kwElif, 0
	case "else":
		return kwElse, 0
	case "except":
		return kwExcept, 0
	case "finally":
		return kwFinally, 0
	case "for":
		return kwFor, 0
	case "from":
		return kwFrom, 0
	case "global":
		return kwGlobal, 0
	case "if":
		return kwIf, 0
	case "import":
		return kwImport, 0
	case "in":
		return kwIn, 0
	case "is":
		return kwIs, 0
	case "lambda":
		return kwLambda, 0
	case "nonlocal":
		return kwNonlocal, 0
	case "not":
		return kwNot, 0
	case "or":
		return kwOr, 0
	case "pass":
		return kwPass, 0
	case "raise":
		return kwRaise, 0
	case "return":
		return kwReturn, 0
	case "try":
		return kwTry, 0
	case "while":
		return kwWhile, 0
	case "with":
		return kwWith, 0
	case "yield":
		return kwYield, 0
	case "match":
		return uint8(token.NAME), softMatch
	case "case":
		return uint8(token.NAME), softCase
	case "type":
		return uint8(token.NAME), softType
	case "_":
		return uint8(token.NAME), softUnderscore
	}
	return uint8(token.NAME), 0
}

// tok is a token as the parser sees it: hard keywords have their own kind.
type tok struct {
	kind       uint8
	soft       uint8
	start, end token.Pos
	off, eoff  int32
	level      int32 // brackets open after this token (CPython's token level); 32 bytes: indexing the window is a shift
}

type parser struct {
	src    []byte
	srcStr string // src viewed as a string (no copy): never put in the tree without keep
	share  bool   // Options.ShareSource
	// names interns identifiers when the source is not shared: each
	// distinct name is copied once per tree (into slabs.strBuf).
	names internTable
	tz    tokenizer.Tokenizer

	// toks is the window of tokens; toks[0] has absolute index base. The
	// tokens are read from the tokenizer in batches (avail), but the parser
	// sees them one by one (fill), exactly as if read on demand: fill is
	// what "the furthest token read" means for error positions, and a
	// tokenizer error found ahead (tzErr) is raised only when the parser
	// reaches it.
	// pos, fill and avail index toks (the absolute index of a token, which
	// marks and pins use, is its index plus base), so that peek needs no
	// subtraction.
	toks    []tok
	base    int
	pos     int // index of the current token
	fill    int // index one past the last token the parser fetched
	avail   int // index one past the last token in toks
	tzErr   *token.SyntaxError
	scratch token.Token
	eof     bool // ENDMARKER is in toks
	depth   int
	barry   bool // from __future__ import barry_as_FLUFL seen

	escBody string // the literal body being unescaped (for error positions)

	// pins are the marks that may still be reset to (open backtracking
	// points); tokens before the lowest pin, and more than lookBehind
	// tokens before the current one, are dropped from the window.
	pins []int

	// level is the bracket depth after the last token read.
	level int32
	// caught is the error of the last failure try recovered from.
	caught *token.SyntaxError
	// readMax is the absolute index after the last token read by an
	// error rule whose reads unread then hid (see unread).
	readMax int
	// The disjunction the last expression() call parsed in full starts at
	// token lastDisjStart and ends before token lastDisjEnd (absolute
	// indexes; 0: none): a generic failure right after it may be a missing
	// comma or a Python 2 print (see juxtaposed). Indexes, not the node:
	// expression() runs for nearly every operand, and a pointer store
	// there costs a write barrier while the GC runs.
	lastDisjStart, lastDisjEnd int

	exprStack []ast.Expr
	stmtStack []ast.Stmt
	argStack  []*ast.Arg

	slabs slabs

	// Warnings, rarely written: last, so as not to move the hot fields.
	// escBad and escOctal: the first invalid escape of the literal unescape
	// last decoded (see unescape).
	escBad   int
	escOctal bool
	// warns are the SyntaxWarnings of string literals, in no order and
	// possibly repeated by backtracking (see warnings).
	warns []token.Warning
	// badMiddles are the f-string literal parts to warn about when their
	// f-string ends (see fstring).
	badMiddles []badMiddle
	// trig are the positions of the syntax that expression-level version
	// features need (see Facts), possibly repeated by backtracking.
	trig []token.Pos
	// yields are the positions of yield expressions, which count (as trig)
	// only in a file with an async def (async, see Facts).
	yields []token.Pos
	async  bool
}

// trigger records syntax at pos that a version feature may need (Facts).
func (p *parser) trigger(pos token.Pos) { p.trig = append(p.trig, pos) }

// parserPool recycles parsers: their token window and work stacks. Node slabs
// are not kept: a chunk shared by two trees would keep the older tree (and,
// through its other chunks, every tree before it) reachable for as long as
// the newest one lives.
// A channel rather than a sync.Pool: the pool is emptied at every GC, and a
// parse allocates enough to trigger GCs often.
var parserPool = make(chan *parser, 32)

func newParser(src []byte, share bool) *parser {
	var p *parser
	select {
	case p = <-parserPool:
	default:
		p = &parser{toks: make([]tok, 0, 1024)}
	}
	p.src = src
	// unsafe.String views the caller's bytes as a string without copying
	// them. It is sound because Parse only reads src while it runs, and no
	// string cut from srcStr outlives it unless the caller promised with
	// ShareSource never to modify src: every piece of the source put in the
	// tree goes through keep (or p.name), which copies it otherwise, and
	// release drops srcStr (TestCopyOwnsStrings checks the tree owns its
	// strings).
	p.srcStr = unsafe.String(unsafe.SliceData(src), len(src))
	p.share = share
	p.tz.Reset(src, tokenizer.Options{})
	return p
}

// release returns p to the pool, dropping every reference to this parse.
func (p *parser) release() {
	p.src, p.srcStr, p.escBody = nil, "", ""
	p.warns = nil // handed to the caller
	p.badMiddles = p.badMiddles[:0]
	p.trig, p.yields, p.async = p.trig[:0], p.yields[:0], false
	p.names.reset() // its strings belong to this tree
	p.tz.Reset(nil, tokenizer.Options{})
	p.toks = p.toks[:0]
	p.base, p.pos, p.fill, p.avail, p.eof, p.depth, p.barry = 0, 0, 0, 0, false, 0, false
	p.level, p.lastDisjStart, p.lastDisjEnd, p.caught, p.readMax = 0, 0, 0, nil, 0
	p.tzErr, p.scratch = nil, token.Token{}
	clear(p.exprStack)
	p.exprStack = p.exprStack[:0]
	clear(p.stmtStack)
	p.stmtStack = p.stmtStack[:0]
	clear(p.argStack)
	p.argStack = p.argStack[:0]
	p.pins = p.pins[:0]
	p.slabs = slabs{}
	if cap(p.toks) > 1<<16 {
		p.toks = make([]tok, 0, 1024)
	}
	select {
	case parserPool <- p:
	default:
	}
}

// fetchBatch is how many tokens fetch reads from the tokenizer at a time:
// reading ahead amortizes the call and lets the stores of a token retire
// before the parser loads it.
const fetchBatch = 32

// fetch makes the next token visible to the parser.
func (p *parser) fetch() {
	if p.fill == p.avail {
		p.tokenize()
	}
	p.slabs.remain = len(p.src) - int(p.toks[p.fill].eoff)
	p.fill++
}

// tokenize appends up to fetchBatch tokens to the window (at least one, or
// it raises the tokenizer's error).
func (p *parser) tokenize() {
	if p.tzErr != nil {
		panic(bailout{err: p.tzErr, tok: true})
	}
	if p.eof {
		// Repeat ENDMARKER.
		last := p.toks[len(p.toks)-1]
		p.toks = append(p.toks, last)
		p.avail++
		return
	}
	// Drop consumed tokens that can no longer be reset to.
	if len(p.toks) == cap(p.toks) {
		low := p.base + p.pos - lookBehind
		for _, m := range p.pins {
			low = min(low, m)
		}
		drop := low - p.base
		if drop > len(p.toks)/2 {
			n := copy(p.toks, p.toks[drop:])
			p.toks = p.toks[:n]
			p.base += drop
			p.pos -= drop
			p.fill -= drop
			p.avail -= drop
		}
	}
	n := max(min(cap(p.toks)-len(p.toks), fetchBatch), 1)
	for i := 0; i < n; i++ {
		t := &p.scratch
		if err := p.tz.NextTo(t); err != nil {
			var se *token.SyntaxError
			if !errors.As(err, &se) {
				se = &token.SyntaxError{Kind: "SyntaxError", Msg: err.Error(), Start: t.Start, End: t.End}
			}
			if i == 0 {
				panic(bailout{err: se, tok: true})
			}
			p.tzErr = se
			return
		}
		k := uint8(t.Kind)
		var soft uint8
		if t.Kind == token.NAME {
			k, soft = keywordKind(p.src[t.Off:t.EndOff])
		}
		endCol := t.End.Col
		if (t.Kind == token.FSTRING_MIDDLE || t.Kind == token.TSTRING_MIDDLE) && p.tz.SkippedBrace() || t.Kind == token.NEWLINE {
			// CPython's parser ends such a literal after the skipped
			// second brace, and a NEWLINE one column later (which shows
			// in errors at a NEWLINE).
			endCol++
		}
		if len(p.toks) == cap(p.toks) {
			p.toks = append(p.toks, tok{})
		} else {
			p.toks = p.toks[:len(p.toks)+1]
		}
		// Field by field: see tokenizer.NextTo.
		d := &p.toks[len(p.toks)-1]
		d.kind, d.soft = k, soft
		d.start.Line, d.start.Col = t.Start.Line, t.Start.Col
		d.end.Line, d.end.Col = t.End.Line, endCol
		d.off, d.eoff = t.Off, t.EndOff
		switch k {
		case tLPAR, tLSQB, tLBRACE:
			p.level++
		case tRPAR, tRSQB, tRBRACE:
			p.level--
		}
		d.level = p.level
		p.avail++
		if t.Kind == token.ENDMARKER {
			p.eof = true
			return
		}
	}
}

// peek returns the current token.
func (p *parser) peek() *tok {
	for p.pos >= p.fill {
		p.fetch()
	}
	return &p.toks[p.pos]
}

// peekAt returns the token n positions after the current one.
func (p *parser) peekAt(n int) *tok {
	for p.pos+n >= p.fill {
		p.fetch()
	}
	return &p.toks[p.pos+n]
}

func (p *parser) kind() uint8 { return p.peek().kind }

func (p *parser) at(k uint8) bool { return p.peek().kind == k }

// next consumes the current token and returns it.
func (p *parser) next() tok {
	t := *p.peek()
	p.pos++
	return t
}

// skip consumes the current token (next without the copy of the token).
func (p *parser) skip() {
	for p.pos >= p.fill {
		p.fetch()
	}
	p.pos++
}

// skipExpect is expect for a token whose value is not needed.
func (p *parser) skipExpect(k uint8) {
	if p.peek().kind != k {
		p.fail()
	}
	p.pos++
}

// accept consumes the current token if it has kind k.
func (p *parser) accept(k uint8) bool {
	if p.peek().kind != k {
		return false
	}
	p.pos++
	return true
}

// moreElems parses the rest of a comma-separated list after an element:
// (',' elem)* [','], the grammar's `','.elem+ [',']` once the first
// element is parsed. After each comma, more reports whether an element
// follows (false: the comma was a trailing one and ends the list); a nil
// more means that an element always follows a comma (no trailing comma).
// elem parses one element and puts it where the caller collects them.
func (p *parser) moreElems(more func() bool, elem func()) {
	for p.accept(tCOMMA) {
		if more != nil && !more() {
			return
		}
		elem()
	}
}

// notAt returns a more func for moreElems: an element follows unless the
// current token is k (the list's closing bracket).
func (p *parser) notAt(k uint8) func() bool {
	return func() bool { return !p.at(k) }
}

// expect consumes a token of kind k or fails the parse.
func (p *parser) expect(k uint8) tok {
	t := *p.peek()
	if t.kind != k {
		p.fail()
	}
	p.pos++
	return t
}

func (p *parser) mark() int { return p.base + p.pos }

func (p *parser) reset(m int) {
	if m < p.base {
		panic("parser: reset before token window")
	}
	p.pos = m - p.base
}

// prev returns the last consumed token that is not NEWLINE, INDENT or
// DEDENT (CPython's _PyPegen_get_last_nonnwhitespace_token), whose end is the
// end of the node being built.
func (p *parser) prev() *tok {
	i := p.pos - 1
	for i > 0 {
		k := p.toks[i].kind
		if k != tNEWLINE && k != tINDENT && k != tDEDENT && k != tENDMARKER {
			break
		}
		i--
	}
	return &p.toks[i]
}

// try runs f; if f fails with a grammar failure (not a hard error such as a
// tokenizer error), the position and work stacks are restored and try
// returns false. It implements PEG backtracking where it is needed.
func (p *parser) try(f func()) (ok bool) {
	m, em, sm, am, depth, np := p.mark(), len(p.exprStack), len(p.stmtStack), len(p.argStack), p.depth, len(p.pins)
	p.pin(m)
	defer func() {
		p.pins = p.pins[:np]
		if ok {
			return
		}
		r := recover()
		if b, isB := r.(bailout); isB && b.soft {
			p.caught = b.err
			p.pos, p.depth = m-p.base, depth
			clear(p.exprStack[em:])
			p.exprStack = p.exprStack[:em]
			clear(p.stmtStack[sm:])
			p.stmtStack = p.stmtStack[:sm]
			clear(p.argStack[am:])
			p.argStack = p.argStack[:am]
			return
		}
		panic(r)
	}()
	f()
	return true
}

// tokAt returns the token at absolute index i (which must be in the window).
func (p *parser) tokAt(i int) *tok { return &p.toks[i-p.base] }

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		t := *p.peek()
		p.raise("MemoryError", t.start, t.end, "Parser stack overflowed - Python source too complex to parse")
	}
}

// chain checks the length n of a left-nested chain being built.
func (p *parser) chain(n int) {
	if n+p.depth > maxChain {
		t := *p.peek()
		p.raise("RecursionError", t.start, t.end, "maximum recursion depth exceeded during ast construction")
	}
}

func (p *parser) pin(m int) { p.pins = append(p.pins, m) }

func (p *parser) unpin() { p.pins = p.pins[:len(p.pins)-1] }

func (p *parser) leave() { p.depth-- }

// fail reports a generic syntax error at the furthest token read, as
// CPython's _Pypegen_set_syntax_error does after its first pass.
func (p *parser) fail() {
	// The generic error is at the last token the first pass read, even
	// when the second pass (juxtaposed) reads further.
	last := p.base + p.fill - 1
	p.juxtaposed()
	p.failGeneric(last)
}

// failGeneric is fail's generic error at the token of absolute index last.
func (p *parser) failGeneric(last int) {
	t := p.tokAt(last)
	switch t.kind {
	case tINDENT, tDEDENT:
		// _Pypegen_set_syntax_error returns after these without
		// tokenizing the rest of the source.
		msg := "unexpected indent"
		if t.kind == tDEDENT {
			msg = "unexpected unindent"
		}
		panic(bailout{err: p.lastTokErr("IndentationError", msg), soft: true, noRest: true})
	}
	// RAISE_SYNTAX_ERROR_KNOWN_LOCATION(last_token): a token without a
	// position (ENDMARKER) gives offset 0 and end_offset 0.
	panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: "invalid syntax", Start: t.start, End: t.end}, soft: true})
}

func (p *parser) errorAt(start, end token.Pos, msg string) {
	p.raise("SyntaxError", start, end, msg)
}

func (p *parser) raise(kind string, start, end token.Pos, msg string) {
	panic(bailout{err: &token.SyntaxError{Kind: kind, Msg: msg, Start: start, End: end}})
}

// errorNode raises a syntax error spanning node n.
func (p *parser) errorNode(n ast.Located, msg string) {
	l := n.Location()
	p.errorAt(token.Pos{Line: l.Lineno, Col: l.ColOffset}, token.Pos{Line: l.EndLineno, Col: l.EndColOffset}, msg)
}

// loc returns the span from token start to the end of the last consumed token.
func (p *parser) loc(start tok) ast.Loc {
	e := p.prev()
	return ast.Loc{Lineno: start.start.Line, ColOffset: start.start.Col, EndLineno: e.end.Line, EndColOffset: e.end.Col}
}

// locPos returns the span from sp to the end of the last consumed token.
func (p *parser) locPos(sp token.Pos) ast.Loc {
	e := p.prev()
	return ast.Loc{Lineno: sp.Line, ColOffset: sp.Col, EndLineno: e.end.Line, EndColOffset: e.end.Col}
}

// locFrom returns the span from the start of node a to the end of the last consumed token.
func (p *parser) locFrom(a ast.Located) ast.Loc {
	l := a.Location()
	e := p.prev()
	return ast.Loc{Lineno: l.Lineno, ColOffset: l.ColOffset, EndLineno: e.end.Line, EndColOffset: e.end.Col}
}

func span(a, b ast.Located) ast.Loc {
	la, lb := a.Location(), b.Location()
	return ast.Loc{Lineno: la.Lineno, ColOffset: la.ColOffset, EndLineno: lb.EndLineno, EndColOffset: lb.EndColOffset}
}

func tokLoc(t tok) ast.Loc {
	return ast.Loc{Lineno: t.start.Line, ColOffset: t.start.Col, EndLineno: t.end.Line, EndColOffset: t.end.Col}
}

// ident returns the identifier of a NAME token (NFKC-normalized if non-ASCII).
// Unless the source is shared, equal identifiers of one tree share one copy.
func (p *parser) ident(t tok) string {
	// Hash and check for non-ASCII bytes 8 bytes at a time (little-endian
	// loads; the tail is masked), since most names are shorter than 8.
	src := p.src
	i, end := int(t.off), int(t.eoff)
	var h, or uint64
	for ; i+8 <= end; i += 8 {
		w := binary.LittleEndian.Uint64(src[i:])
		or |= w
		h = (h ^ w) * 0x9E3779B97F4A7C15
	}
	if i < end {
		var w uint64
		if i+8 <= len(src) {
			w = binary.LittleEndian.Uint64(src[i:]) & (1<<(8*uint(end-i)) - 1)
		} else {
			for j := end - 1; j >= i; j-- {
				w = w<<8 | uint64(src[j])
			}
		}
		or |= w
		h = (h ^ w) * 0x9E3779B97F4A7C15
	}
	if or&0x8080808080808080 != 0 {
		return tokenizer.Identifier(src[t.off:t.eoff])
	}
	s := p.srcStr[t.off:t.eoff]
	if p.share {
		return s
	}
	return p.names.intern(s, uint32(h>>32), &p.slabs)
}

// keep returns s, a piece of the source, for use in the tree: a copy of it
// unless the source is shared. Callers know which strings are pieces of the
// source (strPiece.fresh says it for string pieces).
func (p *parser) keep(s string) string {
	if p.share {
		return s
	}
	return p.slabs.str(s)
}

// isName reports whether the current token is a NAME (not a hard keyword).
func (p *parser) isName() bool { return p.peek().kind == uint8(token.NAME) }

// pushExprs/popExprs use a shared stack to build expression lists without
// growing a fresh slice per list.
func (p *parser) exprMark() int { return len(p.exprStack) }

func (p *parser) pushExpr(e ast.Expr) { p.exprStack = append(p.exprStack, e) }

func (p *parser) popExprs(m int) []ast.Expr {
	n := len(p.exprStack) - m
	if n == 0 {
		p.exprStack = p.exprStack[:m]
		return []ast.Expr{}
	}
	out := p.slabs.exprs(n)
	copy(out, p.exprStack[m:])
	clear(p.exprStack[m:])
	p.exprStack = p.exprStack[:m]
	return out
}

func (p *parser) stmtMark() int { return len(p.stmtStack) }

func (p *parser) pushStmt(s ast.Stmt) { p.stmtStack = append(p.stmtStack, s) }

func (p *parser) popStmts(m int) []ast.Stmt {
	n := len(p.stmtStack) - m
	if n == 0 {
		return []ast.Stmt{}
	}
	out := p.slabs.stmts(n)
	copy(out, p.stmtStack[m:])
	clear(p.stmtStack[m:])
	p.stmtStack = p.stmtStack[:m]
	return out
}
