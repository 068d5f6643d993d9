package ast

// Module is the Python AST node ast.Module (a ModNode).
type Module struct {
	Body        []Stmt        `py:"body"`
	TypeIgnores []*TypeIgnore `py:"type_ignores"`
}

// PyName returns the Python class name, "Module".
func (*Module) PyName() string { return "Module" }

func (*Module) modNode() {}

// Interactive is the Python AST node ast.Interactive (a ModNode).
type Interactive struct {
	Body []Stmt `py:"body"`
}

// PyName returns the Python class name, "Interactive".
func (*Interactive) PyName() string { return "Interactive" }

func (*Interactive) modNode() {}

// Expression is the Python AST node ast.Expression (a ModNode).
type Expression struct {
	Body Expr `py:"body"`
}

// PyName returns the Python class name, "Expression".
func (*Expression) PyName() string { return "Expression" }

func (*Expression) modNode() {}

// FunctionType is the Python AST node ast.FunctionType (a ModNode).
type FunctionType struct {
	Argtypes []Expr `py:"argtypes"`
	Returns  Expr   `py:"returns"`
}

// PyName returns the Python class name, "FunctionType".
func (*FunctionType) PyName() string { return "FunctionType" }

func (*FunctionType) modNode() {}

// FunctionDef is the Python AST node ast.FunctionDef (a Stmt).
type FunctionDef struct {
	Loc
	Name          string      `py:"name"`
	Args          *Arguments  `py:"args"`
	Body          []Stmt      `py:"body"`
	DecoratorList []Expr      `py:"decorator_list"`
	Returns       Expr        `py:"returns"`
	TypeComment   string      `py:"type_comment"`
	TypeParams    []TypeParam `py:"type_params"`
}

// PyName returns the Python class name, "FunctionDef".
func (*FunctionDef) PyName() string { return "FunctionDef" }

func (*FunctionDef) stmtNode() {}

// AsyncFunctionDef is the Python AST node ast.AsyncFunctionDef (a Stmt).
type AsyncFunctionDef struct {
	Loc
	Name          string      `py:"name"`
	Args          *Arguments  `py:"args"`
	Body          []Stmt      `py:"body"`
	DecoratorList []Expr      `py:"decorator_list"`
	Returns       Expr        `py:"returns"`
	TypeComment   string      `py:"type_comment"`
	TypeParams    []TypeParam `py:"type_params"`
}

// PyName returns the Python class name, "AsyncFunctionDef".
func (*AsyncFunctionDef) PyName() string { return "AsyncFunctionDef" }

func (*AsyncFunctionDef) stmtNode() {}

// ClassDef is the Python AST node ast.ClassDef (a Stmt).
type ClassDef struct {
	Loc
	Name          string      `py:"name"`
	Bases         []Expr      `py:"bases"`
	Keywords      []*Keyword  `py:"keywords"`
	Body          []Stmt      `py:"body"`
	DecoratorList []Expr      `py:"decorator_list"`
	TypeParams    []TypeParam `py:"type_params"`
}

// PyName returns the Python class name, "ClassDef".
func (*ClassDef) PyName() string { return "ClassDef" }

func (*ClassDef) stmtNode() {}

// Return is the Python AST node ast.Return (a Stmt).
type Return struct {
	Loc
	Value Expr `py:"value"`
}

// PyName returns the Python class name, "Return".
func (*Return) PyName() string { return "Return" }

func (*Return) stmtNode() {}

// Delete is the Python AST node ast.Delete (a Stmt).
type Delete struct {
	Loc
	Targets []Expr `py:"targets"`
}

// PyName returns the Python class name, "Delete".
func (*Delete) PyName() string { return "Delete" }

func (*Delete) stmtNode() {}

// Assign is the Python AST node ast.Assign (a Stmt).
type Assign struct {
	Loc
	Targets     []Expr `py:"targets"`
	Value       Expr   `py:"value"`
	TypeComment string `py:"type_comment"`
}

// PyName returns the Python class name, "Assign".
func (*Assign) PyName() string { return "Assign" }

func (*Assign) stmtNode() {}

