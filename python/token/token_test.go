package token

import "testing"

func TestKindNames(t *testing.T) {
	// Spot checks against CPython 3.14's Lib/token.py numbering.
	cases := []struct {
		k    Kind
		n    int
		name string
	}{
		{ENDMARKER, 0, "ENDMARKER"}, {NAME, 1, "NAME"}, {LPAR, 7, "LPAR"},
		{EXCLAMATION, 54, "EXCLAMATION"}, {OP, 55, "OP"},
		{FSTRING_START, 59, "FSTRING_START"}, {TSTRING_END, 64, "TSTRING_END"},
		{COMMENT, 65, "COMMENT"}, {NL, 66, "NL"}, {ERRORTOKEN, 67, "ERRORTOKEN"},
		{ENCODING, 68, "ENCODING"}, {NumKinds, 69, "Kind(69)"},
	}
	for _, c := range cases {
		if int(c.k) != c.n || c.k.String() != c.name {
			t.Errorf("kind %d: got %d %q, want %d %q", c.k, int(c.k), c.k.String(), c.n, c.name)
		}
	}
	for k := Kind(0); k < NumKinds; k++ {
		if names[k] == "" {
			t.Errorf("kind %d has no name", k)
		}
	}
}

func TestOperator(t *testing.T) {
	for s, k := range operators {
		if !k.IsOperator() {
			t.Errorf("%q → %v is not IsOperator", s, k)
		}
		if got, ok := Operator(s); !ok || got != k {
			t.Errorf("Operator(%q) = %v %v", s, got, ok)
		}
	}
	if k, ok := Operator("<>"); ok || k != OP {
		t.Errorf("Operator(<>) = %v %v", k, ok)
	}
	if len(operators) != int(EXCLAMATION-LPAR+1) {
		t.Errorf("%d operators, want %d", len(operators), EXCLAMATION-LPAR+1)
	}
}

func TestSyntaxErrorString(t *testing.T) {
	e := &SyntaxError{Kind: "SyntaxError", Msg: "invalid syntax", Start: Pos{3, 4}, End: Pos{3, 5}}
	if got := e.Error(); got != "line 3:4: invalid syntax" {
		t.Errorf("Error() = %q", got)
	}
	var _ error = e
}
