package analysis

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
	"golang.org/x/sys/unix"
)

// BenchmarkAnalyze runs Analyze over the standard library (site-packages
// excluded) and splits its time into parsing (source.Decode and
// parser.ParseWarnings, as Analyze calls them) and analysis (everything after: hash, line metrics,
// definitions, imports, complexity). It reports both per pass over the
// corpus and their ratio, in wall time and in the CPU time of the thread
// (the goroutine is locked to its thread; CLOCK_THREAD_CPUTIME_ID), which
// stays meaningful on a loaded machine:
//
//	go test ./analysis -run '^$' -bench BenchmarkAnalyze -benchtime 3x
func BenchmarkAnalyze(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := func() time.Duration { return threadCPU(b) }
	files := testenv.StdlibFiles(b, testenv.Stdlib(b))
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
	var parse, analysis, parseCPU, analysisCPU time.Duration
	for b.Loop() {
		for i, src := range srcs {
			c0 := cpu()
			t0 := time.Now()
			text, info, derr := source.Decode(src)
			var mod *ast.Module
			var perr error
			var warns []token.Warning
			var facts parser.Facts
			if derr == nil {
				mod, warns, perr = parser.ParseWarnings(text, parser.Options{Facts: &facts})
			}
			t1 := time.Now()
			c1 := cpu()
			r := build(files[i], src, text, info, derr, mod, &facts, perr, Options{})
			r.Warnings = warnings(warns)
			c2 := cpu()
			analysis += time.Since(t1)
			parse += t1.Sub(t0)
			parseCPU += c1 - c0
			analysisCPU += c2 - c1
			if r == nil {
				b.Fatal("nil report")
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(parse.Seconds()*1e3/n, "parse-ms/pass")
	b.ReportMetric(analysis.Seconds()*1e3/n, "analysis-ms/pass")
	b.ReportMetric(100*analysis.Seconds()/parse.Seconds(), "analysis/parse-%")
	b.ReportMetric(parseCPU.Seconds()*1e3/n, "parse-cpu-ms/pass")
	b.ReportMetric(analysisCPU.Seconds()*1e3/n, "analysis-cpu-ms/pass")
	b.ReportMetric(100*analysisCPU.Seconds()/parseCPU.Seconds(), "analysis/parse-cpu-%")
	b.ReportMetric(float64(total)/1e6/(parse.Seconds()/n), "parse-MB/s")
}

// threadCPU is the CPU time of the calling thread.
func threadCPU(b *testing.B) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ts.Nano())
}
