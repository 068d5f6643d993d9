package scan

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWalkOrder walks a simulated tree (256 packages of 585 directories:
// eight subpackages of eight of eight) through the pool's choice of the
// next directory, as one walker takes them: the first tenth of the
// directories must come from most packages (the ETA's fair sample), and the
// second half in runs inside one package (the store's path indexes take
// neighbouring keys together). A depth-first walk sees about a tenth of the
// packages in the first tenth; with every directory up to randomFrontier
// taken at random (before depthShare) the first tenth came from 125
// packages and the second half changed package at 35% of its directories;
// with depthShare 256, from 110-123 and at about 1%.
func TestWalkOrder(t *testing.T) {
	const packages, fanout, depth = 256, 8, 3
	seed := walkSeed()
	p := &pool{rnd: rand.New(rand.NewPCG(seed, seed))}
	for i := range packages {
		p.dirs = append(p.dirs, dirJob{rel: string(rune('A'+i/26)) + string(rune('a'+i%26))})
	}
	var order []string // each directory's package, in the order taken
	for len(p.dirs) > 0 {
		d := p.takeDir()
		pkg, _, _ := strings.Cut(d.rel, "/")
		order = append(order, pkg)
		if strings.Count(d.rel, "/") < depth {
			for i := range fanout {
				p.dirs = append(p.dirs, dirJob{rel: d.rel + "/" + string(rune('a'+i))})
			}
		}
	}
	perPackage := 1 + fanout + fanout*fanout + fanout*fanout*fanout
	if len(order) != packages*perPackage {
		t.Fatalf("took %d directories, want %d", len(order), packages*perPackage)
	}

	seen := map[string]bool{}
	for _, pkg := range order[:len(order)/10] {
		seen[pkg] = true
	}
	if len(seen) < packages*3/8 {
		t.Errorf("the first tenth of the directories came from %d of %d packages, want at least %d", len(seen), packages, packages*3/8)
	}

	half := order[len(order)/2:]
	switches := 0
	for i := 1; i < len(half); i++ {
		if half[i] != half[i-1] {
			switches++
		}
	}
	if switches > len(half)/20 {
		t.Errorf("the second half changed package %d times in %d directories, want at most %d", switches, len(half), len(half)/20)
	}
	t.Logf("seed %d: first tenth from %d packages; second half: %d changes of package in %d directories", seed, len(seen), switches, len(half))
}
