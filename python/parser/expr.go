package parser

import (
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

const (
	tNAME        = uint8(token.NAME)
	tNUMBER      = uint8(token.NUMBER)
	tSTRING      = uint8(token.STRING)
	tNEWLINE     = uint8(token.NEWLINE)
	tINDENT      = uint8(token.INDENT)
	tDEDENT      = uint8(token.DEDENT)
	tLPAR        = uint8(token.LPAR)
	tRPAR        = uint8(token.RPAR)
	tLSQB        = uint8(token.LSQB)
	tRSQB        = uint8(token.RSQB)
	tCOLON       = uint8(token.COLON)
	tCOMMA       = uint8(token.COMMA)
	tSEMI        = uint8(token.SEMI)
	tPLUS        = uint8(token.PLUS)
	tMINUS       = uint8(token.MINUS)
	tSTAR        = uint8(token.STAR)
	tSLASH       = uint8(token.SLASH)
	tVBAR        = uint8(token.VBAR)
	tAMPER       = uint8(token.AMPER)
	tLESS        = uint8(token.LESS)
	tGREATER     = uint8(token.GREATER)
	tEQUAL       = uint8(token.EQUAL)
	tDOT         = uint8(token.DOT)
	tPERCENT     = uint8(token.PERCENT)
	tLBRACE      = uint8(token.LBRACE)
	tRBRACE      = uint8(token.RBRACE)
	tEQEQUAL     = uint8(token.EQEQUAL)
	tNOTEQUAL    = uint8(token.NOTEQUAL)
	tLESSEQUAL   = uint8(token.LESSEQUAL)
	tGREATEREQ   = uint8(token.GREATEREQUAL)
	tTILDE       = uint8(token.TILDE)
	tCIRCUMFLEX  = uint8(token.CIRCUMFLEX)
	tLEFTSHIFT   = uint8(token.LEFTSHIFT)
	tRIGHTSHIFT  = uint8(token.RIGHTSHIFT)
	tDOUBLESTAR  = uint8(token.DOUBLESTAR)
	tDOUBLESLASH = uint8(token.DOUBLESLASH)
	tAT          = uint8(token.AT)
	tRARROW      = uint8(token.RARROW)
	tELLIPSIS    = uint8(token.ELLIPSIS)
	tCOLONEQUAL  = uint8(token.COLONEQUAL)
	tEXCLAMATION = uint8(token.EXCLAMATION)
	tFSTART      = uint8(token.FSTRING_START)
	tFMIDDLE     = uint8(token.FSTRING_MIDDLE)
	tFEND        = uint8(token.FSTRING_END)
	tTSTART      = uint8(token.TSTRING_START)
	tTMIDDLE     = uint8(token.TSTRING_MIDDLE)
	tTEND        = uint8(token.TSTRING_END)
	tENDMARKER   = uint8(token.ENDMARKER)
)

// ---- expression lists ----

// starExpressions parses star_expressions: a single star_expression or a Tuple.
func (p *parser) starExpressions() ast.Expr {
	first := *p.peek()
	e := p.starExpression()
	if !p.at(tCOMMA) {
		return e
	}
	m := p.exprMark()
	p.pushExpr(e)
	p.moreElems(p.startsExpression, func() { p.pushExpr(p.starExpression()) })
	t := p.slabs.tuple.new(p.slabs.remain / 700)
	t.Loc = p.loc(first)
	t.Elts = p.popExprs(m)
	return t
}

// expressions parses `expressions`: expression or a Tuple of expressions.
func (p *parser) expressions() ast.Expr {
	first := *p.peek()
	e := p.expression()
	if !p.at(tCOMMA) {
		return e
	}
	m := p.exprMark()
	p.pushExpr(e)
	p.moreElems(p.startsExpression, func() { p.pushExpr(p.expression()) })
	t := p.slabs.tuple.new(p.slabs.remain / 700)
	t.Loc = p.loc(first)
	t.Elts = p.popExprs(m)
	return t
}

// startsExpression reports whether the current token can begin a
// star_expression (used after a comma to tell an element from a trailing comma).
func (p *parser) startsExpression() bool { return startsStarExpr(p.kind()) }

// startsStarExpr reports whether a token of kind k can begin a
// star_expression.
func startsStarExpr(k uint8) bool {
	return k == tSTAR || startsExpr(k)
}

// startsExpr reports whether a token of kind k can begin an expression.
func startsExpr(k uint8) bool {
	switch k {
	case tNAME, tNUMBER, tSTRING, tFSTART, tTSTART, tLPAR, tLSQB, tLBRACE, tMINUS, tPLUS, tTILDE,
		tELLIPSIS, kwNot, kwLambda, kwAwait, kwNone, kwTrue, kwFalse:
		return true
	}
	return false
}

// starExpression: '*' bitwise_or | expression.
func (p *parser) starExpression() ast.Expr {
	if p.at(tSTAR) {
		start := p.next()
		p.trigger(start.start)
		v := p.bitwiseOr()
		s := &ast.Starred{Value: v, Ctx: ast.Load}
		s.Loc = p.loc(start)
		return s
	}
	return p.expression()
}

// starNamedExpression: '*' bitwise_or | named_expression.
func (p *parser) starNamedExpression() ast.Expr {
	if p.at(tSTAR) {
		start := p.next()
		p.trigger(start.start)
		v := p.bitwiseOr()
		s := &ast.Starred{Value: v, Ctx: ast.Load}
		s.Loc = p.loc(start)
		return s
	}
	return p.namedExpression()
}

// namedExpression: NAME ':=' expression | expression !':='.
func (p *parser) namedExpression() ast.Expr { return p.namedExpr(true) }

// namedExpr is namedExpression; eq applies invalid_named_expression to an
// expression followed by '=' (not in call arguments, where CPython's rules
// use expression).
func (p *parser) namedExpr(eq bool) ast.Expr {
	if p.isName() && p.peekAt(1).kind == tCOLONEQUAL {
		start := p.next()
		p.trigger(start.start)
		target := p.newName(start, ast.Store)
		p.skip()
		v := p.expression()
		n := &ast.NamedExpr{Target: target, Value: v}
		n.Loc = p.loc(start)
		return n
	}
	e := p.expression()
	if p.at(tCOLONEQUAL) {
		p.failAt(e, "cannot use assignment expressions with "+exprName(e))
	}
	if eq && p.at(tEQUAL) {
		p.invalidNamedExpression(e)
	}
	return e
}

// invalidNamedExpression is CPython's invalid_named_expression for an
// expression e followed by '=': "x = 1" where a named expression is
// expected is a comparison or ':=' mistyped. It returns when the rule does
// not apply (the tokens after '=' are then left unread).
func (p *parser) invalidNamedExpression(e ast.Expr) {
	_, isName := e.(*ast.Name)
	if !isName && !assignableHere(e) {
		return // the rule's lookahead rejects e before reading on
	}
	m, fill := p.mark(), p.base+p.fill
	var b ast.Expr
	ok := p.try(func() {
		p.skip()
		b = p.bitwiseOr()
	})
	if !ok || p.at(tEQUAL) || p.at(tCOLONEQUAL) {
		// The rule does not apply: the tokens it read stay unread for the
		// generic error's location, as CPython's first pass left them.
		p.unread(m, fill)
		return
	}
	if isName {
		p.failRange(e, b, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
	}
	p.failAt(e, "cannot assign to "+exprName(e)+" here. Maybe you meant '==' instead of '='?")
}

// assignableHere reports whether invalid_named_expression's last rule,
// !(list|tuple|genexp|'True'|'None'|'False') a=bitwise_or '=' ..., can
// start with e.
func assignableHere(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.List, *ast.Tuple, *ast.GeneratorExp:
		return false
	case *ast.Constant:
		switch e.Value.(type) {
		case bool, ast.None:
			return false
		}
	}
	return isBitwiseOrLevel(e)
}

func (p *parser) newName(t tok, ctx ast.ExprContext) *ast.Name {
	n := p.slabs.name.new(p.slabs.remain / 60)
	n.Loc = tokLoc(t)
	n.Id = p.ident(t)
	n.Ctx = ctx
	return n
}

// expression: if_expression | disjunction | lambdef.
func (p *parser) expression() ast.Expr {
	switch t := p.peek(); t.kind {
	case kwLambda:
		return p.lambdef()
	case tNAME, tNUMBER, kwNone, kwTrue, kwFalse:
		// Fast path: an atom directly followed by a token that ends every
		// enclosing rule is the whole expression; skip the precedence levels.
		switch p.peekAt(1).kind {
		case tCOMMA, tRPAR, tRSQB, tRBRACE, tCOLON, tNEWLINE, tEQUAL, tSEMI:
			return p.atom()
		}
	}
	p.enter()
	sp := p.peek().start
	start := p.mark()
	d := p.disjunction()
	p.lastDisjStart, p.lastDisjEnd = start, p.mark()
	if p.at(kwIf) {
		m := p.mark()
		p.pin(m)
		p.skip()
		test := p.disjunction()
		p.unpin()
		if !p.at(kwElse) && !p.at(tCOLON) {
			p.failAt(&ast.IfExp{Loc: p.locPos(sp)}, "expected 'else' after 'if' expression")
		}
		if !p.accept(kwElse) {
			p.reset(m)
			p.leave()
			return d
		}
		if t := *p.peek(); !startsExpr(t.kind) {
			p.failTok(t, "expected expression after 'else', but statement is given")
		}
		orelse := p.expression()
		e := &ast.IfExp{Test: test, Body: d, Orelse: orelse}
		e.Loc = p.locPos(sp)
		p.leave()
		return e
	}
	p.leave()
	return d
}

// opFollows marks the tokens that, after a primary, continue an expression
// at some precedence level from power up to disjunction: a binary or
// comparison operator, 'not' (of 'not in'), 'is', 'and', 'or'. After a
// primary followed by any other token each level's loop stops at once, so
// the levels can be skipped (see disjunction and bitwiseOr).
var opFollows = func() (t [256]bool) {
	for _, k := range []uint8{tDOUBLESTAR, tSTAR, tSLASH, tDOUBLESLASH, tPERCENT, tAT,
		tPLUS, tMINUS, tLEFTSHIFT, tRIGHTSHIFT, tAMPER, tCIRCUMFLEX, tVBAR,
		tEQEQUAL, tNOTEQUAL, tLESSEQUAL, tLESS, tGREATEREQ, tGREATER, kwIn, kwNot, kwIs,
		kwAnd, kwOr} {
		t[k] = true
	}
	return
}()

// startsUnary reports whether the current token makes one of the levels
// between disjunction and primary do something before reaching primary
// ('not', a unary sign or '~', 'await').
func startsUnary(k uint8) bool {
	switch k {
	case kwNot, tPLUS, tMINUS, tTILDE, kwAwait:
		return true
	}
	return false
}

// disjunction is the top of the precedence levels. When the expression
// starts with a primary (no prefix operator) the primary is parsed
// directly, and the levels above it run only if an operator follows: the
// same calls in the same order, so the same tree, errors and token reads,
// without a dozen nested calls per operand.
func (p *parser) disjunction() ast.Expr {
	t := p.peek()
	sp := t.start
	if startsUnary(t.kind) {
		return p.disjunctionRest(p.conjunctionRest(p.inversion(), sp), sp)
	}
	a := p.primary()
	if !opFollows[p.kind()] {
		return a
	}
	a = p.bitwiseOrFromPrimary(a, sp)
	a = p.comparisonRest(a, sp)
	a = p.conjunctionRest(a, sp)
	return p.disjunctionRest(a, sp)
}

// bitwiseOrFromPrimary runs the levels from power to bitwise_or on a primary
// a already parsed at sp.
func (p *parser) bitwiseOrFromPrimary(a ast.Expr, sp token.Pos) ast.Expr {
	a = p.powerRest(a, sp)
	a = p.termRest(a, sp)
	a = p.sumRest(a, sp)
	a = p.shiftRest(a, sp)
	a = p.bitwiseAndRest(a, sp)
	a = p.bitwiseXorRest(a, sp)
	return p.bitwiseOrRest(a, sp)
}

func (p *parser) disjunctionRest(a ast.Expr, sp token.Pos) ast.Expr {
	if !p.at(kwOr) {
		return a
	}
	m := p.exprMark()
	p.pushExpr(a)
	for p.accept(kwOr) {
		p.pushExpr(p.conjunction())
	}
	vals := p.popExprs(m)
	b := &ast.BoolOp{Op: ast.Or, Values: vals}
	b.Loc = p.locPos(sp)
	return b
}

func (p *parser) conjunction() ast.Expr {
	sp := p.peek().start
	return p.conjunctionRest(p.inversion(), sp)
}

func (p *parser) conjunctionRest(a ast.Expr, sp token.Pos) ast.Expr {
	if !p.at(kwAnd) {
		return a
	}
	m := p.exprMark()
	p.pushExpr(a)
	for p.accept(kwAnd) {
		p.pushExpr(p.inversion())
	}
	vals := p.popExprs(m)
	b := &ast.BoolOp{Op: ast.And, Values: vals}
	b.Loc = p.locPos(sp)
	return b
}

func (p *parser) inversion() ast.Expr {
	if p.at(kwNot) {
		start := p.next()
		p.enter()
		v := p.inversion()
		p.leave()
		u := p.slabs.unary.new(p.slabs.remain / 2300)
		u.Op = ast.Not
		u.Operand = v
		u.Loc = p.loc(start)
		return u
	}
	return p.comparison()
}

func (p *parser) cmpOp() (ast.CmpOp, bool) {
	switch p.kind() {
	case tEQEQUAL:
		p.skip()
		return ast.Eq, true
	case tNOTEQUAL:
		t := *p.peek()
		if (string(p.src[t.off:t.eoff]) == "<>") != p.barry {
			// '<>' is valid only under `from __future__ import barry_as_FLUFL`,
			// and then '!=' is not.
			if p.barry {
				p.errorAt(t.start, t.end, "with Barry as BDFL, use '<>' instead of '!='")
			}
			p.fail()
		}
		p.skip()
		return ast.NotEq, true
	case tLESSEQUAL:
		p.skip()
		return ast.LtE, true
	case tLESS:
		p.skip()
		return ast.Lt, true
	case tGREATEREQ:
		p.skip()
		return ast.GtE, true
	case tGREATER:
		p.skip()
		return ast.Gt, true
	case kwIn:
		p.skip()
		return ast.In, true
	case kwNot:
		if p.peekAt(1).kind == kwIn {
			p.skip()
			p.skip()
			return ast.NotIn, true
		}
	case kwIs:
		p.skip()
		if p.accept(kwNot) {
			return ast.IsNot, true
		}
		return ast.Is, true
	}
	return 0, false
}

func (p *parser) comparison() ast.Expr {
	sp := p.peek().start
	return p.comparisonRest(p.bitwiseOr(), sp)
}

func (p *parser) comparisonRest(a ast.Expr, sp token.Pos) ast.Expr {
	op, ok := p.cmpOp()
	if !ok {
		return a
	}
	var ops []ast.CmpOp
	m := p.exprMark()
	for {
		ops = append(ops, op)
		p.pushExpr(p.bitwiseOr())
		if op, ok = p.cmpOp(); !ok {
			break
		}
	}
	c := p.slabs.compare.new(p.slabs.remain / 1200)
	c.Left = a
	c.Ops = ops
	c.Comparators = p.popExprs(m)
	c.Loc = p.locPos(sp)
	return c
}

func (p *parser) binop(left ast.Expr, op ast.Operator, right ast.Expr, sp token.Pos) ast.Expr {
	b := p.slabs.binop.new(p.slabs.remain / 980)
	b.Left, b.Op, b.Right = left, op, right
	b.Loc = p.locPos(sp)
	return b
}

// bitwiseOr has disjunction's short cut for an operand that is a primary.
func (p *parser) bitwiseOr() ast.Expr {
	t := p.peek()
	sp := t.start
	if startsUnary(t.kind) {
		return p.bitwiseOrRest(p.bitwiseXor(), sp)
	}
	a := p.primary()
	if !opFollows[p.kind()] {
		return a
	}
	return p.bitwiseOrFromPrimary(a, sp)
}

func (p *parser) bitwiseOrRest(a ast.Expr, sp token.Pos) ast.Expr {
	for n := 1; p.accept(tVBAR); n++ {
		p.chain(n)
		a = p.binop(a, ast.BitOr, p.bitwiseXor(), sp)
	}
	return a
}

func (p *parser) bitwiseXor() ast.Expr {
	sp := p.peek().start
	return p.bitwiseXorRest(p.bitwiseAnd(), sp)
}

func (p *parser) bitwiseXorRest(a ast.Expr, sp token.Pos) ast.Expr {
	for n := 1; p.accept(tCIRCUMFLEX); n++ {
		p.chain(n)
		a = p.binop(a, ast.BitXor, p.bitwiseAnd(), sp)
	}
	return a
}

func (p *parser) bitwiseAnd() ast.Expr {
	sp := p.peek().start
	return p.bitwiseAndRest(p.shiftExpr(), sp)
}

func (p *parser) bitwiseAndRest(a ast.Expr, sp token.Pos) ast.Expr {
	for n := 1; p.accept(tAMPER); n++ {
		p.chain(n)
		a = p.binop(a, ast.BitAnd, p.shiftExpr(), sp)
	}
	return a
}

func (p *parser) shiftExpr() ast.Expr {
	sp := p.peek().start
	return p.shiftRest(p.sum(), sp)
}

func (p *parser) shiftRest(a ast.Expr, sp token.Pos) ast.Expr {
	for n := 1; ; n++ {
		p.chain(n)
		switch p.kind() {
		case tLEFTSHIFT:
			p.skip()
			a = p.binop(a, ast.LShift, p.sum(), sp)
		case tRIGHTSHIFT:
			p.skip()
			a = p.binop(a, ast.RShift, p.sum(), sp)
		default:
			return a
		}
	}
}

func (p *parser) sum() ast.Expr {
	sp := p.peek().start
	return p.sumRest(p.term(), sp)
}

func (p *parser) sumRest(a ast.Expr, sp token.Pos) ast.Expr {
	for n := 1; ; n++ {
		p.chain(n)
		switch p.kind() {
		case tPLUS:
			p.skip()
			a = p.binop(a, ast.Add, p.term(), sp)
		case tMINUS:
			p.skip()
			a = p.binop(a, ast.Sub, p.term(), sp)
		default:
			return a
		}
	}
}

func (p *parser) term() ast.Expr {
	sp := p.peek().start
	return p.termRest(p.factor(), sp)
}

func (p *parser) termRest(a ast.Expr, sp token.Pos) ast.Expr {
	for n := 1; ; n++ {
		p.chain(n)
		var op ast.Operator
		switch p.kind() {
		case tSTAR:
			op = ast.Mult
		case tSLASH:
			op = ast.Div
		case tDOUBLESLASH:
			op = ast.FloorDiv
		case tPERCENT:
			op = ast.Mod
		case tAT:
			op = ast.MatMult
			p.trigger(p.peek().start)
		default:
			return a
		}
		p.skip()
		a = p.binop(a, op, p.factor(), sp)
	}
}

func (p *parser) factor() ast.Expr {
	var op ast.UnaryOperator
	switch p.kind() {
	case tPLUS:
		op = ast.UAdd
	case tMINUS:
		op = ast.USub
	case tTILDE:
		op = ast.Invert
	default:
		return p.power()
	}
	start := p.next()
	p.enter()
	v := p.factor()
	p.leave()
	u := p.slabs.unary.new(p.slabs.remain / 2300)
	u.Op = op
	u.Operand = v
	u.Loc = p.loc(start)
	return u
}

func (p *parser) power() ast.Expr {
	sp := p.peek().start
	return p.powerRest(p.awaitPrimary(), sp)
}

func (p *parser) powerRest(a ast.Expr, sp token.Pos) ast.Expr {
	if p.accept(tDOUBLESTAR) {
		p.enter()
		b := p.factor()
		p.leave()
		return p.binop(a, ast.Pow, b, sp)
	}
	return a
}

func (p *parser) awaitPrimary() ast.Expr {
	if p.at(kwAwait) {
		start := p.next()
		p.trigger(start.start)
		v := p.primary()
		a := &ast.Await{Value: v}
		a.Loc = p.loc(start)
		return a
	}
	return p.primary()
}

// primary: atom followed by trailers.
func (p *parser) primary() ast.Expr {
	sp := p.peek().start
	a := p.atom()
	for n := 1; ; n++ {
		p.chain(n)
		switch p.kind() {
		case tDOT:
			if p.peekAt(1).kind != tNAME {
				// CPython's primary ends before a '.' without a name
				// (its caller then fails at the '.').
				return a
			}
			p.skip()
			nt := p.next()
			at := p.slabs.attribute.new(p.slabs.remain / 130)
			at.Value = a
			at.Attr = p.ident(nt)
			at.Ctx = ast.Load
			at.Loc = p.locPos(sp)
			a = at
		case tLPAR:
			a = p.callArgs(a, true, sp)
		case tLSQB:
			if p.peekAt(1).kind == tRSQB {
				return a // likewise before an empty subscript (its caller fails)
			}
			p.skip()
			s := p.slices()
			p.skipExpect(tRSQB)
			sub := p.slabs.subscript.new(p.slabs.remain / 1100)
			sub.Value = a
			sub.Slice = s
			sub.Ctx = ast.Load
			sub.Loc = p.locPos(sp)
			a = sub
		default:
			return a
		}
	}
}

// slices: slice !',' | ','.(slice | starred_expression)+ [','].
func (p *parser) slices() ast.Expr {
	first := *p.peek()
	e := p.sliceOrStarred(false)
	if !p.at(tCOMMA) {
		if _, ok := e.(*ast.Starred); ok {
			// A lone starred expression needs a comma: a[*b] is a tuple only with ','.
			// CPython: slices' second alternative accepts a single starred element.
			m := p.exprMark()
			p.pushExpr(e)
			t := p.slabs.tuple.new(p.slabs.remain / 700)
			t.Elts = p.popExprs(m)
			t.Loc = p.loc(first)
			return t
		}
		return e
	}
	m := p.exprMark()
	p.pushExpr(e)
	p.moreElems(p.notAt(tRSQB), func() { p.pushExpr(p.sliceOrStarred(true)) })
	t := p.slabs.tuple.new(p.slabs.remain / 700)
	t.Elts = p.popExprs(m)
	t.Loc = p.loc(first)
	return t
}

func (p *parser) sliceOrStarred(_ bool) ast.Expr {
	if p.at(tSTAR) {
		start := p.next()
		p.trigger(start.start)
		v := p.expression()
		s := &ast.Starred{Value: v, Ctx: ast.Load}
		s.Loc = p.loc(start)
		return s
	}
	start := *p.peek()
	var lower ast.Expr
	if p.isName() && p.peekAt(1).kind == tCOLONEQUAL {
		lower = p.namedExpression()
		if p.at(tCOLON) {
			p.fail()
		}
		return lower
	}
	if !p.at(tCOLON) {
		lower = p.expression()
		if p.at(tCOLONEQUAL) {
			p.fail()
		}
		if p.at(tEQUAL) {
			p.invalidNamedExpression(lower) // slice's named_expression alternative
		}
		if !p.at(tCOLON) {
			return lower
		}
	}
	p.skipExpect(tCOLON)
	s := &ast.Slice{Lower: lower}
	if p.startsExpression() {
		s.Upper = p.expression()
	}
	if p.accept(tCOLON) {
		if p.startsExpression() {
			s.Step = p.expression()
		}
	}
	s.Loc = p.loc(start)
	return s
}

// callArgs parses a parenthesized argument list into a Call of fn; genexp
// allows the primary genexp form f(x for x in y).
func (p *parser) callArgs(fn ast.Expr, genexp bool, sp token.Pos) *ast.Call {
	open := p.next() // '('
	c := p.slabs.call.new(p.slabs.remain / 150)
	c.Func = fn
	if p.at(tRPAR) {
		p.skip()
		c.Args = []ast.Expr{}
		c.Keywords = []*ast.Keyword{}
		c.Loc = p.locPos(sp)
		return c
	}
	// Generator expression argument: primary genexp.
	m := p.exprMark()
	var kws []*ast.Keyword
	seenKeyword := false
	seenDoubleStar := false
	seenStar := false
	first := true
	for {
		t := *p.peek()
		switch {
		case t.kind == tSTAR:
			comma := p.toks[p.pos-1]
			p.skip()
			if !p.startsExpression() {
				p.failLast("SyntaxError", "Invalid star expression") // invalid_starred_expression
			}
			if seenStar {
				p.trigger(t.start) // an argument after *iterable (PEP 448)
			}
			seenStar = true
			v := p.expression()
			s := &ast.Starred{Value: v, Ctx: ast.Load}
			s.Loc = p.loc(t)
			if seenDoubleStar {
				// invalid_arguments reads every starred argument that
				// follows, then raises from the comma before the first.
				for p.at(tCOMMA) && p.peekAt(1).kind == tSTAR {
					p.skip()
					p.skip()
					p.expression()
				}
				p.failFrom(comma.start, "iterable argument unpacking follows keyword argument unpacking")
			}
			p.pushExpr(s)
		case t.kind == tDOUBLESTAR:
			p.skip()
			if seenDoubleStar {
				p.trigger(t.start) // a keyword argument after **mapping (PEP 448)
			}
			v := p.expression()
			k := p.slabs.keyword.new(p.slabs.remain / 870)
			k.Value = v
			k.Loc = p.loc(t)
			kws = append(kws, k)
			seenKeyword = true
			seenDoubleStar = true
		case t.kind == tNAME && p.peekAt(1).kind == tEQUAL:
			p.skip()
			eq := p.next()
			if k := p.kind(); k == tCOMMA || k == tRPAR {
				p.failSpan(t.start, eq.end, "expected argument value expression")
			}
			v := p.expression()
			if p.at(kwFor) {
				p.failTok(t, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
			}
			k := p.slabs.keyword.new(p.slabs.remain / 870)
			k.Arg = p.ident(t)
			k.Value = v
			k.Loc = p.loc(t)
			if seenDoubleStar {
				p.trigger(t.start) // a keyword argument after **mapping (PEP 448)
			}
			kws = append(kws, k)
			seenKeyword = true
		default:
			e := p.namedExpr(false)
			if seenKeyword && !p.at(tEQUAL) {
				// _PyPegen_arguments_parsing_error raises it without a
				// location, after `args ',' args` read the arguments
				// that follow.
				for p.at(tCOMMA) {
					p.skip()
					if !p.try(p.anyArg) {
						break
					}
				}
				p.juxtaposed() // the rules the reading runs into first
				if seenDoubleStar {
					p.failLast("SyntaxError", "positional argument follows keyword argument unpacking")
				}
				p.failLast("SyntaxError", "positional argument follows keyword argument")
			}
			if first && !genexp && (p.at(kwFor) || p.at(kwAsync)) {
				p.fail()
			}
			if first && genexp && (p.at(kwFor) || p.at(kwAsync)) {
				gens := p.forIfClauses()
				if p.at(tCOMMA) {
					p.failRange(e, lastComprehensionItem(gens), "Generator expression must be parenthesized")
				}
				p.skipExpect(tRPAR)
				g := &ast.GeneratorExp{Elt: e, Generators: gens}
				g.Loc = p.loc(open)
				p.exprStack = p.exprStack[:m]
				c.Args = p.singleExpr(g)
				c.Keywords = []*ast.Keyword{}
				c.Loc = p.locPos(sp)
				return c
			}
			if p.at(tEQUAL) {
				// invalid_kwarg: from the expression to the '='.
				l, eq := e.Location(), p.peek()
				start := token.Pos{Line: l.Lineno, Col: l.ColOffset}
				if c, ok := e.(*ast.Constant); ok && (exprName(c) == "True" || exprName(c) == "False" || exprName(c) == "None") {
					p.failSpan(start, eq.end, "cannot assign to "+exprName(c))
				}
				p.failSpan(start, eq.end, "expression cannot contain assignment, perhaps you meant \"==\"?")
			}
			if p.at(kwFor) || (p.at(kwAsync) && p.peekAt(1).kind == kwFor) {
				gens := p.forIfClauses()
				p.failRange(e, lastComprehensionItem(gens), "Generator expression must be parenthesized")
			}
			if seenStar {
				p.trigger(t.start) // an argument after *iterable (PEP 448)
			}
			p.pushExpr(e)
		}
		first = false
		if !p.accept(tCOMMA) {
			break
		}
		if p.at(tRPAR) {
			break
		}
	}
	p.skipExpect(tRPAR)
	c.Args = p.popExprs(m)
	if kws == nil {
		kws = []*ast.Keyword{}
	}
	c.Keywords = kws
	c.Loc = p.locPos(sp)
	return c
}

// lastComprehensionItem is _PyPegen_get_last_comprehension_item of the
// last clause: its last condition, or its iterable.
func lastComprehensionItem(gens []*ast.Comprehension) ast.Expr {
	c := gens[len(gens)-1]
	if len(c.Ifs) > 0 {
		return c.Ifs[len(c.Ifs)-1]
	}
	return c.Iter
}

// anyArg parses one call argument of any kind, for error rules that read
// an argument list on.
func (p *parser) anyArg() {
	switch {
	case p.at(tSTAR), p.at(tDOUBLESTAR):
		p.skip()
		p.expression()
	case p.isName() && p.peekAt(1).kind == tEQUAL:
		p.skip()
		p.skip()
		p.expression()
	default:
		p.namedExpr(false)
	}
}

func (p *parser) singleExpr(e ast.Expr) []ast.Expr {
	s := p.slabs.exprs(1)
	s[0] = e
	return s
}

// forIfClauses parses one or more comprehension clauses.
func (p *parser) forIfClauses() []*ast.Comprehension {
	var gens []*ast.Comprehension
	for p.at(kwFor) || (p.at(kwAsync) && p.peekAt(1).kind == kwFor) {
		c := &ast.Comprehension{}
		if p.at(kwAsync) {
			p.trigger(p.next().start)
			c.IsAsync = 1
		}
		p.skipExpect(kwFor)
		c.Target = p.starTargets()
		if !p.at(kwIn) {
			p.failLast("SyntaxError", "'in' expected after for-loop variables") // invalid_for_if_clause
		}
		p.skip()
		c.Iter = p.disjunction()
		m := p.exprMark()
		for p.accept(kwIf) {
			p.pushExpr(p.disjunction())
		}
		c.Ifs = p.popExprs(m)
		gens = append(gens, c)
	}
	if gens == nil {
		p.fail()
	}
	return gens
}

// atom parses an atom.
func (p *parser) atom() ast.Expr {
	t := *p.peek()
	switch t.kind {
	case tNAME:
		p.skip()
		return p.newName(t, ast.Load)
	case kwTrue, kwFalse, kwNone, tELLIPSIS:
		p.skip()
		c := p.slabs.constant.new(p.slabs.remain / 120)
		c.Loc = tokLoc(t)
		switch t.kind {
		case kwTrue:
			c.Value = true
		case kwFalse:
			c.Value = false
		case kwNone:
			c.Value = ast.None{}
		default:
			c.Value = ast.Ellipsis{}
		}
		return c
	case tNUMBER:
		p.skip()
		return p.number(t)
	case tSTRING, tFSTART, tTSTART:
		return p.strings()
	case tLPAR:
		p.enter()
		e := p.parenAtom()
		p.leave()
		return e
	case tLSQB:
		p.enter()
		e := p.listAtom()
		p.leave()
		return e
	case tLBRACE:
		p.enter()
		e := p.braceAtom()
		p.leave()
		return e
	}
	p.fail()
	return nil
}

func (p *parser) parenAtom() ast.Expr {
	open := p.next()
	if p.at(tRPAR) {
		p.skip()
		t := p.slabs.tuple.new(p.slabs.remain / 700)
		t.Elts = []ast.Expr{}
		t.Loc = p.loc(open)
		return t
	}
	if p.at(kwYield) {
		e := p.yieldExpr()
		p.skipExpect(tRPAR)
		return e
	}
	e := p.starNamedExpression()
	_, starred := e.(*ast.Starred)
	if !starred && (p.at(kwFor) || (p.at(kwAsync) && p.peekAt(1).kind == kwFor)) {
		gens := p.forIfClauses()
		p.skipExpect(tRPAR)
		g := &ast.GeneratorExp{Elt: e, Generators: gens}
		g.Loc = p.loc(open)
		return g
	}
	if p.at(tCOMMA) {
		m := p.exprMark()
		p.pushExpr(e)
		p.moreElems(p.notAt(tRPAR), func() { p.pushExpr(p.starNamedExpression()) })
		p.skipExpect(tRPAR)
		t := p.slabs.tuple.new(p.slabs.remain / 700)
		t.Elts = p.popExprs(m)
		t.Loc = p.loc(open)
		return t
	}
	if starred && p.at(tRPAR) {
		p.failAt(e, "cannot use starred expression here")
	}
	p.skipExpect(tRPAR)
	return e
}

func (p *parser) listAtom() ast.Expr {
	open := p.next()
	if p.at(tRSQB) {
		p.skip()
		l := &ast.List{Elts: []ast.Expr{}, Ctx: ast.Load}
		l.Loc = p.loc(open)
		return l
	}
	e := p.starNamedExpression()
	if _, starred := e.(*ast.Starred); starred && p.at(kwFor) {
		p.failAt(e, "iterable unpacking cannot be used in comprehension")
	}
	if _, starred := e.(*ast.Starred); !starred && (p.at(kwFor) || (p.at(kwAsync) && p.peekAt(1).kind == kwFor)) {
		gens := p.forIfClauses()
		p.skipExpect(tRSQB)
		l := &ast.ListComp{Elt: e, Generators: gens}
		l.Loc = p.loc(open)
		return l
	}
	m := p.exprMark()
	p.pushExpr(e)
	p.moreElems(p.notAt(tRSQB), func() { p.pushExpr(p.starNamedExpression()) })
	p.skipExpect(tRSQB)
	l := &ast.List{Elts: p.popExprs(m), Ctx: ast.Load}
	l.Loc = p.loc(open)
	return l
}

func (p *parser) braceAtom() ast.Expr {
	open := p.next()
	if p.at(tRBRACE) {
		p.skip()
		d := &ast.Dict{Keys: []ast.Expr{}, Values: []ast.Expr{}}
		d.Loc = p.loc(open)
		return d
	}
	if p.at(tDOUBLESTAR) {
		return p.dictRest(open, nil, nil)
	}
	var first ast.Expr
	if p.at(tSTAR) {
		first = p.starNamedExpression()
	} else {
		walrus := p.isName() && p.peekAt(1).kind == tCOLONEQUAL
		first = p.namedExpression()
		if !walrus && p.at(tCOLON) {
			colon := p.next()
			p.missingDictValue(colon)
			p.starredDictValue()
			v := p.expression()
			if p.at(kwFor) || (p.at(kwAsync) && p.peekAt(1).kind == kwFor) {
				gens := p.forIfClauses()
				p.skipExpect(tRBRACE)
				d := &ast.DictComp{Key: first, Value: v, Generators: gens}
				d.Loc = p.loc(open)
				return d
			}
			return p.dictRest(open, first, v)
		}
	}
	if _, starred := first.(*ast.Starred); !starred && (p.at(kwFor) || (p.at(kwAsync) && p.peekAt(1).kind == kwFor)) {
		gens := p.forIfClauses()
		p.skipExpect(tRBRACE)
		s := &ast.SetComp{Elt: first, Generators: gens}
		s.Loc = p.loc(open)
		return s
	}
	m := p.exprMark()
	p.pushExpr(first)
	p.moreElems(p.notAt(tRBRACE), func() { p.pushExpr(p.starNamedExpression()) })
	p.skipExpect(tRBRACE)
	s := &ast.Set{Elts: p.popExprs(m)}
	s.Loc = p.loc(open)
	return s
}

// missingDictValue is invalid_kvpair's "expression expected after
// dictionary key and ':'", at the ':'.
func (p *parser) missingDictValue(colon tok) {
	if k := p.kind(); k == tRBRACE || k == tCOMMA {
		p.failTok(colon, "expression expected after dictionary key and ':'")
	}
}

// starredDictValue fails on a dict value that starts with '*' as CPython
// 3.14's invalid_kvpair does: from the '*' to the tokenizer's cursor after
// its operand.
func (p *parser) starredDictValue() {
	if !p.at(tSTAR) {
		return
	}
	op := p.next()
	p.bitwiseOr()
	p.failFrom(op.start, "cannot use a starred expression in a dictionary value")
}

// dictRest parses the remaining items of a dict display; key/value is the
// first pair when already parsed (key nil and value nil when not: the
// current token starts the first item).
func (p *parser) dictRest(open tok, key, value ast.Expr) ast.Expr {
	var keys, values []ast.Expr
	item := func() {
		if p.at(tDOUBLESTAR) {
			st := p.next()
			p.trigger(st.start)
			keys = append(keys, nil)
			values = append(values, p.bitwiseOr())
			if p.at(kwFor) {
				p.failTok(st, "dict unpacking cannot be used in dict comprehension")
			}
		} else {
			k := p.expression()
			if !p.at(tCOLON) {
				// invalid_kvpair: a key without ':' after the first pair.
				l := k.Location()
				panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: "':' expected after dictionary key",
					Start: token.Pos{Line: l.Lineno, Col: l.EndColOffset - 1}, End: token.Pos{Line: l.EndLineno, Col: -1}}, soft: true})
			}
			colon := p.next()
			p.missingDictValue(colon)
			p.starredDictValue()
			keys = append(keys, k)
			values = append(values, p.expression())
		}
	}
	if value != nil {
		keys = append(keys, key)
		values = append(values, value)
	} else {
		item()
	}
	p.moreElems(p.notAt(tRBRACE), item)
	p.skipExpect(tRBRACE)
	d := &ast.Dict{Keys: keys, Values: values}
	d.Loc = p.loc(open)
	return d
}

