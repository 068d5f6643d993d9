package tokenizer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/python/token"
)

// TestLimits: pathological inputs end with CPython's errors at CPython's
// limits, after consuming only what CPython would.
func TestLimits(t *testing.T) {
	deepBlocks := nested(10000)
	for _, c := range []struct {
		name, src, kind, msg string
		line                 int32
	}{
		{"100000 parens", strings.Repeat("(", 100000), "SyntaxError", "too many nested parentheses", 1},
		{"10000 blocks", deepBlocks, "IndentationError", "too many levels of indentation", 101},
		{"1000 f-strings", nestedF(1000), "SyntaxError", "too many nested f-strings or t-strings", 1},
		{"unclosed", "x = (1,\n" + strings.Repeat("2,\n", 100000), "SyntaxError", "'(' was never closed", 1},
	} {
		toks, err := all(c.src, Options{})
		var se *token.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: no syntax error after %d tokens", c.name, len(toks))
			continue
		}
		if se.Kind != c.kind || se.Msg != c.msg || se.Start.Line != c.line {
			t.Errorf("%s: %s %q at line %d, want %s %q at line %d", c.name, se.Kind, se.Msg, se.Start.Line, c.kind, c.msg, c.line)
		}
	}
}

// TestHugeExpression tokenizes a 50 MB single expression.
func TestHugeExpression(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	src := bytes.Repeat([]byte("1+"), 25<<20)
	src = append(src, "1\n"...)
	tz := New(src, Options{})
	n := 0
	for {
		tok, err := tz.Next()
		if err != nil {
			t.Fatal(err)
		}
		if tok.Kind == token.ENDMARKER {
			break
		}
		n++
	}
	if want := 2*(25<<20) + 2; n != want {
		t.Errorf("%d tokens, want %d", n, want)
	}
}
