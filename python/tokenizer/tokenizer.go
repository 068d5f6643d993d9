// Package tokenizer turns Python 3.14 source into the token stream CPython's
// C tokenizer (Parser/lexer) gives its parser: same kinds, same token text,
// same (line, column) positions, same syntax errors.
//
// It is hand-written rather than generated or built on a lexer library
// because exactness is the point: CPython's lexer is a hand-written state
// machine whose observable behaviour (lazy line counting, where NEWLINE and
// f-string tokens start and end, which malformed input is an error and with
// which message) follows from its control flow. This package follows the same
// control flow, over an in-memory buffer, with fixed-size state (indent,
// bracket and f-string stacks sized to CPython's own limits) so that producing
// a token never allocates.
//
// Input is what python/source produces: UTF-8, BOM removed, newlines
// normalized to "\n". Any other bytes are still handled without panicking.
//
// # Positions
//
// Token.Start and Token.End are exactly what CPython 3.14's
// _tokenize.TokenizerIter reports (columns in UTF-8 bytes), which the tests
// check token by token against CPython over whole standard libraries:
//
//   - INDENT, DEDENT and ENDMARKER have column -1: CPython gives its parser
//     no column for them. Their line is the line being read.
//   - NEWLINE is empty text at the "\n" (or at the implicit one CPython adds
//     at the end of a source that lacks it), except after a comment: CPython
//     then starts NEWLINE at the "#", so its text is the comment.
//   - FSTRING_MIDDLE/TSTRING_MIDDLE text excludes the second brace of "{{"
//     or "}}"; the next token starts after it. Empty middles are emitted
//     where CPython emits them (e.g. before the "}" that ends a format spec
//     holding a nested field).
//
// CPython's parser sees two token ends differently from TokenizerIter: a
// NEWLINE ends one column later, and a middle whose text ends in a doubled
// brace ends after the skipped brace (End.Col+1; src[EndOff] is that brace;
// Tokenizer.SkippedBrace says when).
//
// # Errors
//
// Errors are *token.SyntaxError with CPython's class and message. Where
// CPython's parser and its tokenize module word an error differently (input
// ending inside brackets or after a backslash; indentation errors), this
// package follows the parser: "'(' was never closed",
// "unexpected EOF while parsing", at the parser's positions. Error columns
// are 0-based bytes: CPython's 1-based offset minus one.
//
// With Options.Comments the stream is the tokenize module's
// (extra_tokens=True), except that operators keep their exact kinds where
// tokenize says OP.
package tokenizer

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pybatch/pybatch/python/token"
	"golang.org/x/text/unicode/norm"
)

// CPython's limits (Parser/lexer/state.h, Parser/tokenizer).
const (
	maxIndent       = 100 // MAXINDENT: "too many levels of indentation"
	maxLevel        = 200 // MAXLEVEL: "too many nested parentheses"
	maxFStringLevel = 150 // MAXFSTRINGLEVEL: nested f-/t-strings
	maxExprNesting  = 3   // MAX_EXPR_NESTING: "f-string: expressions nested too deeply"
	tabSize         = 8
	eof             = -1
)

// Options configures a Tokenizer. The zero value gives the parser's stream.
type Options struct {
	// Comments makes the tokenizer also emit COMMENT and NL tokens and
	// otherwise behave as CPython's tokenize module does (extra_tokens=True):
	// INDENT carries the indentation text, DEDENT and ENDMARKER have real
	// columns, NEWLINE includes its "\n", and number, identifier and bracket
	// checks are relaxed exactly as tokenize relaxes them.
	Comments bool
}

// mode is one entry of CPython's tokenizer mode stack: the regular mode at
// the bottom, one entry per f-string or t-string being tokenized above it.
type mode struct {
	fstring        bool // TOK_FSTRING_MODE (scanning literal text) vs regular
	tstring        bool // t-string (PEP 750) rather than f-string
	raw            bool
	inFormatSpec   bool
	quote          byte
	quoteSize      int8
	curlyDepth     int32 // curly_bracket_depth
	exprStartDepth int32 // curly_bracket_expr_start_depth
	start          int32 // offset of the string's first prefix character
	startLine      int32
	startLineStart int32
}

func (m *mode) prefix() byte {
	if m.tstring {
		return 't'
	}
	return 'f'
}

// Tokenizer produces the tokens of one source buffer. It is not safe for
// concurrent use; create one per goroutine.
type Tokenizer struct {
	src  []byte // the caller's source
	buf  []byte // src, plus the "\n" CPython adds when src lacks a final one
	end  int    // readable limit: len(buf), or the start of the first line holding a NUL
	nul  bool   // reaching end means "source code cannot contain null bytes"
	opts Options

	p         int   // cursor (CPython's tok->cur)
	line      int32 // tok->lineno: lines are counted when their first byte is read
	lineStart int   // tok->line_start
	nextLine  int   // offset just past the current line's "\n"

	// token start (tok->start) and, for strings, where they began
	start          int
	startLine      int32
	startLineStart int

	atbol          bool
	eofSeen        bool // E_EOF
	commentNewline bool
	blankline      bool
	pendin         int
	indent         int
	indstack       [maxIndent]int32
	altindstack    [maxIndent]int32

	level      int
	parenStack [maxLevel]byte
	parenLine  [maxLevel]int32
	parenCol   [maxLevel]int32

	mi    int // index of the current mode
	modes [maxFStringLevel]mode

	err          *token.SyntaxError
	errCode      bool // err is one CPython's lexer signals by an error code (see ErrorIsCode)
	finished     bool // ENDMARKER returned
	endTok       token.Token
	skippedBrace bool // the last token was a middle ending before a doubled brace's second half

	warns []token.Warning // CPython's SyntaxWarnings, in the order emitted (see Warnings)
}

// New returns a Tokenizer over src. src is not modified and must not be
// modified while the Tokenizer is in use; token offsets index into it.
func New(src []byte, opts Options) *Tokenizer {
	t := new(Tokenizer)
	t.Reset(src, opts)
	return t
}

// Reset makes t a new Tokenizer over src, as New does, reusing t's memory
// (its fixed-size stacks take several kilobytes). Tokens already returned
// stay valid; t keeps no reference to its previous source. Reset(nil, opts)
// drops the reference to the source.
func (t *Tokenizer) Reset(src []byte, opts Options) {
	*t = Tokenizer{src: src, buf: src, opts: opts, atbol: true}
	if len(src) > 0 && src[len(src)-1] != '\n' {
		// CPython appends a newline to a last line that lacks one
		// (tok->implicit_newline). Only this case copies the source.
		b := make([]byte, len(src)+1)
		copy(b, src)
		b[len(src)] = '\n'
		t.buf = b
	}
	t.end = len(t.buf)
	if i := bytes.IndexByte(t.buf, 0); i >= 0 {
		// CPython rejects a line holding a NUL when it reads that line;
		// everything before it is tokenized normally.
		t.end = bytes.LastIndexByte(t.buf[:i], '\n') + 1
		t.nul = true
	}
	t.modes[0].exprStartDepth = -1
}

