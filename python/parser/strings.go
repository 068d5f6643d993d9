package parser

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/python/tokenizer"
)

// strPiece is one element of a string concatenation before merging: a
// constant (str or bytes) or a FormattedValue/Interpolation.
type strPiece struct {
	expr  ast.Expr // non-nil for a replacement field
	str   string   // constant text (WTF-8 or raw bytes)
	loc   ast.Loc
	kindU bool // from a u-prefixed literal
	fresh bool // str is a new string (unescaped), not a piece of the source
}

// strings parses (fstring|string)+ | tstring+ and concatenates as CPython's
// _PyPegen_concatenate_strings does.
func (p *parser) strings() ast.Expr {
	first := *p.peek()
	if b := p.src[first.off] | 0x20; b == 'u' || b == 'r' && p.src[first.off+1]|0x20 == 'b' {
		p.trigger(first.start) // a u or rb prefix
	}
	// Fast path: a single plain string literal.
	if first.kind == tSTRING {
		if k := p.peekAt(1).kind; k != tSTRING && k != tFSTART && k != tTSTART {
			p.skip()
			v, fresh, isBytes, u := p.decodeString(first)
			c := p.slabs.constant.new(p.slabs.remain / 120)
			c.Loc = tokLoc(first)
			switch {
			case isBytes:
				c.Value = ast.Bytes(v)
			case fresh:
				c.Value = ast.Str(v)
			default:
				c.Value = ast.Str(p.keep(v))
			}
			if u {
				c.Kind = "u"
			}
			return c
		}
	}
	var pieces []strPiece
	nBytes, nStr, nF, nT := 0, 0, 0, 0
	for {
		t := *p.peek()
		switch t.kind {
		case tSTRING:
			p.skip()
			v, fresh, isBytes, u := p.decodeString(t)
			if isBytes {
				nBytes++
			} else {
				nStr++
			}
			pieces = append(pieces, strPiece{str: v, loc: tokLoc(t), kindU: u, fresh: fresh})
			continue
		case tFSTART:
			nF++
			p.trigger(first.start)
			pieces = p.fstring(pieces, false)
			continue
		case tTSTART:
			nT++
			p.trigger(first.start)
			pieces = p.fstring(pieces, true)
			continue
		}
		break
	}
	loc := p.loc(first)
	if nT > 0 && (nStr > 0 || nBytes > 0 || nF > 0) {
		p.errorAt(first.start, p.prev().end, "cannot mix t-string literals with string or bytes literals")
	}
	if nBytes > 0 && (nStr > 0 || nF > 0) {
		p.errorAt(first.start, p.prev().end, "cannot mix bytes and nonbytes literals")
	}
	if nF == 0 && nT == 0 {
		var b strings.Builder
		for _, pc := range pieces {
			b.WriteString(pc.str)
		}
		c := p.slabs.constant.new(p.slabs.remain / 120)
		c.Loc = loc
		if nBytes > 0 {
			c.Value = ast.Bytes(b.String())
		} else {
			c.Value = ast.Str(b.String())
		}
		if pieces[0].kindU {
			c.Kind = "u"
		}
		return c
	}
	values := p.mergePieces(pieces)
	if nT > 0 {
		return &ast.TemplateStr{Loc: loc, Values: values}
	}
	return &ast.JoinedStr{Loc: loc, Values: values}
}

// mergePieces merges runs of adjacent constants (dropping empty results).
func (p *parser) mergePieces(pieces []strPiece) []ast.Expr {
	values := []ast.Expr{}
	for i := 0; i < len(pieces); {
		if pieces[i].expr != nil {
			values = append(values, pieces[i].expr)
			i++
			continue
		}
		j := i + 1
		for j < len(pieces) && pieces[j].expr == nil {
			j++
		}
		var s string
		if j == i+1 {
			s = pieces[i].str
			if !pieces[i].fresh {
				s = p.keep(s)
			}
		} else {
			var b strings.Builder
			for _, pc := range pieces[i:j] {
				b.WriteString(pc.str)
			}
			s = b.String()
		}
		if s != "" {
			c := p.slabs.constant.new(p.slabs.remain / 120)
			c.Value = ast.Str(s)
			c.Loc = ast.Loc{Lineno: pieces[i].loc.Lineno, ColOffset: pieces[i].loc.ColOffset, EndLineno: pieces[j-1].loc.EndLineno, EndColOffset: pieces[j-1].loc.EndColOffset}
			if pieces[i].kindU {
				c.Kind = "u"
			}
			values = append(values, c)
		}
		i = j
	}
	return values
}

