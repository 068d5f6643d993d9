package python_test

import (
	"fmt"

	"github.com/pybatch/pybatch/python"
	"github.com/pybatch/pybatch/python/ast"
)

// ParseFile reads a file's bytes as CPython's ast.parse(raw) does; ast.Dump
// prints the tree as ast.dump does.
func ExampleParseFile() {
	mod, info, err := python.ParseFile([]byte("# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Encoding)
	fmt.Println(ast.Dump(mod, ast.DumpOptions{Indent: -1}))
	// Output:
	// iso-8859-1
	// Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=2, col_offset=0, end_lineno=2, end_col_offset=1)], value=Constant(value='café', lineno=2, col_offset=4, end_lineno=2, end_col_offset=11), lineno=2, col_offset=0, end_lineno=2, end_col_offset=11)], type_ignores=[])
}
