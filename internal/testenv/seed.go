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
	var seed uint64
	if s := os.Getenv("PYBATCH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("$PYBATCH_SEED=%q: %v", s, err)
		}
		seed = v
	} else {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("random seed %d (replay with PYBATCH_SEED=%d)", seed, seed)
	return seed
}

// Rand returns a generator seeded with Seed(t) (which it logs).
func Rand(t testing.TB) *rand.Rand {
	t.Helper()
	s := Seed(t)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}
