package raw

import (
	"unicode"
	"unicode/utf8"
)

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
