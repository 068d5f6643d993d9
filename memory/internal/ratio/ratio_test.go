package ratio

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
)

// BenchmarkRatio reads every .py file of the standard library (every 4th to
// keep it short, plus the 20 largest), and for each measures
//
//   - alloc: bytes allocated by decode + parse, per source byte — an upper
//     bound of the file's peak if no collection ran meanwhile;
//   - live: bytes still reachable after a forced GC with the AST held (the
//     tree, the decoded text) plus the raw source, per source byte — the
//     floor of the peak.
//
// It reports the size-weighted aggregate and the 99th percentile and
// maximum of the per-file ratios (small files have larger ratios: fixed
// overheads).
//
// "parse" holds the tree (decode + parse); "analyze" runs the whole
// analysis.Analyze (which drops the tree and keeps the Report), whose
// allocation is the upper bound that matters for admission.
func BenchmarkRatio(b *testing.B) {
	files := corpus(b)
	b.Run("parse", func(b *testing.B) {
		measure(b, files, func(path string, raw []byte) any {
			text, _, err := source.Decode(raw)
			if err != nil {
				return nil
			}
			mod, _ := parser.Parse(text, parser.Options{})
			return []any{mod, text}
		})
	})
	b.Run("analyze", func(b *testing.B) {
		measure(b, files, func(path string, raw []byte) any {
			return analysis.Analyze(path, raw, analysis.Options{})
		})
	})
}

func measure(b *testing.B, files []string, work func(path string, raw []byte) any) {
	for b.Loop() {
		var totSrc, totAlloc, totLive float64
		var allocR, liveR []float64
		var bigSrc, bigAlloc, bigLive float64 // files of 100 kB and more: the ones admission is about
		var sx, sy, sxx, sxy, cnt float64     // least squares alloc = slope·size + fixed
		for _, p := range files {
			raw, err := os.ReadFile(p)
			if err != nil || len(raw) < 512 {
				continue
			}
			runtime.GC()
			h0, a0 := heap()
			kept := work(p, raw)
			_, a1 := heap()
			runtime.GC()
			h1, _ := heap()
			runtime.KeepAlive(kept)
			n := float64(len(raw))
			alloc := float64(a1-a0) + n
			live := float64(h1-h0) + n
			totSrc += n
			totAlloc += alloc
			totLive += live
			if n >= 100_000 {
				bigSrc, bigAlloc, bigLive = bigSrc+n, bigAlloc+alloc, bigLive+live
			}
			sx, sy, sxx, sxy, cnt = sx+n, sy+alloc, sxx+n*n, sxy+n*alloc, cnt+1
			allocR = append(allocR, alloc/n)
			liveR = append(liveR, live/n)
		}
		slices.Sort(allocR)
		slices.Sort(liveR)
		b.ReportMetric(totAlloc/totSrc, "alloc-B/srcB")
		b.ReportMetric(totLive/totSrc, "live-B/srcB")
		b.ReportMetric(pct(allocR, 0.99), "p99-alloc-B/srcB")
		b.ReportMetric(allocR[len(allocR)-1], "max-alloc-B/srcB")
		b.ReportMetric(pct(liveR, 0.99), "p99-live-B/srcB")
		slope := (cnt*sxy - sx*sy) / (cnt*sxx - sx*sx)
		b.ReportMetric(slope, "slope-B/srcB")
		b.ReportMetric((sy-slope*sx)/cnt, "fixed-B/file")
		if bigSrc > 0 {
			b.ReportMetric(bigAlloc/bigSrc, "big-alloc-B/srcB")
			b.ReportMetric(bigLive/bigSrc, "big-live-B/srcB")
		}
		b.ReportMetric(float64(len(allocR)), "files")
		b.ReportMetric(totSrc/1e6, "srcMB")
	}
}

func pct(s []float64, q float64) float64 {
	return s[min(len(s)-1, int(math.Ceil(q*float64(len(s))))-1)]
}

// heap returns the heap's object bytes and the cumulative bytes allocated.
// ReadMemStats (not runtime/metrics, whose allocation count lags until each
// P's cache is flushed) so that small allocations are all counted.
func heap() (live, allocated uint64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.TotalAlloc
}

func corpus(b *testing.B) []string {
	type f struct {
		p string
		n int64
	}
	stdlib := testenv.Stdlib(b)
	var all []f
	filepath.WalkDir(stdlib, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") {
			if info, err := d.Info(); err == nil {
				all = append(all, f{p, info.Size()})
			}
		}
		return nil
	})
	if len(all) == 0 {
		testenv.SkipOrFail(b, "no Python files in the standard library at %s", stdlib)
	}
	var out []string
	for i, x := range all {
		if i%4 == 0 {
			out = append(out, x.p)
		}
	}
	slices.SortFunc(all, func(a, b f) int { return int(b.n - a.n) })
	for _, x := range all[:min(20, len(all))] {
		out = append(out, x.p)
	}
	return out
}
