package parser

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

// failAt fails the parse (softly: backtracking may still recover) with a
// specific message located at node n, as CPython's second pass reports it.
func (p *parser) failAt(n ast.Located, msg string) {
	l := n.Location()
	panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: msg,
		Start: token.Pos{Line: l.Lineno, Col: l.ColOffset}, End: token.Pos{Line: l.EndLineno, Col: l.EndColOffset}}, soft: true})
}

// exprName is CPython's _PyPegen_get_expr_name: how messages name an expression.
func exprName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Attribute:
		return "attribute"
	case *ast.Subscript:
		return "subscript"
	case *ast.Starred:
		return "starred"
	case *ast.Name:
		return "name"
	case *ast.List:
		return "list"
	case *ast.Tuple:
		return "tuple"
	case *ast.Lambda:
		return "lambda"
	case *ast.Call:
		return "function call"
	case *ast.BoolOp, *ast.BinOp, *ast.UnaryOp:
		return "expression"
	case *ast.GeneratorExp:
		return "generator expression"
	case *ast.Yield, *ast.YieldFrom:
		return "yield expression"
	case *ast.Await:
		return "await expression"
	case *ast.ListComp:
		return "list comprehension"
	case *ast.SetComp:
		return "set comprehension"
	case *ast.DictComp:
		return "dict comprehension"
	case *ast.Dict:
		return "dict literal"
	case *ast.Set:
		return "set display"
	case *ast.JoinedStr, *ast.FormattedValue:
		return "f-string expression"
	case *ast.TemplateStr, *ast.Interpolation:
		return "t-string expression"
	case *ast.Constant:
		switch e.Value.(type) {
		case ast.None:
			return "None"
		case bool:
			if e.Value.(bool) {
				return "True"
			}
			return "False"
		case ast.Ellipsis:
			return "ellipsis"
		}
		return "literal"
	case *ast.Compare:
		return "comparison"
	case *ast.IfExp:
		return "conditional expression"
	case *ast.NamedExpr:
		return "named expression"
	}
	return "expression"
}

// invalidTarget returns the first sub-expression of e that cannot be an
// assignment (or, with del, deletion) target, as _PyPegen_get_invalid_target.
func invalidTarget(e ast.Expr, del bool) ast.Expr {
	switch e := e.(type) {
	case *ast.Name, *ast.Attribute, *ast.Subscript:
		return nil
	case *ast.Tuple:
		for _, x := range e.Elts {
			if t := invalidTarget(x, del); t != nil {
				return t
			}
		}
		return nil
	case *ast.List:
		for _, x := range e.Elts {
			if t := invalidTarget(x, del); t != nil {
				return t
			}
		}
		return nil
	case *ast.Starred:
		if del {
			return e
		}
		return invalidTarget(e.Value, del)
	case *ast.Compare:
		// a in b = c is reported on the left side when it is the target of a for.
		return e
	}
	return e
}

// isBitwiseOrLevel reports whether e can be produced by CPython's bitwise_or
// rule (so that invalid_named_expression's "here. Maybe you meant '=='"
// message applies).
func isBitwiseOrLevel(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BoolOp, *ast.Compare, *ast.IfExp, *ast.Lambda, *ast.Starred, *ast.Tuple, *ast.Yield, *ast.YieldFrom:
		return false
	case *ast.UnaryOp:
		return e.Op != ast.Not
	case *ast.NamedExpr:
		return true
	}
	return true
}

// failTarget fails an assignment whose target e is invalid.
func (p *parser) failTarget(e ast.Expr, single bool) {
	bad := invalidTarget(e, false)
	if bad == nil {
		bad = e
	}
	switch bad.(type) {
	case *ast.Yield, *ast.YieldFrom:
		p.failAt(bad, "assignment to yield expression not possible")
	}
	name := exprName(bad)
	if single && bad == e && isBitwiseOrLevel(e) {
		switch e.(type) {
		case *ast.List, *ast.Dict, *ast.Set, *ast.GeneratorExp, *ast.ListComp, *ast.SetComp, *ast.DictComp:
		default:
			if c, ok := e.(*ast.Constant); !ok || exprName(c) == "literal" || exprName(c) == "ellipsis" {
				p.failAt(bad, "cannot assign to "+name+" here. Maybe you meant '==' instead of '='?")
			}
		}
	}
	p.failAt(bad, "cannot assign to "+name)
}

// expectColon consumes the ':' of a compound statement header; a missing
// one before the end of the line gets CPython's "expected ':'".
func (p *parser) expectColon() {
	if p.at(tNEWLINE) {
		t := *p.peek()
		panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: "expected ':'", Start: t.start, End: t.end}, soft: true})
	}
	p.skipExpect(tCOLON)
}

// forceToken consumes a token of kind k, CPython's forced token &&'text':
// anything else fails with "expected 'text'" at the token found.
func (p *parser) forceToken(k uint8, text string) {
	if !p.at(k) {
		p.failTok(*p.peek(), "expected '"+text+"'")
	}
	p.skip()
}

