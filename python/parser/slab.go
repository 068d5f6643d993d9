package parser

import (
	"math/big"

	"github.com/pybatch/pybatch/python/ast"
)

// slab hands out *T from chunks, so that the many small nodes of a tree cost
// one allocation per chunk instead of one each. A chunk is sized by hint, the
// number of T the rest of the source is expected to need (from the average
// density of each node type in the standard library), so that little of the
// last chunk of a file is wasted. Chunks belong to one tree only: sharing a
// chunk between trees would chain their lifetimes.
type slab[T any] struct {
	buf []T
}

func (s *slab[T]) new(hint int) *T {
	if len(s.buf) == 0 {
		s.buf = make([]T, min(hint+4, 1024))
	}
	x := &s.buf[0]
	s.buf = s.buf[1:]
	return x
}

// slabs holds one slab per frequent node type.
type slabs struct {
	name      slab[ast.Name]
	constant  slab[ast.Constant]
	attribute slab[ast.Attribute]
	call      slab[ast.Call]
	subscript slab[ast.Subscript]
	binop     slab[ast.BinOp]
	keyword   slab[ast.Keyword]
	arg       slab[ast.Arg]
	exprStmt  slab[ast.ExprStmt]
	assign    slab[ast.Assign]
	tuple     slab[ast.Tuple]
	compare   slab[ast.Compare]
	unary     slab[ast.UnaryOp]
	bigint    slab[big.Int]

	exprBuf []ast.Expr
	words   []big.Word

	// remain is the number of source bytes not yet tokenized.
	remain int
}

// exprs returns a slice of n expressions carved from a shared chunk.
func (s *slabs) exprs(n int) []ast.Expr {
	if n > 64 {
		return make([]ast.Expr, n)
	}
	if len(s.exprBuf) < n {
		s.exprBuf = make([]ast.Expr, max(n, min(s.remain/16+16, 512)))
	}
	out := s.exprBuf[:n:n]
	s.exprBuf = s.exprBuf[n:]
	return out
}

// smallInt returns a *big.Int holding v without a separate allocation.
func (s *slabs) smallInt(v uint64) *big.Int {
	z := s.bigint.new(s.remain / 200)
	if v == 0 {
		return z
	}
	if len(s.words) == 0 {
		s.words = make([]big.Word, min(s.remain/200+4, 256))
	}
	w := s.words[:1:1]
	s.words = s.words[1:]
	w[0] = big.Word(v)
	return z.SetBits(w)
}
