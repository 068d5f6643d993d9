package analysis

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/pybatch/pybatch/analysis/internal/raw"
	"github.com/pybatch/pybatch/notebook"
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
)

// Options tune Analyze. The zero value gives radon's default numbers.
type Options struct {
	// NoAssert is radon cc's --no-assert: assert statements do not add to
	// the cyclomatic complexity.
	NoAssert bool
	// PythonVersion is the Python whose verdict the file gets (zero: 3.14,
	// see parser.Options.Version): syntax of a later version is a syntax
	// error, as that version's CPython reports it.
	PythonVersion parser.Version
}

// Analyze reads one Python file: src is the file's raw bytes, path is only
// recorded. It never fails: a file that cannot be decoded or parsed gives a
// Report with SyntaxError set (and whatever could still be measured). It
// keeps no state between calls and is safe for concurrent use.
//
// Docstrings (module, class, function) are what CPython 3.14's
// ast.get_docstring returns: the first statement's string constant, cleaned
// by inspect.cleandoc.
//
// A path ending in .ipynb says that src is a notebook's joined code cells
// (package notebook; batch.ProcessFile passes them so): text that Jupyter
// compiles as a string, so a coding declaration in its first lines is not
// honoured, as IPython does not honour it.
func Analyze(path string, src []byte, opts Options) *Report {
	text, info, derr := decode(path, src)
	var mod *ast.Module
	var perr error
	var warns []token.Warning
	var facts parser.Facts
	if derr == nil {
		mod, warns, perr = parser.ParseWarnings(text, parser.Options{Version: opts.PythonVersion, Facts: &facts})
	}
	r := build(path, src, text, info, derr, mod, &facts, perr, opts)
	r.Warnings = warnings(warns)
	return r
}

// warnings turns the parser's warnings into the Report's form.
func warnings(ws []token.Warning) []Warning {
	if len(ws) == 0 {
		return nil
	}
	out := make([]Warning, len(ws))
	for i, w := range ws {
		out[i] = Warning{Category: w.Kind, Message: w.Msg, Line: int(w.Line)}
		if w.Col > 0 {
			out[i].Col = new(int(w.Col) - 1)
		}
	}
	return out
}

// decode is source.Decode, but for a notebook's joined source (valid UTF-8
// with "\n" newlines, see Analyze), which is the text itself. One with a
// NUL byte or a byte order mark goes through source.Decode, which says
// what CPython says of them.
func decode(path string, src []byte) ([]byte, source.Info, error) {
	if notebook.IsNotebook(path) && utf8.Valid(src) && bytes.IndexByte(src, 0) < 0 && !bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) && bytes.IndexByte(src, '\r') < 0 {
		return src, source.Info{Encoding: "utf-8"}, nil
	}
	return source.Decode(src)
}

// lineStartsPool recycles the line offset tables of build.
var lineStartsPool = sync.Pool{New: func() any { return new([]int32) }}

// build is everything Analyze does after decoding and parsing (kept apart
// so that the benchmark can time the two halves). facts are what Parse
// saw of mod (see parser.Options.Facts; an empty one walks all of mod).
func build(path string, src, text []byte, info source.Info, derr error, mod *ast.Module, facts *parser.Facts, perr error, opts Options) *Report {
	sum := sha256.Sum256(src)
	r := &Report{
		SchemaVersion: SchemaVersion,
		Path:          path,
		Size:          int64(len(src)),
		SHA256:        hex.EncodeToString(sum[:]),
		Encoding:      "utf-8",
		BOM:           info.BOM,
		Imports:       []Import{},
		Definitions:   []Definition{},
	}
	if info.Encoding != "" {
		r.Encoding = info.Encoding
	}
	if derr != nil {
		r.SyntaxError = syntaxError(derr)
		r.LinesError = "the file cannot be decoded: " + derr.Error()
		return r
	}
	// The line metrics pass also records where the lines start, which the
	// tree walk needs to turn positions into offsets.
	var x raw.Extras
	if len(text) < math.MaxInt32 {
		sp := lineStartsPool.Get().(*[]int32)
		defer func() { *sp = x.LineStarts[:0]; lineStartsPool.Put(sp) }()
		x.LineStarts = append((*sp)[:0], 0)
	}
	m, err := raw.Metrics(text, &x)
	if err != nil {
		r.LinesError = err.Error()
	} else {
		r.Lines = LineMetrics(m)
	}
	if perr != nil {
		r.SyntaxError = syntaxError(perr)
		return r
	}
	analyzeModule(r, mod, facts, text, x.DefLines, x.LineStarts, opts)
	return r
}

