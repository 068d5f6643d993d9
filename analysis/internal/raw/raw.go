package raw

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// Counts are radon raw's numbers for one file, with the field names of
// `radon raw -j`.
type Counts struct {
	LOC            int `json:"loc"`
	LLOC           int `json:"lloc"`
	SLOC           int `json:"sloc"`
	Comments       int `json:"comments"`
	SingleComments int `json:"single_comments"`
	Multi          int `json:"multi"`
	Blank          int `json:"blank"`
}

// ErrIncomplete is radon's "SyntaxError at line: N": the text ends inside a
// statement or a string, so its last unit never tokenizes cleanly. Metrics
// wraps it with the line the unit starts on.
var ErrIncomplete = errors.New("radon raw: incomplete statement or string at end of file")

// Extras is what Metrics learns on the way besides radon's counts, for a
// caller that would otherwise read the text again.
type Extras struct {
	// LineStarts, when not nil on entry, gets appended the offset of each
	// line as CPython numbers them (after each "\n"), for as far as Metrics
	// reads the text.
	LineStarts []int32
	// DefLines is set to the number of units whose first line starts with
	// "def ", "async def " or "class ": a cheap estimate of the number of
	// definitions (to size a slice), not a count of them.
	DefLines int
}

// Metrics computes radon raw's numbers for text, decoded Python source
// whose newlines are already "\n" (as python/source gives it). On text
// radon cannot finish it returns an error wrapping ErrIncomplete. x may be
// nil. Metrics neither modifies text nor keeps it after it returns (the
// caller must not change it during the call); it is safe for concurrent
// use.
func Metrics(text []byte, x *Extras) (Counts, error) {
	// text is only read, and only during the call: no copy needed.
	return scan(unsafe.String(unsafe.SliceData(text), len(text)), x, true)
}

// scan is Metrics on a string; with fast false, every statement goes
// through the tokenize port (for tests that check the fast paths against
// it).
func scan(text string, x *Extras, fast bool) (m Counts, err error) {
	lr := lineReader{text: text}
	defs := 0
	if x != nil {
		lr.starts = x.LineStarts
		defer func() { x.LineStarts, x.DefLines = lr.starts, defs }()
	}
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
				return Counts{}, fmt.Errorf("%w (line %d)", ErrIncomplete, startLine)
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
	return m, nil
}

// isDefLine reports whether a stripped line starts with "def ", "class "
// or "async def " (for the Definitions size hint).
func isDefLine(line string) bool {
	return strings.HasPrefix(line, "def ") || strings.HasPrefix(line, "class ") || strings.HasPrefix(line, "async def ")
}
