package raw

import (
	"os"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/source"
)

// BenchmarkMetrics times Metrics alone over the standard library
// (site-packages excluded); bytes are the decoded texts'.
//
//	go test ./analysis/internal/raw -run '^$' -bench BenchmarkMetrics
func BenchmarkMetrics(b *testing.B) {
	var texts [][]byte
	var total int64
	for _, f := range testenv.StdlibFiles(b, testenv.Stdlib(b)) {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		text, _, err := source.Decode(src)
		if err != nil {
			continue
		}
		texts = append(texts, text)
		total += int64(len(text))
	}
	b.SetBytes(total)
	for b.Loop() {
		for _, t := range texts {
			_, _ = Metrics(t, nil)
		}
	}
}
