package parser

import (
	"errors"
	"testing"

	"github.com/pybatch/pybatch/python/token"
)

func TestParseVersion(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Version
		ok   bool
	}{{"3.10", 10, true}, {"3.14", 14, true}, {"3.0", 0, true}, {"3.15", 0, false}, {"3.010", 0, false}, {"2.7", 0, false}, {"3", 0, false}, {"", 0, false}} {
		v, err := ParseVersion(c.in)
		if (err == nil) != c.ok || v != c.want {
			t.Errorf("ParseVersion(%q) = %v, %v", c.in, v, err)
		}
	}
	if Version(12).String() != "3.12" || Version(0).String() != "3.14" {
		t.Error("Version.String")
	}
}

// TestVersionErrors: the line CPython 3.v reports for syntax it does not
// have (internal/oracle's TestVersionVerdicts proves these against those
// CPythons); each is accepted from the version that brought it.
func TestVersionErrors(t *testing.T) {
	for _, c := range []struct {
		src   string
		since Version
		line  int32
	}{
		{"x = 1\ntype X = int\n", 12, 2},
		{"def f[T](): pass\n", 12, 1},
		{"def f[T=int](): pass\n", 13, 1},
		{"try:\n  pass\nexcept* E:\n  pass\n", 11, 3},
		{"try:\n  pass\nexcept A, B:\n  pass\n", 14, 3},
		{"x = t'hi'\n", 14, 1},
		{"x = a[*b]\n", 11, 1},
		{"def f(*a: *T): pass\n", 11, 1},
		{"x = (f\"a\"\n     f\"{'\\n'}\"\n     \"b\")\n", 12, 3},
		{"x = f\"{a +\nb}\"\n", 12, 1},
		{"x = f'{x:{y:{z}}}'\n", 12, 1},
		{"foo(f\"\"\"{a#\n}\"\"\", a,\n b)\n", 12, 2},
		{"x = f\"\"\"\n{a[\"b\"]}\n\"\"\"\n", 10, 0},
	} {
		for v := Version(10); v <= Latest; v++ {
			_, err := Parse([]byte(c.src), Options{Version: v})
			var se *token.SyntaxError
			switch {
			case v >= c.since && err != nil:
				t.Errorf("%q as 3.%d: %v", c.src, v, err)
			case v < c.since && !errors.As(err, &se):
				t.Errorf("%q as 3.%d: accepted (%v)", c.src, v, err)
			case v < c.since && se.Start.Line != c.line:
				t.Errorf("%q as 3.%d: error at line %d, want %d: %v", c.src, v, se.Start.Line, c.line, err)
			}
		}
	}
}
