package analysis

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line metrics, exactly as radon 5.1's raw.analyze computes them.
//
// radon does not tokenize the file once: it splits the text with
// str.splitlines, strips every line, and feeds growing buffers of stripped
// lines (joined by "\n", the last one without a newline) to Python 3.11's
// pure-Python tokenize module until a buffer tokenizes without TokenError and
// without ERRORTOKEN. Each such buffer is one unit: a comment line, a
// docstring, a blank line, or a (possibly multi-line) statement. That tokenizer
// is not CPython 3.14's C tokenizer (python/tokenizer): f-strings are one
// STRING token, bad characters are ERRORTOKENs instead of errors, a backslash
// at the very end of the buffer is an ERRORTOKEN, and the lines are those of
// str.splitlines (which also breaks at \f, \v, \x1c-\x1e, \x85, \u2028,
// \u2029). So this file carries a small hand-written port of 3.11's
// tokenize._tokenize, fed line by line with its state kept between lines:
// radon re-tokenizes each growing buffer from scratch, which is quadratic in
// the length of a multi-line string; since tokenize reads the buffer line by
// line, re-running it gives the same tokens for the lines already seen, so one
// pass per line (plus a trial pass of the last line without its newline) is
// equivalent and linear.
//
// Most lines never reach that port: blank lines, comment lines and
// statements made only of names, numbers, operators, brackets, colons and
// strings that close on their line tokenize without surprises, and their
// numbers follow from a byte scan (fastText reads them straight from the
// text, fastUnit from stripped lines). TestRawFastPathsMatchPort and
// FuzzRawFastPaths check the fast paths against the port, which the radon
// tests check against radon.

// errRawIncomplete is radon's "SyntaxError at line: N": the last buffer
// never tokenizes cleanly.
var errRawIncomplete = errors.New("radon raw: incomplete statement or string at end of file")

// rawTok classifies the tokens radon's counting looks at.
type rawTok uint8

const (
	rtOther rawTok = iota
	rtString
	rtColon
	rtSemi
	rtEnd // ENDMARKER
)

// tok311 is the state of Python 3.11's tokenize between lines, plus what the
// current radon unit has produced so far.
type tok311 struct {
	parenlev  int
	continued bool
	// contstr: inside a string that continues on the next line.
	contstr   bool
	triple    bool // the continued string is triple-quoted
	quote     byte // its quote character
	needcont  bool // a single-quoted string continued by a backslash
	strStart  int  // unit-relative row where the continued string started
	errorTok  bool // an ERRORTOKEN was produced in this unit
	tokenErr  bool // the trial hit TokenError (EOF inside a string or statement)
	firstKind int8 // kind of the unit's first token: -1 none, 0 other, 1 COMMENT, 2 STRING
	nonNL     int  // tokens other than NL, NEWLINE, ENDMARKER (COMMENT included)
	comments  int
	strRows   [2]int   // start and end rows of the last STRING token
	toks      []rawTok // tokens other than COMMENT, NL, NEWLINE (ENDMARKER included)
}

// rawMetrics computes radon raw's numbers from the decoded text (newlines
// already normalized to "\n").
func rawMetrics(text string) (LineMetrics, error) {
	m, _, _, err := rawScan(text, nil)
	return m, err
}

// rawScan is rawMetrics, and also counts the lines that start a unit with
// "def ", "async def " or "class ": a cheap estimate of the number of
// definitions (to size Report.Definitions), not a count of them.
//
// If starts is not nil, rawScan appends to it the offset of each line as
// CPython numbers them (after each "\n"), for as far as it reads the text;
// it returns the extended slice.
func rawScan(text string, starts []int32) (m LineMetrics, defs int, lineStarts []int32, err error) {
	return rawScanWith(text, starts, true)
}