// syntaxError turns a front-end error into the Report's form.
func syntaxError(err error) *SyntaxError {
	var se *token.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{
			Kind: se.Kind, Msg: se.Msg,
			Line: int(se.Start.Line), Col: int(se.Start.Col),
			EndLine: int(se.End.Line), EndCol: int(se.End.Col),
			NoStart: se.NoStart, NoEnd: se.NoEnd,
		}
	}
	return &SyntaxError{Kind: "SyntaxError", Msg: err.Error()}
}

// analyzeModule fills the AST-derived fields of r. defsHint estimates the
// number of definitions, so that the large Definition values are seldom
// copied while the slice grows.
//
// starts holds the offsets of the first lines of text (raw.Extras.LineStarts).
func analyzeModule(r *Report, mod *ast.Module, facts *parser.Facts, text []byte, defsHint int, starts []int32, opts Options) {
	w := walker{r: r, text: text, opts: opts, defsHint: defsHint, starts: starts, curLine: 1}
	r.Definitions = make([]Definition, 0, defsHint)
	r.Docstring = docstring(mod.Body)
	r.All = dunderAll(mod.Body)
	versions(r, mod, facts, text, starts)
	w.stmts(mod.Body, &scope{kind: scopeModule}, ctxModule)
}

type scopeKind uint8

const (
	scopeModule scopeKind = iota
	scopeClass
	scopeFunction
)

// scope is a class or function body (or the module) while walking.
type scope struct {
	kind     scopeKind
	qualname string
	body     []ast.Stmt
	globals  map[string]bool // names declared global in this scope; nil until needed
	scanned  bool
	// for a class: how many methods (functions directly in its body, as
	// radon counts them) and the sum of their complexities
	methods, methodCC int
}

// isGlobal reports whether name is declared global in s (which makes a
// nested definition's __qualname__ just its name, as CPython's compiler does).
func (s *scope) isGlobal(name string) bool {
	if s.kind == scopeModule {
		return false
	}
	if !s.scanned {
		s.scanned = true
		var scan func([]ast.Stmt)
		scan = func(body []ast.Stmt) {
			for _, st := range body {
				switch n := st.(type) {
				case *ast.Global:
					if s.globals == nil {
						s.globals = map[string]bool{}
					}
					for _, g := range n.Names {
						s.globals[g] = true
					}
				case *ast.FunctionDef, *ast.AsyncFunctionDef, *ast.ClassDef:
					// a new scope
				default:
					forEachBody(st, func(b []ast.Stmt, _ bodyRole) { scan(b) })
				}
			}
		}
		scan(s.body)
	}
	return s.globals[name]
}

// importCtx is where a statement sits, for Import.Where.
type importCtx uint8

const (
	ctxModule importCtx = iota
	ctxConditional
	ctxTryImport
	ctxTypeChecking
	ctxClass
	ctxFunction
)

var whereNames = [...]string{"module", "conditional", "try_import_error", "type_checking", "class", "function"}

// Where values, from the strongest: inside a function; inside a class body;
// under `if TYPE_CHECKING:` (or `if <name>.TYPE_CHECKING:`); inside the body
// or a handler of a try statement with a handler naming ImportError or
// ModuleNotFoundError; inside any other if/elif/else, loop, try/except/else
// or match case; else at module level. The body of `with` and `finally`
// always runs and changes nothing.
func stronger(a, b importCtx) importCtx { return max(a, b) }

type walker struct {
	r         *Report
	paramSlab []Param // Params of all definitions are carved from here
	strs      strArena
	docs      []string // docstrings of definitions; never grown in place
	defsHint  int
	text      []byte
	starts    []int32 // offsets of the first lines (from raw.Metrics)
	// a cursor for offset, past the lines in starts: line curLine (1-based) starts at text[curOff];
	// the walk asks for positions in about source order, so moving it is
	// cheaper than a table of all line starts
	curLine int32
	curOff  int
	opts    Options
}

// bodyRole says how a nested statement list runs relative to its statement.
type bodyRole uint8

const (
	roleAlways      bodyRole = iota // with body, finally
	roleConditional                 // if/else, loops, match cases, try else
	roleTypeChecking
	roleTry // try body and except handlers
)

