package parser

import (
	"strconv"

	"github.com/pybatch/pybatch/python/ast"
)

// tryMatch parses a match statement if the current "match" starts one;
// otherwise it returns nil with the position unchanged (the statement is then
// a simple statement using the name match).
func (p *parser) tryMatch() ast.Stmt {
	start := *p.peek()
	var subject ast.Expr
	if !p.try(func() {
		p.skip()
		subject = p.subjectExpr()
		p.skipExpect(tCOLON)
		p.skipExpect(tNEWLINE)
	}) {
		return nil
	}
	// Past "match subject ':' NEWLINE" no simple statement can match, so commit.
	if !p.at(tINDENT) {
		panic(bailout{err: p.lastTokErr("IndentationError", "expected an indented block after 'match' statement on line "+strconv.Itoa(int(start.start.Line)))})
	}
	p.skip()
	p.enter()
	var cases []*ast.MatchCase
	for {
		t := p.peek()
		if t.kind != tNAME || t.soft != softCase {
			p.fail()
		}
		caseTok := p.next()
		c := &ast.MatchCase{Pattern: p.casePatterns()}
		if p.accept(kwIf) {
			c.Guard = p.namedExpression()
		}
		p.expectColon()
		c.Body = p.block("'case' statement", caseTok.start.Line)
		cases = append(cases, c)
		if p.accept(tDEDENT) {
			break
		}
	}
	p.leave()
	p.trigger(start.start)
	m := &ast.Match{Subject: subject, Cases: cases}
	m.Loc = p.loc(start)
	return m
}

// subjectExpr: star_named_expression ',' star_named_expressions? | named_expression.
func (p *parser) subjectExpr() ast.Expr {
	start := *p.peek()
	e := p.starNamedExpression()
	if !p.at(tCOMMA) {
		if _, ok := e.(*ast.Starred); ok {
			p.fail()
		}
		return e
	}
	m := p.exprMark()
	p.pushExpr(e)
	p.moreElems(p.startsExpression, func() { p.pushExpr(p.starNamedExpression()) })
	t := p.slabs.tuple.new(p.slabs.remain / 700)
	t.Elts = p.popExprs(m)
	t.Loc = p.loc(start)
	return t
}

// casePatterns: open_sequence_pattern | pattern.
func (p *parser) casePatterns() ast.Pattern {
	start := *p.peek()
	first := p.maybeStarPattern()
	if !p.at(tCOMMA) {
		if _, ok := first.(*ast.MatchStar); ok {
			p.fail()
		}
		return first
	}
	pats := []ast.Pattern{first}
	more := func() bool { return !p.at(tCOLON) && !p.at(kwIf) }
	p.moreElems(more, func() { pats = append(pats, p.maybeStarPattern()) })
	s := &ast.MatchSequence{Patterns: pats}
	s.Loc = p.loc(start)
	return s
}

// maybeStarPattern: star_pattern | pattern.
func (p *parser) maybeStarPattern() ast.Pattern {
	if p.at(tSTAR) {
		start := p.next()
		n := p.expect(tNAME)
		s := &ast.MatchStar{}
		if n.soft != softUnderscore {
			s.Name = p.ident(n)
			p.noCaptureFollow()
		}
		s.Loc = p.loc(start)
		return s
	}
	return p.pattern()
}

// noCaptureFollow enforces pattern_capture_target's !('.' | '(' | '=').
func (p *parser) noCaptureFollow() {
	switch p.kind() {
	case tDOT, tLPAR, tEQUAL:
		p.fail()
	}
}

// pattern: as_pattern | or_pattern.
func (p *parser) pattern() ast.Pattern {
	p.enter()
	defer p.leave()
	start := *p.peek()
	pat := p.orPattern()
	if p.accept(kwAs) {
		n := p.expect(tNAME)
		if n.soft == softUnderscore {
			p.failTok(n, "cannot use '_' as a target")
		}
		p.noCaptureFollow()
		a := &ast.MatchAs{Pattern: pat, Name: p.ident(n)}
		a.Loc = p.loc(start)
		return a
	}
	return pat
}

func (p *parser) orPattern() ast.Pattern {
	start := *p.peek()
	first := p.closedPattern()
	if !p.at(tVBAR) {
		return first
	}
	pats := []ast.Pattern{first}
	for p.accept(tVBAR) {
		pats = append(pats, p.closedPattern())
	}
	o := &ast.MatchOr{Patterns: pats}
	o.Loc = p.loc(start)
	return o
}