// rawScanWith is rawScan; with fast false, every statement goes through
// the tokenize port (for tests that check the fast paths against it).
func rawScanWith(text string, starts []int32, fast bool) (m LineMetrics, defs int, lineStarts []int32, err error) {
	lr := lineReader{text: text, starts: starts}
	defer func() { lineStarts = lr.starts }()
	var t tok311
	for lr.pos < len(text) {
		// Fast paths, exact for what tokenize would do on these lines
		// alone: a blank line, a comment line, a simple statement, read
		// straight from the text or from the stripped line.
		if fast && lr.fastText(&m, &defs) {
			continue
		}
		line, _ := lr.next()
		switch {
		case line == "":
			m.Blank++
			continue
		case line[0] == '#':
			m.Comments++
			m.SingleComments++
			continue
		}
		switch line[0] {
		case 'd', 'c', 'a':
			if isDefLine(line) {
				defs++
			}
		}
		snap := lr
		if u, ok := fastUnit(&lr, line); fast && ok {
			m.SLOC += u.filled
			m.Blank += u.empty
			m.Comments += u.comments
			m.LLOC += u.lloc
			continue
		}
		lr = snap
		t.resetUnit()
		startLine := lr.n
		filled, empty := 0, 0
		for row := 0; ; row++ {
			lineNL := lr.nl
			if line != "" {
				filled++
			} else {
				empty++
			}
			// Tokenize the line with its newline. Whether the buffer that
			// ends with this line (without its newline, as radon builds
			// it) tokenizes cleanly is the same question, except for an
			// empty line inside a unit, which ends the buffer inside it:
			// a backslash at the very end is an ERRORTOKEN instead of a
			// continuation, and an unclosed string or bracket is a
			// TokenError either way.
			if line == "" {
				t.line("\n", row)
			} else {
				if lineNL == "" {
					lineNL = line + "\n"
				}
				t.line(lineNL, row)
				if !t.errorTok && !t.contstr && t.parenlev == 0 && !t.continued {
					t.eof()
					break
				}
			}
			var more bool
			if line, more = lr.next(); !more {
				return LineMetrics{}, defs, nil, fmt.Errorf("%w (line %d)", errRawIncomplete, startLine)
			}
		}
		m.Comments += t.comments
		switch {
		case t.firstKind == 1 && t.nonNL == 1:
			m.SingleComments++
		case t.firstKind == 2 && t.nonNL == 1:
			if t.strRows[0] == t.strRows[1] {
				m.SingleComments++
			} else {
				m.Multi += filled
				m.Blank += empty
			}
		default:
			m.SLOC += filled
			m.Blank += empty
		}
		m.LLOC += logicalLines(t.toks)
	}
	m.LOC = m.SLOC + m.Blank + m.Multi + m.SingleComments
	return m, defs, nil, nil
}

// isDefLine reports whether a stripped line starts with "def ", "class "
// or "async def " (for the Definitions size hint).
func isDefLine(line string) bool {
	return strings.HasPrefix(line, "def ") || strings.HasPrefix(line, "class ") || strings.HasPrefix(line, "async def ")
}

// fastText is the common case of rawScan read straight from the text at
// lr.pos, without splitting and stripping lines first: a blank line, a
// comment line, or a unit that fastUnit accepts, all of whose lines end
// with "\n" (or the end of the text) and hold no other line break of
// str.splitlines and no character that strip() would remove but spaces
// and tabs. It adds the unit to m and moves lr past it, or returns false
// (and leaves lr alone) for anything else.
func (lr *lineReader) fastText(m *LineMetrics, defs *int) bool {
	text := lr.text
	n := len(text)
	nStarts := len(lr.starts)
	lines := 0 // line ends passed
	i := lr.pos
	for i < n && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	switch {
	case i == n || text[i] == '\n':
		m.Blank++
		lr.endUnit(i, 0)
		return true
	case text[i] == '#':
		e, ok := plainLineEnd(text, i)
		if !ok {
			return false
		}
		m.Comments++
		m.SingleComments++
		lr.endUnit(e, 0)
		return true
	case prefixLen(text, i) >= 0:
		return false // may be a string alone: a "docstring" unit
	}
	switch text[i] {
	case 'd', 'c', 'a':
		if isDefLine(text[i:min(n, i+10)]) {
			*defs++
		}
	}
	var u unitCount
	depth, colon := 0, 0 // colon as in fastUnit
	fail := func() bool {
		if lr.starts != nil {
			lr.starts = lr.starts[:nStarts]
		}
		return false
	}
	for {
		// a line with content from i on
		u.filled++
		lineStart, lastColon, end := i, -1, -1
	scan:
		for ; i < n; i++ {
			c := text[i]
			if simpleChars[c] {
				continue
			}
			switch c {
			case '\n':
				break scan
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
				if depth < 0 {
					return fail()
				}
			case '!':
				if i+1 >= n || text[i+1] != '=' {
					return fail()
				}
			case ':':
				if i+1 < n && text[i+1] == '=' {
					i++ // the walrus operator
				} else {
					lastColon = i
				}
			case '\'', '"':
				j, ok := skipString(text, i)
				if !ok {
					return fail()
				}
				i = j - 1
			case '#':
				e, ok := plainLineEnd(text, i)
				if !ok {
					return fail()
				}
				u.comments++
				end, i = i, e
				break scan
			default:
				return fail()
			}
		}
		if end < 0 {
			end = i
		}
		for end > lineStart && (text[end-1] == ' ' || text[end-1] == '\t') {
			end--
		}
		switch {
		case lastColon >= 0 && lastColon == end-1:
			colon = 1
		case lastColon >= 0 || end > lineStart && colon == 1:
			colon = 2
		}
		if depth == 0 {
			break
		}
		// the statement goes on: next line, after blank ones
		for {
			if i >= n {
				return fail() // the end of the text inside brackets
			}
			lines++
			i++ // past "\n"
			if lr.starts != nil {
				lr.starts = append(lr.starts, int32(i))
			}
			for i < n && (text[i] == ' ' || text[i] == '\t') {
				i++
			}
			if i < n && text[i] == '\n' {
				u.empty++
				continue
			}
			if i == n {
				return fail() // a last blank line inside brackets
			}
			break
		}
	}
	m.SLOC += u.filled
	m.Blank += u.empty
	m.Comments += u.comments
	m.LLOC += 1
	if colon == 2 {
		m.LLOC++
	}
	lr.endUnit(i, lines)
	return true
}

