package scan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// seedWalks gives every parallel walk of this test binary one seed for its
// random order ($PYBATCH_WALK_SEED, else a fresh one) and prints it: every
// test that walks in parallel is a randomized test. (TestMain has no
// testing.T to log with; go test shows the line with a failing package's
// output.) With Workers: 1 a walk's order is then replayed exactly; with
// more, scheduling still varies. A variable of its own: replaying one
// test's testenv.Seed with PYBATCH_SEED must not change the walks' order.
func seedWalks() {
	seed := rand.Uint64()
	if s := os.Getenv("PYBATCH_WALK_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fmt.Fprintf(os.Stderr, "$PYBATCH_WALK_SEED=%q: %v\n", s, err)
			os.Exit(2)
		}
		seed = v
	}
	fmt.Printf("scan tests: parallel walks take directories in a random order, seed %d (replay with PYBATCH_WALK_SEED=%d)\n", seed, seed)
	walkSeed = func() uint64 { return seed }
}

// writeFile creates path (and its directories) with content.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// collect runs Scan and returns the FileInfos keyed by path relative to base.
func collect(t *testing.T, base string, roots []string, opts Options) map[string]FileInfo {
	t.Helper()
	got := map[string]FileInfo{}
	for fi := range Scan(context.Background(), roots, opts) {
		rel, err := filepath.Rel(base, fi.Path)
		if err != nil {
			t.Fatal(err)
		}
		rel = filepath.ToSlash(rel)
		if _, dup := got[rel]; dup {
			t.Errorf("%s yielded twice", rel)
		}
		got[rel] = fi
	}
	return got
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
