// Package raw computes radon 5.1's raw metrics of a Python file (`radon raw`:
// LOC, LLOC, SLOC, comments, single comments, multi, blank) behind one
// function, Metrics.
//
// # Why hand-written
//
// No Go library reproduces radon's counts, and CPython 3.14's tokenizer
// (python/tokenizer) cannot produce them either, because radon's numbers are
// defined by how it drives a different tokenizer. radon does not tokenize the
// file once: it splits the text with str.splitlines, strips every line, and
// feeds growing buffers of stripped lines (joined by "\n", the last one
// without a newline) to Python 3.11's pure-Python tokenize module until a
// buffer tokenizes without TokenError and without ERRORTOKEN. Each such
// buffer is one unit: a comment line, a docstring, a blank line, or a
// (possibly multi-line) statement. That tokenizer is not CPython 3.14's C
// tokenizer: f-strings are one STRING token, bad characters are ERRORTOKENs
// instead of errors, a backslash at the very end of the buffer is an
// ERRORTOKEN, and the lines are those of str.splitlines (which also breaks at
// \f, \v, \x1c-\x1e, \x85, \u2028, \u2029).
//
// So this package carries a small port of 3.11's tokenize._tokenize
// (tokenize.go), fed line by line with its state kept between lines. radon
// re-tokenizes each growing buffer from scratch, which is quadratic in the
// length of a multi-line string; since tokenize reads the buffer line by
// line, re-running it gives the same tokens for the lines already seen, so
// one pass per line (plus a trial pass of the last line without its
// newline) is equivalent and linear.
//
// Most lines never reach that port (fast.go): blank lines, comment lines and
// statements made only of names, numbers, operators, brackets, colons and
// strings that close on their line tokenize without surprises, and their
// numbers follow from a byte scan (fastText reads them straight from the
// text, fastUnit from stripped lines). lines.go splits and strips lines as
// Python's str.splitlines and str.strip do.
//
// # Tests
//
// TestMatchesRadon and TestSnippetsMatchRadon compare Metrics with radon
// itself (Debian's radon package; they skip without it, and fail under
// CI=true). TestFastPathsMatchPort and FuzzFastPaths check the fast paths
// against the port; FuzzLineReader checks the line splitting against a
// rune-by-rune reference.
package raw
