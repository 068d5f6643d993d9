package tokenizer

import "unicode"

// PEP 3131 identifiers: the first character must be XID_Start or "_", the
// others XID_Continue. Go's unicode package has no XID tables, so they are
// derived here as Unicode's DerivedCoreProperties defines them:
//
//	ID_Start    = L + Nl + Other_ID_Start - Pattern_Syntax - Pattern_White_Space
//	ID_Continue = ID_Start + Mn + Mc + Nd + Pc + Other_ID_Continue - Pattern_Syntax - Pattern_White_Space
//	XID_*       = ID_* minus the few characters whose NFKC form is not an identifier.
//
// Unicode 15.1 added U+200C, U+200D, U+30FB and U+FF65 to Other_ID_Continue;
// they are added explicitly for Go releases whose tables predate it.

func isXIDStart(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	switch r {
	case 0x037A, 0x0E33, 0x0EB3, 0x309B, 0x309C, 0xFDFA, 0xFDFB,
		0xFE70, 0xFE72, 0xFE74, 0xFE76, 0xFE78, 0xFE7A, 0xFE7C, 0xFE7E, 0xFF9E, 0xFF9F:
		return false
	}
	if r >= 0xFC5E && r <= 0xFC63 {
		return false
	}
	return isIDStart(r)
}

func isIDStart(r rune) bool {
	if !(unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)) {
		return false
	}
	return !unicode.Is(unicode.Pattern_Syntax, r) && !unicode.Is(unicode.Pattern_White_Space, r)
}

func isXIDContinue(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
	}
	switch r {
	case 0x037A, 0x309B, 0x309C, 0xFDFA, 0xFDFB,
		0xFE70, 0xFE72, 0xFE74, 0xFE76, 0xFE78, 0xFE7A, 0xFE7C, 0xFE7E:
		return false
	case 0x200C, 0x200D, 0x30FB, 0xFF65:
		return true
	}
	if r >= 0xFC5E && r <= 0xFC63 {
		return false
	}
	if isIDStart(r) {
		return true
	}
	if !(unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)) {
		return false
	}
	return !unicode.Is(unicode.Pattern_Syntax, r) && !unicode.Is(unicode.Pattern_White_Space, r)
}