// Identifier returns the Python identifier a NAME token's text denotes:
// the text itself when ASCII, else its NFKC normalization, as CPython does
// (PEP 3131).
func Identifier(b []byte) string {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return nfkc(b)
		}
	}
	return string(b)
}

// nfkc normalizes with golang.org/x/text, whose tables (Unicode 15.0) predate
// CPython 3.14's (16.0). The only identifier characters this changes are
// U+1CCF0..U+1CCF9 (OUTLINED DIGIT ZERO..NINE, new in 16.0, NFKC to the ASCII
// digits); TestIdentifierNFKCOracle checks every identifier character.
func nfkc(b []byte) string {
	s := string(b)
	if bytes.Contains(b, []byte("\xf0\x9c\xb3")) { // UTF-8 prefix of U+1CCC0..U+1CCFF
		s = strings.Map(func(r rune) rune {
			if r >= 0x1CCF0 && r <= 0x1CCF9 {
				return '0' + r - 0x1CCF0
			}
			return r
		}, s)
	}
	return norm.NFKC.String(s)
}

// nextc returns the next byte and advances, or eof. Like CPython's
// tok_nextc it counts a line when it reads the line's first byte.
func (t *Tokenizer) nextc() int {
	if p := t.p; p < t.nextLine {
		t.p = p + 1
		return int(t.buf[p])
	}
	return t.nextcSlow()
}

// nextcSlow reads the first byte of a new line, or reports the end.
func (t *Tokenizer) nextcSlow() int {
	if t.p >= t.end {
		t.hitEnd()
		return eof
	}
	t.newLine()
	c := t.buf[t.p]
	t.p++
	return int(c)
}

func (t *Tokenizer) newLine() {
	t.line++
	t.lineStart = t.p
	if i := bytes.IndexByte(t.buf[t.p:t.end], '\n'); i >= 0 {
		t.nextLine = t.p + i + 1
	} else {
		t.nextLine = t.end
	}
}

// hitEnd records why input ended: plain EOF or the NUL line.
func (t *Tokenizer) hitEnd() {
	if t.nul {
		if t.err == nil {
			// CPython reads (and counts) the line, then rejects it.
			t.line++
			t.lineStart = t.end
			t.nextLine = t.end
			t.err = &token.SyntaxError{Kind: "SyntaxError", Msg: "source code cannot contain null bytes",
				Start: token.Pos{Line: t.line, Col: -1}, End: token.Pos{Line: t.line, Col: -1}}
		}
		return
	}
	t.eofSeen = true
}

func (t *Tokenizer) backup(c int) {
	if c != eof {
		t.p--
	}
}

// cur returns the current mode (CPython's TOK_GET_MODE).
func (t *Tokenizer) cur() *mode { return &t.modes[t.mi] }

// errCol is the 0-based byte column CPython reports for an error raised with
// the cursor at p: the start of the character before p.
func (t *Tokenizer) errCol(p int) int32 {
	i := p - 1
	for i > t.lineStart && i < len(t.buf) && t.buf[i]&0xC0 == 0x80 {
		i--
	}
	return int32(i - t.lineStart)
}

// syntaxError records CPython's _PyTokenizer_syntaxerror at the cursor.
func (t *Tokenizer) syntaxError(msg string) {
	t.setErr("SyntaxError", msg, t.line, t.errCol(t.p), -1)
}

// setErr records the first error only, as CPython does. A negative endCol
// means the error ends where it starts.
func (t *Tokenizer) setErr(kind, msg string, line, col, endCol int32) {
	if endCol < 0 {
		endCol = col
	}
	t.setErrEnd(kind, msg, line, col, endCol)
}

// The end columns of the errors CPython's parser raises for the
// tokenizer's error codes (E_EOF, E_TABSPACE, ...) without an end: see
// token.SyntaxError.
const (
	endOffset0     = -1 // end_offset 0
	endOffsetMinus = -2 // end_offset -1
)

// setErrEnd is setErr with the end column as given.
func (t *Tokenizer) setErrEnd(kind, msg string, line, col, endCol int32) {
	if t.err != nil {
		return
	}
	t.err = &token.SyntaxError{Kind: kind, Msg: msg,
		Start: token.Pos{Line: line, Col: col}, End: token.Pos{Line: line, Col: endCol}}
}

// setCodeErr is setErrEnd for an error CPython's lexer signals with an
// error code (tok->done) rather than by raising it.
func (t *Tokenizer) setCodeErr(kind, msg string, line, col, endCol int32) {
	if t.err == nil {
		t.errCode = true
	}
	t.setErrEnd(kind, msg, line, col, endCol)
}

// ErrorIsCode reports whether the tokenizer stopped on an error that
// CPython's lexer signals with an error code for its parser to raise
// (E_EOF, E_DEDENT, E_TABSPACE, E_TOODEEP, E_LINECONT) instead of raising
// it itself. The difference shows when CPython's parser has already
// failed and tokenizes the rest of the source: an error the lexer raises
// replaces the parser's, an error code does not.
func (t *Tokenizer) ErrorIsCode() bool { return t.err != nil && t.errCode }

// OpenBracket returns the innermost bracket not yet closed and its
// position (line, 0-based byte column), if any.
func (t *Tokenizer) OpenBracket() (c byte, pos token.Pos, ok bool) {
	if t.level == 0 {
		return 0, token.Pos{}, false
	}
	i := t.level - 1
	return t.parenStack[i], token.Pos{Line: t.parenLine[i], Col: t.parenCol[i]}, true
}

// InFString reports whether the tokenizer is inside an f-string or a
// t-string.
func (t *Tokenizer) InFString() bool { return t.mi > 0 }

// Next returns the next token. At the end it returns ENDMARKER, and keeps
// returning it. After a syntax error (a *token.SyntaxError) every later call
// returns the same error.
func (t *Tokenizer) Next() (token.Token, error) {
	var tok token.Token
	err := t.NextTo(&tok)
	return tok, err
}