// endUnit moves lr past a unit whose last line ends at text[i] ("\n" or
// the end of the text), after lines earlier line ends.
func (lr *lineReader) endUnit(i, lines int) {
	lr.n += lines + 1
	lr.nl = ""
	if i < len(lr.text) {
		i++ // past "\n"
		if lr.starts != nil {
			lr.starts = append(lr.starts, int32(i))
		}
	}
	lr.pos = i
}

// plainLineEnd returns the offset of the "\n" that ends the line holding
// text[i] (or len(text)), ok false when another line break of
// str.splitlines, or a character strip() removes but space and tab, comes
// first.
func plainLineEnd(text string, i int) (int, bool) {
	for ; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 0x20 && c < 0x80 || c == '\t':
		case c == '\n':
			return i, true
		case c < 0x20:
			return 0, false
		case c == 0xC2 || c == 0xE2:
			if breakLen(text, i) > 0 || c == 0xC2 && i+1 < len(text) && text[i+1] == 0xA0 {
				return 0, false // U+0085, U+2028, U+2029; U+00A0 (a space)
			}
		}
	}
	return len(text), true
}

// skipString returns the offset after the string literal that starts with
// the quote at text[i], ok false when it does not end on its line (or its
// line holds a line break of str.splitlines but "\n").
func skipString(text string, i int) (int, bool) {
	q := text[i]
	triple := i+2 < len(text) && text[i+1] == q && text[i+2] == q
	j := i + 1
	if triple {
		j = i + 3
	}
	for j < len(text) {
		c := text[j]
		switch {
		case c == q:
			if !triple {
				return j + 1, true
			}
			if j+2 < len(text) && text[j+1] == q && text[j+2] == q {
				return j + 3, true
			}
		case c == '\\':
			if j+1 >= len(text) {
				return 0, false
			}
			if d := text[j+1]; d < 0x20 && d != '\t' || d == 0xC2 || d == 0xE2 {
				return 0, false
			}
			j++
		case c < 0x20 && c != '\t':
			return 0, false // "\n" (unterminated) or another line break
		case c == 0xC2 || c == 0xE2:
			if breakLen(text, j) > 0 {
				return 0, false
			}
		}
		j++
	}
	return 0, false
}

// fastUnit reads, from first (a line that is neither empty nor a comment)
// on, a unit made only of what scanLine understands: one simple statement
// line, or a statement whose brackets close a few lines further. It gives
// the same numbers as the tokenize port for such units, much faster. ok is
// false when the unit needs the port (first starts with a string, or a
// line holds something scanLine does not follow); lr has then moved and
// the caller restores it.
func fastUnit(lr *lineReader, first string) (u unitCount, ok bool) {
	if prefixLen(first, 0) >= 0 {
		return u, false // may be a string alone: a "docstring" unit
	}
	depth, colon := 0, 0 // colon: 0 none yet, 1 the last token is ":", 2 a token follows a ":"
	line := first
	for {
		if line == "" {
			u.empty++
		} else {
			u.filled++
			d, lastColon, sigEnd, comment, good := scanLine(line, depth)
			if !good {
				return u, false
			}
			if comment {
				u.comments++
			}
			switch {
			case lastColon >= 0 && lastColon == sigEnd-1:
				colon = 1
			case lastColon >= 0 || sigEnd > 0 && colon == 1:
				colon = 2
			}
			if depth = d; depth == 0 {
				break
			}
		}
		var more bool
		if line, more = lr.next(); !more {
			return u, false
		}
	}
	// radon's _logical on a statement without ";": 2 when a ":" token is
	// followed by another token, else 1
	u.lloc = 1
	if colon == 2 {
		u.lloc = 2
	}
	return u, true
}

