package scan

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// stdlibDir is the machine's Python standard library (site-packages inside).
func stdlibDir(b *testing.B) string {
	dir := os.Getenv("PYBATCH_BENCH_TREE")
	if dir == "" {
		dir = "/root/.pyenv/versions/3.11.7/lib/python3.11"
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("no tree to scan: %v", err)
		}
		b.Skipf("no tree to scan (set PYBATCH_BENCH_TREE): %v", err)
	}
	return dir
}

// BenchmarkScanStdlib measures files/s for a full scan (walk, ignore rules, open
// and first-block read of every .py file) of the local standard library, warm
// cache, in the default parallel mode and in sorted (sequential) mode.
//
//	go test -run '^$' -bench ScanStdlib -benchtime 5x ./scan/
func BenchmarkScanStdlib(b *testing.B) {
	dir := stdlibDir(b)
	for _, mode := range []struct {
		name   string
		sorted bool
	}{{"parallel", false}, {"sorted", true}} {
		b.Run(mode.name, func(b *testing.B) {
			opts := DefaultOptions()
			opts.Sorted = mode.sorted
			files := 0
			start, cpu0 := time.Now(), cpuTime()
			for b.Loop() {
				files = 0
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
