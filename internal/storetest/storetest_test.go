package storetest

import "testing"

func TestDiff(t *testing.T) {
	for _, c := range []struct{ got, want, diff string }{
		{"a\nb\n", "a\nb\n", "(equal)"},
		{"a\nb\n", "a\nc\n", "line 2:\n got \"b\"\nwant \"c\""},
		{"a\n", "a\nb\n", "line 2:\n got \"\"\nwant \"b\""},
	} {
		if d := Diff(c.got, c.want); d != c.diff {
			t.Errorf("Diff(%q, %q) = %q, want %q", c.got, c.want, d, c.diff)
		}
	}
}
