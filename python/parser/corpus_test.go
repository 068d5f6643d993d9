package parser

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/source"
)

// TestOracleStdlib314 parses every .py file of CPython 3.14's standard
// library (python_stdlib.zip inside the pyodide package) with this parser
// and with CPython, and requires identical dumps and verdicts. Every file
// goes through pyodide, which is slow, so it runs only with CI=true or
// PYBATCH_ORACLE_CORPUS=1.
func TestOracleStdlib314(t *testing.T) {
	if !testenv.InCI() && os.Getenv("PYBATCH_ORACLE_CORPUS") != "1" {
		t.Skip("set PYBATCH_ORACLE_CORPUS=1 (or CI=true) to compare the 3.14 stdlib with CPython")
	}
	env := oracle.Require(t)
	zr, err := zip.OpenReader(filepath.Join(env.PyodideDir, "python_stdlib.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	var raws [][]byte
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".py") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		raws = append(raws, b)
	}
	if len(raws) < 500 {
		t.Fatalf("only %d files in python_stdlib.zip", len(raws))
	}
	srcs := make([]string, len(raws))
	for i, b := range raws {
		srcs[i] = string(b)
	}
	want := oracleDumps(t, srcs)
	same := 0
	for i, raw := range raws {
		var got string
		src, _, err := source.Decode(raw)
		if err != nil {
			got = "ERROR " + err.Error()
		} else {
			got = ourDump(string(src))
		}
		w := want[i]
		wantErr, gotErr := strings.HasPrefix(w, "ERROR"), strings.HasPrefix(got, "ERROR")
		switch {
		case wantErr != gotErr:
			t.Errorf("%s: verdict differs\nCPython: %.300s\nours:    %.300s", names[i], w, got)
		case !wantErr && got != w:
			k := 0
			for k < len(got) && k < len(w) && got[k] == w[k] {
				k++
			}
			t.Errorf("%s: dump differs at byte %d\nCPython: …%.200s\nours:    …%.200s", names[i], k, w[max(0, k-100):], got[max(0, k-100):])
		default:
			same++
		}
	}
	t.Logf("%d files, %d identical (dump or both rejected)", len(raws), same)
}
