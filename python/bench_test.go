package python

import (
	"testing"

	"github.com/pybatch/pybatch/python/internal/benchcorpus"
)

// BenchmarkParseFile is the whole front end as analysis uses it: ParseFile
// (source decoding, tokenizing, parsing, without ShareSource) on the raw
// bytes of every .py file of the local Python standard library
// (PYBATCH_BENCH_DIR; site-packages excluded) that CPython accepts. MB/s and
// cpuMB/s count raw bytes; B/srcbyte is heap allocated per raw byte.
func BenchmarkParseFile(b *testing.B) {
	raws, total := benchcorpus.Stdlib(b, func(raw []byte) ([]byte, bool) {
		_, _, err := ParseFile(raw)
		return raw, err == nil
	})
	benchcorpus.Run(b, total, len(raws), func() {
		for _, raw := range raws {
			if _, _, err := ParseFile(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