// stringParts splits a string token's text into its prefix flags and body.
// u reports a lowercase u prefix only: CPython sets Constant.kind to "u" for
// u"..." but not for U"...".
func stringParts(text string) (body string, raw, isBytes, u bool) {
	i := 0
	for i < len(text) && text[i] != '\'' && text[i] != '"' {
		switch text[i] {
		case 'r', 'R':
			raw = true
		case 'b', 'B':
			isBytes = true
		case 'u':
			u = true
		}
		i++
	}
	q := 1
	if len(text)-i >= 6 && text[i+1] == text[i] && text[i+2] == text[i] {
		q = 3
	}
	return text[i+q : len(text)-q], raw, isBytes, u
}

// decodeString returns the value of a STRING token: a piece of the source
// when the literal has no escapes to process, else (fresh) a new string.
func (p *parser) decodeString(t tok) (v string, fresh, isBytes, u bool) {
	text := p.srcStr[t.off:t.eoff]
	body, raw, isBytes, u := stringParts(text)
	if isBytes {
		for i := 0; i < len(body); i++ {
			if body[i] >= 0x80 {
				p.errorAt(t.start, t.end, "bytes can only contain ASCII literal characters")
			}
		}
	}
	if raw || strings.IndexByte(body, '\\') < 0 {
		return body, false, isBytes, u
	}
	v = p.unescape(body, isBytes, t)
	if p.escBad >= 0 {
		pre := strings.IndexAny(text, `'"`)
		bodyOff := int(t.off) + pre + (len(text)-len(body)-pre)/2
		p.warnEscape(bodyOff, body, t.start.Line, t.off)
	}
	return v, true, isBytes, u
}

// warnEscape records CPython's SyntaxWarning for the first invalid escape
// (p.escBad, set by unescape) of the literal text body at source offset
// bodyOff: CPython's line is line, where body starts, plus the newlines
// before the escape; at is the offset of the token whose parsing emits it.
func (p *parser) warnEscape(bodyOff int, body string, line int32, at int32) {
	i := p.escBad
	seq := body[i+1 : i+2]
	if p.escOctal {
		seq = body[i+1 : i+4]
	}
	line += int32(strings.Count(body[:i], "\n"))
	off := bodyOff + i
	ls := strings.LastIndexByte(p.srcStr[:off], '\n') + 1
	col := int32(utf8.RuneCountInString(p.srcStr[ls:off])) + 1
	if int(line) != 1+strings.Count(p.srcStr[:off], "\n") {
		col = 0 // counted from another line (see token.Warning)
	}
	p.warns = append(p.warns, token.Warning{Kind: "SyntaxWarning", Msg: tokenizer.EscapeWarning(seq), Line: line, Col: col, Off: int32(off), At: at})
}

