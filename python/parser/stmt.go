package parser

import (
	"strconv"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

// file: [statements] ENDMARKER.
func (p *parser) file() *ast.Module {
	m := p.stmtMark()
	for !p.at(tENDMARKER) {
		p.statement()
	}
	return &ast.Module{Body: p.popStmts(m), TypeIgnores: []*ast.TypeIgnore{}}
}

// statement parses one statement (a compound statement or a line of simple
// statements) and pushes the result(s) on the statement stack.
func (p *parser) statement() {
	switch p.kind() {
	case kwDef, tAT, kwClass:
		p.pushStmt(p.decorated())
		return
	case kwIf:
		p.pushStmt(p.ifStmt(false))
		return
	case kwWhile:
		p.pushStmt(p.whileStmt())
		return
	case kwFor:
		p.pushStmt(p.forStmt(p.next(), false))
		return
	case kwWith:
		p.pushStmt(p.withStmt(p.next(), false))
		return
	case kwTry:
		p.pushStmt(p.tryStmt())
		return
	case kwAsync:
		start := p.next()
		switch p.kind() {
		case kwDef:
			p.pushStmt(p.funcDef(start, true, nil))
		case kwWith:
			p.skip()
			p.pushStmt(p.withStmt(start, true))
		case kwFor:
			p.skip()
			p.pushStmt(p.forStmt(start, true))
		default:
			p.fail()
		}
		return
	case tNAME:
		if p.peek().soft == softMatch {
			if s := p.tryMatch(); s != nil {
				p.pushStmt(s)
				return
			}
		}
	}
	p.simpleStmts()
}

// simpleStmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE.
func (p *parser) simpleStmts() {
	for {
		p.pushStmt(p.simpleStmt())
		if !p.accept(tSEMI) {
			break
		}
		if p.at(tNEWLINE) {
			break
		}
	}
	p.skipExpect(tNEWLINE)
}

func (p *parser) simpleStmt() ast.Stmt {
	t := *p.peek()
	switch t.kind {
	case kwReturn:
		p.skip()
		r := &ast.Return{}
		if p.startsExpression() {
			r.Value = p.starExpressions()
		}
		r.Loc = p.loc(t)
		return r
	case kwRaise:
		p.skip()
		r := &ast.Raise{}
		if p.startsExpression() {
			r.Exc = p.expression()
			if p.accept(kwFrom) {
				r.Cause = p.expression()
			}
		}
		r.Loc = p.loc(t)
		return r
	case kwPass:
		p.skip()
		return &ast.Pass{Loc: tokLoc(t)}
	case kwBreak:
		p.skip()
		return &ast.Break{Loc: tokLoc(t)}
	case kwContinue:
		p.skip()
		p.trigger(t.start)
		return &ast.Continue{Loc: tokLoc(t)}
	case kwDel:
		p.skip()
		m := p.exprMark()
		p.pushExpr(p.delTarget())
		more := func() bool { return !p.at(tSEMI) && !p.at(tNEWLINE) }
		p.moreElems(more, func() { p.pushExpr(p.delTarget()) })
		if !p.at(tSEMI) && !p.at(tNEWLINE) {
			p.fail()
		}
		d := &ast.Delete{Targets: p.popExprs(m)}
		d.Loc = p.loc(t)
		return d
	case kwYield:
		// yield_stmt, or an assignment whose first target would be a
		// yield expression (always invalid).
		return p.exprOrAssign()
	case kwAssert:
		p.skip()
		a := &ast.Assert{Test: p.expression()}
		if p.accept(tCOMMA) {
			a.Msg = p.expression()
		}
		a.Loc = p.loc(t)
		return a
	case kwGlobal, kwNonlocal:
		p.skip()
		var names []string
		name := func() { names = append(names, p.ident(p.expect(tNAME))) }
		name()
		p.moreElems(nil, name)
		if t.kind == kwGlobal {
			g := &ast.Global{Names: names}
			g.Loc = p.loc(t)
			return g
		}
		g := &ast.Nonlocal{Names: names}
		g.Loc = p.loc(t)
		return g
	case kwImport:
		return p.importName()
	case kwFrom:
		return p.importFrom()
	case tNAME:
		if t.soft == softType && p.peekAt(1).kind == tNAME {
			var s ast.Stmt
			if p.try(func() { s = p.typeAlias() }) {
				return s
			}
		}
	}
	return p.exprOrAssign()
}

// exprOrAssign parses an assignment, annotated or augmented assignment, or
// an expression statement.
func (p *parser) exprOrAssign() ast.Stmt {
	start := *p.peek()
	// NAME ':' expression ['=' annotated_rhs]
	if start.kind == tNAME && p.peekAt(1).kind == tCOLON {
		p.skip()
		p.skip()
		target := p.newName(start, ast.Store)
		p.trigger(start.start)
		a := &ast.AnnAssign{Target: target, Simple: 1}
		a.Annotation = p.expression()
		if p.accept(tEQUAL) {
			a.Value = p.annotatedRHS()
		}
		a.Loc = p.loc(start)
		return a
	}
	var e ast.Expr
	if start.kind == kwYield {
		e = p.yieldExpr()
	} else {
		e = p.starExpressions()
	}
	switch k := p.kind(); k {
	case tEQUAL:
		if start.kind == kwYield {
			p.failAt(e, "assignment to yield expression not possible")
		}
		m := p.exprMark()
		p.pushExpr(e)
		var value ast.Expr
		for p.accept(tEQUAL) {
			value = p.annotatedRHS()
			if p.at(tEQUAL) {
				switch value.(type) {
				case *ast.Yield, *ast.YieldFrom:
					p.failAt(value, "assignment to yield expression not possible")
				}
				p.pushExpr(value)
			}
		}
		targets := p.popExprs(m)
		for _, t := range targets {
			if !p.setContext(t, ast.Store, true) {
				p.failTarget(t, len(targets) == 1)
			}
		}
		a := p.slabs.assign.new(p.slabs.remain / 257)
		a.Targets = targets
		a.Value = value
		a.Loc = p.loc(start)
		return a
	case tCOLON:
		// ('(' single_target ')' | single_subscript_attribute_target) ':' expression ['=' annotated_rhs]
		if !p.singleTarget(e) || start.kind != tLPAR && isName(e) {
			// invalid_assignment's rules need an expression after ':'.
			last := p.base + p.fill - 1
			if !p.try(func() { p.skip(); p.expression() }) {
				p.failGeneric(last)
			}
			switch e := e.(type) {
			case *ast.Tuple:
				if start.kind != tLPAR {
					// star_named_expression ',' ... ':': at the first element.
					p.failAt(e.Elts[0], "only single target (not tuple) can be annotated")
				}
				p.failAt(e, "only single target (not tuple) can be annotated")
			case *ast.List:
				p.failAt(e, "only single target (not list) can be annotated")
			}
			p.failAt(e, "illegal target for annotation")
		}
		p.setContext(e, ast.Store, false)
		p.skip()
		p.trigger(start.start)
		a := &ast.AnnAssign{Target: e, Simple: 0}
		a.Annotation = p.expression()
		if p.accept(tEQUAL) {
			a.Value = p.annotatedRHS()
		}
		a.Loc = p.loc(start)
		return a
	default:
		if op, ok := augOp(k); ok {
			if !p.singleTarget(e) {
				p.failAt(e, "'"+exprName(e)+"' is an illegal expression for augmented assignment")
			}
			p.setContext(e, ast.Store, false)
			p.skip()
			v := p.annotatedRHS()
			if op == ast.MatMult {
				p.trigger(start.start)
			}
			a := &ast.AugAssign{Target: e, Op: op, Value: v}
			a.Loc = p.loc(start)
			return a
		}
	}
	s := p.slabs.exprStmt.new(p.slabs.remain / 200)
	s.Value = e
	s.Loc = p.loc(start)
	return s
}

func isName(e ast.Expr) bool {
	_, ok := e.(*ast.Name)
	return ok
}

func augOp(k uint8) (ast.Operator, bool) {
	switch k {
	case uint8(token.PLUSEQUAL):
		return ast.Add, true
	case uint8(token.MINEQUAL):
		return ast.Sub, true
	case uint8(token.STAREQUAL):
		return ast.Mult, true
	case uint8(token.ATEQUAL):
		return ast.MatMult, true
	case uint8(token.SLASHEQUAL):
		return ast.Div, true
	case uint8(token.PERCENTEQUAL):
		return ast.Mod, true
	case uint8(token.AMPEREQUAL):
		return ast.BitAnd, true
	case uint8(token.VBAREQUAL):
		return ast.BitOr, true
	case uint8(token.CIRCUMFLEXEQUAL):
		return ast.BitXor, true
	case uint8(token.LEFTSHIFTEQUAL):
		return ast.LShift, true
	case uint8(token.RIGHTSHIFTEQUAL):
		return ast.RShift, true
	case uint8(token.DOUBLESTAREQUAL):
		return ast.Pow, true
	case uint8(token.DOUBLESLASHEQUAL):
		return ast.FloorDiv, true
	}
	return 0, false
}

// typeAlias: "type" NAME [type_params] '=' expression.
func (p *parser) typeAlias() ast.Stmt {
	start := p.next()
	p.trigger(start.start)
	n := p.expect(tNAME)
	ta := &ast.TypeAlias{Name: p.newName(n, ast.Store)}
	ta.TypeParams = p.typeParams()
	p.skipExpect(tEQUAL)
	ta.Value = p.expression()
	ta.Loc = p.loc(start)
	return ta
}

// typeParams: ['[' type_param_seq ']'].
func (p *parser) typeParams() []ast.TypeParam {
	if p.at(tLSQB) {
		p.trigger(p.peek().start)
	}
	if !p.accept(tLSQB) {
		return []ast.TypeParam{}
	}
	if p.at(tRSQB) {
		p.failFrom(p.peek().start, "Type parameter list cannot be empty")
	}
	var tps []ast.TypeParam
	param := func() {
		t := *p.peek()
		switch t.kind {
		case tNAME:
			p.skip()
			tv := &ast.TypeVar{Name: p.ident(t)}
			if p.accept(tCOLON) {
				tv.Bound = p.expression()
			}
			if p.accept(tEQUAL) {
				tv.DefaultValue = p.expression()
			}
			tv.Loc = p.loc(t)
			tps = append(tps, tv)
		case tSTAR:
			p.skip()
			n := p.expect(tNAME)
			tv := &ast.TypeVarTuple{Name: p.ident(n)}
			if p.accept(tEQUAL) {
				tv.DefaultValue = p.starExpression()
			}
			tv.Loc = p.loc(t)
			tps = append(tps, tv)
		case tDOUBLESTAR:
			p.skip()
			n := p.expect(tNAME)
			tv := &ast.ParamSpec{Name: p.ident(n)}
			if p.accept(tEQUAL) {
				tv.DefaultValue = p.expression()
			}
			tv.Loc = p.loc(t)
			tps = append(tps, tv)
		default:
			p.fail()
		}
	}
	param()
	p.moreElems(p.notAt(tRSQB), param)
	p.skipExpect(tRSQB)
	return tps
}

// importName: 'import' dotted_as_names.
func (p *parser) importName() ast.Stmt {
	start := p.next()
	if p.at(tNEWLINE) {
		p.failFrom(p.peek().start, "Expected one or more names after 'import'")
	}
	names := []*ast.Alias{p.dottedAsName()}
	p.moreElems(nil, func() { names = append(names, p.dottedAsName()) })
	im := &ast.Import{Names: names}
	im.Loc = p.loc(start)
	return im
}

func (p *parser) dottedName() string {
	t := p.expect(tNAME)
	name := p.ident(t)
	if !p.at(tDOT) {
		return name
	}
	buf := []byte(name)
	for p.accept(tDOT) {
		n := p.expect(tNAME)
		buf = append(buf, '.')
		buf = append(buf, p.ident(n)...)
	}
	return string(buf)
}

func (p *parser) dottedAsName() *ast.Alias {
	start := *p.peek()
	a := &ast.Alias{Name: p.dottedName()}
	if p.accept(kwAs) {
		p.importTarget()
		a.Asname = p.ident(p.expect(tNAME))
	}
	a.Loc = p.loc(start)
	return a
}

// importTarget is invalid_dotted_as_name and invalid_import_from_as_name
// after 'as': unless a NAME follows that ends the alias, an expression
// there "cannot be used as import target".
func (p *parser) importTarget() {
	if p.at(tNAME) {
		switch p.peekAt(1).kind {
		case tCOMMA, tRPAR, tSEMI, tNEWLINE:
			return
		}
	}
	m, fill := p.mark(), p.base+p.fill
	var e ast.Expr
	if p.try(func() { e = p.expression() }) {
		p.failAt(e, "cannot use "+exprName(e)+" as import target")
	}
	p.unread(m, fill)
}

// importFrom: 'from' ('.' | '...')* dotted_name 'import' targets | 'from' ('.' | '...')+ 'import' targets.
func (p *parser) importFrom() ast.Stmt {
	start := p.next()
	level := 0
	for {
		if p.accept(tDOT) {
			level++
		} else if p.accept(tELLIPSIS) {
			level += 3
		} else {
			break
		}
	}
	im := &ast.ImportFrom{Level: level}
	if level == 0 || !p.at(kwImport) {
		im.Module = p.dottedName()
		if im.Module == "__future__" {
			p.trigger(start.start)
		}
	}
	p.skipExpect(kwImport)
	switch {
	case p.at(tNEWLINE):
		p.failFrom(p.peek().start, "Expected one or more names after 'import'")
	case p.at(tSTAR):
		t := p.next()
		im.Names = []*ast.Alias{{Name: "*", Loc: tokLoc(t)}}
	case p.accept(tLPAR):
		im.Names = p.importAsNames()
		if p.accept(tCOMMA) && !p.at(tRPAR) {
			p.fail()
		}
		p.skipExpect(tRPAR)
	default:
		im.Names = p.importAsNames()
		if p.at(tCOMMA) {
			// invalid_import_from_targets: names ',' NEWLINE; anything
			// else after the comma is the generic error.
			if p.peekAt(1).kind == tNEWLINE {
				p.failLast("SyntaxError", "trailing comma not allowed without surrounding parentheses")
			}
			p.fail()
		}
	}
	im.Loc = p.loc(start)
	if im.Module == "__future__" && level == 0 {
		// _PyPegen_checked_future_import: ast.parse rejects unknown features.
		for _, a := range im.Names {
			switch a.Name {
			case "nested_scopes", "generators", "division", "absolute_import", "with_statement",
				"print_function", "unicode_literals", "generator_stop", "annotations":
			case "barry_as_FLUFL":
				p.barry = true
			case "braces":
				p.errorNode(im, "not a chance")
			default:
				p.errorNode(im, "future feature "+a.Name+" is not defined")
			}
		}
	}
	return im
}

func (p *parser) importAsNames() []*ast.Alias {
	var names []*ast.Alias
	for {
		t := p.expect(tNAME)
		a := &ast.Alias{Name: p.ident(t)}
		if p.accept(kwAs) {
			p.importTarget()
			a.Asname = p.ident(p.expect(tNAME))
		}
		a.Loc = p.loc(t)
		names = append(names, a)
		if !p.at(tCOMMA) || p.peekAt(1).kind != tNAME {
			break
		}
		p.skip()
	}
	return names
}

// block: NEWLINE INDENT statements DEDENT | simple_stmts.
func (p *parser) block(what string, line int32) []ast.Stmt {
	m := p.stmtMark()
	if p.accept(tNEWLINE) {
		if !p.at(tINDENT) {
			p.peek()
			panic(bailout{err: p.lastTokErr("IndentationError", "expected an indented block after "+what+" on line "+strconv.Itoa(int(line)))})
		}
		p.skip()
		p.enter()
		for {
			p.statement()
			if p.accept(tDEDENT) {
				break
			}
		}
		p.leave()
	} else {
		p.simpleStmts()
	}
	return p.popStmts(m)
}

// decorated parses decorators followed by a function or class definition,
// or an undecorated definition.
func (p *parser) decorated() ast.Stmt {
	var decos []ast.Expr
	relaxed := false // a decorator PEP 614 allows: not a dotted name, optionally called
	trig, yields := len(p.trig), len(p.yields)
	for p.at(tAT) {
		p.skip()
		name := p.at(tNAME)
		d := p.namedExpression()
		decos = append(decos, d)
		if c, ok := d.(*ast.Call); ok {
			d = c.Func
		}
		relaxed = relaxed || !name || !dotted(d)
		p.skipExpect(tNEWLINE)
	}
	if decos == nil {
		decos = []ast.Expr{}
	}
	t := *p.peek()
	if relaxed || len(p.trig) > trig || len(p.yields) > yields {
		// The decorators are outside the definition's location.
		p.trigger(t.start)
	}
	switch t.kind {
	case kwDef:
		return p.funcDef(t, false, decos)
	case kwAsync:
		p.skip()
		if !p.at(kwDef) {
			p.fail()
		}
		return p.funcDef(t, true, decos)
	case kwClass:
		return p.classDef(decos)
	}
	p.fail()
	return nil
}

// funcDef parses a def after an optional 'async' (start is the first token).
func (p *parser) funcDef(start tok, async bool, decos []ast.Expr) ast.Stmt {
	if async {
		p.trigger(start.start)
		p.async = true
	}
	p.skipExpect(kwDef)
	n := p.expect(tNAME)
	name := p.ident(n)
	tps := p.typeParams()
	p.forceToken(tLPAR, "(")
	args := p.parameters(false)
	p.skipExpect(tRPAR)
	var returns ast.Expr
	if p.at(tRARROW) {
		arrow, m := *p.peek(), p.mark()
		if !p.try(func() { p.skip(); returns = p.expression() }) {
			if p.caught.Msg == "invalid syntax" {
				// ['->' expression] fails as a whole: &&':' sees '->'.
				p.failTok(arrow, "expected ':'")
			}
			p.reset(m)
			p.skip()
			returns = p.expression() // fails again, with its own error
		}
	}
	p.forceToken(tCOLON, ":")
	body := p.block("function definition", start.start.Line)
	if decos == nil {
		decos = []ast.Expr{}
	}
	loc := p.loc(start)
	if async {
		return &ast.AsyncFunctionDef{Loc: loc, Name: name, Args: args, Body: body, DecoratorList: decos, Returns: returns, TypeParams: tps}
	}
	return &ast.FunctionDef{Loc: loc, Name: name, Args: args, Body: body, DecoratorList: decos, Returns: returns, TypeParams: tps}
}

func (p *parser) classDef(decos []ast.Expr) ast.Stmt {
	start := p.expect(kwClass)
	n := p.expect(tNAME)
	c := &ast.ClassDef{Name: p.ident(n), DecoratorList: decos}
	c.TypeParams = p.typeParams()
	if p.at(tLPAR) {
		call := p.callArgs(nil, false, n.start)
		c.Bases, c.Keywords = call.Args, call.Keywords
	} else {
		c.Bases = []ast.Expr{}
		c.Keywords = []*ast.Keyword{}
	}
	p.expectColon()
	c.Body = p.block("class definition", start.start.Line)
	c.Loc = p.loc(start)
	return c
}

func (p *parser) ifStmt(elif bool) ast.Stmt {
	start := p.next() // 'if' or 'elif'
	p.enter()         // an elif chain nests
	defer p.leave()
	s := &ast.If{Test: p.namedExpression()}
	p.expectColon()
	what := "'if' statement"
	if elif {
		what = "'elif' statement"
	}
	s.Body = p.block(what, start.start.Line)
	switch p.kind() {
	case kwElif:
		s.Orelse = []ast.Stmt{p.ifStmt(true)}
	case kwElse:
		elseTok := p.next()
		p.forceToken(tCOLON, ":")
		s.Orelse = p.block("'else' statement", elseTok.start.Line)
	default:
		s.Orelse = []ast.Stmt{}
	}
	s.Loc = p.loc(start)
	return s
}

func (p *parser) elseBlock() []ast.Stmt {
	if p.at(kwElse) {
		elseTok := p.next()
		p.forceToken(tCOLON, ":")
		return p.block("'else' statement", elseTok.start.Line)
	}
	return []ast.Stmt{}
}

func (p *parser) whileStmt() ast.Stmt {
	start := p.next()
	s := &ast.While{Test: p.namedExpression()}
	p.expectColon()
	s.Body = p.block("'while' statement", start.start.Line)
	s.Orelse = p.elseBlock()
	s.Loc = p.loc(start)
	return s
}

// forStmt parses a for statement after 'for' (start is 'for' or 'async').
func (p *parser) forStmt(start tok, async bool) ast.Stmt {
	if async {
		p.trigger(start.start)
	}
	target := p.starTargets()
	p.skipExpect(kwIn)
	iter := p.starExpressions()
	p.expectColon()
	body := p.block("'for' statement", start.start.Line)
	orelse := p.elseBlock()
	loc := p.loc(start)
	if async {
		return &ast.AsyncFor{Loc: loc, Target: target, Iter: iter, Body: body, Orelse: orelse}
	}
	return &ast.For{Loc: loc, Target: target, Iter: iter, Body: body, Orelse: orelse}
}

// withStmt parses a with statement after 'with'.
func (p *parser) withStmt(start tok, async bool) ast.Stmt {
	lpar := p.at(tLPAR)
	var items []*ast.WithItem
	parenthesized := p.at(tLPAR) && p.try(func() {
		p.skip()
		items = []*ast.WithItem{p.withItem()}
		p.moreElems(p.notAt(tRPAR), func() { items = append(items, p.withItem()) })
		p.skipExpect(tRPAR)
		if !p.at(tCOLON) {
			p.fail()
		}
	})
	if !parenthesized {
		items = []*ast.WithItem{p.withItem()}
		p.moreElems(nil, func() { items = append(items, p.withItem()) })
	}
	if async || lpar || len(items) > 1 {
		p.trigger(start.start)
	}
	p.expectColon()
	body := p.block("'with' statement", start.start.Line)
	loc := p.loc(start)
	if async {
		return &ast.AsyncWith{Loc: loc, Items: items, Body: body}
	}
	return &ast.With{Loc: loc, Items: items, Body: body}
}

func (p *parser) withItem() *ast.WithItem {
	w := &ast.WithItem{ContextExpr: p.expression()}
	if p.accept(kwAs) {
		w.OptionalVars = p.starTarget()
		switch p.kind() {
		case tCOMMA, tRPAR, tCOLON:
		default:
			p.fail()
		}
	}
	return w
}

func (p *parser) tryStmt() ast.Stmt {
	start := p.next()
	p.forceToken(tCOLON, ":")
	s := &ast.Try{Body: p.block("'try' statement", start.start.Line)}
	star := false
	for p.at(kwExcept) {
		h := &ast.ExceptHandler{}
		t := p.next()
		thisStar := p.accept(tSTAR)
		if len(s.Handlers) == 0 {
			star = thisStar
		} else if star != thisStar {
			p.failTok(t, "cannot have both 'except' and 'except*' on the same 'try'")
		}
		if thisStar && p.at(tCOLON) {
			p.failTok(*p.peek(), "expected one or more exception types")
		}
		if !p.at(tCOLON) || thisStar {
			exprStartTok := *p.peek()
			h.Type = p.expression()
			if p.accept(kwAs) {
				h.Name = p.ident(p.expect(tNAME))
			} else if p.at(tCOMMA) {
				// PEP 758: except A, B:
				m := p.exprMark()
				p.pushExpr(h.Type)
				first := exprStartTok
				p.moreElems(p.notAt(tCOLON), func() { p.pushExpr(p.expression()) })
				tup := p.slabs.tuple.new(p.slabs.remain / 700)
				tup.Elts = p.popExprs(m)
				tup.Loc = p.loc(first)
				h.Type = tup
				if p.at(kwAs) {
					const msg = "multiple exception types must be parenthesized when using 'as'"
					if p.peekAt(1).kind == tNAME && p.peekAt(2).kind == tCOLON {
						p.failFrom(first.start, msg) // CPython read up to the ':'
					}
					p.failAt(tup.Elts[0], msg)
				}
			}
		}
		if _, ok := h.Type.(*ast.Tuple); ok || thisStar {
			p.trigger(t.start)
		}
		p.expectColon()
		h.Body = p.block("'except' statement", t.start.Line)
		h.Loc = p.loc(t)
		s.Handlers = append(s.Handlers, h)
	}
	if s.Handlers == nil {
		s.Handlers = []*ast.ExceptHandler{}
		s.Orelse = []ast.Stmt{}
		if !p.at(kwFinally) {
			p.failLast("SyntaxError", "expected 'except' or 'finally' block")
		}
	} else {
		s.Orelse = p.elseBlock()
	}
	if p.at(kwFinally) {
		finTok := p.next()
		p.forceToken(tCOLON, ":")
		s.Finalbody = p.block("'finally' statement", finTok.start.Line)
	} else {
		s.Finalbody = []ast.Stmt{}
	}
	s.Loc = p.loc(start)
	if star {
		return &ast.TryStar{Loc: s.Loc, Body: s.Body, Handlers: s.Handlers, Orelse: s.Orelse, Finalbody: s.Finalbody}
	}
	return s
}