// failTok fails softly with msg at token t.
func (p *parser) failTok(t tok, msg string) {
	panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: msg, Start: t.start, End: t.end}, soft: true})
}

// lastTokErr returns the error CPython's _PyPegen_raise_error (behind
// RAISE_SYNTAX_ERROR and RAISE_INDENTATION_ERROR, the messages without a
// location of their own) makes: at the last token the parser has read.
// A token without a position (INDENT, DEDENT, ENDMARKER) gives the
// column of the tokenizer's cursor after it and no end (end_offset -1).
func (p *parser) lastTokErr(kind, msg string) *token.SyntaxError {
	t := &p.toks[p.fill-1]
	start, end := t.start, t.end
	if start.Col < 0 {
		start.Col = p.cursorCol(t) - 1
	}
	if end.Col < 0 {
		end.Col = -2
	}
	return &token.SyntaxError{Kind: kind, Msg: msg, Start: start, End: end}
}

// failLast fails softly with lastTokErr.
func (p *parser) failLast(kind, msg string) {
	panic(bailout{err: p.lastTokErr(kind, msg), soft: true})
}

// cursorCol is the column of the tokenizer's cursor just after it produced
// t, a token without a position: CPython's tok->cur - tok->line_start, in
// bytes from the start of t's line.
func (p *parser) cursorCol(t *tok) int32 {
	line, i := int32(1), 0
	for line < t.start.Line {
		j := bytes.IndexByte(p.src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		line++
	}
	return t.off - int32(i)
}

// checkRest is what CPython does after its parser fails with a syntax
// error of its own (_PyPegen_tokenize_full_source_to_check_for_errors): it
// tokenizes the rest of the source, and a tokenizer error found there
// wins, if the lexer raises it itself and is not inside an f-string; an
// error the lexer only signals (input ending, indentation, a character
// after a backslash) inside a bracket opened on a line before the last
// token read gives "'(' was never closed" instead.
func (p *parser) checkRest(err *token.SyntaxError) *token.SyntaxError {
	errLine := p.tokAt(max(p.base+p.fill, p.readMax) - 1).start.Line
	se := p.tzErr
	if se == nil && !p.eof {
		var t token.Token
		for {
			e := p.tz.NextTo(&t)
			if e != nil {
				if !errors.As(e, &se) {
					return err
				}
				break
			}
			if t.Kind == token.ENDMARKER {
				break
			}
		}
	}
	if se == nil {
		return err
	}
	if !p.tz.ErrorIsCode() {
		if p.tz.InFString() {
			return err
		}
		return se
	}
	if c, pos, ok := p.tz.OpenBracket(); ok && errLine > pos.Line {
		return &token.SyntaxError{Kind: "SyntaxError", Msg: "'" + string(rune(c)) + "' was never closed",
			Start: pos, End: token.Pos{Line: pos.Line, Col: -1}}
	}
	return err
}

// cpythonColumns returns err with its columns counted as CPython's
// SyntaxError counts them: in characters of the error's start line, the
// start and a non-negative end alike (_PyPegen_byte_offset_to_character_offset),
// which also clamps an offset to the line's length plus one: an error of
// the parser (clamp) that ends on a later line ends there. The line is the
// tokenizer's buffer, with its newline, when the tokenizer is still on the
// error's line (curLine), else the line without it. The tokenizer and the
// parser count bytes; without clamping the two differ only on lines that
// are not ASCII.
func cpythonColumns(src []byte, err *token.SyntaxError, clamp bool, curLine int32) *token.SyntaxError {
	line, nl := lineText(src, err.Start.Line)
	if nl && curLine <= err.Start.Line {
		line = line[:len(line)+1] // the newline follows line in src
	}
	ascii := true
	for _, c := range line {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	e := *err
	n := int32(len(line))
	switch {
	case !ascii:
		if e.Start.Col >= 0 {
			e.Start.Col = charOffset(line, e.Start.Col+1) - 1
		}
		if e.End.Col >= 0 {
			e.End.Col = charOffset(line, e.End.Col+1) - 1
		}
	case clamp && (e.Start.Col > n || e.End.Col > n) && line != nil:
		e.Start.Col = min(e.Start.Col, n)
		e.End.Col = min(e.End.Col, n)
	default:
		return err
	}
	return &e
}

// lineText returns line n (1-based) of src without its newline (nil if
// there is no such line), and whether a newline ends it.
func lineText(src []byte, n int32) ([]byte, bool) {
	if n < 1 {
		return nil, false
	}
	for l := int32(1); l < n; l++ {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return nil, false
		}
		src = src[i+1:]
	}
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		return src[:i], true
	}
	return src, false
}

// charOffset is the number of characters CPython decodes from the first n
// bytes of line (with errors replaced: a character cut short counts as
// one), n clamped to the line's length plus one (its terminating NUL).
func charOffset(line []byte, n int32) int32 {
	if n <= 0 {
		return n
	}
	extra := int32(0)
	if int(n) > len(line) {
		extra = 1
		n = int32(len(line))
	}
	b := line[:n]
	count := int32(0)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 && !utf8.FullRune(b) {
			count++ // a truncated sequence decodes to one replacement character
			break
		}
		b = b[size:]
		count++
	}
	return count + extra
}

