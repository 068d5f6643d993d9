package analysis

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pybatch/pybatch/internal/testenv"
)

// TestReportsMatchSchema validates real reports (a sample of the standard
// library plus files that exercise the error paths) against
// schema/report.schema.json, and checks that the schema's schema_version is
// SchemaVersion.
//
//	go test ./analysis -run TestReportsMatchSchema -v
func TestReportsMatchSchema(t *testing.T) {
	schemaPath, err := filepath.Abs(filepath.Join("..", "schema", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Properties struct {
			SchemaVersion struct {
				Const int `json:"const"`
			} `json:"schema_version"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Properties.SchemaVersion.Const != SchemaVersion {
		t.Fatalf("schema's schema_version is %d, analysis.SchemaVersion is %d", doc.Properties.SchemaVersion.Const, SchemaVersion)
	}
	sch, err := jsonschema.NewCompiler().Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}

	inputs := map[string][]byte{
		"empty.py":        {},
		"syntax.py":       []byte("def f(:\n    pass\n"),
		"indent.py":       []byte("if x:\npass\n"),
		"bom.py":          []byte("\xef\xbb\xbf'''doc'''\nimport os\n"),
		"latin1.py":       []byte("# -*- coding: latin-1 -*-\ns = '\xe9'\ndef f(): pass\n"),
		"badcoding.py":    []byte("# coding: nope\nx = 1\n"),
		"badutf8.py":      []byte("x = '\xff'\n"),
		"unterminated.py": []byte("x = (1,\n"),
		"warnings.py":     []byte("x = '\\d' if 1if y else f'''a{1}\n\\d\n'''\n"),
		"everything.py": []byte(`"""Doc."""
from __future__ import annotations
import os.path as osp, sys
from .. import rel
__all__ = ("f", "C")
try:
    import json
except (ImportError, OSError):
    json = None
if TYPE_CHECKING:
    from typing import Any
@decorator(arg="é")
class C(Base, metaclass=Meta):
    """Class doc."""
    def m(self, a, /, b=1, *args, c, d: int = 2, **kw) -> dict[str, int]:
        """Method doc."""
        if a and b or c:
            return {k: v for k, v in kw.items() if v}
        return {}
    async def am(self): await x
def f():
    def inner(): pass
    return lambda: inner
`),
	}
	files := testenv.Sample(stdlibFilesOrNil(t), 200)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = b
	}
	var validated, withErrors int
	for name, src := range inputs {
		r := Analyze(name, src, Options{})
		if r.SyntaxError != nil {
			withErrors++
		}
		switch name {
		case "syntax.py", "indent.py", "badcoding.py", "badutf8.py", "unterminated.py":
			if r.SyntaxError == nil {
				t.Errorf("%s: no syntax error reported", name)
			}
		case "everything.py", "bom.py", "latin1.py", "empty.py":
			if r.SyntaxError != nil {
				t.Errorf("%s: unexpected syntax error %+v", name, r.SyntaxError)
			}
		}
		if l := r.Lines; l.LOC != l.SLOC+l.Blank+l.Multi+l.SingleComments {
			t.Errorf("%s: loc %d != sloc+blank+multi+single_comments %+v", name, l.LOC, l)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: report does not match the schema: %v\n%s", name, err, out)
			continue
		}
		validated++
	}
	t.Logf("%d reports valid against %s (%d with a syntax error)", validated, schemaPath, withErrors)
}

// stdlibFilesOrNil is the standard library's files when present, else none
// (the schema test still runs on its own inputs).
func stdlibFilesOrNil(t *testing.T) []string {
	if _, err := testenv.FindPython(); err != nil && !testenv.InCI() {
		t.Logf("schema test without the standard library: %v", err)
		return nil
	}
	return testenv.StdlibFiles(t, testenv.Stdlib(t))
}
