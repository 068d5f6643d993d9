package python

import (
	"errors"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/token"
)

func TestParseFile(t *testing.T) {
	mod, info, err := ParseFile([]byte("# -*- coding: latin-1 -*-\r\nx = '\xe9'\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Encoding != "iso-8859-1" {
		t.Errorf("encoding %q", info.Encoding)
	}
	got := ast.Dump(mod, ast.DumpOptions{Indent: -1})
	if !strings.Contains(got, "value=Constant(value='é', lineno=2, col_offset=4") {
		t.Errorf("dump: %s", got)
	}
	for _, bad := range []string{"x = (", "# coding: nope\n", "\xef\xbb\xbf# coding: latin-1\n", "x = '\xff'\n"} {
		_, _, err := ParseFile([]byte(bad))
		var se *token.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: err = %v, want *token.SyntaxError", bad, err)
		}
	}
}