// NextTo is Next writing the token into *dst instead of returning it (on an
// error *dst is set to the zero Token). It saves copying the token struct,
// which matters to a parser that stores tokens in its own buffer.
func (t *Tokenizer) NextTo(dst *token.Token) error {
	if t.err != nil {
		*dst = token.Token{}
		return t.err
	}
	t.skippedBrace = false
	if t.finished {
		*dst = t.endTok
		return nil
	}
	var k token.Kind
	var p0, p1 int
	if t.modes[t.mi].fstring {
		k, p0, p1 = t.fstringMode()
	} else {
		k, p0, p1 = t.normalMode()
	}
	if t.err != nil {
		*dst = token.Token{}
		return t.err
	}
	if p0 >= 0 && k != token.ENDMARKER && !t.opts.Comments {
		// makeToken's common case, inlined: a token with a position.
		sl, sls := t.line, t.lineStart
		if k == token.STRING || k == token.FSTRING_MIDDLE || k == token.TSTRING_MIDDLE {
			sl, sls = t.startLine, t.startLineStart
		}
		dst.Kind = k
		dst.Start.Line, dst.Start.Col = sl, int32(p0-sls)
		dst.End.Line, dst.End.Col = t.line, int32(p1-t.lineStart)
		dst.Off, dst.EndOff = int32(min(p0, len(t.src))), int32(min(p1, len(t.src)))
		return nil
	}
	t.makeToken(dst, k, p0, p1)
	return nil
}

// SkippedBrace reports whether the token Next just returned is an
// FSTRING_MIDDLE or TSTRING_MIDDLE that ends with the first brace of a
// doubled "{{" or "}}", the second being skipped. CPython's parser takes
// such a token's end one column later than TokenizerIter does (after the
// skipped brace), which shows in the end_col_offset of a literal part that
// ends with it. A middle ending in the "}" of a \N{...} escape is not one.
func (t *Tokenizer) SkippedBrace() bool { return t.skippedBrace }

// makeToken computes positions as CPython's TokenizerIter does: the start
// relative to the line where the token began, the end relative to the line
// the lexer is on now. p0 < 0 means CPython gives no position (-1 columns).
func (t *Tokenizer) makeToken(tok *token.Token, k token.Kind, p0, p1 int) {
	// Fields are stored one by one: the caller reads them one by one, and a
	// whole-struct copy right after narrow stores defeats store forwarding.
	tok.Kind = k
	if p0 < 0 {
		tok.Start.Line, tok.Start.Col = t.line, -1
		tok.End.Line, tok.End.Col = t.line, -1
		off := int32(min(t.p, len(t.src)))
		tok.Off, tok.EndOff = off, off
	} else {
		sl, sls := t.line, t.lineStart
		if k == token.STRING || k == token.FSTRING_MIDDLE || k == token.TSTRING_MIDDLE {
			sl, sls = t.startLine, t.startLineStart
		}
		tok.Start.Line, tok.Start.Col = sl, int32(p0-sls)
		tok.End.Line, tok.End.Col = t.line, int32(p1-t.lineStart)
		tok.Off, tok.EndOff = int32(min(p0, len(t.src))), int32(min(p1, len(t.src)))
	}
	if t.opts.Comments {
		t.adjustExtra(tok, k, p0, p1)
	}
	if k == token.ENDMARKER {
		t.finished = true
		t.endTok = *tok
	}
}

// adjustExtra applies what CPython's tokenize module (Python-tokenize.c,
// extra_tokens=True) changes in positions.
func (t *Tokenizer) adjustExtra(tok *token.Token, k token.Kind, p0, p1 int) {
	if k == token.ENDMARKER || (k == token.DEDENT && t.eofSeen) {
		tok.Start = token.Pos{Line: t.line + 1, Col: 0}
		tok.End = tok.Start
		return
	}
	switch k {
	case token.NEWLINE:
		tok.End.Col++
		if p0 < len(t.src) && t.buf[p0] == '\n' {
			tok.EndOff = int32(p0 + 1)
		}
	}
}