// unitCount is what a unit adds to the line metrics (all of it SLOC).
type unitCount struct {
	filled, empty, comments, lloc int
}

// scanLine reads one stripped line of a statement that starts with depth
// brackets open, and reports the brackets open after it, the offset of its
// last ":" token (-1 when none), the end of its last token (0 when it has
// none) and whether it ends with a comment. good is false when the line
// holds anything but names, numbers, spaces, operators that are tokens by
// themselves, brackets, ":" and strings that end on the line, before an
// optional comment: for those, tokenize gives no ERRORTOKEN, no ";", and
// no continued string or line.
func scanLine(line string, depth int) (newDepth, lastColon, sigEnd int, comment, good bool) {
	lastColon, end := -1, len(line)
scan:
	for i := 0; i < len(line); i++ {
		c := line[i]
		if simpleChars[c] {
			continue
		}
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth < 0 {
				return
			}
		case '!':
			if i+1 >= len(line) || line[i+1] != '=' {
				return
			}
		case ':':
			if i+1 < len(line) && line[i+1] == '=' {
				i++ // the walrus operator
			} else {
				lastColon = i
			}
		case '\'', '"':
			triple := i+2 < len(line) && line[i+1] == c && line[i+2] == c
			j := i + 1
			if triple {
				j = i + 3
			}
			for {
				for j < len(line) && line[j] != c && line[j] != '\\' {
					j++
				}
				if j >= len(line) {
					return // unterminated or continued
				}
				if line[j] == '\\' {
					j += 2
					continue
				}
				if !triple {
					break
				}
				if j+2 < len(line) && line[j+1] == c && line[j+2] == c {
					j += 2
					break
				}
				j++
			}
			i = j
		case '#':
			comment, end = true, i
			break scan
		default:
			return
		}
	}
	for end > 0 && (line[end-1] == ' ' || line[end-1] == '\t') {
		end--
	}
	return depth, lastColon, end, comment, true
}

// simpleChars is the set of bytes that simpleLine passes over: names,
// numbers, spaces and the operators that are tokens by themselves.
var simpleChars = func() (m [256]bool) {
	for _, c := range []byte("_ \t0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-*/%&|^~<>=.,@") {
		m[c] = true
	}
	return m
}()

// logicalLines is radon's _logical: split the tokens on ";" and count each
// part as 2 when its last ":" is not its second-to-last token, as 1 when it
// is, and otherwise as 1 when the part has any token but ENDMARKER.
func logicalLines(toks []rawTok) int {
	total, start := 0, 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && toks[i] != rtSemi {
			continue
		}
		part := toks[start:i]
		start = i + 1
		lastColon := -1
		for j, k := range part {
			if k == rtColon {
				lastColon = j
			}
		}
		switch {
		case lastColon >= 0 && lastColon == len(part)-2:
			total++
		case lastColon >= 0:
			total += 2
		case len(part) > 1 || len(part) == 1 && part[0] != rtEnd:
			total++
		}
	}
	return total
}

func (t *tok311) resetUnit() {
	t.errorTok, t.tokenErr = false, false
	t.firstKind = -1
	t.nonNL, t.comments = 0, 0
	t.strRows = [2]int{}
	t.toks = t.toks[:0]
}

func (t *tok311) emit(kind int8, tok rawTok, significant bool) {
	if t.firstKind < 0 {
		t.firstKind = kind
	}
	t.nonNL++
	if significant {
		t.toks = append(t.toks, tok)
	}
}

// emitNL records an NL or NEWLINE token: it only matters as a first token.
func (t *tok311) emitNL() {
	if t.firstKind < 0 {
		t.firstKind = 0
	}
}

// eof is what tokenize does when readline returns "" after the buffer.
func (t *tok311) eof() {
	if t.contstr || t.parenlev != 0 || t.continued {
		t.tokenErr = true
		return
	}
	// NEWLINE (maybe), DEDENTs (never: lines are stripped), ENDMARKER.
	if t.firstKind < 0 {
		t.firstKind = 0
	}
	t.toks = append(t.toks, rtEnd)
}

