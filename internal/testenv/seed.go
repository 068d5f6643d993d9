package testenv

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// Seed returns the seed for a randomized test and logs it, so that a failure
// can be replayed: $PYBATCH_SEED when set, else a fresh seed.
//
//	PYBATCH_SEED=1234 go test ./parallel -run TestX
func Seed(t testing.TB) uint64 {
	t.Helper()
	return seed(t, uint64(time.Now().UnixNano()))
}

// SeedOr is Seed for a test whose inputs are the same on every run: the seed
// is def unless $PYBATCH_SEED is set, and is logged either way.
func SeedOr(t testing.TB, def uint64) uint64 {
	t.Helper()
	return seed(t, def)
}

func seed(t testing.TB, def uint64) uint64 {
	t.Helper()
	s := def
	if env := os.Getenv("PYBATCH_SEED"); env != "" {
		v, err := strconv.ParseUint(env, 10, 64)
		if err != nil {
			t.Fatalf("$PYBATCH_SEED=%q: %v", env, err)
		}
		s = v
	}
	t.Logf("random seed %d (replay with PYBATCH_SEED=%d)", s, s)
	return s
}

// NewRand returns the generator for seed, the same for every caller.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Rand returns a generator seeded with Seed(t) (which it logs).
func Rand(t testing.TB) *rand.Rand {
	t.Helper()
	return NewRand(Seed(t))
}

// FixedRand returns a generator seeded with SeedOr(t, def) (which it logs).
func FixedRand(t testing.TB, def uint64) *rand.Rand {
	t.Helper()
	return NewRand(SeedOr(t, def))
}
