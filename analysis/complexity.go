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
//
// The walk is a direct recursion over the node types (no closure per node,
// as ast.Inspect would need): it visits exactly the nodes ast.Inspect would,
// and falls back to ast.Inspect for the rare nodes it does not name.
func (w *walker) ccBody(body []ast.Stmt) int {
	n := 0
	for _, st := range body {
		n += w.ccStmt(st)
	}
	return n
}

func (w *walker) ccStmt(st ast.Stmt) int {
	switch x := st.(type) {
	case nil:
		return 0
	case *ast.FunctionDef, *ast.AsyncFunctionDef, *ast.ClassDef:
		return 0 // visit_FunctionDef / visit_ClassDef: a separate block
	case *ast.ExprStmt:
		return ccExpr(x.Value)
	case *ast.Assign:
		return ccExprs(x.Targets) + ccExpr(x.Value)
	case *ast.AugAssign:
		return ccExpr(x.Target) + ccExpr(x.Value)
	case *ast.AnnAssign:
		return ccExpr(x.Target) + ccExpr(x.Annotation) + ccExpr(x.Value)
	case *ast.Return:
		return ccExpr(x.Value)
	case *ast.Delete:
		return ccExprs(x.Targets)
	case *ast.Raise:
		return ccExpr(x.Exc) + ccExpr(x.Cause)
	case *ast.Pass, *ast.Break, *ast.Continue, *ast.Import, *ast.ImportFrom, *ast.Global, *ast.Nonlocal:
		return 0
	case *ast.Assert:
		if w.opts.NoAssert {
			return 0
		}
		return 1 // visit_Assert does not visit the children
	case *ast.If:
		return 1 + ccExpr(x.Test) + w.ccBody(x.Body) + w.ccBody(x.Orelse)
	case *ast.For:
		return 1 + b2i(len(x.Orelse) > 0) + ccExpr(x.Target) + ccExpr(x.Iter) + w.ccBody(x.Body) + w.ccBody(x.Orelse)
	case *ast.AsyncFor:
		return 1 + b2i(len(x.Orelse) > 0) + ccExpr(x.Target) + ccExpr(x.Iter) + w.ccBody(x.Body) + w.ccBody(x.Orelse)
	case *ast.While:
		return 1 + b2i(len(x.Orelse) > 0) + ccExpr(x.Test) + w.ccBody(x.Body) + w.ccBody(x.Orelse)
	case *ast.With:
		return ccWithItems(x.Items) + w.ccBody(x.Body)
	case *ast.AsyncWith:
		return ccWithItems(x.Items) + w.ccBody(x.Body)
	case *ast.Try:
		return len(x.Handlers) + b2i(len(x.Orelse) > 0) + w.ccTry(x.Body, x.Handlers, x.Orelse, x.Finalbody)
	case *ast.TryStar:
		// radon matches the class name "Try": except* counts nothing itself
		return w.ccTry(x.Body, x.Handlers, x.Orelse, x.Finalbody)
	}
	return w.ccInspect(st)
}

func (w *walker) ccTry(body []ast.Stmt, hs []*ast.ExceptHandler, orelse, final []ast.Stmt) int {
	n := w.ccBody(body)
	for _, h := range hs {
		if h != nil {
			n += ccExpr(h.Type) + w.ccBody(h.Body)
		}
	}
	return n + w.ccBody(orelse) + w.ccBody(final)
}

