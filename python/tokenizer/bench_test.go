package tokenizer

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pybatch/pybatch/python/token"
)

// loadStdlib reads the local Python standard library's own .py files
// (site-packages excluded, so the corpus is fixed), decoded as for the
// tokenizer. It skips when there is none.
func loadStdlib(b *testing.B) ([][]byte, int64) {
	dir := localStdlib()
	if dir == "" {
		b.Skip("no local Python standard library found (set PYBATCH_STDLIB)")
	}
	var srcs [][]byte
	var total int64
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == "site-packages" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && filepath.Ext(path) == ".py" {
			raw, err := os.ReadFile(path)
			if err == nil {
				src := decodeUTF8(raw)
				srcs = append(srcs, src)
				total += int64(len(src))
			}
		}
		return nil
	})
	if len(srcs) == 0 {
		b.Skip("no .py files under " + dir)
	}
	return srcs, total
}

// BenchmarkTokenize tokenizes the local standard library (parser mode) and
// reports MB/s of source and allocations per run.
func BenchmarkTokenize(b *testing.B) {
	srcs, total := loadStdlib(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	iters := 0
	for b.Loop() {
		iters++
		n := 0
		for _, src := range srcs {
			tz := New(src, Options{})
			for {
				tok, err := tz.Next()
				if err != nil || tok.Kind == token.ENDMARKER {
					break
				}
				n++
			}
		}
		if n == 0 {
			b.Fatal("no tokens")
		}
	}
	b.ReportMetric(float64(len(srcs)), "files")
	reportCPU(b, cpu0, iters, total)
}

// reportCPU adds "MB/cpu-s": source bytes per second of the process's CPU
// time, a figure that stays meaningful when a shared machine's other load
// stretches the wall clock that MB/s is based on.
func reportCPU(b *testing.B, cpu0 time.Duration, iters int, total int64) {
	if d := processCPU() - cpu0; d > 0 && iters > 0 {
		b.ReportMetric(float64(total)*float64(iters)/1e6/d.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkTokenizeComments is BenchmarkTokenize with Options.Comments.
func BenchmarkTokenizeComments(b *testing.B) {
	srcs, total := loadStdlib(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	iters := 0
	for b.Loop() {
		iters++
		for _, src := range srcs {
			tz := New(src, Options{Comments: true})
			for {
				tok, err := tz.Next()
				if err != nil || tok.Kind == token.ENDMARKER {
					break
				}
			}
		}
	}
	reportCPU(b, cpu0, iters, total)
}