// normalMode is CPython's tok_get_normal_mode. It returns the kind and the
// token text's offsets (p0 = -1: no position).
func (t *Tokenizer) normalMode() (token.Kind, int, int) {
	cur := t.cur()
	var c int
nextline:
	t.blankline = false
	if t.atbol {
		col, altcol := 0, 0
		t.atbol = false
		contLineCol := 0
		for {
			// Fast path over spaces already on the current line.
			if line := t.buf[:t.nextLine]; t.p < len(line) && line[t.p] == ' ' {
				p := t.p + 1
				for p < len(line) && line[p] == ' ' {
					p++
				}
				col += p - t.p
				altcol += p - t.p
				t.p = p
			}
			c = t.nextc()
			if c == ' ' {
				col++
				altcol++
			} else if c == '\t' {
				col = (col/tabSize + 1) * tabSize
				altcol++
			} else if c == '\f' {
				col, altcol = 0, 0
			} else if c == '\\' {
				if contLineCol == 0 {
					contLineCol = col
				}
				if c = t.continuationLine(); c == eof {
					return token.ERRORTOKEN, -1, -1
				}
			} else {
				break
			}
		}
		t.backup(c)
		if c == '#' || c == '\n' || c == '\r' {
			t.blankline = true
		}
		if !t.blankline && t.level == 0 {
			if contLineCol != 0 {
				col, altcol = contLineCol, contLineCol
			}
			top := t.indent
			if int32(col) == t.indstack[top] {
				if int32(altcol) != t.altindstack[top] {
					t.indentError("TabError", "inconsistent use of tabs and spaces in indentation")
					return token.ERRORTOKEN, -1, -1
				}
			} else if int32(col) > t.indstack[top] {
				if top+1 >= maxIndent {
					t.indentError("IndentationError", "too many levels of indentation")
					return token.ERRORTOKEN, -1, -1
				}
				if int32(altcol) <= t.altindstack[top] {
					t.indentError("TabError", "inconsistent use of tabs and spaces in indentation")
					return token.ERRORTOKEN, -1, -1
				}
				t.pendin++
				t.indent++
				t.indstack[t.indent] = int32(col)
				t.altindstack[t.indent] = int32(altcol)
			} else {
				for t.indent > 0 && int32(col) < t.indstack[t.indent] {
					t.pendin--
					t.indent--
				}
				if int32(col) != t.indstack[t.indent] {
					t.indentError("IndentationError", "unindent does not match any outer indentation level")
					return token.ERRORTOKEN, -1, -1
				}
				if int32(altcol) != t.altindstack[t.indent] {
					t.indentError("TabError", "inconsistent use of tabs and spaces in indentation")
					return token.ERRORTOKEN, -1, -1
				}
			}
		}
	}

	t.start = t.p
	if t.pendin != 0 {
		if t.pendin < 0 {
			t.pendin++
			if t.opts.Comments {
				return token.DEDENT, t.p, t.p
			}
			return token.DEDENT, -1, -1
		}
		t.pendin--
		if t.opts.Comments {
			return token.INDENT, t.lineStart, t.p
		}
		return token.INDENT, -1, -1
	}

	// Peek ahead at the next character (this reads the next line at EOF).
	c = t.nextc()
	t.backup(c)

again:
	// Skip spaces.
	for {
		line := t.buf[:t.nextLine]
		p := t.p
		for p < len(line) && line[p] < 128 && blank[line[p]] {
			p++
		}
		if p < len(line) {
			// nextc, inlined.
			c = int(line[p])
			t.p = p + 1
			break
		}
		t.p = p
		c = t.nextc()
		if c != ' ' && c != '\t' && c != '\f' {
			break
		}
	}
	t.start = t.p - 1
	if c == eof {
		t.start = t.p
	}

	if c == '#' {
		// Comments run to the end of the line.
		if i := bytes.IndexByte(t.buf[t.p:t.nextLine], '\n'); i >= 0 {
			t.p += i
		} else {
			t.p = t.nextLine
		}
		c = t.nextc()
		if t.opts.Comments {
			t.backup(c)
			t.commentNewline = t.blankline
			return token.COMMENT, t.start, t.p
		}
	}

	if c == eof {
		if t.err != nil {
			return token.ERRORTOKEN, -1, -1
		}
		if t.level > 0 {
			t.eofError()
			return token.ERRORTOKEN, -1, -1
		}
		return token.ENDMARKER, -1, -1
	}

	// Identifier (most frequent token).
	if isPotentialIdentifierStart(c) {
		sawB, sawR, sawU, sawF, sawT := false, false, false, false, false
		for uint(c) < 128 && prefixByte[c] {
			if !sawB && (c == 'b' || c == 'B') {
				sawB = true
			} else if !sawU && (c == 'u' || c == 'U') {
				sawU = true
			} else if !sawR && (c == 'r' || c == 'R') {
				sawR = true
			} else if !sawF && (c == 'f' || c == 'F') {
				sawF = true
			} else if !sawT && (c == 't' || c == 'T') {
				sawT = true
			} else {
				break
			}
			c = t.nextc()
			if c == '"' || c == '\'' {
				if !t.checkPrefixes(sawB, sawR, sawU, sawF, sawT) {
					return token.ERRORTOKEN, -1, -1
				}
				if sawF || sawT {
					return t.fstringStart(c, sawT)
				}
				return t.stringLiteral(c)
			}
		}
		nonascii := false
		for isPotentialIdentifierChar(c) {
			if c >= 128 {
				nonascii = true
			}
			// Identifier characters never include "\n", so the
			// scan stays on this line.
			line := t.buf[:t.nextLine]
			p := t.p
			var or byte
			for p < len(line) && identChar[line[p]] {
				or |= line[p]
				p++
			}
			if or >= 128 {
				nonascii = true
			}
			t.p = p
			if p < len(line) {
				// line[p] ends the name: what nextc then backup would do.
				c = int(line[p])
				t.p++
				break
			}
			c = t.nextc()
		}
		t.backup(c)
		if nonascii && !t.opts.Comments && !t.verifyIdentifier() {
			return token.ERRORTOKEN, -1, -1
		}
		return token.NAME, t.start, t.p
	}

	if c == '\r' {
		c = t.nextc()
	}

	// Newline.
	if c == '\n' {
		t.atbol = true
		if t.blankline || t.level > 0 {
			if t.opts.Comments {
				t.commentNewline = false
				return token.NL, t.start, t.p
			}
			goto nextline
		}
		if t.commentNewline && t.opts.Comments {
			t.commentNewline = false
			return token.NL, t.start, t.p
		}
		return token.NEWLINE, t.start, t.p - 1
	}

	// Period or number starting with period?
	if c == '.' {
		c = t.nextc()
		if isDigit(c) {
			return t.number(c, true)
		} else if c == '.' {
			c = t.nextc()
			if c == '.' {
				return token.ELLIPSIS, t.start, t.p
			}
			t.backup(c)
			t.backup('.')
		} else {
			t.backup(c)
		}
		return token.DOT, t.start, t.p
	}

	if isDigit(c) {
		return t.number(c, false)
	}

	if c == '\'' || c == '"' {
		return t.stringLiteral(c)
	}

	// Line continuation.
	if c == '\\' {
		if c = t.continuationLine(); c == eof {
			return token.ERRORTOKEN, -1, -1
		}
		goto again
	}

	// Punctuation inside an f-string replacement field.
	if (c == ':' || c == '}' || c == '!' || c == '{') && t.mi > 0 && cur.exprStartDepth >= 0 {
		cursor := cur.curlyDepth
		if c != '{' {
			cursor--
		}
		if c == ':' && cursor == cur.exprStartDepth {
			cur.fstring = true
			cur.inFormatSpec = true
			return token.COLON, t.start, t.p
		}
	}

	// Two- and three-character operators.
	{
		c2 := t.nextc()
		if k2 := twoChars(c, c2); k2 != token.OP {
			c3 := t.nextc()
			if k3 := threeChars(c, c2, c3); k3 != token.OP {
				k2 = k3
			} else {
				t.backup(c3)
			}
			return k2, t.start, t.p
		}
		t.backup(c2)
	}

	switch c {
	case '(', '[', '{':
		if t.level >= maxLevel {
			t.syntaxError("too many nested parentheses")
			return token.ERRORTOKEN, -1, -1
		}
		t.parenStack[t.level] = byte(c)
		t.parenLine[t.level] = t.line
		t.parenCol[t.level] = int32(t.start - t.lineStart)
		t.level++
		if t.mi > 0 {
			cur.curlyDepth++
		}
	case ')', ']', '}':
		if t.mi > 0 && cur.curlyDepth == 0 && c == '}' {
			t.syntaxError(string(cur.prefix()) + "-string: single '}' is not allowed")
			return token.ERRORTOKEN, -1, -1
		}
		if !t.opts.Comments && t.level == 0 {
			t.syntaxError("unmatched '" + string(rune(c)) + "'")
			return token.ERRORTOKEN, -1, -1
		}
		if t.level > 0 {
			t.level--
			opening := t.parenStack[t.level]
			if !t.opts.Comments && !(opening == '(' && c == ')' || opening == '[' && c == ']' || opening == '{' && c == '}') {
				if t.mi > 0 && opening == '{' && cur.curlyDepth-1 == cur.exprStartDepth {
					t.syntaxError(string(cur.prefix()) + "-string: unmatched '" + string(rune(c)) + "'")
					return token.ERRORTOKEN, -1, -1
				}
				msg := "closing parenthesis '" + string(rune(c)) + "' does not match opening parenthesis '" + string(rune(opening)) + "'"
				if t.parenLine[t.level] != t.line {
					msg += " on line " + strconv.Itoa(int(t.parenLine[t.level]))
				}
				t.syntaxError(msg)
				return token.ERRORTOKEN, -1, -1
			}
		}
		if t.mi > 0 {
			cur.curlyDepth--
			if cur.curlyDepth < 0 {
				t.syntaxError(string(cur.prefix()) + "-string: unmatched '" + string(rune(c)) + "'")
				return token.ERRORTOKEN, -1, -1
			}
			if c == '}' && cur.curlyDepth == cur.exprStartDepth {
				cur.exprStartDepth--
				cur.fstring = true
				cur.inFormatSpec = false
			}
		}
	}

	if c < ' ' || c == 0x7f {
		// Non-ASCII bytes went to the identifier path, so only ASCII
		// control characters are left to reject here.
		t.syntaxError("invalid non-printable character U+" + hex4(rune(c)))
		return token.ERRORTOKEN, -1, -1
	}
	return oneChar(c), t.start, t.p
}

