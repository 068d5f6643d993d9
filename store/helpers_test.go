package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/result"
)

// synthRecord makes a record shaped like a real one for a mid-sized module:
// a docstring, a dozen imports, classes with methods, parameters and
// decorators. Every field depends on i so that mix-ups show.
func synthRecord(source string, i int) *result.Record {
	doc := fmt.Sprintf("Module %d.\n\nDoes things with \"quotes\" and unicode: é ✓.", i)
	rep := &analysis.Report{
		SchemaVersion: analysis.SchemaVersion,
		Path:          fmt.Sprintf("pkg%d/mod%d.py", i%17, i),
		Size:          int64(1000 + i),
		SHA256:        fmt.Sprintf("%064x", i*7919+1),
		Encoding:      "utf-8",
		Docstring:     &doc,
		All:           []string{fmt.Sprintf("f%d", i), "Klass"},
		Lines:         analysis.LineMetrics{LOC: 300 + i%50, LLOC: 200, SLOC: 250, Comments: 20, SingleComments: 15, Multi: 10, Blank: 40},
	}
	rep.LowestVersion = fmt.Sprintf("3.%d", i%15)
	for j := range i % 4 {
		rep.VersionFeatures = append(rep.VersionFeatures, analysis.VersionFeature{
			Feature: fmt.Sprintf("feature %d of %d", j, i), Version: rep.LowestVersion, Line: 3 + j, Col: j % 3})
	}
	for j := range i % 3 {
		w := analysis.Warning{Category: "SyntaxWarning", Message: fmt.Sprintf(`"\\%c" is an invalid escape sequence (file %d)`, 'a'+j, i), Line: 7 + j}
		if j != 1 {
			w.Col = new(4 + j)
		}
		rep.Warnings = append(rep.Warnings, w)
	}
	for j := range 12 {
		rep.Imports = append(rep.Imports, analysis.Import{
			Module: fmt.Sprintf("mod%d.sub%d", j, i%5),
			Names:  []analysis.ImportName{{Name: "a"}, {Name: "b", As: "c"}},
			Level:  j % 2, From: j%3 == 0, Line: j + 1, Where: "module",
		})
	}
	for c := range 4 {
		cls := fmt.Sprintf("Klass%d", c)
		rep.Definitions = append(rep.Definitions, analysis.Definition{
			QualName: cls, Name: cls, Kind: "class", Line: 20 + c*60, Col: 0, EndLine: 70 + c*60, EndCol: 10,
			Bases: []string{"Base", "metaclass=Meta"}, Complexity: 1 + c, Rank: analysis.Rank(1 + c),
		})
		for m := range 8 {
			name := fmt.Sprintf("method_%d_%d", m, i)
			d := "Do it."
			rep.Definitions = append(rep.Definitions, analysis.Definition{
				QualName: cls + "." + name, Name: name, Kind: "method",
				Line: 22 + c*60 + m*5, Col: 4, EndLine: 26 + c*60 + m*5, EndCol: 20,
				Decorators: []string{"property"},
				Params: []analysis.Param{{Name: "self", Kind: "positional"}, {Name: "x", Kind: "positional", Default: true, Annotation: true},
					{Name: "kw", Kind: "var_keyword"}},
				Returns: "int", Docstring: &d, Complexity: 1 + m%7, Rank: analysis.Rank(1 + m%7),
			})
		}
	}
	return &result.Record{
		Source: source, Path: rep.Path, Size: rep.Size,
		ModTime: time.Unix(1700000000, int64(i)*1001).UTC(),
		Status:  result.Analyzed, Attempts: 1, Duration: time.Duration(i) * time.Microsecond,
		Report: rep,
	}
}

// stdlib returns the machine's Python standard library, for the tests that
// add some of its files to their synthetic cases, or "" (saying so in the
// log) when there is none; under CI=true a missing one fails the test.
func stdlib(t *testing.T) string {
	t.Helper()
	p, err := testenv.FindPython()
	if err != nil {
		if testenv.InCI() {
			t.Fatalf("the machine's Python standard library: %v (CI=true: this test must run in full)", err)
		}
		t.Logf("without the standard library's files: %v", err)
		return ""
	}
	return p.Stdlib
}

// writeSynth writes synthRecord(source, 0..n-1) through run and returns
// them.
func writeSynth(t *testing.T, run *Run, source string, n int) []*result.Record {
	t.Helper()
	var recs []*result.Record
	for i := range n {
		recs = append(recs, synthRecord(source, i))
		if err := run.Write(context.Background(), recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return recs
}