// forEachBody calls f for each statement list directly inside st.
func forEachBody(st ast.Stmt, f func([]ast.Stmt, bodyRole)) {
	switch n := st.(type) {
	case *ast.If:
		if isTypeChecking(n.Test) {
			f(n.Body, roleTypeChecking)
		} else {
			f(n.Body, roleConditional)
		}
		f(n.Orelse, roleConditional)
	case *ast.For:
		f(n.Body, roleConditional)
		f(n.Orelse, roleConditional)
	case *ast.AsyncFor:
		f(n.Body, roleConditional)
		f(n.Orelse, roleConditional)
	case *ast.While:
		f(n.Body, roleConditional)
		f(n.Orelse, roleConditional)
	case *ast.With:
		f(n.Body, roleAlways)
	case *ast.AsyncWith:
		f(n.Body, roleAlways)
	case *ast.Try:
		f(n.Body, roleTry)
		for _, h := range n.Handlers {
			f(h.Body, roleTry)
		}
		f(n.Orelse, roleConditional)
		f(n.Finalbody, roleAlways)
	case *ast.TryStar:
		f(n.Body, roleTry)
		for _, h := range n.Handlers {
			f(h.Body, roleTry)
		}
		f(n.Orelse, roleConditional)
		f(n.Finalbody, roleAlways)
	case *ast.Match:
		for _, c := range n.Cases {
			f(c.Body, roleConditional)
		}
	}
}

// isTypeChecking reports whether an if test is TYPE_CHECKING or
// <name>.TYPE_CHECKING (typing.TYPE_CHECKING, t.TYPE_CHECKING...).
func isTypeChecking(e ast.Expr) bool {
	switch n := e.(type) {
	case *ast.Name:
		return n.Id == "TYPE_CHECKING"
	case *ast.Attribute:
		_, isName := n.Value.(*ast.Name)
		return isName && n.Attr == "TYPE_CHECKING"
	}
	return false
}

// catchesImportError reports whether a handler list names ImportError or
// ModuleNotFoundError (alone, dotted, or in a tuple).
func catchesImportError(hs []*ast.ExceptHandler) bool {
	var names func(ast.Expr) bool
	names = func(e ast.Expr) bool {
		switch n := e.(type) {
		case *ast.Name:
			return n.Id == "ImportError" || n.Id == "ModuleNotFoundError"
		case *ast.Attribute:
			return n.Attr == "ImportError" || n.Attr == "ModuleNotFoundError"
		case *ast.Tuple:
			for _, x := range n.Elts {
				if names(x) {
					return true
				}
			}
		}
		return false
	}
	for _, h := range hs {
		if h.Type != nil && names(h.Type) {
			return true
		}
	}
	return false
}

// stmts walks a statement list in scope sc, with import context ctx.
func (w *walker) stmts(body []ast.Stmt, sc *scope, ctx importCtx) {
	for _, st := range body {
		switch n := st.(type) {
		case *ast.FunctionDef:
			w.function(n, n.Name, n.Args, n.Body, n.DecoratorList, n.Returns, false, sc)
		case *ast.AsyncFunctionDef:
			w.function(n, n.Name, n.Args, n.Body, n.DecoratorList, n.Returns, true, sc)
		case *ast.ClassDef:
			w.class(n, sc)
		case *ast.Import:
			for _, a := range n.Names {
				w.r.Imports = append(w.r.Imports, Import{
					Module: a.Name,
					Names:  []ImportName{{Name: a.Name, As: a.Asname}},
					Line:   int(n.Lineno),
					Where:  whereNames[ctx],
				})
			}
		case *ast.ImportFrom:
			imp := Import{
				Module: n.Module, Level: n.Level, From: true,
				Line: int(n.Lineno), Where: whereNames[ctx],
				Names: make([]ImportName, len(n.Names)),
			}
			for i, a := range n.Names {
				imp.Names[i] = ImportName{Name: a.Name, As: a.Asname}
			}
			w.r.Imports = append(w.r.Imports, imp)
		case *ast.Try:
			w.tryStmt(st, n.Handlers, sc, ctx)
		case *ast.TryStar:
			w.tryStmt(st, n.Handlers, sc, ctx)
		default:
			forEachBody(st, func(b []ast.Stmt, role bodyRole) {
				w.stmts(b, sc, roleCtx(ctx, role, false))
			})
		}
	}
}

func (w *walker) tryStmt(st ast.Stmt, hs []*ast.ExceptHandler, sc *scope, ctx importCtx) {
	imp := catchesImportError(hs)
	forEachBody(st, func(b []ast.Stmt, role bodyRole) {
		w.stmts(b, sc, roleCtx(ctx, role, imp))
	})
}

