package parser

import (
	"math/big"
	"strings"
	"unsafe"

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
	arguments slab[ast.Arguments]
	bigint    slab[big.Int]

	exprBuf []ast.Expr
	stmtBuf []ast.Stmt
	argBuf  []*ast.Arg
	words   []big.Word
	strBuf  []byte // backing for the tree's copies of source text

	// remain is the number of source bytes not yet tokenized.
	remain int
}

// carve returns a slice of n elements cut from the chunk *buf, refilled
// with a chunk of max(n, chunk) elements when too short; a request over
// large gets its own allocation. The result's capacity is n, so an append
// to it never writes into the chunk.
func carve[T any](buf *[]T, n, large, chunk int) []T {
	if n > large {
		return make([]T, n)
	}
	if len(*buf) < n {
		*buf = make([]T, max(n, chunk))
	}
	out := (*buf)[:n:n]
	*buf = (*buf)[n:]
	return out
}

// exprs returns a slice of n expressions carved from a shared chunk.
func (s *slabs) exprs(n int) []ast.Expr {
	return carve(&s.exprBuf, n, 64, min(s.remain/16+16, 512))
}

// stmts returns a slice of n statements carved from a shared chunk.
func (s *slabs) stmts(n int) []ast.Stmt {
	return carve(&s.stmtBuf, n, 64, min(s.remain/67+8, 512))
}

// args returns a slice of n parameters carved from a shared chunk.
func (s *slabs) args(n int) []*ast.Arg {
	return carve(&s.argBuf, n, 32, min(s.remain/360+4, 256))
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

// str returns a copy of s. Short strings are carved from a chunk of this
// tree (one allocation for many identifiers), long ones get their own.
func (s *slabs) str(v string) string {
	if len(v) == 0 {
		return ""
	}
	if len(v) > 128 {
		return strings.Clone(v)
	}
	if len(s.strBuf) < len(v) {
		// Identifiers and short literals take about a tenth of the
		// source left; a chunk is at least 512 bytes, at most 8 KiB.
		s.strBuf = make([]byte, min(max(s.remain/10, 512), 8192))
	}
	n := copy(s.strBuf, v)
	// unsafe.String (a documented API, not a runtime layout) views the n
	// bytes just written as a string without a second copy. That is sound
	// because the bytes are never written again: strBuf moves past them and
	// no other reference to the chunk exists.
	out := unsafe.String(&s.strBuf[0], n)
	s.strBuf = s.strBuf[n:]
	return out
}

// internTable is an open-addressing set of the identifiers of one tree,
// keyed by their FNV-1a hash (cheaper than a map for these short keys).
type internTable struct {
	slots []internSlot // power-of-two length; s == "" means empty
	n     int
}

type internSlot struct {
	s string
	h uint32
}

// intern returns the tree's copy of s (whose hash is h), making it if new.
func (t *internTable) intern(s string, h uint32, sl *slabs) string {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &t.slots[i]
		if e.s == "" {
			v := sl.str(s)
			e.s, e.h = v, h
			t.n++
			return v
		}
		if e.h == h && e.s == s {
			return e.s
		}
	}
}

func (t *internTable) grow() {
	old := t.slots
	t.slots = make([]internSlot, max(2*len(old), 512))
	mask := uint32(len(t.slots) - 1)
	for _, e := range old {
		if e.s == "" {
			continue
		}
		i := e.h & mask
		for t.slots[i].s != "" {
			i = (i + 1) & mask
		}
		t.slots[i] = e
	}
}

// reset empties the table (dropping its references to the tree); a table
// grown large for one file is dropped rather than cleared for every later one.
func (t *internTable) reset() {
	if len(t.slots) > 1<<13 {
		t.slots = nil
	} else {
		clear(t.slots)
	}
	t.n = 0
}
