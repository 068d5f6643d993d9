package raw

// fastText is the common case of scan, read straight from the text at
// lr.pos, without splitting and stripping lines first: a blank line, a
// comment line, or a unit that fastUnit accepts, all of whose lines end
// with "\n" (or the end of the text) and hold no other line break of
// str.splitlines and no character that strip() would remove but spaces
// and tabs. It adds the unit to m and moves lr past it, or returns false
// (and leaves lr alone) for anything else.
func (lr *lineReader) fastText(m *Counts, defs *int) bool {
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
