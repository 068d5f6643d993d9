package batch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pybatch/pybatch/analysis"
)

// The batch engine's own cost per file: open, fstat, read, the executor and
// the record, with an analysis that does nothing. Compare with the analysis
// (go test -bench Analyze ./analysis) to see the share of the pipeline.
func BenchmarkStreamPerFile(b *testing.B) {
	dir := b.TempDir()
	const n = 256
	var files []File
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("m%d.py", i))
		if err := os.WriteFile(p, []byte("def f():\n    return 1\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, File{Path: p})
	}
	noop := func(path string, src []byte) *analysis.Report { return &analysis.Report{Path: path} }
	for _, isolate := range []bool{false, true} {
		b.Run(fmt.Sprint("isolate=", isolate), func(b *testing.B) {
			opts := Options{Analyze: noop}
			if isolate {
				opts = Options{Isolate: true, WorkerCommand: workerCommand}
			}
			seq, err := Stream(b.Context(), func(yield func(File) bool) {
				for i := 0; i < b.N; i++ {
					if !yield(files[i%n]) {
						return
					}
				}
			}, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for r := range seq {
				if r.Status != "analyzed" {
					b.Fatal(r.Err)
				}
			}
		})
	}
}
