package check

import (
	"sort"

	"github.com/pybatch/pybatch/analysis"
)

// Block is a definition as radon's `cc` command counts it: a top-level
// function or class, or a method of a top-level class. Nested functions
// (closures), nested classes and their methods are not blocks: radon shows
// them only with --show-closures, which xenon never passes.
type Block struct {
	Kind string // "function", "method" or "class", as radon names them
	Name string // "f", "C.m" (a method is named with its class) or "C"
	Def  *analysis.Definition
}

// Blocks returns the blocks of a report, in source order. Nesting is found
// from the definitions' spans, not from qualnames (a `global` declaration
// shortens a qualname; radon looks at the tree).
func Blocks(r *analysis.Report) []Block {
	if r == nil || len(r.Definitions) == 0 {
		return nil
	}
	defs := r.Definitions
	order := make([]int, len(defs))
	for i := range order {
		order[i] = i
	}
	before := func(l1, c1, l2, c2 int) bool { return l1 < l2 || l1 == l2 && c1 < c2 }
	sort.SliceStable(order, func(a, b int) bool {
		x, y := &defs[order[a]], &defs[order[b]]
		return before(x.Line, x.Col, y.Line, y.Col)
	})
	// Definitions are nested or disjoint: in source order, a stack of the
	// enclosing ones gives each its parent. An entry that does not enclose
	// the next definition ends before it, so no later one is inside it.
	parent := make([]int, len(defs))
	var stack []int
	for _, i := range order {
		d := &defs[i]
		for len(stack) > 0 {
			e := &defs[stack[len(stack)-1]]
			if before(e.Line, e.Col, d.Line, d.Col) && !before(e.EndLine, e.EndCol, d.EndLine, d.EndCol) {
				break
			}
			stack = stack[:len(stack)-1]
		}
		parent[i] = -1
		if len(stack) > 0 {
			parent[i] = stack[len(stack)-1]
		}
		stack = append(stack, i)
	}
	var out []Block
	for _, i := range order {
		d := &defs[i]
		p := parent[i]
		switch {
		case p < 0 && d.Kind == "class":
			out = append(out, Block{"class", d.Name, d})
		case p < 0:
			out = append(out, Block{"function", d.Name, d})
		case defs[p].Kind == "class" && parent[p] < 0 && d.Kind != "class":
			out = append(out, Block{"method", defs[p].Name + "." + d.Name, d})
		}
	}
	return out
}
