// Package ast declares the node types of Python's abstract syntax tree exactly as
// CPython 3.14 defines them in Parser/Python.asdl, so that a tree built by
// package python/parser dumps byte-for-byte like CPython's ast.dump.
//
// Conventions:
//   - One Go struct per ASDL constructor, fields in ASDL order, each tagged
//     `py:"asdl_field_name"`. The statement ast.Expr is ExprStmt (the name Expr is
//     the expression interface).
//   - Sum types are interfaces: ModNode, Stmt, Expr, Pattern, TypeParam. The sum types
//     excepthandler and type_ignore have a single constructor each and are used
//     directly as *ExceptHandler and *TypeIgnore (an interface of the same name
//     as its only constructor is impossible in Go).
//   - Nodes with ASDL attributes embed Loc: lineno, col_offset, end_lineno,
//     end_col_offset as CPython computes them (lines 1-based, columns 0-based in
//     UTF-8 bytes).
//   - Optional identifiers and strings (identifier?, string?) are "" when absent
//     (None in Python); a Python identifier is never empty. Optional nodes are nil.
//     Dict.Keys holds nil for a `**mapping` entry, as CPython's list holds None.
//   - Constant values (Constant.Value, MatchSingleton.Value, Interpolation.Str)
//     hold exactly one of: None{}, Ellipsis{}, bool, *big.Int, float64,
//     complex128, Str, Bytes.
//
// The types are written by hand (from the ASDL) instead of generated at build
// time because the ASDL changes rarely and reading the Go is what users do.
package ast

import "iter"

// Node is any AST node. PyName returns the node's Python class name.
type Node interface {
	PyName() string
}

// Loc holds the position attributes of a node: CPython's lineno, col_offset,
// end_lineno and end_col_offset (columns in UTF-8 bytes, 0-based).
type Loc struct {
	Lineno       int32 `py:"lineno"`
	ColOffset    int32 `py:"col_offset"`
	EndLineno    int32 `py:"end_lineno"`
	EndColOffset int32 `py:"end_col_offset"`
}

// Location returns the node's position attributes; it is promoted to every node
// that embeds Loc.
func (l *Loc) Location() *Loc { return l }

// Located is a node with position attributes.
type Located interface {
	Node
	Location() *Loc
}

// ModNode is a module node: *Module, *Interactive, *Expression or *FunctionType.
type ModNode interface {
	Node
	modNode()
}

// Stmt is a statement node.
type Stmt interface {
	Located
	stmtNode()
}

// Expr is an expression node.
type Expr interface {
	Located
	exprNode()
}

// Pattern is a match-statement pattern node.
type Pattern interface {
	Located
	patternNode()
}

// TypeParam is a type parameter node (PEP 695): *TypeVar, *ParamSpec or *TypeVarTuple.
type TypeParam interface {
	Located
	typeparamNode()
}

// None is the constant None.
type None struct{}

// Ellipsis is the constant `...`.
type Ellipsis struct{}

// Str is a str constant. It holds WTF-8: valid UTF-8 except that lone surrogates
// (from escapes such as "\ud800") are encoded as 3-byte sequences, so they survive.
type Str string

// Bytes is a bytes constant.
type Bytes []byte

// ExprContext is the expr_context enum: Load, Store or Del.
type ExprContext uint8

// The expr_context values.
const (
	Load ExprContext = iota
	Store
	Del
)

var exprContextNames = [...]string{"Load", "Store", "Del"}

// String returns the Python class name ("Load", "Store", "Del").
func (c ExprContext) String() string { return enumName(exprContextNames[:], int(c)) }

// BoolOperator is the boolop enum: And or Or.
type BoolOperator uint8

// The boolop values.
const (
	And BoolOperator = iota
	Or
)

var boolOpNames = [...]string{"And", "Or"}

// String returns the Python class name.
func (o BoolOperator) String() string { return enumName(boolOpNames[:], int(o)) }

// Operator is the binary operator enum.
type Operator uint8

// The operator values, in ASDL order.
const (
	Add Operator = iota
	Sub
	Mult
	MatMult
	Div
	Mod
	Pow
	LShift
	RShift
	BitOr
	BitXor
	BitAnd
	FloorDiv
)

var operatorNames = [...]string{"Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow", "LShift", "RShift", "BitOr", "BitXor", "BitAnd", "FloorDiv"}

// String returns the Python class name.
func (o Operator) String() string { return enumName(operatorNames[:], int(o)) }

// UnaryOperator is the unaryop enum.
type UnaryOperator uint8

// The unaryop values.
const (
	Invert UnaryOperator = iota
	Not
	UAdd
	USub
)

var unaryOpNames = [...]string{"Invert", "Not", "UAdd", "USub"}

// String returns the Python class name.
func (o UnaryOperator) String() string { return enumName(unaryOpNames[:], int(o)) }

// CmpOp is the cmpop enum.
type CmpOp uint8

// The cmpop values.
const (
	Eq CmpOp = iota
	NotEq
	Lt
	LtE
	Gt
	GtE
	Is
	IsNot
	In
	NotIn
)

var cmpOpNames = [...]string{"Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn"}

// String returns the Python class name.
func (o CmpOp) String() string { return enumName(cmpOpNames[:], int(o)) }

func enumName(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return "?"
}

// Conversion values of FormattedValue.Conversion and Interpolation.Conversion:
// -1 for none, else the character code of 's', 'r' or 'a'.
const NoConversion = -1

//go:generate go run gen_walk.go

// Children returns an iterator over n's direct child nodes in ASDL field order.
// Nil optional children are skipped; enums, identifiers and constants are not nodes.
func Children(n Node) iter.Seq[Node] {
	return func(yield func(Node) bool) { children(n, yield) }
}

// EachChild calls f for each direct child of n in ASDL field order, as
// Children yields them, until f returns false; it reports whether every
// call returned true. A walk that keeps one f allocates nothing per node.
func EachChild(n Node, f func(Node) bool) bool { return children(n, f) }

// Preorder returns an iterator over n and all its descendants, depth first,
// parents before children. Stopping the iteration early is cheap.
func Preorder(n Node) iter.Seq[Node] {
	return func(yield func(Node) bool) {
		var visit func(Node) bool
		visit = func(n Node) bool {
			if !yield(n) {
				return false
			}
			return children(n, visit)
		}
		visit(n)
	}
}

// Inspect traverses the tree rooted at n depth first, calling f for each node;
// when f returns false the node's children are skipped.
func Inspect(n Node, f func(Node) bool) {
	var visit func(Node) bool
	visit = func(n Node) bool {
		if f(n) {
			children(n, visit)
		}
		return true
	}
	visit(n)
}
