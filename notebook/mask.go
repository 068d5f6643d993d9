package notebook

import (
	"bytes"
)

// transparent are the cell magics whose body is Python (ruff's list): only
// their own line is masked.
var transparent = map[string]bool{
	"time": true, "timeit": true, "capture": true, "prun": true,
	"debug": true, "python": true, "python3": true, "pypy": true,
}

// automagics are the magics IPython runs without a % that are used as
// commands at the start of a cell: "pip install x" is never Python.
var automagics = map[string]bool{"pip": true, "conda": true, "mamba": true, "micromamba": true, "uv": true}

// keywords are Python's keywords that may follow a name in an expression
// ("pip if x else y"), so that "NAME KEYWORD" is not an automagic.
var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "is": true, "if": true,
	"else": true, "for": true, "async": true, "await": true, "lambda": true,
}

// mask masks the IPython syntax in the lines of one cell, in place (a line
// may be replaced), and returns how many lines it masked.
func mask(lines [][]byte) int {
	first := 0
	for first < len(lines) && len(bytes.TrimLeft(lines[first], " \t\f")) == 0 {
		first++
	}
	n, start := 0, 0
	if first < len(lines) && bytes.HasPrefix(lines[first], []byte("%%")) {
		name := magicName(lines[first][2:])
		lines[first] = maskFrom(lines[first], 0)
		if !transparent[name] {
			for i := first + 1; i < len(lines); i++ {
				blank(lines[i])
			}
			return len(lines) - first
		}
		n, start = 1, first+1 // the body is Python, with its own escapes
	}
	var st scanState
	for i := start; i < len(lines); i++ {
		l := lines[i]
		if st.atStart() {
			if at, ok := escapeStart(l); ok {
				// IPython joins a backslash-continued escape into one command.
				cont := bytes.HasSuffix(l, []byte{'\\'})
				lines[i] = maskFrom(l, at)
				n++
				for cont && i+1 < len(lines) {
					i++
					cont = bytes.HasSuffix(lines[i], []byte{'\\'})
					blank(lines[i])
					n++
				}
				continue
			}
			save := st
			if last := st.scan(l); last >= 0 && l[last] == '?' && st.quote == 0 {
				// obj? / obj?? / %magic?: a help query, never Python.
				lines[i] = maskFrom(l, indent(l))
				n++
				st = save
				continue
			}
			continue
		}
		st.scan(l)
	}
	return n
}

// magicName is the name at the start of s (after %% or %).
func magicName(s []byte) string {
	i := 0
	for i < len(s) && (isWord(s[i]) || s[i] == '.') {
		i++
	}
	return string(s[:i])
}

// The names below refer to bytes: identifiers are matched on ASCII
// letters, digits and _, and any byte >= 0x80 (part of a non-ASCII letter).
func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

func indent(l []byte) int {
	i := 0
	for i < len(l) && isSpace(l[i]) {
		i++
	}
	return i
}

// escapeStart finds an IPython escape at the start of a logical line: the
// offset where the masked part begins.
func escapeStart(l []byte) (int, bool) {
	ind := indent(l)
	if ind == len(l) {
		return 0, false
	}
	switch l[ind] {
	case '!', '%', '?', '/', ',', ';':
		// None of these can start a Python statement.
		return ind, true
	}
	// NAME [, NAME]* = !cmd / = %magic: IPython's assignment forms.
	i := ind
	for {
		j := i
		for j < len(l) && (isWord(l[j]) || l[j] == '.') {
			j++
		}
		if j == i {
			break
		}
		for j < len(l) && isSpace(l[j]) {
			j++
		}
		if j < len(l) && l[j] == ',' {
			i = j + 1
			for i < len(l) && isSpace(l[i]) {
				i++
			}
			continue
		}
		if j < len(l) && l[j] == '=' {
			j++
			for j < len(l) && isSpace(l[j]) {
				j++
			}
			if j < len(l) && (l[j] == '!' || l[j] == '%') {
				return j, true
			}
		}
		break
	}
	// pip install x: NAME then a word that is not a keyword.
	j := ind
	for j < len(l) && isWord(l[j]) {
		j++
	}
	if automagics[string(l[ind:j])] && j < len(l) && isSpace(l[j]) {
		k := j
		for k < len(l) && isSpace(l[k]) {
			k++
		}
		e := k
		for e < len(l) && isWord(l[e]) {
			e++
		}
		if e > k && !(l[k] >= '0' && l[k] <= '9') && !keywords[string(l[k:e])] {
			return ind, true
		}
	}
	return 0, false
}

// maskFrom replaces l[at:] with "..." padded with spaces to the line's
// length (or longer when what is replaced is shorter than 3 bytes).
func maskFrom(l []byte, at int) []byte {
	if len(l)-at < 3 {
		out := make([]byte, at, at+3)
		copy(out, l[:at])
		return append(out, "..."...)
	}
	copy(l[at:], "...")
	for i := at + 3; i < len(l); i++ {
		l[i] = ' '
	}
	return l
}

// blank replaces every byte of l with a space.
func blank(l []byte) {
	for i := range l {
		l[i] = ' '
	}
}

// scanState is where a Python tokenizer would be at the end of a line: in
// a string, inside brackets, or after a backslash continuation. Enough to
// know whether the next line starts a logical line.
type scanState struct {
	quote  byte // the open string's quote, 0 when none
	triple bool
	depth  int  // open brackets
	cont   bool // the line ended with a backslash outside a string
}

func (s *scanState) atStart() bool { return s.quote == 0 && s.depth == 0 && !s.cont }

// scan moves s over one line and returns the offset of its last byte
// outside strings and comments that is not a space (-1 if none); a string's
// closing quote counts.
func (s *scanState) scan(l []byte) int {
	last := -1
	s.cont = false
	escEnd := false
	for j := 0; j < len(l); j++ {
		c := l[j]
		if s.quote != 0 {
			switch {
			case c == '\\':
				if j+1 == len(l) {
					escEnd = true
				}
				j++
			case c == s.quote && !s.triple:
				s.quote = 0
				last = j
			case c == s.quote && j+2 < len(l) && l[j+1] == c && l[j+2] == c:
				s.quote, s.triple = 0, false
				j += 2
				last = j
			}
			continue
		}
		switch c {
		case '#':
			return last
		case '"', '\'':
			s.quote = c
			if j+2 < len(l) && l[j+1] == c && l[j+2] == c {
				s.triple = true
				j += 2
			}
		case '(', '[', '{':
			s.depth++
		case ')', ']', '}':
			if s.depth > 0 {
				s.depth--
			}
		case '\\':
			if j+1 == len(l) {
				s.cont = true
				continue
			}
		}
		if !isSpace(c) {
			last = j
		}
	}
	if s.quote != 0 && !s.triple && !escEnd {
		s.quote = 0 // an unterminated string: Python's error, which ends it
	}
	return last
}
