// Package python is the front door to pybatch's pure-Go Python 3.14 front
// end: ParseFile reads a file's bytes as CPython's ast.parse(raw_bytes) does
// (source decoding, then tokenizing and parsing) and returns the AST.
//
// The pieces are in the subpackages: python/source (PEP 263 decoding),
// python/token and python/tokenizer, python/ast (nodes and ast.dump), and
// python/parser.
package python

import (
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
)

// ParseFile decodes raw (a Python file's bytes) and parses it, as CPython
// 3.14's ast.parse(raw) does. A syntax or decoding error is a
// *token.SyntaxError; the source.Info is valid whenever decoding got as far
// as reading the coding declaration.
func ParseFile(raw []byte) (*ast.Module, source.Info, error) {
	src, info, err := source.Decode(raw)
	if err != nil {
		return nil, info, err
	}
	mod, err := parser.Parse(src, parser.Options{})
	if err != nil {
		return nil, info, err
	}
	return mod, info, nil
}

// ParseFileVersion is ParseFile giving CPython 3.v's verdict (see
// parser.Options.Version): syntax of a later version is a syntax error.
func ParseFileVersion(raw []byte, v parser.Version) (*ast.Module, source.Info, error) {
	src, info, err := source.Decode(raw)
	if err != nil {
		return nil, info, err
	}
	mod, err := parser.Parse(src, parser.Options{Version: v})
	if err != nil {
		return nil, info, err
	}
	return mod, info, nil
}
