// Package analysis turns one Python file into a Report: definitions,
// imports, metrics, complexity and the syntax error if any. It is a pure
// function of (path, bytes, options), safe to call from many goroutines.
//
// Analyze decodes the bytes with python/source, parses them with
// python/parser (CPython 3.14's grammar), and walks the tree once:
//
//   - definitions get CPython's __qualname__ (including the `global`
//     rule), kind, span, decorators/returns/bases as source text sliced by
//     the AST positions, parameters and docstrings (ast.get_docstring);
//     these are compared with CPython's own ast and code objects on whole
//     standard libraries (defs_test.go, testdata/defs_oracle.py);
//   - imports get where they sit (see Import.Where);
//   - cyclomatic complexity is radon 5.1's (`radon cc`), reproduced node for
//     node (complexity.go) and compared with radon on the whole local
//     standard library (radon_cc_test.go);
//   - line metrics are radon 5.1's (`radon raw`), computed by the internal
//     package analysis/internal/raw, whose tests compare them with radon on
//     a sample of files and on corner-case snippets.
//
// Report.AppendJSON encodes a Report exactly as json.Marshal does, without
// reflection (the batch engine's single writer encodes every report).
//
// Cost: everything after parsing (hash, line metrics, the tree walk) is
// kept small next to the parse (BenchmarkAnalyze reports the ratio):
// complexity is a direct recursion over the node types, most line metrics
// come from a byte scan instead of the tokenize port, and the per-report
// strings come from a few blocks.
//
// Why hand-written: radon is Python; its numbers are defined by its
// visitors and by Python 3.11's pure-Python tokenize run on stripped lines,
// which no Go library reproduces (the doc of analysis/internal/raw explains
// why CPython 3.14's tokenizer in python/tokenizer cannot be used for them
// either).
//
// Known differences from radon, by design: where radon cannot read a file
// (not UTF-8, or a UTF-8 byte order mark, which its tokenize rejects),
// pybatch still measures the decoded text; files CPython 3.14 rejects have
// no definitions even if Python 3.11 accepted them.
package analysis
