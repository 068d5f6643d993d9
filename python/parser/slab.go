package parser

import (
	"math/big"

	"github.com/pybatch/pybatch/python/ast"
)

// slab hands out *T from chunks, so that the many small nodes of a tree cost
// one allocation per chunk instead of one each.
type slab[T any] struct {
	buf []T
	n   int // size of the next chunk
}

func (s *slab[T]) new() *T {
	if len(s.buf) == 0 {
		if s.n < 16 {
			s.n = 16
		} else if s.n < 1024 {
			s.n *= 2
		}
		s.buf = make([]T, s.n)
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
}

// exprs returns a slice of n expressions carved from a shared chunk.
func (s *slabs) exprs(n int) []ast.Expr {
	if n > 64 {
		return make([]ast.Expr, n)
	}
	if len(s.exprBuf) < n {
		s.exprBuf = make([]ast.Expr, 256)
	}
	out := s.exprBuf[:n:n]
	s.exprBuf = s.exprBuf[n:]
	return out
}

// smallInt returns a *big.Int holding v without a separate allocation.
func (s *slabs) smallInt(v uint64) *big.Int {
	z := s.bigint.new()
	if v == 0 {
		return z
	}
	if len(s.words) == 0 {
		s.words = make([]big.Word, 256)
	}
	w := s.words[:1:1]
	s.words = s.words[1:]
	w[0] = big.Word(v)
	return z.SetBits(w)
}