// unescape processes backslash escapes as Python's str and bytes literals do.
// p.escBad is set to the index in s of the backslash of the first
// invalid escape, which CPython warns about (-1: none), p.escOctal to
// whether it is an octal escape above \377.
func (p *parser) unescape(s string, isBytes bool, t tok) string {
	p.escBody = s
	bad, octal := -1, false
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if i+1 >= len(s) {
			b.WriteByte('\\')
			break
		}
		c = s[i+1]
		i += 2
		switch c {
		case '\n':
		case '\\':
			b.WriteByte('\\')
		case '\'':
			b.WriteByte('\'')
		case '"':
			b.WriteByte('"')
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for k := 0; k < 2 && i < len(s) && s[i] >= '0' && s[i] <= '7'; k++ {
				v = v*8 + int(s[i]-'0')
				i++
			}
			if v > 0o377 && bad < 0 {
				bad, octal = i-4, true
			}
			if isBytes {
				b.WriteByte(byte(v))
			} else {
				writeWTF8(&b, rune(v))
			}
		case 'x':
			v, ok := hexVal(s, i, 2)
			if !ok {
				p.escapeError(t, isBytes, i-2, hexEnd(s, i, 2), `truncated \xXX escape`)
			}
			i += 2
			if isBytes {
				b.WriteByte(byte(v))
			} else {
				writeWTF8(&b, rune(v))
			}
		case 'u', 'U', 'N':
			if isBytes {
				if bad < 0 {
					bad = i - 2
				}
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			switch c {
			case 'u':
				v, ok := hexVal(s, i, 4)
				if !ok {
					p.escapeError(t, false, i-2, hexEnd(s, i, 4), `truncated \uXXXX escape`)
				}
				i += 4
				writeWTF8(&b, rune(v))
			case 'U':
				v, ok := hexVal(s, i, 8)
				if !ok {
					p.escapeError(t, false, i-2, hexEnd(s, i, 8), `truncated \UXXXXXXXX escape`)
				}
				if v > 0x10FFFF {
					p.escapeError(t, false, i-2, i+8, "illegal Unicode character")
				}
				i += 8
				writeWTF8(&b, rune(v))
			case 'N':
				if i >= len(s) || s[i] != '{' {
					p.escapeError(t, false, i-2, i, "malformed \\N character escape")
				}
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					p.escapeError(t, false, i-2, len(s), "malformed \\N character escape")
				}
				name := s[i+1 : i+end]
				r, ok := lookupName(name)
				if !ok {
					p.escapeError(t, false, i-2, i+end+1, "unknown Unicode character name")
				}
				i += end + 1
				writeWTF8(&b, r)
			}
		default:
			// Invalid escape: kept as is (CPython only warns). A backslash
			// before a non-ASCII character is no escape to CPython (it
			// decodes the character as \UXXXXXXXX).
			if bad < 0 && c < utf8.RuneSelf {
				bad = i - 2
			}
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	p.escBad, p.escOctal = bad, octal
	return b.String()
}

// escapeError reports a bad escape in bytes [start, end) of a literal's body
// with CPython's codec message.
func (p *parser) escapeError(t tok, isBytes bool, start, end int, msg string) {
	if !isBytes {
		// CPython decodes str literals after turning each non-ASCII
		// character into a 10-byte \UXXXXXXXX escape and counts in that text.
		start, end = escPos(p.escBody, start), escPos(p.escBody, end)
	}
	if isBytes {
		p.errorAt(t.start, t.end, "(value error) invalid \\x escape at position "+strconv.Itoa(start))
	}
	p.errorAt(t.start, t.end, "(unicode error) 'unicodeescape' codec can't decode bytes in position "+
		strconv.Itoa(start)+"-"+strconv.Itoa(end-1)+": "+msg)
}

func escPos(s string, i int) int {
	n := i
	for _, r := range s[:min(i, len(s))] {
		if r >= 0x80 {
			n += 10 - utf8.RuneLen(r)
		}
	}
	return n
}

// hexEnd returns the index after the hex digits (at most n) starting at i.
func hexEnd(s string, i, n int) int {
	for k := 0; k < n && i < len(s); k++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			break
		}
		i++
	}
	return i
}

func hexVal(s string, i, n int) (uint32, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i:i+n], 16, 32)
	if err != nil {
		return 0, false
	}
	return uint32(v), true
}

// writeWTF8 writes r as UTF-8, encoding surrogates as 3-byte sequences.
func writeWTF8(b *strings.Builder, r rune) {
	if r >= 0xD800 && r <= 0xDFFF {
		b.WriteByte(byte(0xE0 | r>>12))
		b.WriteByte(byte(0x80 | (r>>6)&0x3F))
		b.WriteByte(byte(0x80 | r&0x3F))
		return
	}
	b.WriteRune(r)
}

var (
	namesOnce sync.Once
	nameIndex map[string]rune
)

// lookupName resolves a \N{...} name (case-insensitively, as CPython does).
func lookupName(name string) (rune, bool) {
	name = strings.ToUpper(name)
	if rest, ok := strings.CutPrefix(name, "CJK UNIFIED IDEOGRAPH-"); ok {
		if v, err := strconv.ParseUint(rest, 16, 32); err == nil && (len(rest) == 4 || len(rest) == 5) {
			r := rune(v)
			if runenames.Name(r) != "" && strings.HasPrefix(runenames.Name(r), "<CJK Ideograph") || isCJK(r) {
				return r, true
			}
		}
		return 0, false
	}
	if rest, ok := strings.CutPrefix(name, "HANGUL SYLLABLE "); ok {
		if r, ok := hangul(rest); ok {
			return r, true
		}
	}
	namesOnce.Do(buildNameIndex)
	r, ok := nameIndex[name]
	return r, ok
}