func roleCtx(ctx importCtx, role bodyRole, importTry bool) importCtx {
	switch role {
	case roleConditional:
		return stronger(ctx, ctxConditional)
	case roleTypeChecking:
		return stronger(ctx, ctxTypeChecking)
	case roleTry:
		if importTry {
			return stronger(ctx, ctxTryImport)
		}
		return stronger(ctx, ctxConditional)
	}
	return ctx
}

// qualname is CPython's __qualname__ for a definition named name in sc.
func (w *walker) qualname(sc *scope, name string) string {
	switch {
	case sc.kind == scopeModule || sc.isGlobal(name):
		return name
	case sc.kind == scopeFunction:
		return w.strs.concat(sc.qualname, ".<locals>.", name)
	default:
		return w.strs.concat(sc.qualname, ".", name)
	}
}

// strArena hands out the strings of one Report from a few large blocks
// instead of one allocation each. A block is never written again once a
// string points into it, so the strings are as immutable as any.
type strArena struct {
	block []byte // the unused rest of the current block
	next  int    // size of the next block
}

// concat returns a+b+c.
func (a *strArena) concat(x, y, z string) string {
	n := len(x) + len(y) + len(z)
	b := a.take(n)
	b = append(append(append(b, x...), y...), z...)
	return unsafe.String(unsafe.SliceData(b), n)
}

// copyString returns a copy of b.
func (a *strArena) copyString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	c := append(a.take(len(b)), b...)
	return unsafe.String(unsafe.SliceData(c), len(c))
}

// take returns an empty slice with capacity n, carved from the block.
func (a *strArena) take(n int) []byte {
	if cap(a.block) < n {
		if a.next == 0 {
			a.next = 1 << 10
		}
		size := max(n, a.next)
		a.next = min(2*a.next, 64<<10)
		a.block = make([]byte, size)
	}
	b := a.block[:0:n]
	a.block = a.block[n:]
	return b
}

func (w *walker) function(n ast.Stmt, name string, args *ast.Arguments, body []ast.Stmt,
	decorators []ast.Expr, returns ast.Expr, async bool, sc *scope) {
	loc := n.(ast.Located).Location()
	kind := "function"
	switch {
	case sc.kind == scopeClass && async:
		kind = "async_method"
	case sc.kind == scopeClass:
		kind = "method"
	case async:
		kind = "async_function"
	}
	cc := 1 + w.ccBody(body)
	if sc.kind == scopeClass {
		sc.methods++
		sc.methodCC += cc
	}
	d := Definition{
		QualName:   w.qualname(sc, name),
		Name:       name,
		Kind:       kind,
		Line:       int(loc.Lineno),
		Col:        int(loc.ColOffset),
		EndLine:    int(loc.EndLineno),
		EndCol:     int(loc.EndColOffset),
		Decorators: w.exprTexts(decorators),
		Params:     w.params(args),
		Docstring:  w.docstring(body),
		Complexity: cc,
		Rank:       Rank(cc),
	}
	if returns != nil {
		d.Returns = w.srcText(returns)
	}
	w.r.Definitions = append(w.r.Definitions, d)
	inner := &scope{kind: scopeFunction, qualname: d.QualName, body: body}
	w.stmts(body, inner, ctxFunction)
}

func (w *walker) class(n *ast.ClassDef, sc *scope) {
	d := Definition{
		QualName:   w.qualname(sc, n.Name),
		Name:       n.Name,
		Kind:       "class",
		Line:       int(n.Lineno),
		Col:        int(n.ColOffset),
		EndLine:    int(n.EndLineno),
		EndCol:     int(n.EndColOffset),
		Decorators: w.exprTexts(n.DecoratorList),
		Docstring:  w.docstring(n.Body),
	}
	for _, b := range n.Bases {
		d.Bases = append(d.Bases, w.srcText(b))
	}
	for _, k := range n.Keywords {
		d.Bases = append(d.Bases, w.srcText(k))
	}
	i := len(w.r.Definitions)
	w.r.Definitions = append(w.r.Definitions, d)
	inner := &scope{kind: scopeClass, qualname: d.QualName, body: n.Body}
	w.stmts(n.Body, inner, ctxClass)
	cc := w.classComplexity(n, inner)
	w.r.Definitions[i].Complexity = cc
	w.r.Definitions[i].Rank = Rank(cc)
}

