package parallel

import (
	"context"
	"testing"
	"time"
)

// The executor's own cost per item: a function that does nothing, so what is
// measured is the queues, the window and the result plumbing.
func BenchmarkRunOverhead(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"unordered", Options{}},
		{"ordered", Options{Ordered: true}},
		{"timeout", Options{Timeout: time.Minute}},
		{"timeout-cooperative", Options{Timeout: time.Minute, Cooperative: true}},
		{"workers=1", Options{Workers: 1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for range Run(context.Background(), ints(b.N), func(_ context.Context, i int) (int, error) { return i, nil }, c.opts) {
				n++
			}
			if n != b.N {
				b.Fatal(n)
			}
		})
	}
}

// One request through a worker process and back: the price of isolation per
// file (framing, JSON, two pipe hops), to compare with the analysis itself.
func BenchmarkPoolRoundTrip(b *testing.B) {
	p, err := NewPool[testReq, testResp](PoolOptions{Size: 1, Command: workerCommand})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	if _, err := p.Do(ctx, testReq{Op: "echo"}); err != nil { // start the process outside the timing
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := p.Do(ctx, testReq{Op: "echo", N: i}); err != nil {
			b.Fatal(err)
		}
	}
}