// line tokenizes one stripped line (with its "\n" unless it is the last of
// the buffer) at unit row row.
func (t *tok311) line(s string, row int) {
	if s == "" {
		// readline returned "": this is the end of the buffer, handled by eof.
		return
	}
	pos := 0
	switch {
	case t.contstr:
		end := t.endString(s, 0)
		if end >= 0 {
			pos = end
			t.contstr = false
			t.needcont = false
			t.stringToken(t.strStart, row)
		} else if t.needcont && !strings.HasSuffix(s, "\\\n") {
			t.errorTok = true
			t.contstr = false
			return
		} else {
			return
		}
	case t.parenlev == 0 && !t.continued:
		// New statement: stripped lines have no indentation.
		for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\f') {
			pos++
		}
		if pos == len(s) {
			return
		}
		if c := s[pos]; c == '#' || c == '\r' || c == '\n' {
			if c == '#' {
				t.comments++
				t.emit(1, rtOther, false)
			}
			t.emitNL()
			return
		}
	default:
		t.continued = false
	}
	for pos < len(s) {
		start, end, ok := pseudoToken(s, pos)
		if !ok {
			t.errorTok = true
			pos++
			continue
		}
		pos = end
		if start == end {
			continue
		}
		tok := s[start:end]
		initial := s[start]
		switch {
		case initial >= '0' && initial <= '9' || initial == '.' && tok != "." && tok != "...":
			t.emit(0, rtOther, true)
		case initial == '\r' || initial == '\n':
			t.emitNL()
		case initial == '#':
			t.comments++
			t.emit(1, rtOther, false)
		case isTripleStart(tok):
			t.quote = tok[len(tok)-1]
			t.triple = true
			if e := t.endString(s, pos); e >= 0 {
				pos = e
				t.stringToken(row, row)
			} else {
				t.contstr = true
				t.strStart = row
				return
			}
		case isSingleStart(tok):
			if tok[len(tok)-1] == '\n' {
				t.contstr, t.needcont = true, true
				t.triple = false
				t.quote = quoteOf(tok)
				t.strStart = row
				return
			}
			t.stringToken(row, row)
		case initial == '\\':
			t.continued = true
		default:
			switch initial {
			case '(', '[', '{':
				t.parenlev++
			case ')', ']', '}':
				t.parenlev--
			}
			k := rtOther
			switch tok {
			case ":":
				k = rtColon
			case ";":
				k = rtSemi
			}
			t.emit(0, k, true)
		}
	}
}

func (t *tok311) stringToken(startRow, endRow int) {
	t.emit(2, rtString, true)
	t.strRows = [2]int{startRow, endRow}
}

// endString matches tokenize's endpats (Single, Double, Single3, Double3) at
// s[pos:] and returns the end of the match, or -1. As in Python's re without
// DOTALL, a backslash escapes any character but a newline.
func (t *tok311) endString(s string, pos int) int {
	q := t.quote
	for i := pos; i < len(s); {
		rest := s[i:]
		k := strings.IndexByte(rest, q)
		if k < 0 {
			k = len(rest)
		}
		if b := strings.IndexByte(rest[:k], '\\'); b >= 0 {
			i += b
			if i+1 >= len(s) || s[i+1] == '\n' {
				return -1
			}
			i += 2
			continue
		}
		if k == len(rest) {
			return -1
		}
		i += k
		if !t.triple {
			return i + 1
		}
		if i+2 < len(s) && s[i+1] == q && s[i+2] == q {
			return i + 3
		}
		i++
	}
	return -1
}

func quoteOf(tok string) byte {
	for i := 0; i < len(tok); i++ {
		if tok[i] == '\'' || tok[i] == '"' {
			return tok[i]
		}
	}
	return '"'
}

// isTripleStart reports whether tok is exactly a string prefix and a triple quote.
func isTripleStart(tok string) bool {
	if len(tok) < 3 {
		return false
	}
	q := tok[len(tok)-3:]
	return (q == "'''" || q == `"""`) && validPrefix(tok[:len(tok)-3])
}

// isSingleStart reports whether tok starts with a string prefix and a quote
// (tokenize's check of single_quoted against tok[:1], tok[:2], tok[:3]).
func isSingleStart(tok string) bool {
	for n := 1; n <= 3 && n <= len(tok); n++ {
		c := tok[n-1]
		if (c == '\'' || c == '"') && validPrefix(tok[:n-1]) {
			return true
		}
	}
	return false
}