// TypeAlias is the Python AST node ast.TypeAlias (a Stmt).
type TypeAlias struct {
	Loc
	Name       Expr        `py:"name"`
	TypeParams []TypeParam `py:"type_params"`
	Value      Expr        `py:"value"`
}

// PyName returns the Python class name, "TypeAlias".
func (*TypeAlias) PyName() string { return "TypeAlias" }

func (*TypeAlias) stmtNode() {}

// AugAssign is the Python AST node ast.AugAssign (a Stmt).
type AugAssign struct {
	Loc
	Target Expr     `py:"target"`
	Op     Operator `py:"op"`
	Value  Expr     `py:"value"`
}

// PyName returns the Python class name, "AugAssign".
func (*AugAssign) PyName() string { return "AugAssign" }

func (*AugAssign) stmtNode() {}

// AnnAssign is the Python AST node ast.AnnAssign (a Stmt).
type AnnAssign struct {
	Loc
	Target     Expr `py:"target"`
	Annotation Expr `py:"annotation"`
	Value      Expr `py:"value"`
	Simple     int  `py:"simple"`
}

// PyName returns the Python class name, "AnnAssign".
func (*AnnAssign) PyName() string { return "AnnAssign" }

func (*AnnAssign) stmtNode() {}

// For is the Python AST node ast.For (a Stmt).
type For struct {
	Loc
	Target      Expr   `py:"target"`
	Iter        Expr   `py:"iter"`
	Body        []Stmt `py:"body"`
	Orelse      []Stmt `py:"orelse"`
	TypeComment string `py:"type_comment"`
}

// PyName returns the Python class name, "For".
func (*For) PyName() string { return "For" }

func (*For) stmtNode() {}

// AsyncFor is the Python AST node ast.AsyncFor (a Stmt).
type AsyncFor struct {
	Loc
	Target      Expr   `py:"target"`
	Iter        Expr   `py:"iter"`
	Body        []Stmt `py:"body"`
	Orelse      []Stmt `py:"orelse"`
	TypeComment string `py:"type_comment"`
}

// PyName returns the Python class name, "AsyncFor".
func (*AsyncFor) PyName() string { return "AsyncFor" }

func (*AsyncFor) stmtNode() {}

// While is the Python AST node ast.While (a Stmt).
type While struct {
	Loc
	Test   Expr   `py:"test"`
	Body   []Stmt `py:"body"`
	Orelse []Stmt `py:"orelse"`
}

// PyName returns the Python class name, "While".
func (*While) PyName() string { return "While" }

func (*While) stmtNode() {}

// If is the Python AST node ast.If (a Stmt).
type If struct {
	Loc
	Test   Expr   `py:"test"`
	Body   []Stmt `py:"body"`
	Orelse []Stmt `py:"orelse"`
}

// PyName returns the Python class name, "If".
func (*If) PyName() string { return "If" }

func (*If) stmtNode() {}

// With is the Python AST node ast.With (a Stmt).
type With struct {
	Loc
	Items       []*WithItem `py:"items"`
	Body        []Stmt      `py:"body"`
	TypeComment string      `py:"type_comment"`
}

// PyName returns the Python class name, "With".
func (*With) PyName() string { return "With" }

func (*With) stmtNode() {}

// AsyncWith is the Python AST node ast.AsyncWith (a Stmt).
type AsyncWith struct {
	Loc
	Items       []*WithItem `py:"items"`
	Body        []Stmt      `py:"body"`
	TypeComment string      `py:"type_comment"`
}

// PyName returns the Python class name, "AsyncWith".
func (*AsyncWith) PyName() string { return "AsyncWith" }

func (*AsyncWith) stmtNode() {}

// Match is the Python AST node ast.Match (a Stmt).
type Match struct {
	Loc
	Subject Expr         `py:"subject"`
	Cases   []*MatchCase `py:"cases"`
}

// PyName returns the Python class name, "Match".
func (*Match) PyName() string { return "Match" }

func (*Match) stmtNode() {}

// Raise is the Python AST node ast.Raise (a Stmt).
type Raise struct {
	Loc
	Exc   Expr `py:"exc"`
	Cause Expr `py:"cause"`
}

