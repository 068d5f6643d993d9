package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/python/token"
)

// TestLimits feeds inputs that would overflow a naive recursive parser or
// exhaust memory. Each must end with a syntax error (never a panic or a Go
// stack overflow), with the error class and message fragment given.
func TestLimits(t *testing.T) {
	nested := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat(" ", i))
			b.WriteString("if x:\n")
		}
		b.WriteString(strings.Repeat(" ", n))
		b.WriteString("pass\n")
		return b.String()
	}
	cases := []struct {
		name, src, kind, msg string
	}{
		{"100k open parens", strings.Repeat("(", 100_000), "SyntaxError", "too many nested parentheses"},
		{"100k open brackets", "x = " + strings.Repeat("[", 100_000), "SyntaxError", "too many nested parentheses"},
		{"10k nested blocks", nested(10_000), "IndentationError", "too many levels of indentation"},
		{"100k unary minus", strings.Repeat("-", 100_000) + "1\n", "MemoryError", "too complex"},
		{"100k not", strings.Repeat("not ", 100_000) + "x\n", "MemoryError", "too complex"},
		{"100k power", strings.Repeat("a**", 100_000) + "b\n", "MemoryError", "too complex"},
		{"100k lambdas", strings.Repeat("lambda:", 100_000) + "x\n", "MemoryError", "too complex"},
		{"100k conditional", strings.Repeat("x if y else ", 100_000) + "z\n", "MemoryError", "too complex"},
		{"100k elif", "if x: pass\n" + strings.Repeat("elif x: pass\n", 100_000), "MemoryError", "too complex"},
		{"100k attributes", "a" + strings.Repeat(".b", 100_000) + "\n", "RecursionError", "recursion depth"},
		{"100k calls", "f" + strings.Repeat("()", 100_000) + "\n", "RecursionError", "recursion depth"},
		{"100k subscripts", "a" + strings.Repeat("[0]", 100_000) + "\n", "RecursionError", "recursion depth"},
		{"50 MB sum", strings.Repeat("1+", 25_000_000) + "1\n", "RecursionError", "recursion depth"},
		{"50 MB product", "x = " + strings.Repeat("a*", 25_000_000) + "a\n", "RecursionError", "recursion depth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.src), Options{})
			if err == nil {
				t.Fatalf("parsed without error (%d statements)", len(m.Body))
			}
			var se *token.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v, want *token.SyntaxError", err, err)
			}
			if se.Kind != c.kind || !strings.Contains(se.Msg, c.msg) {
				t.Fatalf("got %s: %s; want %s containing %q", se.Kind, se.Msg, c.kind, c.msg)
			}
		})
	}
}

// TestLargeFlat checks that large flat constructs (no nesting) parse: a
// 50 MB string literal and a 200,000-element list.
func TestLargeFlat(t *testing.T) {
	src := "x = '" + strings.Repeat("a", 50<<20) + "'\n"
	m, err := Parse([]byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Body) != 1 {
		t.Fatalf("got %d statements", len(m.Body))
	}
	src = "x = [" + strings.Repeat("1, ", 200_000) + "]\n" + strings.Repeat("y = x\n", 1000)
	if m, err = Parse([]byte(src), Options{}); err != nil {
		t.Fatal(err)
	}
	if len(m.Body) != 1001 {
		t.Fatalf("got %d statements", len(m.Body))
	}
}
