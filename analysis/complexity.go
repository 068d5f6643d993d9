package analysis

import "github.com/pybatch/pybatch/python/ast"

// Cyclomatic complexity exactly as radon 5.1's ComplexityVisitor computes it
// (radon/visitors.py), reproduced node for node rather than by a textbook
// definition, because users compare with radon:
//
//   - +1 for each If (so each elif) and IfExp; For, AsyncFor and While count
//     1 plus 1 for an else block; Try counts its handlers plus 1 for an else
//     block (TryStar, `except*`, counts nothing: radon matches the class name
//     "Try"); a BoolOp counts its operands minus one; each comprehension
//     counts 1 plus its ifs; assert counts 1 (0 with NoAssert) and its
//     expression is not visited. With, match/case, lambda count nothing
//     themselves; their children are visited.
//   - A function is 1 plus the decision points of its body. Nested functions
//     and classes are separate blocks: their bodies, decorators, defaults and
//     bases are not counted in the enclosing block (nor anywhere, for the
//     decorators and defaults of a nested function).
//   - A class's total is 1 plus the decision points of its body outside
//     methods, plus the complexity of each method (functions directly in its
//     body, also under if/try/...); radon reports it as
//     total/len(methods) (integer part) plus 1 when there is more than one
//     method, or the total when there is none. Nested classes add nothing.

// ccBody is the decision points of a statement list: the sum, for each
// statement, of ComplexityVisitor(off=False).visit(stmt).complexity.
func (w *walker) ccBody(body []ast.Stmt) int {
	n := 0
	count := func(node ast.Node) bool {
		switch x := node.(type) {
		case *ast.FunctionDef, *ast.AsyncFunctionDef, *ast.ClassDef:
			return false // visit_FunctionDef / visit_ClassDef: a separate block
		case *ast.Assert:
			if !w.opts.NoAssert {
				n++
			}
			return false // visit_Assert does not visit the children
		case *ast.Try:
			n += len(x.Handlers)
			if len(x.Orelse) > 0 {
				n++
			}
		case *ast.BoolOp:
			n += len(x.Values) - 1
		case *ast.If, *ast.IfExp:
			n++
		case *ast.For:
			n++
			if len(x.Orelse) > 0 {
				n++
			}
		case *ast.AsyncFor:
			n++
			if len(x.Orelse) > 0 {
				n++
			}
		case *ast.While:
			n++
			if len(x.Orelse) > 0 {
				n++
			}
		case *ast.Comprehension:
			n += 1 + len(x.Ifs)
		}
		return true
	}
	for _, st := range body {
		ast.Inspect(st, count)
	}
	return n
}

// classComplexity is what radon cc reports for a class, given the class
// scope after its body was walked (which summed its methods' complexities).
func (w *walker) classComplexity(c *ast.ClassDef, sc *scope) int {
	total := 1 + w.ccBody(c.Body) + sc.methodCC
	if sc.methods == 0 {
		return total
	}
	cc := total / sc.methods
	if sc.methods > 1 {
		cc++
	}
	return cc
}

// ccRank is radon's cc_rank: A (1-5), B (6-10), C (11-20), D (21-30),
// E (31-40), F (41+).
func ccRank(cc int) string {
	r := (cc + 9) / 10 // ceil(cc/10)
	if r < 1 {
		r = 1
	}
	if cc <= 5 {
		r--
	}
	r = min(r, 5)
	return string(rune('A' + r))
}
