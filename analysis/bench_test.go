package analysis

import (
	"os"
	"testing"
	"time"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
)

// BenchmarkAnalyze runs Analyze over the standard library (site-packages
// excluded) and splits its time into parsing (source.Decode and
// parser.Parse) and analysis (everything after: hash, line metrics,
// definitions, imports, complexity). It reports both per pass over the
// corpus and their ratio:
//
//	go test ./analysis -run '^$' -bench BenchmarkAnalyze -benchtime 3x
func BenchmarkAnalyze(b *testing.B) {
	files := stdlibFiles(b, stdlibDir(b))
	srcs := make([][]byte, len(files))
	var total int64
	for i, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs[i] = src
		total += int64(len(src))
	}
	b.SetBytes(total)
	b.ResetTimer()
	var parse, analysis time.Duration
	for b.Loop() {
		for i, src := range srcs {
			t0 := time.Now()
			text, info, derr := source.Decode(src)
			var mod *ast.Module
			var perr error
			if derr == nil {
				mod, perr = parser.Parse(text, parser.Options{})
			}
			t1 := time.Now()
			r := build(files[i], src, text, info, derr, mod, perr, Options{})
			analysis += time.Since(t1)
			parse += t1.Sub(t0)
			if r == nil {
				b.Fatal("nil report")
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(parse.Seconds()*1e3/n, "parse-ms/pass")
	b.ReportMetric(analysis.Seconds()*1e3/n, "analysis-ms/pass")
	b.ReportMetric(100*analysis.Seconds()/parse.Seconds(), "analysis/parse-%")
	b.ReportMetric(float64(total)/1e6/(parse.Seconds()/n), "parse-MB/s")
}