// continuationLine is tok_continuation_line: after a backslash, require a
// newline and a following line.
func (t *Tokenizer) continuationLine() int {
	c := t.nextc()
	if c == '\r' {
		c = t.nextc()
	}
	if c != '\n' {
		if t.err == nil {
			// The parser reports this at the column of the character
			// after the backslash.
			// E_LINECONT: RAISE_ERROR_KNOWN_LOCATION without an end.
			t.setCodeErr("SyntaxError", "unexpected character after line continuation character",
				t.line, int32(t.p-1-t.lineStart), endOffset0)
			if c == eof {
				t.err.Start.Col = int32(t.p - t.lineStart)
			}
		}
		return eof
	}
	c = t.nextc()
	if c == eof {
		t.eofError()
		return eof
	}
	t.backup(c)
	return c
}

// eofError is what CPython's parser reports when input ends inside a
// statement (E_EOF): an unclosed bracket, or a dangling backslash.
func (t *Tokenizer) eofError() {
	if t.err != nil {
		return
	}
	if t.level > 0 {
		i := t.level - 1
		t.setCodeErr("SyntaxError", "'"+string(rune(t.parenStack[i]))+"' was never closed",
			t.parenLine[i], t.parenCol[i], endOffset0)
		return
	}
	// _PyPegen_raise_error on the error token, which has no position: the
	// offset is the cursor's column (0-based here, hence -1), no end.
	t.setCodeErr("SyntaxError", "unexpected EOF while parsing", t.line, int32(t.p-t.lineStart)-1, endOffsetMinus)
}

// indentError reports E_TABSPACE, E_TOODEEP and E_DEDENT as CPython's
// parser does, on the offending line.
func (t *Tokenizer) indentError(kind, msg string) {
	if kind == "IndentationError" && msg[0] == 'u' {
		// E_DEDENT: _PyPegen_raise_error at the cursor, moved to the end
		// of the line; no end.
		t.setCodeErr(kind, msg, t.line, int32(t.nextLine-t.lineStart-1), endOffsetMinus)
		return
	}
	// E_TABSPACE, E_TOODEEP: column 0, no end.
	t.setCodeErr(kind, msg, t.line, 0, endOffset0)
}

// checkPrefixes is maybe_raise_syntax_error_for_string_prefixes.
func (t *Tokenizer) checkPrefixes(b, r, u, f, tt bool) bool {
	var p1, p2 string
	switch {
	case u && b:
		p1, p2 = "u", "b"
	case u && r:
		p1, p2 = "u", "r"
	case u && f:
		p1, p2 = "u", "f"
	case u && tt:
		p1, p2 = "u", "t"
	case b && f:
		p1, p2 = "b", "f"
	case b && tt:
		p1, p2 = "b", "t"
	case f && tt:
		p1, p2 = "f", "t"
	default:
		return true
	}
	t.setErr("SyntaxError", "'"+p1+"' and '"+p2+"' prefixes are incompatible",
		t.line, int32(t.start-t.lineStart), int32(t.p-t.lineStart-1))
	return false
}

// verifyIdentifier checks a non-ASCII NAME against PEP 3131 (XID_Start,
// XID_Continue), reporting CPython's "invalid character" errors.
func (t *Tokenizer) verifyIdentifier() bool {
	s := t.buf[t.start:t.p]
	first := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n <= 1 {
			t.p = t.start + i + 1
			t.syntaxError("(unicode error) 'utf-8' codec can't decode byte 0x" + strconv.FormatUint(uint64(s[i]), 16))
			return false
		}
		ok := false
		if first {
			ok = r == '_' || isXIDStart(r)
		} else {
			ok = isXIDContinue(r)
		}
		first = false
		if !ok {
			t.p = t.start + i + n
			if unicode.IsPrint(r) {
				t.syntaxError("invalid character '" + string(r) + "' (U+" + hex4(r) + ")")
			} else {
				t.syntaxError("invalid non-printable character U+" + hex4(r))
			}
			return false
		}
		i += n
	}
	return true
}

