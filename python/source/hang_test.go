package source

import (
	"errors"
	"sort"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/token"
)

// TestDecodeRandomAllCodecs feeds random bytes under a declaration of every
// codec CPython has: Decode must return promptly with text or a
// *token.SyntaxError.
func TestDecodeRandomAllCodecs(t *testing.T) {
	rng := testenv.Rand(t)
	mods := make([]string, 0, len(pyCodecs))
	for m := range pyCodecs {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	for _, mod := range mods {
		for range 300 {
			b := []byte("# coding: " + mod + "\n")
			for range rng.IntN(40) {
				b = append(b, byte(rng.IntN(256)))
			}
			// A Decode that does not return is caught by go test's -timeout,
			// whose goroutine dump shows where it loops.
			_, _, err := Decode(b)
			var se *token.SyntaxError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("%q: error %T %v", b, err, err)
			}
		}
	}
}