// PyName returns the Python class name, "Raise".
func (*Raise) PyName() string { return "Raise" }

func (*Raise) stmtNode() {}

// Try is the Python AST node ast.Try (a Stmt).
type Try struct {
	Loc
	Body      []Stmt           `py:"body"`
	Handlers  []*ExceptHandler `py:"handlers"`
	Orelse    []Stmt           `py:"orelse"`
	Finalbody []Stmt           `py:"finalbody"`
}

// PyName returns the Python class name, "Try".
func (*Try) PyName() string { return "Try" }

func (*Try) stmtNode() {}

// TryStar is the Python AST node ast.TryStar (a Stmt).
type TryStar struct {
	Loc
	Body      []Stmt           `py:"body"`
	Handlers  []*ExceptHandler `py:"handlers"`
	Orelse    []Stmt           `py:"orelse"`
	Finalbody []Stmt           `py:"finalbody"`
}

// PyName returns the Python class name, "TryStar".
func (*TryStar) PyName() string { return "TryStar" }

func (*TryStar) stmtNode() {}

// Assert is the Python AST node ast.Assert (a Stmt).
type Assert struct {
	Loc
	Test Expr `py:"test"`
	Msg  Expr `py:"msg"`
}

// PyName returns the Python class name, "Assert".
func (*Assert) PyName() string { return "Assert" }

func (*Assert) stmtNode() {}

// Import is the Python AST node ast.Import (a Stmt).
type Import struct {
	Loc
	Names []*Alias `py:"names"`
}

// PyName returns the Python class name, "Import".
func (*Import) PyName() string { return "Import" }

func (*Import) stmtNode() {}

// ImportFrom is the Python AST node ast.ImportFrom (a Stmt).
type ImportFrom struct {
	Loc
	Module string   `py:"module"`
	Names  []*Alias `py:"names"`
	Level  int      `py:"level"`
}

// PyName returns the Python class name, "ImportFrom".
func (*ImportFrom) PyName() string { return "ImportFrom" }

func (*ImportFrom) stmtNode() {}

// Global is the Python AST node ast.Global (a Stmt).
type Global struct {
	Loc
	Names []string `py:"names"`
}

// PyName returns the Python class name, "Global".
func (*Global) PyName() string { return "Global" }

func (*Global) stmtNode() {}

// Nonlocal is the Python AST node ast.Nonlocal (a Stmt).
type Nonlocal struct {
	Loc
	Names []string `py:"names"`
}

// PyName returns the Python class name, "Nonlocal".
func (*Nonlocal) PyName() string { return "Nonlocal" }

func (*Nonlocal) stmtNode() {}

// ExprStmt is the Python AST node ast.Expr (a Stmt).
type ExprStmt struct {
	Loc
	Value Expr `py:"value"`
}

// PyName returns the Python class name, "Expr".
func (*ExprStmt) PyName() string { return "Expr" }

func (*ExprStmt) stmtNode() {}

// Pass is the Python AST node ast.Pass (a Stmt).
type Pass struct {
	Loc
}

// PyName returns the Python class name, "Pass".
func (*Pass) PyName() string { return "Pass" }

func (*Pass) stmtNode() {}

// Break is the Python AST node ast.Break (a Stmt).
type Break struct {
	Loc
}

// PyName returns the Python class name, "Break".
func (*Break) PyName() string { return "Break" }

func (*Break) stmtNode() {}

// Continue is the Python AST node ast.Continue (a Stmt).
type Continue struct {
	Loc
}

// PyName returns the Python class name, "Continue".
func (*Continue) PyName() string { return "Continue" }

func (*Continue) stmtNode() {}

// BoolOp is the Python AST node ast.BoolOp (a Expr).
type BoolOp struct {
	Loc
	Op     BoolOperator `py:"op"`
	Values []Expr       `py:"values"`
}

// PyName returns the Python class name, "BoolOp".
func (*BoolOp) PyName() string { return "BoolOp" }

func (*BoolOp) exprNode() {}

// NamedExpr is the Python AST node ast.NamedExpr (a Expr).
type NamedExpr struct {
	Loc
	Target Expr `py:"target"`
	Value  Expr `py:"value"`
}