// params lists a function's parameters in order.
func (w *walker) params(a *ast.Arguments) []Param {
	if a == nil {
		return nil
	}
	n := len(a.Posonlyargs) + len(a.Args) + len(a.Kwonlyargs) + 2
	if cap(w.paramSlab)-len(w.paramSlab) < n {
		size := max(64, n)
		if w.paramSlab == nil {
			size = max(8, n, 3*w.defsHint) // a few per definition
		}
		w.paramSlab = make([]Param, 0, size)
	}
	l := len(w.paramSlab)
	ps := w.paramSlab[l : l : l+n]
	defer func() { w.paramSlab = w.paramSlab[:l+len(ps)] }()
	positional := len(a.Posonlyargs) + len(a.Args)
	firstDefault := positional - len(a.Defaults)
	i := 0
	for _, p := range a.Posonlyargs {
		ps = append(ps, Param{Name: p.Arg, Kind: "positional_only", Default: i >= firstDefault, Annotation: p.Annotation != nil})
		i++
	}
	for _, p := range a.Args {
		ps = append(ps, Param{Name: p.Arg, Kind: "positional", Default: i >= firstDefault, Annotation: p.Annotation != nil})
		i++
	}
	if a.Vararg != nil {
		ps = append(ps, Param{Name: a.Vararg.Arg, Kind: "var_positional", Annotation: a.Vararg.Annotation != nil})
	}
	for j, p := range a.Kwonlyargs {
		ps = append(ps, Param{Name: p.Arg, Kind: "keyword_only", Default: j < len(a.KwDefaults) && a.KwDefaults[j] != nil, Annotation: p.Annotation != nil})
	}
	if a.Kwarg != nil {
		ps = append(ps, Param{Name: a.Kwarg.Arg, Kind: "var_keyword", Annotation: a.Kwarg.Annotation != nil})
	}
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// srcText is the source text of a located node, sliced by its positions.
func (w *walker) srcText(n ast.Located) string {
	l := n.Location()
	start, ok1 := w.offset(l.Lineno, l.ColOffset)
	end, ok2 := w.offset(l.EndLineno, l.EndColOffset)
	if !ok1 || !ok2 || end < start {
		return ""
	}
	return w.strs.copyString(w.text[start:end])
}

// offset is the byte offset of a (line, col) position, ok false when it is
// outside the text.
func (w *walker) offset(line, col int32) (int, bool) {
	if line < 1 || col < 0 {
		return 0, false
	}
	text := w.text
	if int(line) <= len(w.starts) {
		off := int(w.starts[line-1]) + int(col)
		if off > len(text) {
			return 0, false
		}
		return off, true
	}
	for w.curLine < line {
		j := bytes.IndexByte(text[w.curOff:], '\n')
		if j < 0 {
			return 0, false
		}
		w.curOff += j + 1
		w.curLine++
	}
	for w.curLine > line {
		// the line before starts after the "\n" that precedes the one
		// ending it
		w.curOff = bytes.LastIndexByte(text[:w.curOff-1], '\n') + 1
		w.curLine--
	}
	off := w.curOff + int(col)
	if off > len(text) {
		return 0, false
	}
	return off, true
}

func (w *walker) exprTexts(es []ast.Expr) []string {
	if len(es) == 0 {
		return nil
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = w.srcText(e)
	}
	return out
}

// docstring is ast.get_docstring(node, clean=True) for a body, held in a
// slab shared by the definitions (one allocation for many).
func (w *walker) docstring(body []ast.Stmt) *string {
	d, ok := docText(body)
	if !ok {
		return nil
	}
	if len(w.docs) == cap(w.docs) {
		w.docs = make([]string, 0, max(8, w.defsHint))
	}
	w.docs = append(w.docs, d)
	return &w.docs[len(w.docs)-1]
}

// docstring is ast.get_docstring(node, clean=True) for a body.
func docstring(body []ast.Stmt) *string {
	d, ok := docText(body)
	if !ok {
		return nil
	}
	return &d
}

// docText is docstring's text, ok false when the body has none.
func docText(body []ast.Stmt) (string, bool) {
	if len(body) == 0 {
		return "", false
	}
	es, ok := body[0].(*ast.ExprStmt)
	if !ok {
		return "", false
	}
	c, ok := es.Value.(*ast.Constant)
	if !ok {
		return "", false
	}
	s, ok := c.Value.(ast.Str)
	if !ok {
		return "", false
	}
	return cleandoc(string(s)), true
}

// cleandoc is CPython 3.14's inspect.cleandoc: expand tabs, remove the
// common leading spaces of the lines after the first, strip the first line's
// leading spaces, drop leading and trailing empty lines.
func cleandoc(doc string) string {
	doc = expandTabs(doc)
	first, rest, multi := strings.Cut(doc, "\n")
	first = strings.TrimLeft(first, " ")
	if !multi {
		return first
	}
	margin := -1
	for r := rest; ; {
		l, next, more := strings.Cut(r, "\n")
		if content := len(strings.TrimLeft(l, " ")); content > 0 {
			if indent := len(l) - content; margin < 0 || indent < margin {
				margin = indent
			}
		}
		if !more {
			break
		}
		r = next
	}
	margin = max(margin, 0)
	// Join the lines; the empty lines at both ends are then the "\n" at
	// both ends (a line holds no "\n", an empty line adds nothing).
	var b strings.Builder
	b.Grow(len(doc))
	b.WriteString(first)
	for r := rest; ; {
		l, next, more := strings.Cut(r, "\n")
		b.WriteByte('\n')
		b.WriteString(l[min(margin, len(l)):]) // only spaces are removed
		if !more {
			break
		}
		r = next
	}
	return strings.Trim(b.String(), "\n")
}

// expandTabs is Python's str.expandtabs(8): columns count code points and
// restart after "\n" and "\r". s is WTF-8: a lone surrogate (3 bytes that
// are not valid UTF-8) counts as one character and is copied unchanged.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			i++
			continue
		case c == '\n' || c == '\r':
			col = 0
			b.WriteByte(c)
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		if c == 0xED && i+2 < len(s) && s[i+1] >= 0xA0 && s[i+1] <= 0xBF {
			size = 3 // a WTF-8 surrogate
		}
		b.WriteString(s[i : i+size])
		col++
		i += size
	}
	return b.String()
}

