package parser

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/pybatch/pybatch/python/ast"
)

// number converts a NUMBER token to a Constant: *big.Int for integers,
// float64 for floats, complex128 for imaginary literals.
func (p *parser) number(t tok) ast.Expr {
	c := p.slabs.constant.new(p.slabs.remain / 120)
	c.Loc = tokLoc(t)
	text := p.srcStr[t.off:t.eoff]
	if strings.IndexByte(text, '_') >= 0 {
		p.trigger(t.start)
		text = strings.ReplaceAll(text, "_", "")
	}
	last := text[len(text)-1]
	if last == 'j' || last == 'J' {
		f := parseFloat(text[:len(text)-1])
		c.Value = complex(0, f)
		return c
	}
	base := 10
	digits := text
	if len(text) > 1 && text[0] == '0' {
		switch text[1] {
		case 'x', 'X':
			base, digits = 16, text[2:]
		case 'o', 'O':
			base, digits = 8, text[2:]
		case 'b', 'B':
			base, digits = 2, text[2:]
		}
	}
	if base == 10 && strings.ContainsAny(text, ".eE") {
		c.Value = parseFloat(text)
		return c
	}
	if v, err := strconv.ParseUint(digits, base, 64); err == nil && v <= uint64(^uint(0)) {
		c.Value = p.slabs.smallInt(v)
		return c
	}
	z := new(big.Int)
	if _, ok := z.SetString(digits, base); !ok {
		p.errorAt(t.start, t.end, "invalid number literal")
	}
	c.Value = z
	return c
}

func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f
		}
	}
	return f
}
