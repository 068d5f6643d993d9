package python

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkParseFile is the whole front end as analysis uses it: ParseFile
// (source decoding, tokenizing, parsing, without ShareSource) on the raw
// bytes of every .py file of the local Python standard library
// (PYBATCH_BENCH_DIR; site-packages excluded) that CPython accepts. MB/s and
// cpuMB/s count raw bytes; B/srcbyte is heap allocated per raw byte.
func BenchmarkParseFile(b *testing.B) {
	dir := os.Getenv("PYBATCH_BENCH_DIR")
	if dir == "" {
		dir = "/root/.pyenv/versions/3.11.7/lib/python3.11"
	}
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("no corpus at %s (set PYBATCH_BENCH_DIR): %v", dir, err)
	}
	var raws [][]byte
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
		if _, _, err := ParseFile(raw); err != nil {
			return nil
		}
		raws = append(raws, raw)
		total += int64(len(raw))
		return nil
	})
	if len(raws) == 0 {
		b.Skip("no .py files under " + dir)
	}
	b.SetBytes(total)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		for _, raw := range raws {
			if _, _, err := ParseFile(raw); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "cpuMB/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(total), "B/srcbyte")
	b.ReportMetric(float64(len(raws)), "files")
}

// cpuTime is the process's user+system CPU time (GC included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