// dunderAll is the module's __all__ when it is assigned a literal list or
// tuple of strings at module level (the last such assignment, extended by
// later `__all__ += [...]` of literals).
func dunderAll(body []ast.Stmt) []string {
	var all []string
	lit := func(e ast.Expr) ([]string, bool) {
		var elts []ast.Expr
		switch n := e.(type) {
		case *ast.List:
			elts = n.Elts
		case *ast.Tuple:
			elts = n.Elts
		default:
			return nil, false
		}
		out := make([]string, 0, len(elts))
		for _, x := range elts {
			c, ok := x.(*ast.Constant)
			if !ok {
				return nil, false
			}
			s, ok := c.Value.(ast.Str)
			if !ok {
				return nil, false
			}
			out = append(out, string(s))
		}
		return out, true
	}
	isAll := func(e ast.Expr) bool {
		n, ok := e.(*ast.Name)
		return ok && n.Id == "__all__"
	}
	for _, st := range body {
		switch n := st.(type) {
		case *ast.Assign:
			if len(n.Targets) == 1 && isAll(n.Targets[0]) {
				if v, ok := lit(n.Value); ok {
					all = v
				}
			}
		case *ast.AnnAssign:
			if isAll(n.Target) && n.Value != nil {
				if v, ok := lit(n.Value); ok {
					all = v
				}
			}
		case *ast.AugAssign:
			if isAll(n.Target) && n.Op == ast.Add && all != nil {
				if v, ok := lit(n.Value); ok {
					all = append(all, v...)
				}
			}
		}
	}
	return all
}

// versions fills the lowest version and the features that force it.
func versions(r *Report, mod *ast.Module, facts *parser.Facts, text []byte, starts []int32) {
	fs := parser.FeaturesFacts(mod, text, starts, facts)
	r.LowestVersion = versionName(parser.Lowest(fs))
	if len(fs) == 0 {
		return
	}
	r.VersionFeatures = make([]VersionFeature, len(fs))
	for i, f := range fs {
		r.VersionFeatures[i] = VersionFeature{Feature: f.Name, Version: versionName(f.Version),
			Line: int(f.Pos.Line), Col: int(f.Pos.Col)}
	}
}

// versionNames are "3.0" to "3.14", by minor version.
var versionNames = func() (n [parser.Latest + 1]string) {
	for i := range n {
		n[i] = "3." + strconv.Itoa(i)
	}
	return n
}()

// versionName is "3.N" (3.0 for Version 0).
func versionName(v parser.Version) string { return versionNames[v] }