func isCJK(r rune) bool {
	ranges := [][2]rune{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739}, {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2EBF0, 0x2EE5D}, {0x30000, 0x3134A}, {0x31350, 0x323AF}}
	for _, rg := range ranges {
		if r >= rg[0] && r <= rg[1] {
			return true
		}
	}
	return false
}

var (
	jamoL = []string{"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S", "SS", "", "J", "JJ", "C", "K", "T", "P", "H"}
	jamoV = []string{"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WEO", "WE", "WI", "YU", "EU", "YI", "I"}
	jamoT = []string{"", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB", "LS", "LT", "LP", "LH", "M", "B", "BS", "S", "SS", "NG", "J", "C", "K", "T", "P", "H"}
)

func hangul(s string) (rune, bool) {
	for l, ls := range jamoL {
		if !strings.HasPrefix(s, ls) {
			continue
		}
		for v, vs := range jamoV {
			if !strings.HasPrefix(s[len(ls):], vs) {
				continue
			}
			for t, ts := range jamoT {
				if s[len(ls)+len(vs):] == ts {
					return rune(0xAC00 + (l*21+v)*28 + t), true
				}
			}
		}
	}
	return 0, false
}

// nameAliases are the Unicode name aliases (NameAliases.txt) most used in
// Python sources; CPython accepts all aliases in \N{...}.
var nameAliases = map[string]rune{
	"NULL": 0, "NUL": 0, "BEL": 7, "ALERT": 7, "BACKSPACE": 8, "BS": 8,
	"CHARACTER TABULATION": 9, "HORIZONTAL TABULATION": 9, "TAB": 9, "HT": 9,
	"LINE FEED": 10, "NEW LINE": 10, "END OF LINE": 10, "LF": 10, "NL": 10, "EOL": 10,
	"LINE TABULATION": 11, "VERTICAL TABULATION": 11, "VT": 11,
	"FORM FEED": 12, "FF": 12, "CARRIAGE RETURN": 13, "CR": 13,
	"ESCAPE": 27, "ESC": 27, "DELETE": 127, "DEL": 127, "SPACE": 32, "SP": 32,
	"NO-BREAK SPACE": 0xA0, "NBSP": 0xA0, "SHY": 0xAD, "ZWSP": 0x200B, "ZWNJ": 0x200C,
	"ZWJ": 0x200D, "LRM": 0x200E, "RLM": 0x200F, "BYTE ORDER MARK": 0xFEFF, "BOM": 0xFEFF,
	"ZWNBSP": 0xFEFF, "NEXT LINE": 0x85, "NEL": 0x85, "FILE SEPARATOR": 0x1C,
	"GROUP SEPARATOR": 0x1D, "RECORD SEPARATOR": 0x1E, "UNIT SEPARATOR": 0x1F,
	"START OF HEADING": 1, "START OF TEXT": 2, "END OF TEXT": 3, "END OF TRANSMISSION": 4,
	"ENQUIRY": 5, "ACKNOWLEDGE": 6, "SHIFT OUT": 14, "SHIFT IN": 15, "DATA LINK ESCAPE": 16,
	"NEGATIVE ACKNOWLEDGE": 21, "SYNCHRONOUS IDLE": 22, "END OF TRANSMISSION BLOCK": 23,
	"CANCEL": 24, "END OF MEDIUM": 25, "SUBSTITUTE": 26,
}

func buildNameIndex() {
	nameIndex = make(map[string]rune, 40000)
	for r := rune(0); r <= 0x10FFFF; r++ {
		if r == 0xD800 {
			r = 0xE000
		}
		n := runenames.Name(r)
		if n == "" || n[0] == '<' {
			continue
		}
		nameIndex[n] = r
	}
	for k, v := range nameAliases {
		if _, ok := nameIndex[k]; !ok {
			nameIndex[k] = v
		}
	}
}

// fstring parses FSTRING_START ... FSTRING_END (or the t-string tokens) and
// appends its pieces.
func (p *parser) fstring(pieces []strPiece, tstr bool) []strPiece {
	start := p.next()
	raw := false
	for _, c := range p.srcStr[start.off:start.eoff] {
		if c == 'r' || c == 'R' {
			raw = true
		}
	}
	mid, end := tFMIDDLE, tFEND
	if tstr {
		mid, end = tTMIDDLE, tTEND
	}
	p.enter()
	// The literal parts with an invalid escape are p.badMiddles[first:]
	// (a replacement field's own, and those of a failed attempt, dropped).
	first := len(p.badMiddles)
	for {
		t := *p.peek()
		switch t.kind {
		case mid:
			p.skip()
			pieces = append(pieces, p.middlePiece(t, raw))
			continue
		case tLBRACE:
			n := len(p.badMiddles)
			pieces = p.replacementField(pieces, tstr, raw)
			p.badMiddles = p.badMiddles[:n]
			continue
		case end:
			p.skip()
			// CPython decodes the literal parts when the f-string ends,
			// counting lines from the closing quote's.
			for _, m := range p.badMiddles[first:] {
				p.warnMiddle(m, t.start.Line, t.off)
			}
			p.badMiddles = p.badMiddles[:first]
		default:
			p.fail()
		}
		break
	}
	p.leave()
	return pieces
}

// middleLoc is the position of an FSTRING_MIDDLE token as CPython's parser
// sees it (fetch already moved the end past a skipped doubled brace).
func (p *parser) middleLoc(t tok) ast.Loc { return tokLoc(t) }

// middlePiece is the constant piece of an FSTRING_MIDDLE token.
func (p *parser) middlePiece(t tok, raw bool) strPiece {
	s := p.srcStr[t.off:t.eoff]
	if raw || strings.IndexByte(s, '\\') < 0 {
		return strPiece{str: s, loc: p.middleLoc(t)}
	}
	pc := strPiece{str: p.unescape(s, false, t), loc: p.middleLoc(t), fresh: true}
	// CPython's tokenizer has warned already about \{ and \} (and its
	// parser then looks no further in this part).
	if i := p.escBad; i >= 0 && s[i+1] != '{' && s[i+1] != '}' {
		p.badMiddles = append(p.badMiddles, badMiddle{tok: t, bad: i, octal: p.escOctal})
	}
	return pc
}

// badMiddle is a literal part of an f-string or t-string with an invalid
// escape: its token, the index of the backslash in it, whether the escape
// is octal.
type badMiddle struct {
	tok   tok
	bad   int
	octal bool
}

// warnMiddle warns about m, CPython's line counted from line; at is the
// offset of the token whose parsing emits the warning.
func (p *parser) warnMiddle(m badMiddle, line, at int32) {
	p.escBad, p.escOctal = m.bad, m.octal
	p.warnEscape(int(m.tok.off), p.srcStr[m.tok.off:m.tok.eoff], line, at)
}

// replacementField parses '{' annotated_rhs ['='] ['!' NAME] [':' spec] '}'.
func (p *parser) replacementField(pieces []strPiece, tstr, raw bool) []strPiece {
	lbrace := p.next()
	prefix := "f"
	if tstr {
		prefix = "t"
	}
	// invalid_fstring_replacement_field, checked where it applies.
	switch t := *p.peek(); t.kind {
	case tEQUAL, tEXCLAMATION, tCOLON, tRBRACE:
		p.failTok(t, prefix+"-string: valid expression required before '"+p.srcStr[t.off:t.eoff]+"'")
	}
	var e ast.Expr
	if m := p.mark(); !p.try(func() { e = p.annotatedRHS() }) {
		// '{' !annotated_rhs: in CPython's PEG the expression fails as a
		// whole when the bracketed atom it starts with does.
		// A specific message (from a second-pass rule) stands.
		nt := *p.tokAt(m)
		if k := nt.kind; p.caught.Msg == "invalid syntax" && (k == tLBRACE || k == tLSQB || k == tLPAR) {
			if !p.try(func() { p.atom() }) {
				p.failTok(nt, prefix+"-string: expecting a valid expression after '{'")
			}
		}
		p.reset(m)
		e = p.annotatedRHS() // fails again, with its own error
	}
	switch p.kind() {
	case tEQUAL, tEXCLAMATION, tCOLON, tRBRACE:
	default:
		p.juxtaposed()
		p.failTok(*p.peek(), prefix+"-string: expecting '=', or '!', or ':', or '}'")
	}
	exprEnd := p.prev()
	exprEndOff := exprEnd.eoff
	debug := false
	if p.at(tEQUAL) {
		p.skip()
		debug = true
		nt := *p.peek()
		switch nt.kind {
		case tEXCLAMATION, tCOLON, tRBRACE:
		default:
			p.failTok(nt, prefix+"-string: expecting '!', or ':', or '}'")
		}
		text := p.srcStr[lbrace.eoff:nt.off]
		pieces = append(pieces, strPiece{str: text, loc: ast.Loc{Lineno: lbrace.end.Line, ColOffset: lbrace.end.Col, EndLineno: nt.start.Line, EndColOffset: nt.start.Col}})
	}
	conversion := -1
	if p.at(tEXCLAMATION) {
		bang := p.next()
		n := *p.peek()
		switch {
		case n.kind == tCOLON || n.kind == tRBRACE:
			p.failTok(n, prefix+"-string: missing conversion character")
		case n.kind != tNAME: // a keyword is not a NAME here
			p.failTok(n, prefix+"-string: invalid conversion character")
		}
		if n.start != bang.end {
			p.errorAt(bang.start, n.end, "f-string: conversion type must come right after the exclamation mark")
		}
		p.skip()
		switch name := p.srcStr[n.off:n.eoff]; name {
		case "s", "r", "a":
			conversion = int(name[0])
		default:
			p.errorAt(n.start, n.end, prefix+"-string: invalid conversion character '"+name+"': expected 's', 'r', or 'a'")
		}
		if !p.at(tCOLON) && !p.at(tRBRACE) {
			p.failTok(*p.peek(), prefix+"-string: expecting ':' or '}'")
		}
	}
	var spec ast.Expr
	if p.at(tCOLON) {
		colon := p.next()
		var specPieces []strPiece
		mid := tFMIDDLE
		if tstr {
			mid = tTMIDDLE
		}
		for {
			t := *p.peek()
			if t.kind == mid {
				p.skip()
				n := len(p.badMiddles)
				specPieces = append(specPieces, p.middlePiece(t, raw))
				if len(p.badMiddles) > n {
					// A format spec's part is decoded as it is parsed.
					p.warnMiddle(p.badMiddles[n], t.start.Line, t.off)
					p.badMiddles = p.badMiddles[:n]
				}
				continue
			}
			if t.kind == tLBRACE {
				specPieces = p.replacementField(specPieces, false, raw)
				continue
			}
			break
		}
		vals := make([]ast.Expr, 0, len(specPieces))
		for _, sp := range specPieces {
			if sp.expr != nil {
				vals = append(vals, sp.expr)
				continue
			}
			if sp.str == "" {
				continue
			}
			c := p.slabs.constant.new(p.slabs.remain / 120)
			v := sp.str
			if !sp.fresh {
				v = p.keep(v)
			}
			c.Value = ast.Str(v)
			c.Loc = sp.loc
			vals = append(vals, c)
		}
		js := &ast.JoinedStr{Values: vals}
		js.Loc = p.loc(colon)
		spec = js
	}
	if debug && conversion == -1 && spec == nil {
		conversion = 'r'
	}
	if !p.at(tRBRACE) {
		if spec != nil {
			p.failTok(*p.peek(), prefix+"-string: expecting '}', or format specs")
		}
		p.failTok(*p.peek(), prefix+"-string: expecting '}'")
	}
	p.skip()
	loc := p.loc(lbrace)
	if tstr {
		in := &ast.Interpolation{Value: e, Str: ast.Str(p.keep(p.srcStr[lbrace.eoff:exprEndOff])), Conversion: conversion, FormatSpec: spec}
		in.Loc = loc
		return append(pieces, strPiece{expr: in})
	}
	fv := &ast.FormattedValue{Value: e, Conversion: conversion, FormatSpec: spec}
	fv.Loc = loc
	return append(pieces, strPiece{expr: fv})
}

var _ = token.NAME