// validPrefix reports whether p is one of Python 3.11's string prefixes
// (any case, any order): "", b, r, u, f, br, rb, fr, rf.
func validPrefix(p string) bool {
	switch len(p) {
	case 0:
		return true
	case 1:
		switch p[0] | 0x20 {
		case 'b', 'r', 'u', 'f':
			return true
		}
	case 2:
		a, b := p[0]|0x20, p[1]|0x20
		if a > b {
			a, b = b, a
		}
		// sorted pairs: "br" and "fr"
		return b == 'r' && (a == 'b' || a == 'f')
	}
	return false
}

// pseudoToken matches tokenize's PseudoToken at s[pos:]: whitespace, then
// the first of PseudoExtras (backslash-newline, end of string, comment,
// triple-quote start), Number, Funny (newline, operators), ContStr, Name.
// It returns the span of the token (empty at the end of s). The
// alternatives are tried in the regular expression's order, dispatched on
// the first character (only some alternatives can start with it).
func pseudoToken(s string, pos int) (start, end int, ok bool) {
	i := pos
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f') {
		i++
	}
	start = i
	if i == len(s) {
		return i, i, true // \Z
	}
	c := s[i]
	switch {
	case c >= utf8.RuneSelf || c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z':
		if p := prefixLen(s, i); p >= 0 {
			if e := stringStart(s, i, p); e >= 0 {
				return i, e, true
			}
		}
		// Name: \w+
		j := i
		for j < len(s) {
			b := s[j]
			if b < utf8.RuneSelf {
				if b == '_' || b >= '0' && b <= '9' || b|0x20 >= 'a' && b|0x20 <= 'z' {
					j++
					continue
				}
				break
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			j += size
		}
		if j > i {
			return i, j, true
		}
		return 0, 0, false
	case c >= '0' && c <= '9' || c == '.':
		if e := matchNumber(s, i); e >= 0 {
			return i, e, true
		}
	case c == '#':
		j := i
		for j < len(s) && s[j] != '\r' && s[j] != '\n' {
			j++
		}
		return i, j, true
	case c == '\\':
		if i+1 < len(s) && s[i+1] == '\n' {
			return i, i + 2, true
		}
		if i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n' {
			return i, i + 3, true
		}
		return 0, 0, false
	case c == '\'' || c == '"':
		if e := stringStart(s, i, 0); e >= 0 {
			return i, e, true
		}
		return 0, 0, false
	case c == '\n':
		return i, i + 1, true
	case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
		return i, i + 2, true
	}
	if n := operatorLen(s, i); n > 0 {
		return i, i + n, true
	}
	return 0, 0, false
}

// stringStart matches, after a string prefix of length p at s[i:], a
// triple quote (PseudoExtras' Triple) or a whole single-quoted string or
// one continued by a backslash-newline (ContStr). It returns the end or -1.
func stringStart(s string, i, p int) int {
	if i+p >= len(s) {
		return -1
	}
	q := s[i+p]
	if q != '\'' && q != '"' {
		return -1
	}
	if i+p+2 < len(s) && s[i+p+1] == q && s[i+p+2] == q {
		return i + p + 3
	}
	for j := i + p + 1; j < len(s); {
		switch s[j] {
		case q:
			return j + 1
		case '\n':
			return -1
		case '\\':
			if j+1 < len(s) && s[j+1] == '\n' {
				return j + 2
			}
			if j+2 < len(s) && s[j+1] == '\r' && s[j+2] == '\n' {
				return j + 3
			}
			if j+1 >= len(s) {
				return -1
			}
			j += 2
		default:
			j++
		}
	}
	return -1
}

// prefixLen returns the length of a valid string prefix at s[i:] that is
// followed by a quote, or -1.
func prefixLen(s string, i int) int {
	for n := 0; n <= 2 && i+n < len(s); n++ {
		c := s[i+n]
		if c == '\'' || c == '"' {
			if validPrefix(s[i : i+n]) {
				return n
			}
			return -1
		}
		switch c | 0x20 {
		case 'b', 'r', 'u', 'f':
		default:
			return -1
		}
	}
	return -1
}