// yieldExpr: 'yield' 'from' expression | 'yield' [star_expressions].
func (p *parser) yieldExpr() ast.Expr {
	start := p.expect(kwYield)
	p.yields = append(p.yields, start.start)
	if p.accept(kwFrom) {
		p.trigger(start.start)
		v := p.expression()
		y := &ast.YieldFrom{Value: v}
		y.Loc = p.loc(start)
		return y
	}
	y := &ast.Yield{}
	if p.startsExpression() {
		y.Value = p.starExpressions()
	}
	y.Loc = p.loc(start)
	return y
}

// annotatedRHS: yield_expr | star_expressions.
func (p *parser) annotatedRHS() ast.Expr {
	if p.at(kwYield) {
		return p.yieldExpr()
	}
	return p.starExpressions()
}

// lambdef: 'lambda' [lambda_params] ':' expression.
func (p *parser) lambdef() ast.Expr {
	start := p.next()
	p.enter()
	args := p.parameters(true)
	colon := *p.peek()
	p.skipExpect(tCOLON)
	if k := p.kind(); k == tFMIDDLE || k == tTMIDDLE {
		prefix := "f"
		if k == tTMIDDLE {
			prefix = "t"
		}
		panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: prefix + "-string: lambda expressions are not allowed without parentheses",
			Start: start.start, End: colon.end}, soft: true})
	}
	body := p.expression()
	p.leave()
	l := &ast.Lambda{Args: args, Body: body}
	l.Loc = p.loc(start)
	return l
}