func (p *parser) closedPattern() ast.Pattern {
	t := *p.peek()
	switch t.kind {
	case tNUMBER, tMINUS:
		v := p.signedNumberOrComplex()
		mv := &ast.MatchValue{Value: v}
		mv.Loc = p.loc(t)
		return mv
	case tSTRING, tFSTART, tTSTART:
		v := p.strings()
		mv := &ast.MatchValue{Value: v}
		mv.Loc = p.loc(t)
		return mv
	case kwNone, kwTrue, kwFalse:
		p.skip()
		ms := &ast.MatchSingleton{Loc: tokLoc(t)}
		switch t.kind {
		case kwNone:
			ms.Value = ast.None{}
		case kwTrue:
			ms.Value = true
		default:
			ms.Value = false
		}
		return ms
	case tLPAR:
		p.skip()
		if p.accept(tRPAR) {
			s := &ast.MatchSequence{Patterns: []ast.Pattern{}}
			s.Loc = p.loc(t)
			return s
		}
		first := p.maybeStarPattern()
		if p.accept(tRPAR) {
			if _, ok := first.(*ast.MatchStar); ok {
				p.fail()
			}
			return first // group pattern
		}
		pats := []ast.Pattern{first}
		if !p.at(tCOMMA) {
			p.fail()
		}
		p.moreElems(p.notAt(tRPAR), func() { pats = append(pats, p.maybeStarPattern()) })
		p.skipExpect(tRPAR)
		s := &ast.MatchSequence{Patterns: pats}
		s.Loc = p.loc(t)
		return s
	case tLSQB:
		p.skip()
		pats := []ast.Pattern{}
		elem := func() { pats = append(pats, p.maybeStarPattern()) }
		if !p.at(tRSQB) {
			elem()
			p.moreElems(p.notAt(tRSQB), elem)
		}
		p.skipExpect(tRSQB)
		s := &ast.MatchSequence{Patterns: pats}
		s.Loc = p.loc(t)
		return s
	case tLBRACE:
		return p.mappingPattern()
	case tNAME:
		cls := p.nameOrAttr()
		if p.at(tLPAR) {
			return p.classPattern(t, cls)
		}
		if _, isAttr := cls.(*ast.Attribute); isAttr {
			p.noCaptureFollow()
			mv := &ast.MatchValue{Value: cls}
			mv.Loc = p.loc(t)
			return mv
		}
		if t.soft == softUnderscore {
			return &ast.MatchAs{Loc: tokLoc(t)}
		}
		p.noCaptureFollow()
		return &ast.MatchAs{Loc: tokLoc(t), Name: p.ident(t)}
	}
	p.fail()
	return nil
}

// nameOrAttr: NAME ('.' NAME)*, as Name or Attribute (Load).
func (p *parser) nameOrAttr() ast.Expr {
	t := p.expect(tNAME)
	var e ast.Expr = p.newName(t, ast.Load)
	for p.at(tDOT) {
		p.skip()
		n := p.expect(tNAME)
		a := p.slabs.attribute.new(p.slabs.remain / 130)
		a.Value = e
		a.Attr = p.ident(n)
		a.Ctx = ast.Load
		a.Loc = p.loc(t)
		e = a
	}
	return e
}

// signedNumberOrComplex: signed_number !('+'|'-') | complex_number.
func (p *parser) signedNumberOrComplex() ast.Expr {
	start := *p.peek()
	var real ast.Expr
	if p.accept(tMINUS) {
		n := p.expect(tNUMBER)
		u := p.slabs.unary.new(p.slabs.remain / 2300)
		u.Op = ast.USub
		u.Operand = p.number(n)
		u.Loc = p.loc(start)
		real = u
	} else {
		n := p.expect(tNUMBER)
		real = p.number(n)
	}
	if !p.at(tPLUS) && !p.at(tMINUS) {
		return real
	}
	// complex_number: signed_real_number ('+'|'-') imaginary_number
	num := real
	if u, ok := real.(*ast.UnaryOp); ok {
		num = u.Operand
	}
	if _, isComplex := num.(*ast.Constant).Value.(complex128); isComplex {
		p.errorNode(num, "real number required in complex literal")
	}
	op := ast.Add
	if p.next().kind == tMINUS {
		op = ast.Sub
	}
	n := p.expect(tNUMBER)
	imag := p.number(n)
	if _, isComplex := imag.(*ast.Constant).Value.(complex128); !isComplex {
		p.errorNode(imag, "imaginary number required in complex literal")
	}
	return p.binop(real, op, imag, start.start)
}

// literalExpr: the keys allowed in mapping patterns.
func (p *parser) literalExpr() ast.Expr {
	t := *p.peek()
	switch t.kind {
	case tNUMBER, tMINUS:
		return p.signedNumberOrComplex()
	case tSTRING, tFSTART, tTSTART:
		return p.strings()
	case kwNone, kwTrue, kwFalse:
		return p.atom()
	case tNAME:
		e := p.nameOrAttr()
		if _, ok := e.(*ast.Attribute); !ok {
			p.fail()
		}
		return e
	}
	p.fail()
	return nil
}

func (p *parser) mappingPattern() ast.Pattern {
	start := p.next() // '{'
	m := &ast.MatchMapping{Keys: []ast.Expr{}, Patterns: []ast.Pattern{}}
	for !p.at(tRBRACE) {
		if p.accept(tDOUBLESTAR) {
			n := p.expect(tNAME)
			if n.soft == softUnderscore {
				p.fail()
			}
			p.noCaptureFollow()
			m.Rest = p.ident(n)
			p.accept(tCOMMA)
			break
		}
		k := p.literalExpr()
		p.skipExpect(tCOLON)
		m.Keys = append(m.Keys, k)
		m.Patterns = append(m.Patterns, p.pattern())
		if !p.accept(tCOMMA) {
			break
		}
	}
	p.skipExpect(tRBRACE)
	m.Loc = p.loc(start)
	return m
}

func (p *parser) classPattern(start tok, cls ast.Expr) ast.Pattern {
	p.skip() // '('
	c := &ast.MatchClass{Cls: cls, Patterns: []ast.Pattern{}, KwdAttrs: []string{}, KwdPatterns: []ast.Pattern{}}
	arg := func() {
		if p.isName() && p.peekAt(1).kind == tEQUAL {
			n := p.next()
			p.skip()
			c.KwdAttrs = append(c.KwdAttrs, p.ident(n))
			c.KwdPatterns = append(c.KwdPatterns, p.pattern())
		} else {
			pat := p.pattern()
			if len(c.KwdAttrs) > 0 {
				p.failAt(pat, "positional patterns follow keyword patterns")
			}
			c.Patterns = append(c.Patterns, pat)
		}
	}
	if !p.at(tRPAR) {
		arg()
		p.moreElems(p.notAt(tRPAR), arg)
	}
	p.skipExpect(tRPAR)
	c.Loc = p.loc(start)
	return c
}
