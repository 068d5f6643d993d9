package batch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// N sharded runs of a tree with a few large files analyze every file once,
// compute the same plan, and hold bytes within 10% of the mean: hashing
// alone would put the large files where their names fall.
func TestShardsSplitTheTreeOnceAndEvenly(t *testing.T) {
	dir := t.TempDir()
	size := map[string]int64{}
	add := func(name, content string) {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, dir, name, content)
		size[name] = int64(len(content))
	}
	for i := range 300 {
		add(fmt.Sprintf("p%d/m%d.py", i%13, i), strings.Repeat("x = 1\n", 10+i%50))
	}
	for i := range 6 {
		add(fmt.Sprintf("big/b%d.py", i), strings.Repeat("y = 2\n", 400*(i+1)))
	}
	add("bin/blob.py", "\x00binary")
	// Files over --max-size are skipped at once: they weigh nothing.
	for i := range 3 {
		add(fmt.Sprintf("huge/h%d.py", i), strings.Repeat("z = 3\n", 5000))
	}
	so := scan.DefaultOptions()
	so.MaxSize = 20000
	const n = 4
	owner := map[string]int{}
	var bytes []int64
	var hashes []string
	for k := range n {
		var recs []*result.Record
		rs, err := Run(context.Background(), Config{
			Roots: []string{dir}, Scan: so, Shard: store.Shard{Index: k, Count: n},
			OnRecord: func(r *result.Record) { recs = append(recs, r) },
		})
		if err != nil {
			t.Fatal(err)
		}
		if rs.Plan == nil || rs.Plan.Files != int64(len(recs)) {
			t.Fatalf("shard %d: plan %+v, %d records", k, rs.Plan, len(recs))
		}
		var b int64
		for _, r := range recs {
			if o, dup := owner[r.Path]; dup {
				t.Fatalf("%s is in shards %d and %d", r.Path, o, k)
			}
			owner[r.Path] = k
			if r.SkipReason != scan.SkipTooLarge {
				b += r.Size
			}
		}
		for _, p := range rs.Plan.Placed {
			if store.ShardOf(p.Path, n) == k {
				t.Errorf("shard %d lists %s as placed, but its hash gives it anyway", k, p.Path)
			}
		}
		if b != rs.Plan.ShardBytes[k] {
			t.Errorf("shard %d: %d bytes, its plan says %d", k, b, rs.Plan.ShardBytes[k])
		}
		bytes = append(bytes, b)
		hashes = append(hashes, rs.Plan.Hash)
	}
	if len(owner) != 310 {
		t.Fatalf("the shards hold %d files, the tree 310", len(owner))
	}
	if hashes[0] == "" || len(slices.Compact(slices.Clone(hashes))) != 1 {
		t.Fatalf("the shards computed different plans: %v", hashes)
	}
	var sum int64
	for _, b := range bytes {
		sum += b
	}
	mean := float64(sum) / n
	for k, b := range bytes {
		if d := float64(b)/mean - 1; d > 0.10 || d < -0.10 {
			t.Errorf("shard %d holds %d bytes, %.1f%% from the mean %.0f (all: %v)", k, b, 100*d, mean, bytes)
		}
	}
	// Hashing alone would not have done it on this tree: the check
	// above means something.
	byHash := make([]int64, n)
	for p := range owner {
		if !strings.HasPrefix(p, "huge/") {
			byHash[store.ShardOf(p, n)] += size[p]
		}
	}
	if lo, hi := slices.Min(byHash), slices.Max(byHash); float64(hi-lo) < 0.2*mean {
		t.Fatalf("by hash alone the shards would hold %v bytes: the tree does not test the placement", byHash)
	}
}