func ccWithItems(items []*ast.WithItem) int {
	n := 0
	for _, it := range items {
		if it != nil {
			n += ccExpr(it.ContextExpr) + ccExpr(it.OptionalVars)
		}
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ccExprs(es []ast.Expr) int {
	n := 0
	for _, e := range es {
		n += ccExpr(e)
	}
	return n
}

// ccExpr is the decision points of an expression (nil counts 0).
func ccExpr(e ast.Expr) int {
	switch x := e.(type) {
	case nil:
		return 0
	case *ast.Name, *ast.Constant:
		return 0
	case *ast.Attribute:
		return ccExpr(x.Value)
	case *ast.Call:
		n := ccExpr(x.Func) + ccExprs(x.Args)
		for _, k := range x.Keywords {
			if k != nil {
				n += ccExpr(k.Value)
			}
		}
		return n
	case *ast.Subscript:
		return ccExpr(x.Value) + ccExpr(x.Slice)
	case *ast.BinOp:
		return ccExpr(x.Left) + ccExpr(x.Right)
	case *ast.UnaryOp:
		return ccExpr(x.Operand)
	case *ast.Compare:
		return ccExpr(x.Left) + ccExprs(x.Comparators)
	case *ast.BoolOp:
		return len(x.Values) - 1 + ccExprs(x.Values)
	case *ast.IfExp:
		return 1 + ccExpr(x.Test) + ccExpr(x.Body) + ccExpr(x.Orelse)
	case *ast.Tuple:
		return ccExprs(x.Elts)
	case *ast.List:
		return ccExprs(x.Elts)
	case *ast.Set:
		return ccExprs(x.Elts)
	case *ast.Dict:
		return ccExprs(x.Keys) + ccExprs(x.Values)
	case *ast.Starred:
		return ccExpr(x.Value)
	case *ast.Slice:
		return ccExpr(x.Lower) + ccExpr(x.Upper) + ccExpr(x.Step)
	case *ast.JoinedStr:
		return ccExprs(x.Values)
	case *ast.FormattedValue:
		return ccExpr(x.Value) + ccExpr(x.FormatSpec)
	case *ast.NamedExpr:
		return ccExpr(x.Target) + ccExpr(x.Value)
	case *ast.Await:
		return ccExpr(x.Value)
	case *ast.Yield:
		return ccExpr(x.Value)
	case *ast.YieldFrom:
		return ccExpr(x.Value)
	case *ast.ListComp:
		return ccExpr(x.Elt) + ccComps(x.Generators)
	case *ast.SetComp:
		return ccExpr(x.Elt) + ccComps(x.Generators)
	case *ast.GeneratorExp:
		return ccExpr(x.Elt) + ccComps(x.Generators)
	case *ast.DictComp:
		return ccExpr(x.Key) + ccExpr(x.Value) + ccComps(x.Generators)
	case *ast.Lambda:
		return ccArguments(x.Args) + ccExpr(x.Body)
	}
	return ccInspectExpr(e)
}

// ccComps counts comprehension clauses: each is 1 plus its ifs.
func ccComps(cs []*ast.Comprehension) int {
	n := 0
	for _, c := range cs {
		if c != nil {
			n += 1 + len(c.Ifs) + ccExpr(c.Target) + ccExpr(c.Iter) + ccExprs(c.Ifs)
		}
	}
	return n
}

func ccArguments(a *ast.Arguments) int {
	if a == nil {
		return 0
	}
	n := ccArgs(a.Posonlyargs) + ccArgs(a.Args) + ccArgs(a.Kwonlyargs)
	if a.Vararg != nil {
		n += ccExpr(a.Vararg.Annotation)
	}
	if a.Kwarg != nil {
		n += ccExpr(a.Kwarg.Annotation)
	}
	return n + ccExprs(a.KwDefaults) + ccExprs(a.Defaults)
}

func ccArgs(as []*ast.Arg) int {
	n := 0
	for _, a := range as {
		if a != nil {
			n += ccExpr(a.Annotation)
		}
	}
	return n
}

// ccInspect counts the decision points under a node of a kind the direct
// walk does not name (match statements, type aliases...), with ast.Inspect.
func (w *walker) ccInspect(node ast.Node) int {
	n := 0
	ast.Inspect(node, func(node ast.Node) bool {
		switch x := node.(type) {
		case *ast.FunctionDef, *ast.AsyncFunctionDef, *ast.ClassDef:
			return false
		case *ast.Assert:
			if !w.opts.NoAssert {
				n++
			}
			return false
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
	})
	return n
}

// ccInspectExpr is ccInspect for an expression (which holds no statement,
// so the options do not matter).
func ccInspectExpr(e ast.Expr) int {
	var w walker
	return w.ccInspect(e)
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

// Rank is radon's cc_rank: A (1-5), B (6-10), C (11-20), D (21-30),
// E (31-40), F (41+).
func Rank(cc int) string {
	r := (cc + 9) / 10 // ceil(cc/10)
	if r < 1 {
		r = 1
	}
	if cc <= 5 {
		r--
	}
	r = min(r, 5)
	return "ABCDEF"[r : r+1]
}
