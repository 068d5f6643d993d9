package parser

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/python/source"
)

// benchCorpus returns the decoded sources of the local Python standard
// library (PYBATCH_BENCH_DIR, default the pyenv 3.11 stdlib without
// site-packages), skipping files CPython rejects.
func benchCorpus(b *testing.B) ([][]byte, int64) {
	dir := os.Getenv("PYBATCH_BENCH_DIR")
	if dir == "" {
		dir = "/root/.pyenv/versions/3.11.7/lib/python3.11"
	}
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("no corpus at %s (set PYBATCH_BENCH_DIR): %v", dir, err)
	}
	var srcs [][]byte
	var total int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == "site-packages" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".py") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		src, _, err := source.Decode(raw)
		if err != nil {
			return nil
		}
		if _, err := Parse(src, Options{}); err != nil {
			return nil
		}
		srcs = append(srcs, src)
		total += int64(len(src))
		return nil
	})
	return srcs, total
}

// BenchmarkParse parses the whole corpus per iteration; MB/s is parsing
// speed on one core and B/srcbyte the heap bytes allocated per source byte.
// The Shared variant sets Options.ShareSource.
func BenchmarkParse(b *testing.B) {
	b.Run("Copy", func(b *testing.B) { benchParse(b, Options{}) })
	b.Run("Shared", func(b *testing.B) { benchParse(b, Options{ShareSource: true}) })
}

func benchParse(b *testing.B, opts Options) {
	srcs, total := benchCorpus(b)
	b.SetBytes(total)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		for _, src := range srcs {
			if _, err := Parse(src, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	// On a shared machine wall time overstates the cost; CPU time (user+sys
	// of the whole process, GC included) gives the single-core rate.
	b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "cpuMB/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(total), "B/srcbyte")
	b.ReportMetric(float64(len(srcs)), "files")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
