package ast

// children calls yield for each direct child of n in ASDL field order and
// reports whether the iteration should continue.
func children(n Node, yield func(Node) bool) bool {
	switch n := n.(type) {
	case *Module:
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.TypeIgnores {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Interactive:
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Expression:
		if n.Body != nil && !yield(n.Body) {
			return false
		}
	case *FunctionType:
		for _, c := range n.Argtypes {
			if c != nil && !yield(c) {
				return false
			}
		}
		if n.Returns != nil && !yield(n.Returns) {
			return false
		}
	case *FunctionDef:
		if n.Args != nil && !yield(n.Args) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.DecoratorList {
			if c != nil && !yield(c) {
				return false
			}
		}
		if n.Returns != nil && !yield(n.Returns) {
			return false
		}
		for _, c := range n.TypeParams {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *AsyncFunctionDef:
		if n.Args != nil && !yield(n.Args) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.DecoratorList {
			if c != nil && !yield(c) {
				return false
			}
		}
		if n.Returns != nil && !yield(n.Returns) {
			return false
		}
		for _, c := range n.TypeParams {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *ClassDef:
		for _, c := range n.Bases {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Keywords {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.DecoratorList {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.TypeParams {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Return:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *Delete:
		for _, c := range n.Targets {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Assign:
		for _, c := range n.Targets {
			if c != nil && !yield(c) {
				return false
			}
		}
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *TypeAlias:
		if n.Name != nil && !yield(n.Name) {
			return false
		}
		for _, c := range n.TypeParams {
			if c != nil && !yield(c) {
				return false
			}
		}
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *AugAssign:
		if n.Target != nil && !yield(n.Target) {
			return false
		}
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *AnnAssign:
		if n.Target != nil && !yield(n.Target) {
			return false
		}
		if n.Annotation != nil && !yield(n.Annotation) {
			return false
		}
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *For:
		if n.Target != nil && !yield(n.Target) {
			return false
		}
		if n.Iter != nil && !yield(n.Iter) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Orelse {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *AsyncFor:
		if n.Target != nil && !yield(n.Target) {
			return false
		}
		if n.Iter != nil && !yield(n.Iter) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Orelse {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *While:
		if n.Test != nil && !yield(n.Test) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Orelse {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *If:
		if n.Test != nil && !yield(n.Test) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Orelse {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *With:
		for _, c := range n.Items {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *AsyncWith:
		for _, c := range n.Items {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Match:
		if n.Subject != nil && !yield(n.Subject) {
			return false
		}
		for _, c := range n.Cases {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Raise:
		if n.Exc != nil && !yield(n.Exc) {
			return false
		}
		if n.Cause != nil && !yield(n.Cause) {
			return false
		}
	case *Try:
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Handlers {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Orelse {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Finalbody {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *TryStar:
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Handlers {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Orelse {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Finalbody {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Assert:
		if n.Test != nil && !yield(n.Test) {
			return false
		}
		if n.Msg != nil && !yield(n.Msg) {
			return false
		}
	case *Import:
		for _, c := range n.Names {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *ImportFrom:
		for _, c := range n.Names {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *ExprStmt:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *BoolOp:
		for _, c := range n.Values {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *NamedExpr:
		if n.Target != nil && !yield(n.Target) {
			return false
		}
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *BinOp:
		if n.Left != nil && !yield(n.Left) {
			return false
		}
		if n.Right != nil && !yield(n.Right) {
			return false
		}
	case *UnaryOp:
		if n.Operand != nil && !yield(n.Operand) {
			return false
		}
	case *Lambda:
		if n.Args != nil && !yield(n.Args) {
			return false
		}
		if n.Body != nil && !yield(n.Body) {
			return false
		}
	case *IfExp:
		if n.Test != nil && !yield(n.Test) {
			return false
		}
		if n.Body != nil && !yield(n.Body) {
			return false
		}
		if n.Orelse != nil && !yield(n.Orelse) {
			return false
		}
	case *Dict:
		for _, c := range n.Keys {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Values {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Set:
		for _, c := range n.Elts {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *ListComp:
		if n.Elt != nil && !yield(n.Elt) {
			return false
		}
		for _, c := range n.Generators {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *SetComp:
		if n.Elt != nil && !yield(n.Elt) {
			return false
		}
		for _, c := range n.Generators {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *DictComp:
		if n.Key != nil && !yield(n.Key) {
			return false
		}
		if n.Value != nil && !yield(n.Value) {
			return false
		}
		for _, c := range n.Generators {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *GeneratorExp:
		if n.Elt != nil && !yield(n.Elt) {
			return false
		}
		for _, c := range n.Generators {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Await:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *Yield:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *YieldFrom:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *Compare:
		if n.Left != nil && !yield(n.Left) {
			return false
		}
		for _, c := range n.Comparators {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Call:
		if n.Func != nil && !yield(n.Func) {
			return false
		}
		for _, c := range n.Args {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Keywords {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *FormattedValue:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
		if n.FormatSpec != nil && !yield(n.FormatSpec) {
			return false
		}
	case *Interpolation:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
		if n.FormatSpec != nil && !yield(n.FormatSpec) {
			return false
		}
	case *JoinedStr:
		for _, c := range n.Values {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *TemplateStr:
		for _, c := range n.Values {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Attribute:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *Subscript:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
		if n.Slice != nil && !yield(n.Slice) {
			return false
		}
	case *Starred:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *List:
		for _, c := range n.Elts {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Tuple:
		for _, c := range n.Elts {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Slice:
		if n.Lower != nil && !yield(n.Lower) {
			return false
		}
		if n.Upper != nil && !yield(n.Upper) {
			return false
		}
		if n.Step != nil && !yield(n.Step) {
			return false
		}
	case *Comprehension:
		if n.Target != nil && !yield(n.Target) {
			return false
		}
		if n.Iter != nil && !yield(n.Iter) {
			return false
		}
		for _, c := range n.Ifs {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *ExceptHandler:
		if n.Type != nil && !yield(n.Type) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Arguments:
		for _, c := range n.Posonlyargs {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Args {
			if c != nil && !yield(c) {
				return false
			}
		}
		if n.Vararg != nil && !yield(n.Vararg) {
			return false
		}
		for _, c := range n.Kwonlyargs {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.KwDefaults {
			if c != nil && !yield(c) {
				return false
			}
		}
		if n.Kwarg != nil && !yield(n.Kwarg) {
			return false
		}
		for _, c := range n.Defaults {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *Arg:
		if n.Annotation != nil && !yield(n.Annotation) {
			return false
		}
	case *Keyword:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *WithItem:
		if n.ContextExpr != nil && !yield(n.ContextExpr) {
			return false
		}
		if n.OptionalVars != nil && !yield(n.OptionalVars) {
			return false
		}
	case *MatchCase:
		if n.Pattern != nil && !yield(n.Pattern) {
			return false
		}
		if n.Guard != nil && !yield(n.Guard) {
			return false
		}
		for _, c := range n.Body {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *MatchValue:
		if n.Value != nil && !yield(n.Value) {
			return false
		}
	case *MatchSequence:
		for _, c := range n.Patterns {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *MatchMapping:
		for _, c := range n.Keys {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.Patterns {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *MatchClass:
		if n.Cls != nil && !yield(n.Cls) {
			return false
		}
		for _, c := range n.Patterns {
			if c != nil && !yield(c) {
				return false
			}
		}
		for _, c := range n.KwdPatterns {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *MatchAs:
		if n.Pattern != nil && !yield(n.Pattern) {
			return false
		}
	case *MatchOr:
		for _, c := range n.Patterns {
			if c != nil && !yield(c) {
				return false
			}
		}
	case *TypeVar:
		if n.Bound != nil && !yield(n.Bound) {
			return false
		}
		if n.DefaultValue != nil && !yield(n.DefaultValue) {
			return false
		}
	case *ParamSpec:
		if n.DefaultValue != nil && !yield(n.DefaultValue) {
			return false
		}
	case *TypeVarTuple:
		if n.DefaultValue != nil && !yield(n.DefaultValue) {
			return false
		}
	}
	return true
}
