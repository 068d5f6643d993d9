package parser

import (
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

// setContext checks that e, parsed as an expression, is a valid assignment
// (ctx Store) or deletion (ctx Del) target as CPython's star_targets /
// del_targets rules define them, and sets the context of e and its
// sub-targets. star tells whether starred targets are allowed.
func (p *parser) setContext(e ast.Expr, ctx ast.ExprContext, star bool) bool {
	switch e := e.(type) {
	case *ast.Name:
		e.Ctx = ctx
		return true
	case *ast.Attribute:
		e.Ctx = ctx
		return true
	case *ast.Subscript:
		e.Ctx = ctx
		return true
	case *ast.Tuple:
		for _, x := range e.Elts {
			if !p.setContext(x, ctx, star) {
				return false
			}
		}
		e.Ctx = ctx
		return true
	case *ast.List:
		for _, x := range e.Elts {
			if !p.setContext(x, ctx, star) {
				return false
			}
		}
		e.Ctx = ctx
		return true
	case *ast.Starred:
		if !star {
			return false
		}
		if _, ok := e.Value.(*ast.Starred); ok {
			return false
		}
		if !p.setContext(e.Value, ctx, star) {
			return false
		}
		e.Ctx = ctx
		return true
	}
	return false
}

// singleTarget reports whether e is a single_target: a name, attribute or
// subscript (possibly parenthesized).
func (p *parser) singleTarget(e ast.Expr) bool {
	switch e.(type) {
	case *ast.Name, *ast.Attribute, *ast.Subscript:
		return true
	}
	return false
}

// starTargets: star_target (',' star_target)* [','], a Tuple when there is a comma.
func (p *parser) starTargets() ast.Expr {
	start := *p.peek()
	e := p.starTarget()
	if !p.at(tCOMMA) {
		return e
	}
	m := p.exprMark()
	p.pushExpr(e)
	p.moreElems(p.startsTarget, func() { p.pushExpr(p.starTarget()) })
	t := p.slabs.tuple.new(p.slabs.remain / 700)
	t.Elts = p.popExprs(m)
	t.Ctx = ast.Store
	t.Loc = p.loc(start)
	return t
}

func (p *parser) startsTarget() bool {
	switch p.kind() {
	case tNAME, tNUMBER, tSTRING, tFSTART, tTSTART, tLPAR, tLSQB, tLBRACE,
		tSTAR, tELLIPSIS, kwNone, kwTrue, kwFalse:
		return true
	}
	return false
}

// starTarget: '*' (!'*' star_target) | target_with_star_atom.
func (p *parser) starTarget() ast.Expr {
	if p.at(tSTAR) {
		start := p.next()
		p.trigger(start.start)
		if p.at(tSTAR) {
			p.fail()
		}
		p.enter()
		v := p.starTarget()
		p.leave()
		s := &ast.Starred{Value: v, Ctx: ast.Store}
		s.Loc = p.loc(start)
		return s
	}
	e := p.primary()
	if !p.setContext(e, ast.Store, true) {
		if bad := invalidTarget(e, false); bad != nil && !p.at(tCOMMA) && !p.at(kwIn) && !p.at(tEQUAL) && !p.at(tCOLON) && !p.at(tRPAR) {
			p.fail()
		} else if bad != nil {
			p.failAt(bad, "cannot assign to "+exprName(bad))
		}
		p.fail()
	}
	return e
}

// delTarget parses one del_target.
func (p *parser) delTarget() ast.Expr {
	if p.at(tSTAR) {
		// invalid_del_stmt: the starred expression is the invalid target.
		st := p.next()
		v := p.bitwiseOr()
		l := v.Location()
		p.failSpan(st.start, token.Pos{Line: l.EndLineno, Col: l.EndColOffset}, "cannot delete starred")
	}
	e := p.primary()
	if !p.setContext(e, ast.Del, false) {
		if bad := invalidTarget(e, true); bad != nil && (p.at(tCOMMA) || p.at(tSEMI) || p.at(tNEWLINE)) {
			p.failAt(bad, "cannot delete "+exprName(bad))
		}
		p.fail()
	}
	return e
}

// parenthesizedParams fails, at a '(' among the parameters, with CPython's
// "Function parameters cannot be parenthesized" (invalid_parameters) when
// names follow it up to a ')': "def f((a, b)):" or, for a lambda,
// "Lambda expression parameters cannot be parenthesized". It returns when
// the rule does not apply.
func (p *parser) parenthesizedParams(lambda bool) {
	m, fill := p.mark(), p.base+p.fill
	var open, close tok
	ok := p.try(func() {
		open = p.next()
		for {
			p.expect(tNAME)
			if !lambda && p.accept(tCOLON) {
				p.expression()
			}
			if !p.accept(tCOMMA) || p.at(tRPAR) {
				break
			}
		}
		close = p.expect(tRPAR)
	})
	if !ok {
		p.unread(m, fill) // the generic error stays where the first pass stopped
		return
	}
	p.reset(m)
	msg := "Function parameters cannot be parenthesized"
	if lambda {
		msg = "Lambda expression parameters cannot be parenthesized"
	}
	p.failSpan(open.start, close.end, msg)
}

// parameters parses a def's parameter list (up to but not including ')')
// or, when lambda is set, a lambda's (up to ':').
func (p *parser) parameters(lambda bool) *ast.Arguments {
	end := tRPAR
	if lambda {
		end = tCOLON
	}
	a := p.slabs.arguments.new(p.slabs.remain / 520)
	// The parameters are pushed on argStack in order: positional-only ones
	// (before posEnd), then plain ones, then keyword-only ones (from kwStart);
	// defaults go on exprStack, positional ones then keyword-only ones (from
	// kwDefStart). Nested parameter lists (lambdas in defaults) push and pop
	// above these before the next push here.
	am, em := len(p.argStack), p.exprMark()
	posEnd, kwStart, kwDefStart := -1, -1, -1
	const (
		stPos = iota
		stKw
		stDone
	)
	state := stPos
	sawDefault := false
	param := func() {
		t := *p.peek()
		switch {
		case t.kind == tSLASH:
			switch {
			case state != stPos:
				p.failTok(t, "/ must be ahead of *")
			case posEnd >= 0:
				p.failTok(t, "/ may appear only once")
			case len(p.argStack) == am:
				p.failTok(t, "at least one parameter must precede /")
			}
			p.skip()
			posEnd = len(p.argStack)
		case t.kind == tSTAR:
			if state == stKw {
				p.failTok(t, "* argument may appear only once")
			}
			if state != stPos {
				p.fail()
			}
			p.skip()
			state = stKw
			kwStart, kwDefStart = len(p.argStack), len(p.exprStack)
			if p.at(end) || p.at(tCOMMA) && (p.peekAt(1).kind == end || p.peekAt(1).kind == tDOUBLESTAR) {
				if lambda {
					// invalid_lambda_star_etc raises it without a location.
					p.failLast("SyntaxError", "named arguments must follow bare *")
				}
				p.failTok(t, "named arguments must follow bare *")
			}
			if p.at(tCOMMA) {
				break // bare '*': keyword-only parameters follow
			}
			a.Vararg = p.param(lambda, true)
			if p.at(tEQUAL) {
				p.failTok(*p.peek(), "var-positional argument cannot have default value")
			}
		case t.kind == tDOUBLESTAR:
			if state == stDone {
				p.fail()
			}
			p.skip()
			if state == stPos {
				kwStart, kwDefStart = len(p.argStack), len(p.exprStack)
			}
			a.Kwarg = p.param(lambda, false)
			if p.at(tEQUAL) {
				p.failTok(*p.peek(), "var-keyword argument cannot have default value")
			}
			state = stDone
		case t.kind == tNAME:
			if state == stDone {
				p.failTok(t, "arguments cannot follow var-keyword argument")
			}
			arg := p.param(lambda, false)
			var def ast.Expr
			if p.at(tEQUAL) {
				eq := p.next()
				if k := p.kind(); k == tRPAR || k == tCOMMA {
					p.failTok(eq, "expected default value expression") // invalid_default
				}
				def = p.expression()
			}
			if state == stPos {
				if def != nil {
					sawDefault = true
					p.pushExpr(def)
				} else if sawDefault && (p.at(tCOMMA) || p.at(end)) {
					p.failAt(arg, "parameter without a default follows parameter with a default")
				}
				p.argStack = append(p.argStack, arg)
			} else {
				p.argStack = append(p.argStack, arg)
				p.pushExpr(def)
			}
		case t.kind == tLPAR && state == stPos && !sawDefault:
			p.parenthesizedParams(lambda)
			p.fail()
		default:
			p.fail()
		}
	}
	if !p.at(end) {
		param()
		p.moreElems(p.notAt(end), param)
	}
	if !p.at(end) {
		p.fail()
	}
	if kwStart < 0 {
		kwStart, kwDefStart = len(p.argStack), len(p.exprStack)
	}
	posStart := am
	if posEnd >= 0 {
		posStart = posEnd
	}
	a.Posonlyargs = p.popArgs(am, posStart)
	if len(a.Posonlyargs) > 0 {
		p.trigger(start(&a.Posonlyargs[0].Loc))
	}
	a.Args = p.popArgs(posStart, kwStart)
	a.Kwonlyargs = p.popArgs(kwStart, len(p.argStack))
	clear(p.argStack[am:])
	p.argStack = p.argStack[:am]
	a.KwDefaults = p.popExprs(kwDefStart)
	a.Defaults = p.popExprs(em)
	return a
}

// popArgs copies argStack[from:to] into a slice of the tree (empty, not
// nil, when there are none).
func (p *parser) popArgs(from, to int) []*ast.Arg {
	if from == to {
		return []*ast.Arg{}
	}
	out := p.slabs.args(to - from)
	copy(out, p.argStack[from:to])
	return out
}

func orEmpty(a []*ast.Arg) []*ast.Arg {
	if a == nil {
		return []*ast.Arg{}
	}
	return a
}

// param: NAME [annotation]; star allows a starred annotation (*args: *Ts).
func (p *parser) param(lambda, star bool) *ast.Arg {
	t := p.expect(tNAME)
	a := p.slabs.arg.new(p.slabs.remain / 360)
	a.Arg = p.ident(t)
	if !lambda && p.accept(tCOLON) {
		if star {
			a.Annotation = p.starExpression()
		} else {
			a.Annotation = p.expression()
		}
	}
	a.Loc = p.loc(t)
	return a
}