// PyName returns the Python class name, "NamedExpr".
func (*NamedExpr) PyName() string { return "NamedExpr" }

func (*NamedExpr) exprNode() {}

// BinOp is the Python AST node ast.BinOp (a Expr).
type BinOp struct {
	Loc
	Left  Expr     `py:"left"`
	Op    Operator `py:"op"`
	Right Expr     `py:"right"`
}

// PyName returns the Python class name, "BinOp".
func (*BinOp) PyName() string { return "BinOp" }

func (*BinOp) exprNode() {}

// UnaryOp is the Python AST node ast.UnaryOp (a Expr).
type UnaryOp struct {
	Loc
	Op      UnaryOperator `py:"op"`
	Operand Expr          `py:"operand"`
}

// PyName returns the Python class name, "UnaryOp".
func (*UnaryOp) PyName() string { return "UnaryOp" }

func (*UnaryOp) exprNode() {}

// Lambda is the Python AST node ast.Lambda (a Expr).
type Lambda struct {
	Loc
	Args *Arguments `py:"args"`
	Body Expr       `py:"body"`
}

// PyName returns the Python class name, "Lambda".
func (*Lambda) PyName() string { return "Lambda" }

func (*Lambda) exprNode() {}

// IfExp is the Python AST node ast.IfExp (a Expr).
type IfExp struct {
	Loc
	Test   Expr `py:"test"`
	Body   Expr `py:"body"`
	Orelse Expr `py:"orelse"`
}

// PyName returns the Python class name, "IfExp".
func (*IfExp) PyName() string { return "IfExp" }

func (*IfExp) exprNode() {}

// Dict is the Python AST node ast.Dict (a Expr).
type Dict struct {
	Loc
	Keys   []Expr `py:"keys"`
	Values []Expr `py:"values"`
}

// PyName returns the Python class name, "Dict".
func (*Dict) PyName() string { return "Dict" }

func (*Dict) exprNode() {}

// Set is the Python AST node ast.Set (a Expr).
type Set struct {
	Loc
	Elts []Expr `py:"elts"`
}

// PyName returns the Python class name, "Set".
func (*Set) PyName() string { return "Set" }

func (*Set) exprNode() {}

// ListComp is the Python AST node ast.ListComp (a Expr).
type ListComp struct {
	Loc
	Elt        Expr             `py:"elt"`
	Generators []*Comprehension `py:"generators"`
}

// PyName returns the Python class name, "ListComp".
func (*ListComp) PyName() string { return "ListComp" }

func (*ListComp) exprNode() {}

// SetComp is the Python AST node ast.SetComp (a Expr).
type SetComp struct {
	Loc
	Elt        Expr             `py:"elt"`
	Generators []*Comprehension `py:"generators"`
}

// PyName returns the Python class name, "SetComp".
func (*SetComp) PyName() string { return "SetComp" }

func (*SetComp) exprNode() {}

// DictComp is the Python AST node ast.DictComp (a Expr).
type DictComp struct {
	Loc
	Key        Expr             `py:"key"`
	Value      Expr             `py:"value"`
	Generators []*Comprehension `py:"generators"`
}

// PyName returns the Python class name, "DictComp".
func (*DictComp) PyName() string { return "DictComp" }

func (*DictComp) exprNode() {}

// GeneratorExp is the Python AST node ast.GeneratorExp (a Expr).
type GeneratorExp struct {
	Loc
	Elt        Expr             `py:"elt"`
	Generators []*Comprehension `py:"generators"`
}

// PyName returns the Python class name, "GeneratorExp".
func (*GeneratorExp) PyName() string { return "GeneratorExp" }

func (*GeneratorExp) exprNode() {}

// Await is the Python AST node ast.Await (a Expr).
type Await struct {
	Loc
	Value Expr `py:"value"`
}

// PyName returns the Python class name, "Await".
func (*Await) PyName() string { return "Await" }

func (*Await) exprNode() {}

// Yield is the Python AST node ast.Yield (a Expr).
type Yield struct {
	Loc
	Value Expr `py:"value"`
}

// PyName returns the Python class name, "Yield".
func (*Yield) PyName() string { return "Yield" }

