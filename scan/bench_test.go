package scan

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
)

// stdlibDir is the tree to scan: $PYBATCH_BENCH_TREE, else the machine's
// Python standard library (often with site-packages inside).
func stdlibDir(b *testing.B) string {
	dir := os.Getenv("PYBATCH_BENCH_TREE")
	if dir == "" {
		return testenv.Stdlib(b)
	}
	if _, err := os.Stat(dir); err != nil {
		testenv.SkipOrFail(b, "no tree to scan: $PYBATCH_BENCH_TREE: %v", err)
	}
	return dir
}

// BenchmarkScanStdlib measures files/s for a full scan (walk, ignore rules, open
// and first-block read of every .py file) of the local standard library, warm
// cache, in the default parallel mode and in sorted (sequential) mode, and
// the two lighter walks.
//
//	go test -run '^$' -bench ScanStdlib -benchtime 5x ./scan/
func BenchmarkScanStdlib(b *testing.B) {
	dir := stdlibDir(b)
	// "unchanged" is the walk of a re-run on an unchanged tree (every file
	// stat'ed and declared unchanged, none opened), "cached" the same from
	// a directory cache; "list" is the counting walk (directory listings
	// only).
	for _, mode := range []struct {
		name                            string
		sorted, unchanged, list, cached bool
	}{{"parallel", false, false, false, false}, {"sorted", true, false, false, false}, {"unchanged", false, true, false, false},
		{"cached", false, true, false, true}, {"list", false, false, true, false}} {
		b.Run(mode.name, func(b *testing.B) {
			opts := DefaultOptions()
			opts.Sorted = mode.sorted
			opts.ListOnly = mode.list
			if mode.unchanged {
				opts.Unchanged = func(string, int64, time.Time) bool { return true }
			}
			var cache []byte
			if mode.cached {
				opts.DirCache = NewDirCache(nil)
				for range Scan(context.Background(), []string{dir}, opts) {
				}
				cache = opts.DirCache.Encode()
				b.ResetTimer()
			}
			files := 0
			start, cpu0 := time.Now(), cpuTime()
			for b.Loop() {
				files = 0
				if mode.cached {
					opts.DirCache = NewDirCache(cache)
				}
				for fi := range Scan(context.Background(), []string{dir}, opts) {
					if fi.Skip == "" {
						files++
					}
				}
			}
			b.ReportMetric(float64(files*b.N)/time.Since(start).Seconds(), "files/s")
			// CPU time is steadier than wall time on a shared machine.
			cpu := (cpuTime() - cpu0).Seconds()
			b.ReportMetric(float64(files*b.N)/cpu, "files/cpu-s")
			b.ReportMetric(float64(files), "files")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
		})
	}
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIgnoreMatch measures matching one path against a realistic chain of
// ignore files.
func BenchmarkIgnoreMatch(b *testing.B) {
	var f *ignoreFrame
	f = &ignoreFrame{pats: parseIgnore([]byte("*.pyc\n__pycache__/\nbuild/\ndist/\n*.egg-info/\n.venv\n/docs/_build\n**/node_modules\n!keep.py\n"))}
	f = &ignoreFrame{parent: f, base: "src", pats: parseIgnore([]byte("gen_*.py\n/local/**\n[Tt]est_*.py\n"))}
	path := filepath.ToSlash(filepath.Join("src", "pkg", "module", "handlers.py"))
	for b.Loop() {
		if f.excluded(path, false) {
			b.Fatal("excluded")
		}
	}
}

// BenchmarkScanGenerated scans a generated tree of PYBATCH_BENCH_FILES files
// (default 20,000; 100 per directory, three levels) and reports files per CPU
// second and the peak of live heap during the scan, sampled every millisecond,
// which stays flat as the tree grows (nothing is collected).
//
//	PYBATCH_BENCH_FILES=100000 go test -run '^$' -bench ScanGenerated -benchtime 3x ./scan/
func BenchmarkScanGenerated(b *testing.B) {
	n := 20000
	if s := os.Getenv("PYBATCH_BENCH_FILES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		n = v
	}
	root := b.TempDir()
	for i := range n {
		d := filepath.Join(root, "p"+strconv.Itoa(i/10000), "q"+strconv.Itoa(i/100%100))
		if i%100 == 0 {
			if err := os.MkdirAll(d, 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(d, "m"+strconv.Itoa(i)+".py"), []byte("x = 1\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	files := 0
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		files = 0
		for fi := range Scan(context.Background(), []string{root}, DefaultOptions()) {
			if fi.Skip == "" {
				files++
			}
		}
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	close(stop)
	<-sampled
	if files != n {
		b.Fatalf("scanned %d files, want %d", files, n)
	}
	b.ReportMetric(float64(files*b.N)/elapsed.Seconds(), "files/s")
	b.ReportMetric(float64(files*b.N)/cpu.Seconds(), "files/cpu-s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}