// failFrom fails softly as CPython's RAISE_SYNTAX_ERROR_STARTING_FROM: from
// start to the tokenizer's cursor, the end of the last token read.
func (p *parser) failFrom(start token.Pos, msg string) {
	last := &p.toks[p.fill-1]
	end := token.Pos{Line: last.end.Line, Col: last.end.Col - 1}
	if last.end.Col < 0 {
		end.Col = p.cursorCol(last) - 1
	}
	panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: msg, Start: start, End: end}, soft: true})
}

// failSpan fails softly with msg from start to end.
func (p *parser) failSpan(start, end token.Pos, msg string) {
	panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: msg, Start: start, End: end}, soft: true})
}

// failRange fails softly as RAISE_SYNTAX_ERROR_KNOWN_RANGE(a, b): from the
// start of a to the end of b.
func (p *parser) failRange(a, b ast.Located, msg string) {
	la, lb := a.Location(), b.Location()
	panic(bailout{err: &token.SyntaxError{Kind: "SyntaxError", Msg: msg,
		Start: token.Pos{Line: la.Lineno, Col: la.ColOffset}, End: token.Pos{Line: lb.EndLineno, Col: lb.EndColOffset}}, soft: true})
}

// unread moves back to mark m and hides the tokens read since the absolute
// fill (p.base+p.fill) was saved from the generic error's location (CPython's first pass did not
// read them), while checkRest still counts them (its second pass did).
func (p *parser) unread(m, fill int) {
	p.readMax = max(p.readMax, p.base+p.fill)
	p.reset(m)
	p.fill = fill - p.base // fill is absolute, like m: the window may have moved
}

// juxtaposed reports, when the parser stopped right after a complete
// expression and the next token starts another, what CPython's second pass
// finds there: invalid_legacy_expression's "Missing parentheses in call to
// 'print'" for a Python 2 print or exec statement, or invalid_expression's
// "Perhaps you forgot a comma?" inside brackets. Otherwise it returns and
// the failure stays generic.
func (p *parser) juxtaposed() {
	// Saved first: parsing again below records inner expressions.
	start, end := p.lastDisjStart, p.lastDisjEnd
	if end == 0 || end != p.mark() || start < p.base {
		return
	}
	if !p.startsExpression() || p.at(tSTAR) {
		return
	}
	m, fill := p.mark(), p.base+p.fill
	// What the rules read when they do not apply stays unread, as for
	// CPython's first pass (the generic error is at its last token).
	undo := func() { p.unread(m, fill) }
	// The disjunction again (only its start is kept), for where it starts:
	// a parenthesized one starts inside its parentheses.
	var a ast.Expr
	p.reset(start)
	if !p.try(func() { a = p.disjunction() }) || p.mark() != m {
		undo()
		return
	}
	la := a.Location()
	aStart := token.Pos{Line: la.Lineno, Col: la.ColOffset}
	first := *p.tokAt(start)
	bEnd := func(b ast.Expr) token.Pos {
		l := b.Location()
		return token.Pos{Line: l.EndLineno, Col: l.EndColOffset}
	}
	if name := p.srcStr[first.off:first.eoff]; first.kind == tNAME && end == start+1 && (name == "print" || name == "exec") {
		if p.at(tLPAR) {
			return
		}
		var b ast.Expr
		if p.try(func() { b = p.starExpressions() }) {
			p.failSpan(aStart, bEnd(b), "Missing parentheses in call to '"+name+"'. Did you mean "+name+"(...)?")
		}
		undo()
		return
	}
	// STRING (!STRING expression_without_invalid)+ STRING: words between
	// two strings.
	if first.kind == tSTRING && end == start+1 && !p.at(tSTRING) {
		var x, y ast.Expr
		ok := p.try(func() {
			for !p.at(tSTRING) {
				e := p.expression()
				if x == nil {
					x = e
				}
				y = e
			}
		})
		if ok && x != nil {
			p.failRange(x, y, "invalid syntax. Is this intended to be part of the string?")
		}
		undo()
	}
	// _PyPegen_check_legacy_stmt: no comma error after print or exec,
	// even parenthesized.
	if n, ok := a.(*ast.Name); ok && (n.Id == "print" || n.Id == "exec") {
		undo()
		return
	}
	// !(NAME STRING | SOFT_KEYWORD) at the start of a.
	if first.kind == tNAME && (first.soft != softNone || p.tokAt(start+1).kind == tSTRING) {
		return
	}
	var b ast.Expr
	if !p.try(func() { b = p.expression() }) || p.toks[p.pos-1].level == 0 {
		undo()
		return
	}
	p.failSpan(aStart, bEnd(b), "invalid syntax. Perhaps you forgot a comma?")
}