func (*Yield) exprNode() {}

// YieldFrom is the Python AST node ast.YieldFrom (a Expr).
type YieldFrom struct {
	Loc
	Value Expr `py:"value"`
}

// PyName returns the Python class name, "YieldFrom".
func (*YieldFrom) PyName() string { return "YieldFrom" }

func (*YieldFrom) exprNode() {}

// Compare is the Python AST node ast.Compare (a Expr).
type Compare struct {
	Loc
	Left        Expr    `py:"left"`
	Ops         []CmpOp `py:"ops"`
	Comparators []Expr  `py:"comparators"`
}

// PyName returns the Python class name, "Compare".
func (*Compare) PyName() string { return "Compare" }

func (*Compare) exprNode() {}

// Call is the Python AST node ast.Call (a Expr).
type Call struct {
	Loc
	Func     Expr       `py:"func"`
	Args     []Expr     `py:"args"`
	Keywords []*Keyword `py:"keywords"`
}

// PyName returns the Python class name, "Call".
func (*Call) PyName() string { return "Call" }

func (*Call) exprNode() {}

// FormattedValue is the Python AST node ast.FormattedValue (a Expr).
type FormattedValue struct {
	Loc
	Value      Expr `py:"value"`
	Conversion int  `py:"conversion"`
	FormatSpec Expr `py:"format_spec"`
}

// PyName returns the Python class name, "FormattedValue".
func (*FormattedValue) PyName() string { return "FormattedValue" }

func (*FormattedValue) exprNode() {}

// Interpolation is the Python AST node ast.Interpolation (a Expr).
type Interpolation struct {
	Loc
	Value      Expr `py:"value"`
	Str        any  `py:"str"`
	Conversion int  `py:"conversion"`
	FormatSpec Expr `py:"format_spec"`
}

// PyName returns the Python class name, "Interpolation".
func (*Interpolation) PyName() string { return "Interpolation" }

func (*Interpolation) exprNode() {}

// JoinedStr is the Python AST node ast.JoinedStr (a Expr).
type JoinedStr struct {
	Loc
	Values []Expr `py:"values"`
}

// PyName returns the Python class name, "JoinedStr".
func (*JoinedStr) PyName() string { return "JoinedStr" }

func (*JoinedStr) exprNode() {}

// TemplateStr is the Python AST node ast.TemplateStr (a Expr).
type TemplateStr struct {
	Loc
	Values []Expr `py:"values"`
}

// PyName returns the Python class name, "TemplateStr".
func (*TemplateStr) PyName() string { return "TemplateStr" }

func (*TemplateStr) exprNode() {}

// Constant is the Python AST node ast.Constant (a Expr).
type Constant struct {
	Loc
	Value any    `py:"value"`
	Kind  string `py:"kind"`
}

// PyName returns the Python class name, "Constant".
func (*Constant) PyName() string { return "Constant" }

func (*Constant) exprNode() {}

// Attribute is the Python AST node ast.Attribute (a Expr).
type Attribute struct {
	Loc
	Value Expr        `py:"value"`
	Attr  string      `py:"attr"`
	Ctx   ExprContext `py:"ctx"`
}

// PyName returns the Python class name, "Attribute".
func (*Attribute) PyName() string { return "Attribute" }

func (*Attribute) exprNode() {}

// Subscript is the Python AST node ast.Subscript (a Expr).
type Subscript struct {
	Loc
	Value Expr        `py:"value"`
	Slice Expr        `py:"slice"`
	Ctx   ExprContext `py:"ctx"`
}

// PyName returns the Python class name, "Subscript".
func (*Subscript) PyName() string { return "Subscript" }

func (*Subscript) exprNode() {}

// Starred is the Python AST node ast.Starred (a Expr).
type Starred struct {
	Loc
	Value Expr        `py:"value"`
	Ctx   ExprContext `py:"ctx"`
}

// PyName returns the Python class name, "Starred".
func (*Starred) PyName() string { return "Starred" }

func (*Starred) exprNode() {}

// Name is the Python AST node ast.Name (a Expr).
type Name struct {
	Loc
	Id  string      `py:"id"`
	Ctx ExprContext `py:"ctx"`
}