func hex4(r rune) string {
	s := strconv.FormatUint(uint64(r), 16)
	for len(s) < 4 {
		s = "0" + s
	}
	return upper(s)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// stringLiteral scans a (non-f, non-t) string whose opening quote c has been
// read; t.start is at its prefix.
func (t *Tokenizer) stringLiteral(quote int) (token.Kind, int, int) {
	quoteSize, endQuoteSize := 1, 0
	hasEscapedQuote := false
	t.startLine, t.startLineStart = t.line, t.lineStart
	c := t.nextc()
	if c == quote {
		c = t.nextc()
		if c == quote {
			quoteSize = 3
		} else {
			endQuoteSize = 1 // empty string
		}
	}
	if c != quote {
		t.backup(c)
	}
	q := byte(quote)
	for endQuoteSize != quoteSize {
		// Fast path: skip ordinary bytes on the current line.
		line := t.buf[:t.nextLine]
		p := t.p
		for p < len(line) {
			if b := line[p]; b == q || b == '\\' || b == '\n' {
				break
			}
			p++
		}
		if p != t.p {
			endQuoteSize = 0
			t.p = p
		}
		c = t.nextc()
		if t.err != nil {
			return token.ERRORTOKEN, -1, -1
		}
		if c == eof || (quoteSize == 1 && c == '\n') {
			detected := t.line
			t.p = t.start + 1
			t.line, t.lineStart = t.startLine, t.startLineStart
			if t.mi > 0 {
				m := t.cur()
				if int(m.quote) == quote && int(m.quoteSize) == quoteSize {
					t.syntaxError(string(m.prefix()) + "-string: expecting '}'")
					return token.ERRORTOKEN, -1, -1
				}
			}
			d := strconv.Itoa(int(detected))
			if quoteSize == 3 {
				t.syntaxError("unterminated triple-quoted string literal (detected at line " + d + ")")
			} else if hasEscapedQuote {
				t.syntaxError("unterminated string literal (detected at line " + d + "); perhaps you escaped the end quote?")
			} else {
				t.syntaxError("unterminated string literal (detected at line " + d + ")")
			}
			return token.ERRORTOKEN, -1, -1
		}
		if c == quote {
			endQuoteSize++
		} else {
			endQuoteSize = 0
			if c == '\\' {
				c = t.nextc()
				if c == quote {
					hasEscapedQuote = true
				}
				if c == '\r' {
					c = t.nextc()
				}
			}
		}
	}
	return token.STRING, t.start, t.p
}

// fstringStart pushes a new f-/t-string mode after its prefix and opening
// quote; t.start is at the prefix.
func (t *Tokenizer) fstringStart(quote int, tstring bool) (token.Kind, int, int) {
	quoteSize := 1
	t.startLine, t.startLineStart = t.line, t.lineStart
	after := t.nextc()
	if after == quote {
		afterAfter := t.nextc()
		if afterAfter == quote {
			quoteSize = 3
		} else {
			t.backup(afterAfter)
			t.backup(after)
		}
	}
	if after != quote {
		t.backup(after)
	}
	if t.mi+1 >= maxFStringLevel {
		t.syntaxError("too many nested f-strings or t-strings")
		return token.ERRORTOKEN, -1, -1
	}
	t.mi++
	m := &t.modes[t.mi]
	*m = mode{
		fstring:        true,
		tstring:        tstring,
		quote:          byte(quote),
		quoteSize:      int8(quoteSize),
		start:          int32(t.start),
		startLine:      t.line,
		startLineStart: int32(t.lineStart),
		exprStartDepth: -1,
	}
	p0 := t.buf[t.start] | 0x20
	p1 := t.buf[t.start+1] | 0x20
	m.raw = p0 == 'r' || p1 == 'r'
	if tstring {
		return token.TSTRING_START, t.start, t.p
	}
	return token.FSTRING_START, t.start, t.p
}

func middle(m *mode) token.Kind {
	if m.tstring {
		return token.TSTRING_MIDDLE
	}
	return token.FSTRING_MIDDLE
}

// fstringMode is CPython's tok_get_fstring_mode: literal text of an
// f-string or t-string, up to a replacement field or the closing quote.
func (t *Tokenizer) fstringMode() (token.Kind, int, int) {
	m := t.cur()
	t.start = t.p
	t.startLine, t.startLineStart = t.line, t.lineStart

	startChar := t.nextc()
	if startChar == '{' {
		peek1 := t.nextc()
		t.backup(peek1)
		t.backup(startChar)
		if peek1 != '{' {
			m.exprStartDepth++
			if m.exprStartDepth >= maxExprNesting {
				t.syntaxError(string(m.prefix()) + "-string: expressions nested too deeply")
				return token.ERRORTOKEN, -1, -1
			}
			m.fstring = false
			return t.normalMode()
		}
	} else {
		t.backup(startChar)
	}
	t.startLine, t.startLineStart = t.line, t.lineStart

	// At the end of the string?
	atEnd := true
	for i := 0; i < int(m.quoteSize); i++ {
		q := t.nextc()
		if q != int(m.quote) {
			t.backup(q)
			atEnd = false
			break
		}
	}
	if atEnd {
		t.mi--
		if m.tstring {
			return token.TSTRING_END, t.start, t.p
		}
		return token.FSTRING_END, t.start, t.p
	}

	endQuoteSize := 0
	unicodeEscape := false
	for endQuoteSize != int(m.quoteSize) {
		// Fast path over plain text on the current line.
		for t.p < t.nextLine {
			b := t.buf[t.p]
			if b == m.quote || b == '{' || b == '}' || b == '\\' || b == '\n' {
				break
			}
			t.p++
			endQuoteSize = 0
		}
		c := t.nextc()
		if t.err != nil {
			return token.ERRORTOKEN, -1, -1
		}
		inFormatSpec := m.inFormatSpec && m.exprStartDepth >= 0
		if c == eof || (m.quoteSize == 1 && c == '\n') {
			if inFormatSpec && c == '\n' {
				t.syntaxError(string(m.prefix()) + "-string: newlines are not allowed in format specifiers for single quoted " + string(m.prefix()) + "-strings")
				return token.ERRORTOKEN, -1, -1
			}
			detected := strconv.Itoa(int(t.line))
			t.p = int(m.start) + 1
			t.line, t.lineStart = m.startLine, int(m.startLineStart)
			if m.quoteSize == 3 {
				t.syntaxError("unterminated triple-quoted " + string(m.prefix()) + "-string literal (detected at line " + detected + ")")
			} else {
				t.syntaxError("unterminated " + string(m.prefix()) + "-string literal (detected at line " + detected + ")")
			}
			return token.ERRORTOKEN, -1, -1
		}
		if c == int(m.quote) {
			endQuoteSize++
			continue
		}
		endQuoteSize = 0

		switch c {
		case '{':
			peek := t.nextc()
			if peek != '{' || inFormatSpec {
				t.backup(peek)
				t.backup(c)
				m.exprStartDepth++
				if m.exprStartDepth >= maxExprNesting {
					t.syntaxError(string(m.prefix()) + "-string: expressions nested too deeply")
					return token.ERRORTOKEN, -1, -1
				}
				m.fstring = false
				m.inFormatSpec = false
				return middle(m), t.start, t.p
			}
			t.skippedBrace = true
			return middle(m), t.start, t.p - 1
		case '}':
			if unicodeEscape {
				return middle(m), t.start, t.p
			}
			peek := t.nextc()
			if peek == '}' && !inFormatSpec && m.curlyDepth == 0 {
				t.skippedBrace = true
				return middle(m), t.start, t.p - 1
			}
			t.backup(peek)
			t.backup(c)
			m.fstring = false
			m.inFormatSpec = false
			return middle(m), t.start, t.p
		case '\\':
			peek := t.nextc()
			if peek == '\r' {
				peek = t.nextc()
			}
			if peek == '{' || peek == '}' {
				if !m.raw && !t.opts.Comments {
					t.warn(t.p-2, EscapeWarning(string(rune(peek))))
				}
				t.backup(peek)
				continue
			}
			if !m.raw && peek == 'N' {
				peek = t.nextc()
				if peek == '{' {
					unicodeEscape = true
				} else {
					t.backup(peek)
				}
			}
		}
	}
	// Leave the closing quotes for the FSTRING_END token.
	for i := 0; i < int(m.quoteSize); i++ {
		t.backup(int(m.quote))
	}
	return middle(m), t.start, t.p
}

// number scans a numeric literal. c is its first digit (or, when
// afterDot, the first digit after a leading ".").
func (t *Tokenizer) number(c int, afterDot bool) (token.Kind, int, int) {
	if afterDot {
		goto fraction
	}
	if c == '0' {
		c = t.nextc()
		switch c {
		case 'x', 'X':
			c = t.nextc()
			for {
				if c == '_' {
					c = t.nextc()
				}
				if !isHexDigit(c) {
					t.backup(c)
					t.syntaxError("invalid hexadecimal literal")
					return token.ERRORTOKEN, -1, -1
				}
				for {
					c = t.nextc()
					if !isHexDigit(c) {
						break
					}
				}
				if c != '_' {
					break
				}
			}
			if !t.verifyEndOfNumber(c, "hexadecimal") {
				return token.ERRORTOKEN, -1, -1
			}
		case 'o', 'O', 'b', 'B':
			octal := c == 'o' || c == 'O'
			name, maxDigit := "binary", '1'
			if octal {
				name, maxDigit = "octal", '7'
			}
			c = t.nextc()
			for {
				if c == '_' {
					c = t.nextc()
				}
				if c < '0' || c > int(maxDigit) {
					if isDigit(c) {
						t.syntaxError("invalid digit '" + string(rune(c)) + "' in " + name + " literal")
					} else {
						t.backup(c)
						t.syntaxError("invalid " + name + " literal")
					}
					return token.ERRORTOKEN, -1, -1
				}
				for {
					c = t.nextc()
					if c < '0' || c > int(maxDigit) {
						break
					}
				}
				if c != '_' {
					break
				}
			}
			if isDigit(c) {
				t.syntaxError("invalid digit '" + string(rune(c)) + "' in " + name + " literal")
				return token.ERRORTOKEN, -1, -1
			}
			if !t.verifyEndOfNumber(c, name) {
				return token.ERRORTOKEN, -1, -1
			}
		default:
			nonzero := false
			// Maybe old-style octal; in any case allow "0" as a literal.
			for {
				if c == '_' {
					c = t.nextc()
					if !isDigit(c) {
						t.backup(c)
						t.syntaxError("invalid decimal literal")
						return token.ERRORTOKEN, -1, -1
					}
				}
				if c != '0' {
					break
				}
				c = t.nextc()
			}
			zerosEnd := t.p
			if isDigit(c) {
				nonzero = true
				if c = t.decimalTail(); c == 0 {
					return token.ERRORTOKEN, -1, -1
				}
			}
			if c == '.' {
				c = t.nextc()
				goto fraction
			} else if c == 'e' || c == 'E' {
				goto exponent
			} else if c == 'j' || c == 'J' {
				goto imaginary
			} else if nonzero && !t.opts.Comments {
				t.backup(c)
				t.setErr("SyntaxError", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
					t.line, int32(t.start-t.lineStart), int32(zerosEnd-t.lineStart-1))
				return token.ERRORTOKEN, -1, -1
			}
			if !t.verifyEndOfNumber(c, "decimal") {
				return token.ERRORTOKEN, -1, -1
			}
		}
		t.backup(c)
		return token.NUMBER, t.start, t.p
	}
	// Decimal.
	if c = t.decimalTail(); c == 0 {
		return token.ERRORTOKEN, -1, -1
	}
	if c == '.' {
		c = t.nextc()
		goto fraction
	}
	goto afterFraction

fraction:
	if isDigit(c) {
		if c = t.decimalTail(); c == 0 {
			return token.ERRORTOKEN, -1, -1
		}
	}
afterFraction:
	if c == 'e' || c == 'E' {
		goto exponent
	}
	if c == 'j' || c == 'J' {
		goto imaginary
	}
	if !t.verifyEndOfNumber(c, "decimal") {
		return token.ERRORTOKEN, -1, -1
	}
	t.backup(c)
	return token.NUMBER, t.start, t.p

exponent:
	{
		e := c
		c = t.nextc()
		if c == '+' || c == '-' {
			c = t.nextc()
			if !isDigit(c) {
				t.backup(c)
				t.syntaxError("invalid decimal literal")
				return token.ERRORTOKEN, -1, -1
			}
		} else if !isDigit(c) {
			t.backup(c)
			if !t.verifyEndOfNumber(e, "decimal") {
				return token.ERRORTOKEN, -1, -1
			}
			t.backup(e)
			return token.NUMBER, t.start, t.p
		}
		if c = t.decimalTail(); c == 0 {
			return token.ERRORTOKEN, -1, -1
		}
		if c == 'j' || c == 'J' {
			goto imaginary
		}
		if !t.verifyEndOfNumber(c, "decimal") {
			return token.ERRORTOKEN, -1, -1
		}
		t.backup(c)
		return token.NUMBER, t.start, t.p
	}

imaginary:
	c = t.nextc()
	if !t.verifyEndOfNumber(c, "imaginary") {
		return token.ERRORTOKEN, -1, -1
	}
	t.backup(c)
	return token.NUMBER, t.start, t.p
}

// decimalTail is tok_decimal_tail: digits with single underscores between
// them. It returns the first byte after them, or 0 after an error.
func (t *Tokenizer) decimalTail() int {
	var c int
	for {
		for {
			c = t.nextc()
			if !isDigit(c) {
				break
			}
		}
		if c != '_' {
			break
		}
		c = t.nextc()
		if !isDigit(c) {
			t.backup(c)
			t.syntaxError("invalid decimal literal")
			return 0
		}
	}
	return c
}

// verifyEndOfNumber is verify_end_of_number: a number may be followed
// directly by the keywords and/else/for/if/in/is/not/or (CPython only warns),
// but not by any other identifier character.
func (t *Tokenizer) verifyEndOfNumber(c int, kind string) bool {
	if t.opts.Comments {
		return true
	}
	r := false
	switch c {
	case 'a':
		r = t.lookahead("nd")
	case 'e':
		r = t.lookahead("lse")
	case 'f':
		r = t.lookahead("or")
	case 'i':
		c2 := t.nextc()
		r = c2 == 'f' || c2 == 'n' || c2 == 's'
		t.backup(c2)
	case 'o':
		r = t.lookahead("r")
	case 'n':
		r = t.lookahead("ot")
	}
	if r {
		// A SyntaxWarning in CPython, not an error.
		t.warn(t.start, "invalid "+kind+" literal")
		return true
	}
	if c >= 0 && c < 128 && isPotentialIdentifierChar(c) {
		t.backup(c)
		t.syntaxError("invalid " + kind + " literal")
		return false
	}
	return true
}

// warn records a SyntaxWarning about the text at offset off (on the
// current line) while reading the token that starts at t.start.
func (t *Tokenizer) warn(off int, msg string) {
	col := int32(utf8.RuneCount(t.buf[t.lineStart:off])) + 1
	t.warns = append(t.warns, token.Warning{Kind: "SyntaxWarning", Msg: msg, Line: t.line, Col: col, Off: int32(off), At: int32(t.start)})
}

// Warnings returns the SyntaxWarnings CPython's tokenizer emits for the
// tokens read so far (numbers glued to a keyword, as in 1if; "\{" in an
// f-string), in order. The parser stream only (none with Options.Comments).
func (t *Tokenizer) Warnings() []token.Warning { return t.warns }

// EscapeWarning is CPython's message for the invalid escape sequence
// backslash-seq: seq is the character after the backslash, or the three
// digits of an octal escape above \377 (then octal is implied by a first
// digit from 4 to 7).
func EscapeWarning(seq string) string {
	kind := "an invalid escape sequence"
	if len(seq) == 3 && seq[0] >= '4' && seq[0] <= '7' {
		kind = "an invalid octal escape sequence"
	}
	return `"\` + seq + `" is ` + kind + `. Such sequences will not work in the future. Did you mean "\\` + seq + `"? A raw string is also an option.`
}

// lookahead reports whether the next bytes are test followed by a
// non-identifier character, consuming nothing.
func (t *Tokenizer) lookahead(test string) bool {
	p := t.p
	for i := 0; i < len(test); i++ {
		if p >= t.nextLine || t.buf[p] != test[i] {
			return false
		}
		p++
	}
	if p >= t.nextLine {
		return true // at EOF
	}
	return !isPotentialIdentifierChar(int(t.buf[p]))
}

func isDigit(c int) bool { return c >= '0' && c <= '9' }

func isHexDigit(c int) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isPotentialIdentifierStart(c int) bool {
	return c >= 0 && (c >= 128 || identStart[c])
}

// identStart[b] is isPotentialIdentifierStart for an ASCII byte b; prefixByte
// marks the letters of string prefixes; blank marks ' ', '\t' and '\f'.
var identStart, prefixByte, blank = func() (start, prefix, bl [128]bool) {
	for c := 0; c < 128; c++ {
		start[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
	}
	for _, c := range "bBuUrRfFtT" {
		prefix[c] = true
	}
	bl[' '], bl['\t'], bl['\f'] = true, true, true
	return
}()

func isPotentialIdentifierChar(c int) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 128
}

// identChar[b] is isPotentialIdentifierChar for a byte.
var identChar = func() (a [256]bool) {
	for i := range a {
		a[i] = isPotentialIdentifierChar(i)
	}
	return
}()

// oneChar is _PyToken_OneChar.
func oneChar(c int) token.Kind {
	switch c {
	case '!':
		return token.EXCLAMATION
	case '%':
		return token.PERCENT
	case '&':
		return token.AMPER
	case '(':
		return token.LPAR
	case ')':
		return token.RPAR
	case '*':
		return token.STAR
	case '+':
		return token.PLUS
	case ',':
		return token.COMMA
	case '-':
		return token.MINUS
	case '.':
		return token.DOT
	case '/':
		return token.SLASH
	case ':':
		return token.COLON
	case ';':
		return token.SEMI
	case '<':
		return token.LESS
	case '=':
		return token.EQUAL
	case '>':
		return token.GREATER
	case '@':
		return token.AT
	case '[':
		return token.LSQB
	case ']':
		return token.RSQB
	case '^':
		return token.CIRCUMFLEX
	case '{':
		return token.LBRACE
	case '|':
		return token.VBAR
	case '}':
		return token.RBRACE
	case '~':
		return token.TILDE
	}
	return token.OP
}

// twoChars is _PyToken_TwoChars (including "<>", which the parser rejects
// unless barry_as_FLUFL).
func twoChars(c1, c2 int) token.Kind {
	switch c1 {
	case '!':
		if c2 == '=' {
			return token.NOTEQUAL
		}
	case '%':
		if c2 == '=' {
			return token.PERCENTEQUAL
		}
	case '&':
		if c2 == '=' {
			return token.AMPEREQUAL
		}
	case '*':
		switch c2 {
		case '*':
			return token.DOUBLESTAR
		case '=':
			return token.STAREQUAL
		}
	case '+':
		if c2 == '=' {
			return token.PLUSEQUAL
		}
	case '-':
		switch c2 {
		case '=':
			return token.MINEQUAL
		case '>':
			return token.RARROW
		}
	case '/':
		switch c2 {
		case '/':
			return token.DOUBLESLASH
		case '=':
			return token.SLASHEQUAL
		}
	case ':':
		if c2 == '=' {
			return token.COLONEQUAL
		}
	case '<':
		switch c2 {
		case '<':
			return token.LEFTSHIFT
		case '=':
			return token.LESSEQUAL
		case '>':
			return token.NOTEQUAL
		}
	case '=':
		if c2 == '=' {
			return token.EQEQUAL
		}
	case '>':
		switch c2 {
		case '=':
			return token.GREATEREQUAL
		case '>':
			return token.RIGHTSHIFT
		}
	case '@':
		if c2 == '=' {
			return token.ATEQUAL
		}
	case '^':
		if c2 == '=' {
			return token.CIRCUMFLEXEQUAL
		}
	case '|':
		if c2 == '=' {
			return token.VBAREQUAL
		}
	}
	return token.OP
}

// threeChars is _PyToken_ThreeChars.
func threeChars(c1, c2, c3 int) token.Kind {
	if c3 != '=' {
		if c1 == '.' && c2 == '.' && c3 == '.' {
			return token.ELLIPSIS
		}
		return token.OP
	}
	switch {
	case c1 == '*' && c2 == '*':
		return token.DOUBLESTAREQUAL
	case c1 == '/' && c2 == '/':
		return token.DOUBLESLASHEQUAL
	case c1 == '<' && c2 == '<':
		return token.LEFTSHIFTEQUAL
	case c1 == '>' && c2 == '>':
		return token.RIGHTSHIFTEQUAL
	}
	return token.OP
}
