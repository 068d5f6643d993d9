package tokenizer

import "sort"

// PEP 3131 identifiers: the first character must be XID_Start or "_", the
// others XID_Continue, in the Unicode version of the CPython we follow
// (16.0.0 for 3.14). Go's unicode package has neither XID tables nor that
// version, so xid_tables.go holds the ranges, generated from CPython itself
// (str.isidentifier, which applies exactly the tokenizer's test); see
// TestXIDTablesOracle for the command that regenerates and checks them.

func isXIDStart(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return inRanges(xidStart, r)
}

func isXIDContinue(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
	}
	return inRanges(xidContinue, r)
}

// inRanges reports whether r is in one of the inclusive [lo, hi] pairs of
// the sorted table.
func inRanges(table []uint32, r rune) bool {
	n := len(table) / 2
	i := sort.Search(n, func(i int) bool { return table[2*i+1] >= uint32(r) })
	return i < n && table[2*i] <= uint32(r)
}
