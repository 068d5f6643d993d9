// Package benchcorpus is the corpus and the measurement shared by the front
// end's benchmarks (tokenizer, parser, python.ParseFile), so that the figures
// bench/parse.sh prints come from the same files measured the same way.
package benchcorpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// Stdlib reads every .py file of the local Python standard library
// (PYBATCH_BENCH_DIR; default testenv.Stdlib), site-packages excluded so that
// the corpus is fixed. keep turns a file's raw bytes into what the benchmark
// runs on, or refuses it (a file CPython rejects). Without a corpus it skips
// b, or fails it under CI=true (testenv.SkipOrFail).
func Stdlib(b *testing.B, keep func(raw []byte) ([]byte, bool)) (srcs [][]byte, total int64) {
	dir := os.Getenv("PYBATCH_BENCH_DIR")
	if dir == "" {
		dir = testenv.Stdlib(b)
	}
	if _, err := os.Stat(dir); err != nil {
		testenv.SkipOrFail(b, "no corpus at %s (set PYBATCH_BENCH_DIR): %v", dir, err)
	}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir() && d.Name() == "site-packages":
			return filepath.SkipDir
		case !d.Type().IsRegular() || !strings.HasSuffix(path, ".py"):
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		if src, ok := keep(raw); ok {
			srcs = append(srcs, src)
			total += int64(len(src))
		}
		return nil
	})
	if len(srcs) == 0 {
		testenv.SkipOrFail(b, "no .py files under %s", dir)
	}
	return srcs, total
}

// Run runs pass (one pass over the corpus) in b.Loop and reports, besides
// MB/s: cpuMB/s, source bytes per second of the process's CPU time (user +
// system, GC included), which stays meaningful when a shared machine's load
// stretches the wall clock; B/srcbyte, heap allocated per source byte; and
// the number of files.
func Run(b *testing.B, total int64, files int, pass func()) {
	b.SetBytes(total)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		pass()
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	if cpu > 0 {
		b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "cpuMB/s")
	}
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(total), "B/srcbyte")
	b.ReportMetric(float64(files), "files")
}
