package ast

import (
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file reproduces CPython 3.14's repr() of the values an AST holds, byte
// for byte: str (quote choice, escapes, str.isprintable per Unicode 16.0 —
// Go's unicode tables are older, hence the generated table in
// repr_table.go), bytes, int, float (shortest round trip, Python's switch to
// exponent notation), complex, bool, None and Ellipsis. They are written by
// hand because no Go library formats values the way Python's repr does.

// Repr returns Python's repr() of a constant value as held by Constant.Value:
// None{}, Ellipsis{}, bool, *big.Int, float64, complex128, Str, Bytes; also
// string (as a str) and the Go integer types. Other values give "<?>".
func Repr(v any) string {
	var b strings.Builder
	appendRepr(&b, v)
	return b.String()
}

func appendRepr(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil, None, *None:
		b.WriteString("None")
	case Ellipsis, *Ellipsis:
		b.WriteString("Ellipsis")
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case *big.Int:
		if x == nil {
			b.WriteString("None")
			return
		}
		b.WriteString(x.String())
	case int:
		b.WriteString(strconv.Itoa(x))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(FloatRepr(x))
	case complex128:
		b.WriteString(ComplexRepr(x))
	case Str:
		appendStrRepr(b, string(x))
	case string:
		appendStrRepr(b, x)
	case Bytes:
		appendBytesRepr(b, x)
	case []byte:
		appendBytesRepr(b, x)
	default:
		b.WriteString("<?>")
	}
}

// StrRepr returns Python's repr() of a str given as WTF-8 (UTF-8 in which
// lone surrogates U+D800..U+DFFF are encoded as 3-byte sequences). Bytes that
// are not WTF-8 are shown as the replacement character would not be: each is
// escaped as \xHH, which Python could never print, so a bug is visible.
func StrRepr(s string) string {
	var b strings.Builder
	appendStrRepr(&b, s)
	return b.String()
}

// decodeWTF8 decodes one code point of WTF-8 from s: like utf8.DecodeRuneInString
// but also accepting encoded surrogates. size is 1 and r is -1 for an invalid byte.
func decodeWTF8(s string) (r rune, size int) {
	if len(s) >= 3 && s[0] == 0xED && s[1] >= 0xA0 && s[1] <= 0xBF && s[2] >= 0x80 && s[2] <= 0xBF {
		return rune(0xD000 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F)), 3
	}
	r, size = utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return -1, 1
	}
	return r, size
}

func appendStrRepr(b *strings.Builder, s string) {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == quote || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c < ' ' || c == 0x7f:
				b.WriteString(`\x`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&15])
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := decodeWTF8(s[i:])
		if r < 0 {
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
			i++
			continue
		}
		if IsPrintable(r) {
			b.WriteString(s[i : i+size])
		} else {
			appendEscape(b, r)
		}
		i += size
	}
	b.WriteByte(quote)
}

const hexDigits = "0123456789abcdef"

func appendEscape(b *strings.Builder, r rune) {
	switch {
	case r < 0x100:
		b.WriteString(`\x`)
		appendHex(b, uint32(r), 2)
	case r < 0x10000:
		b.WriteString(`\u`)
		appendHex(b, uint32(r), 4)
	default:
		b.WriteString(`\U`)
		appendHex(b, uint32(r), 8)
	}
}

func appendHex(b *strings.Builder, v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		b.WriteByte(hexDigits[(v>>(4*uint(i)))&15])
	}
}

// IsPrintable reports whether Python 3.14's str.isprintable() is true for the
// one-character string r (Unicode 16.0: not in categories Cc, Cf, Cs, Co, Cn,
// Zl, Zp, or Zs other than the space).
func IsPrintable(r rune) bool {
	if r < 0 || r > 0x10FFFF {
		return false
	}
	c := uint32(r)
	// nonPrintable is sorted pairs [lo, hi] of inclusive ranges.
	i := sort.Search(len(nonPrintable)/2, func(i int) bool { return nonPrintable[2*i+1] >= c })
	return !(i < len(nonPrintable)/2 && nonPrintable[2*i] <= c)
}

// BytesRepr returns Python's repr() of a bytes value.
func BytesRepr(p []byte) string {
	var b strings.Builder
	appendBytesRepr(&b, p)
	return b.String()
}

func appendBytesRepr(b *strings.Builder, p []byte) {
	quote := byte('\'')
	hasSingle, hasDouble := false, false
	for _, c := range p {
		switch c {
		case '\'':
			hasSingle = true
		case '"':
			hasDouble = true
		}
	}
	if hasSingle && !hasDouble {
		quote = '"'
	}
	b.WriteByte('b')
	b.WriteByte(quote)
	for _, c := range p {
		switch {
		case c == quote || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < ' ' || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(quote)
}

// FloatRepr returns Python's repr() of a float: the shortest string that
// round-trips, in fixed notation when the decimal exponent is in [-4, 16),
// else in exponent notation with at least two exponent digits ("1e+16",
// "1e-05"); "inf", "-inf", "nan".
func FloatRepr(f float64) string { return formatFloatR(f, true) }

// formatFloatR is CPython's PyOS_double_to_string(f, 'r', 0, flags) with
// Py_DTSF_ADD_DOT_0 when addDot0.
func formatFloatR(f float64, addDot0 bool) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d[.ddd]e±XX
	ei := strings.LastIndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[ei+1:])
	decpt := exp + 1
	if decpt <= -4 || decpt > 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if addDot0 && strings.IndexByte(s, '.') < 0 {
		s += ".0"
	}
	return s
}

// ComplexRepr returns Python's repr() of a complex: "1j", "infj", "0j" when
// the real part is +0, else "(re+imj)".
func ComplexRepr(c complex128) string {
	re, im := real(c), imag(c)
	if re == 0 && !math.Signbit(re) {
		return formatFloatR(im, false) + "j"
	}
	ims := formatFloatR(im, false)
	if ims[0] != '-' {
		ims = "+" + ims
	}
	return "(" + formatFloatR(re, false) + ims + "j)"
}
