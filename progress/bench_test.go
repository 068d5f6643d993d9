package progress

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	gotime "time"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/result"
)

// BenchmarkRecord is the cost of Tracker.Record per file, on the real clock,
// with each renderer drawing to io.Discard at its default interval (the bar
// still hands mpb its numbers every 150ms).
//
//	go test -run '^$' -bench 'Record' -benchmem ./progress/
func BenchmarkRecord(b *testing.B) {
	for _, mode := range []Mode{ModeNone, ModePlain, ModeJSON, ModeBar} {
		b.Run(string(mode), func(b *testing.B) {
			r, err := NewRenderer(mode, io.Discard, RendererOptions{IsTerminal: func(io.Writer) bool { return true }})
			if err != nil {
				b.Fatal(err)
			}
			tr := NewTracker(Options{Renderer: r})
			recs := make([]*result.Record, 1024)
			for i := range recs {
				recs[i] = &result.Record{Path: fmt.Sprintf("pkg/mod%d.py", i), Size: int64(1000 + 37*i), Status: result.Analyzed, Duration: gotime.Duration(1000 + 1000*(i%97))}
				tr.Discovered(recs[i].Size)
			}
			b.ResetTimer()
			i := 0
			for b.Loop() {
				tr.Record(recs[i&1023])
				i++
			}
			b.StopTimer()
			tr.Finish(FinishInfo{})
		})
	}
}

// BenchmarkPipeline runs a two-stage pipeline like pybatch's over the
// machine's Python standard library held in memory: workers (one per CPU)
// hash each file and count its lines — far less work per byte than parsing,
// so the tracker's share is overstated — and one coordinator receives the
// records, with and without the Tracker and a renderer. Compare ns/file of
// the sub-benchmarks over several runs (-count): the tracker's own cost per
// record is small next to the noise between runs, and BenchmarkRecord
// measures it alone.
//
//	go test -run '^$' -bench 'Pipeline' -count 5 ./progress/
func BenchmarkPipeline(b *testing.B) {
	files := loadCorpus(b, 3000)
	run := func(tr *Tracker) {
		in := make(chan int, 64)
		out := make(chan *result.Record, 64)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for i := range in {
					sum := sha256.Sum256(files[i])
					n := strings.Count(string(files[i]), "\n")
					out <- &result.Record{Path: fmt.Sprintf("f%d-%x", n, sum[:2]), Size: int64(len(files[i])), Status: result.Analyzed}
				}
			})
		}
		go func() {
			for i := range files {
				if tr != nil {
					tr.Discovered(int64(len(files[i])))
				}
				in <- i
			}
			close(in)
			wg.Wait()
			close(out)
		}()
		for r := range out {
			if tr != nil {
				tr.Record(r)
			}
		}
	}
	b.Run("without", func(b *testing.B) {
		for b.Loop() {
			run(nil)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
	})
	for _, mode := range []Mode{ModePlain, ModeJSON, ModeBar} {
		b.Run(string(mode), func(b *testing.B) {
			for b.Loop() {
				r, _ := NewRenderer(mode, io.Discard, RendererOptions{IsTerminal: func(io.Writer) bool { return true }})
				tr := NewTracker(Options{Renderer: r})
				run(tr)
				tr.DiscoveryDone()
				tr.Finish(FinishInfo{})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
		})
	}
}

func loadCorpus(b *testing.B, max int) [][]byte {
	stdlib := testenv.Stdlib(b)
	var files [][]byte
	filepath.WalkDir(stdlib, func(p string, d fs.DirEntry, err error) error {
		if err != nil || len(files) >= max {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".py") {
			if src, err := os.ReadFile(p); err == nil {
				files = append(files, src)
			}
		}
		return nil
	})
	if len(files) == 0 {
		testenv.SkipOrFail(b, "no Python files in the standard library at %s", stdlib)
	}
	return files
}
