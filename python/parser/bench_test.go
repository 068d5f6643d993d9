package parser

import (
	"testing"

	"github.com/pybatch/pybatch/python/ast"
	"github.com/pybatch/pybatch/python/internal/benchcorpus"
	"github.com/pybatch/pybatch/python/source"
)

// benchCorpus returns the decoded sources of the local Python standard
// library that CPython accepts (see benchcorpus.Stdlib).
func benchCorpus(b *testing.B) ([][]byte, int64) {
	return benchcorpus.Stdlib(b, func(raw []byte) ([]byte, bool) {
		src, _, err := source.Decode(raw)
		if err != nil {
			return nil, false
		}
		_, err = Parse(src, Options{})
		return src, err == nil
	})
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
	benchcorpus.Run(b, total, len(srcs), func() {
		for _, src := range srcs {
			if _, err := Parse(src, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFeatures times Features (a file's lowest version, what analysis
// adds to every report) over the parsed corpus: compare its ns/op with
// BenchmarkParse's. Walk walks the whole tree (Features); Facts is what
// analysis does, FeaturesFacts with the facts Parse recorded.
func BenchmarkFeatures(b *testing.B) {
	srcs, total := benchCorpus(b)
	mods := make([]*ast.Module, len(srcs))
	facts := make([]Facts, len(srcs))
	for i, src := range srcs {
		mods[i], _ = Parse(src, Options{ShareSource: true, Facts: &facts[i]})
	}
	b.Run("Walk", func(b *testing.B) {
		benchcorpus.Run(b, total, len(srcs), func() {
			for i, src := range srcs {
				Features(mods[i], src)
			}
		})
	})
	b.Run("Facts", func(b *testing.B) {
		benchcorpus.Run(b, total, len(srcs), func() {
			for i, src := range srcs {
				FeaturesFacts(mods[i], src, nil, &facts[i])
			}
		})
	})
}
