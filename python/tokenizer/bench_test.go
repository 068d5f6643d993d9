package tokenizer

import (
	"testing"

	"github.com/pybatch/pybatch/python/internal/benchcorpus"
	"github.com/pybatch/pybatch/python/token"
)

// BenchmarkTokenize tokenizes the local standard library (parser mode).
func BenchmarkTokenize(b *testing.B) { benchTokenize(b, Options{}) }

// BenchmarkTokenizeComments is BenchmarkTokenize with Options.Comments.
func BenchmarkTokenizeComments(b *testing.B) { benchTokenize(b, Options{Comments: true}) }

func benchTokenize(b *testing.B, opts Options) {
	srcs, total := benchcorpus.Stdlib(b, func(raw []byte) ([]byte, bool) { return decodeUTF8(raw), true })
	benchcorpus.Run(b, total, len(srcs), func() {
		n := 0
		for _, src := range srcs {
			tz := New(src, opts)
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
	})
}