// PyName returns the Python class name, "Name".
func (*Name) PyName() string { return "Name" }

func (*Name) exprNode() {}

// List is the Python AST node ast.List (a Expr).
type List struct {
	Loc
	Elts []Expr      `py:"elts"`
	Ctx  ExprContext `py:"ctx"`
}

// PyName returns the Python class name, "List".
func (*List) PyName() string { return "List" }

func (*List) exprNode() {}

// Tuple is the Python AST node ast.Tuple (a Expr).
type Tuple struct {
	Loc
	Elts []Expr      `py:"elts"`
	Ctx  ExprContext `py:"ctx"`
}

// PyName returns the Python class name, "Tuple".
func (*Tuple) PyName() string { return "Tuple" }

func (*Tuple) exprNode() {}

// Slice is the Python AST node ast.Slice (a Expr).
type Slice struct {
	Loc
	Lower Expr `py:"lower"`
	Upper Expr `py:"upper"`
	Step  Expr `py:"step"`
}

// PyName returns the Python class name, "Slice".
func (*Slice) PyName() string { return "Slice" }

func (*Slice) exprNode() {}

// Comprehension is the Python AST node ast.comprehension.
type Comprehension struct {
	Target  Expr   `py:"target"`
	Iter    Expr   `py:"iter"`
	Ifs     []Expr `py:"ifs"`
	IsAsync int    `py:"is_async"`
}

// PyName returns the Python class name, "comprehension".
func (*Comprehension) PyName() string { return "comprehension" }

// ExceptHandler is the Python AST node ast.ExceptHandler.
type ExceptHandler struct {
	Loc
	Type Expr   `py:"type"`
	Name string `py:"name"`
	Body []Stmt `py:"body"`
}

// PyName returns the Python class name, "ExceptHandler".
func (*ExceptHandler) PyName() string { return "ExceptHandler" }

// Arguments is the Python AST node ast.arguments.
type Arguments struct {
	Posonlyargs []*Arg `py:"posonlyargs"`
	Args        []*Arg `py:"args"`
	Vararg      *Arg   `py:"vararg"`
	Kwonlyargs  []*Arg `py:"kwonlyargs"`
	KwDefaults  []Expr `py:"kw_defaults"`
	Kwarg       *Arg   `py:"kwarg"`
	Defaults    []Expr `py:"defaults"`
}

// PyName returns the Python class name, "arguments".
func (*Arguments) PyName() string { return "arguments" }

// Arg is the Python AST node ast.arg.
type Arg struct {
	Loc
	Arg         string `py:"arg"`
	Annotation  Expr   `py:"annotation"`
	TypeComment string `py:"type_comment"`
}

// PyName returns the Python class name, "arg".
func (*Arg) PyName() string { return "arg" }

// Keyword is the Python AST node ast.keyword.
type Keyword struct {
	Loc
	Arg   string `py:"arg"`
	Value Expr   `py:"value"`
}

// PyName returns the Python class name, "keyword".
func (*Keyword) PyName() string { return "keyword" }

// Alias is the Python AST node ast.alias.
type Alias struct {
	Loc
	Name   string `py:"name"`
	Asname string `py:"asname"`
}

// PyName returns the Python class name, "alias".
func (*Alias) PyName() string { return "alias" }

// WithItem is the Python AST node ast.withitem.
type WithItem struct {
	ContextExpr  Expr `py:"context_expr"`
	OptionalVars Expr `py:"optional_vars"`
}

// PyName returns the Python class name, "withitem".
func (*WithItem) PyName() string { return "withitem" }

// MatchCase is the Python AST node ast.match_case.
type MatchCase struct {
	Pattern Pattern `py:"pattern"`
	Guard   Expr    `py:"guard"`
	Body    []Stmt  `py:"body"`
}

// PyName returns the Python class name, "match_case".
func (*MatchCase) PyName() string { return "match_case" }

// MatchValue is the Python AST node ast.MatchValue (a Pattern).
type MatchValue struct {
	Loc
	Value Expr `py:"value"`
}

// PyName returns the Python class name, "MatchValue".
func (*MatchValue) PyName() string { return "MatchValue" }

