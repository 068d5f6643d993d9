package batch

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// largeShare sets which files a shard plan places by size: those over
// 1/(largeShare*N) of the tree's bytes. Hashing alone leaves a shard of a
// real tree (the stdlib: 11,600 files, a few of several hundred KB) up to
// 30% over the mean with 8 shards; placing the files over 1/1024 of the
// tree brings every shard within 1% (bench/NOTES.md, shards). There are
// at most largeShare*N of them, whatever the tree's size.
const largeShare = 128

// ShardPlan is how a sharded run split its roots' files: every file by
// the hash of its path (store.ShardOf), except the largest, which are
// placed, largest first, on the shard with the fewest bytes so far. Every
// machine walks the same tree (a stat per file, no open) and computes the
// same plan, so the shards still agree without talking, as long as the
// tree does not change while they run.
type ShardPlan struct {
	Shard store.Shard
	// Threshold is the size over which a file is placed (bytes).
	Threshold int64
	// Hash identifies the whole plan (the placed files and their shards):
	// shards that computed different plans (the tree changed between
	// their walks) have different hashes, and merge refuses them.
	Hash string
	// Placed are the files of this shard that are its by placement, not
	// by the hash of their path.
	Placed []store.PlacedFile
	// Files and Bytes are this shard's share of the walk.
	Files, Bytes int64
	// ShardBytes is every shard's bytes in the plan.
	ShardBytes []int64

	placed map[placedKey]int
}

type placedKey struct{ source, path string }

// Has reports whether the file at path of source belongs to the plan's
// shard.
func (p *ShardPlan) Has(source, path string) bool {
	if p == nil {
		return true
	}
	if k, ok := p.placed[placedKey{source, path}]; ok {
		return k == p.Shard.Index
	}
	return p.Shard.Has(path)
}

type planFile struct {
	source, path string
	size         int64
}

// planShards walks the roots (listing and stating, as a progress count
// does) and computes the plan of sh. Memory: the files over the running
// threshold, pruned as the total grows (at most about 4*largeShare*N).
func planShards(ctx context.Context, walks []*walk, sh store.Shard) (*ShardPlan, error) {
	n := sh.Count
	var (
		mu     sync.Mutex
		total  int64
		byHash = make([]int64, n)
		files  = make([]int64, n)
		large  []planFile
	)
	limit := 4 * largeShare * n
	for _, w := range walks {
		so := w.so
		so.ListOnly, so.ListStat, so.Unchanged, so.UnchangedReady, so.OmitUnchanged = true, true, nil, nil, false
		maxSize := so.MaxSize
		so.Tally = func(p string, size int64) {
			if maxSize > 0 && size > maxSize {
				size = 0 // skipped at once (too_large): no work
			}
			rel := w.Rel(p)
			k := store.ShardOf(rel, n)
			mu.Lock()
			defer mu.Unlock()
			total += size
			byHash[k] += size
			files[k]++
			if size > total/int64(largeShare*n) {
				large = append(large, planFile{w.Source, rel, size})
				if len(large) > limit {
					t := total / int64(largeShare*n)
					large = slices.DeleteFunc(large, func(f planFile) bool { return f.size <= t })
				}
			}
		}
		for range scan.Scan(ctx, []string{w.OSPath()}, so) { // (skips only)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := &ShardPlan{Shard: sh, Threshold: total / int64(largeShare*n), placed: map[placedKey]int{}}
	large = slices.DeleteFunc(large, func(f planFile) bool { return f.size <= p.Threshold })
	slices.SortFunc(large, func(a, b planFile) int {
		return cmp.Or(cmp.Compare(b.size, a.size), cmp.Compare(a.path, b.path), cmp.Compare(a.source, b.source))
	})
	load := slices.Clone(byHash)
	for _, f := range large {
		k := store.ShardOf(f.path, n)
		load[k] -= f.size
		files[k]--
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%d", n, p.Threshold)
	for _, f := range large {
		k := 0
		for i := range load {
			if load[i] < load[k] {
				k = i
			}
		}
		load[k] += f.size
		files[k]++
		p.placed[placedKey{f.source, f.path}] = k
		fmt.Fprintf(h, "\x00%s\x00%s\x00%d", f.source, f.path, k)
		if k == sh.Index && store.ShardOf(f.path, n) != k {
			p.Placed = append(p.Placed, store.PlacedFile{Source: f.source, Path: f.path})
		}
	}
	p.Hash = hex.EncodeToString(h.Sum(nil))[:16]
	p.Files, p.Bytes, p.ShardBytes = files[sh.Index], load[sh.Index], load
	return p, nil
}