// isWordRune is Python's \w for str patterns: alphanumeric or underscore.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	if r == utf8.RuneError {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// operatorLen returns the length of the longest Python 3.11 operator
// (token.EXACT_TOKEN_TYPES) at s[i:], or 0.
func operatorLen(s string, i int) int {
	at := func(k int) byte {
		if i+k < len(s) {
			return s[i+k]
		}
		return 0
	}
	switch c := s[i]; c {
	case '(', ')', '[', ']', '{', '}', ',', ';', '~':
		return 1
	case ':', '=':
		if at(1) == '=' {
			return 2
		}
		return 1
	case '.':
		if at(1) == '.' && at(2) == '.' {
			return 3
		}
		return 1
	case '-':
		if at(1) == '=' || at(1) == '>' {
			return 2
		}
		return 1
	case '+', '%', '&', '|', '^', '@':
		if at(1) == '=' {
			return 2
		}
		return 1
	case '*', '/', '<', '>':
		if at(1) == c && !(c == '<' && at(1) == '>') {
			if at(2) == '=' {
				return 3
			}
			return 2
		}
		if at(1) == '=' {
			return 2
		}
		return 1
	case '!':
		if at(1) == '=' {
			return 2
		}
	}
	return 0
}

// digitRun matches [d](?:_?[d])* at s[i:] and returns its end, or -1.
func digitRun(s string, i int, ok func(byte) bool) int {
	if i >= len(s) || !ok(s[i]) {
		return -1
	}
	i++
	for i < len(s) {
		if ok(s[i]) {
			i++
		} else if s[i] == '_' && i+1 < len(s) && ok(s[i+1]) {
			i += 2
		} else {
			break
		}
	}
	return i
}