func (*MatchValue) patternNode() {}

// MatchSingleton is the Python AST node ast.MatchSingleton (a Pattern).
type MatchSingleton struct {
	Loc
	Value any `py:"value"`
}

// PyName returns the Python class name, "MatchSingleton".
func (*MatchSingleton) PyName() string { return "MatchSingleton" }

func (*MatchSingleton) patternNode() {}

// MatchSequence is the Python AST node ast.MatchSequence (a Pattern).
type MatchSequence struct {
	Loc
	Patterns []Pattern `py:"patterns"`
}

// PyName returns the Python class name, "MatchSequence".
func (*MatchSequence) PyName() string { return "MatchSequence" }

func (*MatchSequence) patternNode() {}

// MatchMapping is the Python AST node ast.MatchMapping (a Pattern).
type MatchMapping struct {
	Loc
	Keys     []Expr    `py:"keys"`
	Patterns []Pattern `py:"patterns"`
	Rest     string    `py:"rest"`
}

// PyName returns the Python class name, "MatchMapping".
func (*MatchMapping) PyName() string { return "MatchMapping" }

func (*MatchMapping) patternNode() {}

// MatchClass is the Python AST node ast.MatchClass (a Pattern).
type MatchClass struct {
	Loc
	Cls         Expr      `py:"cls"`
	Patterns    []Pattern `py:"patterns"`
	KwdAttrs    []string  `py:"kwd_attrs"`
	KwdPatterns []Pattern `py:"kwd_patterns"`
}

// PyName returns the Python class name, "MatchClass".
func (*MatchClass) PyName() string { return "MatchClass" }

func (*MatchClass) patternNode() {}

// MatchStar is the Python AST node ast.MatchStar (a Pattern).
type MatchStar struct {
	Loc
	Name string `py:"name"`
}

// PyName returns the Python class name, "MatchStar".
func (*MatchStar) PyName() string { return "MatchStar" }

func (*MatchStar) patternNode() {}

// MatchAs is the Python AST node ast.MatchAs (a Pattern).
type MatchAs struct {
	Loc
	Pattern Pattern `py:"pattern"`
	Name    string  `py:"name"`
}

// PyName returns the Python class name, "MatchAs".
func (*MatchAs) PyName() string { return "MatchAs" }

func (*MatchAs) patternNode() {}

// MatchOr is the Python AST node ast.MatchOr (a Pattern).
type MatchOr struct {
	Loc
	Patterns []Pattern `py:"patterns"`
}

// PyName returns the Python class name, "MatchOr".
func (*MatchOr) PyName() string { return "MatchOr" }

func (*MatchOr) patternNode() {}

// TypeIgnore is the Python AST node ast.TypeIgnore.
type TypeIgnore struct {
	Lineno int    `py:"lineno"`
	Tag    string `py:"tag"`
}

// PyName returns the Python class name, "TypeIgnore".
func (*TypeIgnore) PyName() string { return "TypeIgnore" }

// TypeVar is the Python AST node ast.TypeVar (a TypeParam).
type TypeVar struct {
	Loc
	Name         string `py:"name"`
	Bound        Expr   `py:"bound"`
	DefaultValue Expr   `py:"default_value"`
}

// PyName returns the Python class name, "TypeVar".
func (*TypeVar) PyName() string { return "TypeVar" }

func (*TypeVar) typeparamNode() {}

// ParamSpec is the Python AST node ast.ParamSpec (a TypeParam).
type ParamSpec struct {
	Loc
	Name         string `py:"name"`
	DefaultValue Expr   `py:"default_value"`
}

// PyName returns the Python class name, "ParamSpec".
func (*ParamSpec) PyName() string { return "ParamSpec" }

func (*ParamSpec) typeparamNode() {}

// TypeVarTuple is the Python AST node ast.TypeVarTuple (a TypeParam).
type TypeVarTuple struct {
	Loc
	Name         string `py:"name"`
	DefaultValue Expr   `py:"default_value"`
}

// PyName returns the Python class name, "TypeVarTuple".
func (*TypeVarTuple) PyName() string { return "TypeVarTuple" }

func (*TypeVarTuple) typeparamNode() {}
