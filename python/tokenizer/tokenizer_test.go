package tokenizer

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pybatch/pybatch/python/token"
)

// all tokenizes src to the end, returning the tokens and the error.
func all(src string, opts Options) ([]token.Token, error) {
	tz := New([]byte(src), opts)
	var toks []token.Token
	for {
		tok, err := tz.Next()
		if err != nil {
			return toks, err
		}
		toks = append(toks, tok)
		if tok.Kind == token.ENDMARKER {
			return toks, nil
		}
	}
}

// TestErrorIsSticky: once Next fails it keeps returning the same
// *token.SyntaxError, and after ENDMARKER it keeps returning ENDMARKER.
func TestErrorIsSticky(t *testing.T) {
	for _, src := range []string{"x = (", "'abc", "0777", "if 1:\n  x\n y\n", "x\x00", "f'{x'"} {
		tz := New([]byte(src), Options{})
		var first error
		for i := 0; i < 50 && first == nil; i++ {
			_, first = tz.Next()
		}
		var se *token.SyntaxError
		if !errors.As(first, &se) {
			t.Fatalf("%q: error %v is not a *token.SyntaxError", src, first)
		}
		for i := 0; i < 3; i++ {
			if _, err := tz.Next(); err != first {
				t.Errorf("%q: call %d after the error gave %v, want the same error", src, i, err)
			}
		}
		if se.Kind == "" || se.Msg == "" || se.Start.Line < 1 {
			t.Errorf("%q: incomplete error %+v", src, se)
		}
		if !strings.HasPrefix(se.Error(), "line ") {
			t.Errorf("%q: Error() = %q", src, se.Error())
		}
	}
	tz := New([]byte("x\n"), Options{})
	var end token.Token
	for {
		tok, err := tz.Next()
		if err != nil {
			t.Fatal(err)
		}
		if tok.Kind == token.ENDMARKER {
			end = tok
			break
		}
	}
	for i := 0; i < 3; i++ {
		if tok, err := tz.Next(); err != nil || tok != end {
			t.Errorf("after ENDMARKER: %v %v", tok, err)
		}
	}
}