func isDec(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool { return isDec(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isOct(c byte) bool { return c >= '0' && c <= '7' }
func isBin(c byte) bool { return c == '0' || c == '1' }

// exponent matches [eE][-+]?[0-9](?:_?[0-9])* at s[i:].
func exponent(s string, i int) int {
	if i >= len(s) || s[i]|0x20 != 'e' {
		return -1
	}
	i++
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	return digitRun(s, i, isDec)
}

// pointFloat matches Pointfloat (with its optional exponent).
func pointFloat(s string, i int) int {
	e := -1
	if d := digitRun(s, i, isDec); d >= 0 && d < len(s) && s[d] == '.' {
		e = d + 1
		if f := digitRun(s, e, isDec); f >= 0 {
			e = f
		}
	} else if i < len(s) && s[i] == '.' {
		e = digitRun(s, i+1, isDec)
	}
	if e < 0 {
		return -1
	}
	if x := exponent(s, e); x >= 0 {
		return x
	}
	return e
}

// expFloat matches Expfloat.
func expFloat(s string, i int) int {
	d := digitRun(s, i, isDec)
	if d < 0 {
		return -1
	}
	return exponent(s, d)
}

func isJ(s string, i int) bool { return i >= 0 && i < len(s) && s[i]|0x20 == 'j' }

// matchNumber matches tokenize's Number = Imagnumber | Floatnumber | Intnumber
// with the regular expression engine's leftmost-first choice.
func matchNumber(s string, i int) int {
	c := s[i]
	if !isDec(c) && c != '.' {
		return -1
	}
	// Imagnumber
	if d := digitRun(s, i, isDec); isJ(s, d) {
		return d + 1
	}
	if f := pointFloat(s, i); isJ(s, f) {
		return f + 1
	} else if f := pointFloatNoExp(s, i); isJ(s, f) {
		return f + 1
	}
	if f := expFloat(s, i); isJ(s, f) {
		return f + 1
	}
	// Floatnumber
	if f := pointFloat(s, i); f >= 0 {
		return f
	}
	if f := expFloat(s, i); f >= 0 {
		return f
	}
	// Intnumber
	if c == '0' && i+1 < len(s) {
		var ok func(byte) bool
		switch s[i+1] | 0x20 {
		case 'x':
			ok = isHex
		case 'b':
			ok = isBin
		case 'o':
			ok = isOct
		}
		if ok != nil {
			if e := hexLike(s, i+2, ok); e >= 0 {
				return e
			}
		}
	}
	if c == '0' {
		// 0(?:_?0)*
		j := i + 1
		for j < len(s) {
			if s[j] == '0' {
				j++
			} else if s[j] == '_' && j+1 < len(s) && s[j+1] == '0' {
				j += 2
			} else {
				break
			}
		}
		return j
	}
	if c >= '1' && c <= '9' {
		return digitRun(s, i, isDec)
	}
	return -1
}

// pointFloatNoExp is Pointfloat without its exponent, the regular
// expression's backtracking alternative when "<float>e<digits>" is not
// followed by j.
func pointFloatNoExp(s string, i int) int {
	if d := digitRun(s, i, isDec); d >= 0 && d < len(s) && s[d] == '.' {
		e := d + 1
		if f := digitRun(s, e, isDec); f >= 0 {
			e = f
		}
		return e
	} else if i < len(s) && s[i] == '.' {
		return digitRun(s, i+1, isDec)
	}
	return -1
}

// hexLike matches (?:_?[d])+ at s[i:].
func hexLike(s string, i int, ok func(byte) bool) int {
	j := i
	for j < len(s) {
		if ok(s[j]) {
			j++
		} else if s[j] == '_' && j+1 < len(s) && ok(s[j+1]) {
			j += 2
		} else {
			break
		}
	}
	if j == i {
		return -1
	}
	return j
}

// lineReader yields the lines of Python's str.splitlines(), each stripped
// as by str.strip(). n is the 1-based number of the last line returned.
type lineReader struct {
	text string
	pos  int
	n    int
	// nl is the last line followed by "\n" when the text has it right
	// after the line (no stripped trailing space), else "".
	nl string
	// starts, when not nil, gets the offset after each "\n" read.
	starts []int32
}

func (lr *lineReader) next() (string, bool) {
	text := lr.text
	lr.nl = ""
	start := lr.pos
	if start >= len(text) {
		return "", false
	}
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	for i := start; i < len(text); {
		if i+8 <= len(text) {
			// skip 8 bytes that hold no byte in \n..\r or \x1c..\x1e
			// and no non-ASCII byte (U+0085, U+2028, U+2029): with every
			// byte below 0x80, (ones*(127+n) - x) & (x + ones*(127-m))
			// has the high bit of each byte b with m < b < n
			x := uint64(text[i]) | uint64(text[i+1])<<8 | uint64(text[i+2])<<16 | uint64(text[i+3])<<24 |
				uint64(text[i+4])<<32 | uint64(text[i+5])<<40 | uint64(text[i+6])<<48 | uint64(text[i+7])<<56
			if x&high == 0 && ((ones*(127+0x0e)-x)&(x+ones*(127-0x09))|(ones*(127+0x1f)-x)&(x+ones*(127-0x1b)))&high == 0 {
				i += 8
				continue
			}
		}
		// look at the next 8 bytes one by one
		for end := min(i+8, len(text)); i < end; i++ {
			n := 1
			if c := text[i]; c != '\n' {
				if c < 0x0b || c > 0x1e && c < 0xC2 {
					continue
				}
				if n = breakLen(text, i); n == 0 {
					continue
				}
			}
			lr.pos = i + n
			lr.n++
			if lr.starts != nil && text[i+n-1] == '\n' {
				lr.starts = append(lr.starts, int32(i+n))
			}
			line := pyStrip(text[start:i])
			if text[i] == '\n' && len(line) > 0 && text[i-1] < utf8.RuneSelf && !asciiSpace(text[i-1]) {
				// the stripped line ends right before the "\n"
				lr.nl = text[i-len(line) : i+1]
			}
			return line, true
		}
	}
	lr.pos = len(text)
	lr.n++
	return pyStrip(text[start:]), true
}

// breakLen is the length of the line break of str.splitlines at s[i:], or 0.
func breakLen(s string, i int) int {
	switch c := s[i]; {
	case c == '\n' || c == '\v' || c == '\f' || c >= 0x1c && c <= 0x1e:
		return 1
	case c == '\r':
		if i+1 < len(s) && s[i+1] == '\n' {
			return 2
		}
		return 1
	case c == 0xC2:
		if i+1 < len(s) && s[i+1] == 0x85 {
			return 2 // U+0085
		}
	case c == 0xE2:
		if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
			return 3 // U+2028, U+2029
		}
	}
	return 0
}

// pyStrip is Python's str.strip() with no argument.
func pyStrip(s string) string {
	i, j := 0, len(s)
	for i+8 <= j && s[i:i+8] == "        " {
		i += 8 // indentation
	}
	for i < j {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiSpace(c) {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !pyIsSpace(r) {
			break
		}
		i += size
	}
	for j > i {
		c := s[j-1]
		if c < utf8.RuneSelf {
			if !asciiSpace(c) {
				break
			}
			j--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s[i:j])
		if !pyIsSpace(r) {
			break
		}
		j -= size
	}
	return s[i:j]
}

func asciiSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r' || c >= 0x1c && c <= 0x1f
}

// pyIsSpace is Python's str.isspace for one character.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}
