package source

import (
	"errors"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/pybatch/pybatch/python/token"
)

// TestDecodeRandomAllCodecs feeds random bytes under a declaration of every
// codec CPython has: Decode must return promptly with text or a
// *token.SyntaxError.
func TestDecodeRandomAllCodecs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
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
			done := make(chan error, 1)
			go func() { _, _, err := Decode(b); done <- err }()
			select {
			case err := <-done:
				var se *token.SyntaxError
				if err != nil && !errors.As(err, &se) {
					t.Fatalf("%q: error %T %v", b, err, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Decode(%q) did not return", b)
			}
		}
	}
}
