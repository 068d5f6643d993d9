package raw

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