// TestTokenText checks that Off/EndOff select each token's text and agree
// with the columns of single-line tokens.
func TestTokenText(t *testing.T) {
	src := "def f(a, *, b=1):\n    return f'{a!r:>{b}}' + \"\"\"x\ny\"\"\"  # c\n"
	toks, err := all(src, Options{Comments: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"def", "f", "(", "a", ",", "*", ",", "b", "=", "1", ")", ":", "\n",
		"    ", "return", "f'", "{", "a", "!", "r", ":", ">", "{", "b", "}", "", "}", "'", "+", "\"\"\"x\ny\"\"\"", "# c", "\n", "", ""}
	if len(toks) != len(want) {
		t.Fatalf("%d tokens, want %d: %v", len(toks), len(want), toks)
	}
	for i, tok := range toks {
		if got := string(tok.Text([]byte(src))); got != want[i] {
			t.Errorf("token %d (%v): text %q, want %q", i, tok.Kind, got, want[i])
		}
	}
}

// TestIdentifier checks NFKC normalization of non-ASCII names and that
// ASCII names come back unchanged.
func TestIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"abc": "abc", "ﬁ": "fi", "ℕ": "N", "\U0001d400": "A", "é": "é", "e\u0301": "é", "x²": "x2",
	} {
		if got := Identifier([]byte(in)); got != want {
			t.Errorf("Identifier(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNoAllocsPerToken: tokenizing allocates only when the tokenizer is
// created (and, for a source without a final newline, once more).
func TestNoAllocsPerToken(t *testing.T) {
	src := []byte(strings.Repeat("def f(x, y=1.5e3):\n    return f'{x!r:>{y}}' + \"s\" # c\n", 200))
	allocs := testing.AllocsPerRun(20, func() {
		tz := New(src, Options{Comments: true})
		for {
			tok, err := tz.Next()
			if err != nil || tok.Kind == token.ENDMARKER {
				break
			}
		}
	})
	if allocs > 1 {
		t.Errorf("%v allocations per run, want 1 (the Tokenizer)", allocs)
	}
}

// checkStream verifies what every stream must satisfy, whatever the input:
// offsets within the source and non-decreasing, positions non-decreasing
// and within the source's lines, ENDMARKER last.
func checkStream(t *testing.T, src []byte, opts Options) {
	t.Helper()
	tz := New(src, opts)
	lines := int32(strings.Count(string(src), "\n") + 1)
	var prevOff int32
	prev := token.Pos{Line: 0}
	for i := 0; ; i++ {
		if i > 4*len(src)+200 {
			t.Fatalf("no ENDMARKER after %d tokens", i)
		}
		tok, err := tz.Next()
		if err != nil {
			var se *token.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v", err, err)
			}
			if se.Start.Line < 0 || se.Start.Line > lines+1 {
				t.Fatalf("error line %d outside 0..%d: %v", se.Start.Line, lines+1, se)
			}
			return
		}
		if tok.Off < prevOff || tok.EndOff < tok.Off || int(tok.EndOff) > len(src) {
			t.Fatalf("token %d %v: offsets %d..%d after %d (len %d)", i, tok.Kind, tok.Off, tok.EndOff, prevOff, len(src))
		}
		prevOff = tok.Off
		if tok.Start.Line > lines+1 || tok.End.Line > lines+1 || tok.End.Line < tok.Start.Line {
			t.Fatalf("token %d %v: lines %v-%v outside 1..%d", i, tok.Kind, tok.Start, tok.End, lines)
		}
		if tok.Start.Col >= 0 {
			if tok.Start.Less(prev) {
				t.Fatalf("token %d %v at %v before previous %v", i, tok.Kind, tok.Start, prev)
			}
			if tok.End.Line == tok.Start.Line && tok.End.Col < tok.Start.Col {
				t.Fatalf("token %d %v: end %v before start %v", i, tok.Kind, tok.End, tok.Start)
			}
			prev = tok.Start
		} else if tok.Start.Line < prev.Line {
			t.Fatalf("token %d %v on line %d before line %d", i, tok.Kind, tok.Start.Line, prev.Line)
		}
		if tok.Kind == token.NAME && !opts.Comments {
			if !utf8.Valid(tok.Text(src)) {
				t.Fatalf("token %d: NAME %q is not UTF-8", i, tok.Text(src))
			}
			if id := Identifier(tok.Text(src)); id == "" {
				t.Fatalf("token %d: empty identifier for %q", i, tok.Text(src))
			}
		}
		if tok.Kind == token.ENDMARKER {
			return
		}
	}
}

func TestInvariantsOnSnippets(t *testing.T) {
	for _, s := range snippets {
		for _, c := range []bool{false, true} {
			checkStream(t, []byte(s), Options{Comments: c})
		}
	}
}

// FuzzTokenizer: never panics, always terminates, positions monotonic and
// within bounds, in both modes.
func FuzzTokenizer(f *testing.F) {
	for _, s := range snippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkStream(t, src, Options{})
		checkStream(t, src, Options{Comments: true})
	})
}

// TestSkippedBrace: only middles cut before the second brace of "{{" or
// "}}" report SkippedBrace; the "}" closing a \N{...} escape does not.
func TestSkippedBrace(t *testing.T) {
	for src, want := range map[string]string{
		`f"a{{b}}c{x}"`:     "a{ b}",
		`f"{x:\N{BULLET}}"`: "",
		`f"\N{BULLET}}}"`:   "}",
		`t"{{"`:             "{",
		`f"{x:{{y}}}"`:      "",
		`rf"\N{{x}}"`:       "\\N{ x}",
		`f"{{}}{{{x}}}"`:    "{ } { }",
	} {
		tz := New([]byte(src), Options{})
		var got []string
		for {
			tok, err := tz.Next()
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if tz.SkippedBrace() {
				got = append(got, string(tok.Text([]byte(src))))
			}
			if tok.Kind == token.ENDMARKER {
				break
			}
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%s: SkippedBrace on %q, want %q", src, g, want)
		}
	}
}
