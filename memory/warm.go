package memory

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// WarmSize is how much heap Warm makes resident: the size the collector lets
// the heap grow to while the live data is the baseline (Options.Baseline ×
// (1 + GOGC/100), GOGC taken as 100 when it is off), at most half the Go
// limit.
func (m *Manager) WarmSize() int64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	gogc := int64(100)
	if s[0].Value.Kind() == metrics.KindUint64 {
		if v := s[0].Value.Uint64(); v > 0 && v <= 1000 {
			gogc = int64(v)
		}
	}
	n := m.baseline + m.baseline*gogc/100
	if m.goLimit > 0 {
		n = min(n, m.goLimit/2)
	}
	return n
}

// Warm makes resident, before a run starts, the heap the run would
// otherwise fault in during its first half-second — only when source (the
// bytes the run will analyse; negative: unknown but large) is enough for the
// heap to grow that far anyway (source × Ratio at least 4 × WarmSize). It
// reports whether it warmed (not when ctx ended first).
//
// A page's first touch is dear on virtual machines: 12-15 µs on the
// Firecracker guests pybatch is measured on, where the host backs the page
// then, against well under 1 µs on bare metal. A fresh run of the full local
// tree (the standard library and site-packages, 128 MB) made 15,000 such
// faults in its first half-second, which ran at 30-45 MB/s against 55
// after, and the ETA given at 10% of the bytes was 10-35% long.
//
// So, the JVM's AlwaysPreTouch for the Go heap: on every core (on one, the
// other idled and the run took 4% longer), Warm writes to every page of
// WarmSize bytes of new allocations and drops them, and holds the heap's
// goal at WarmSize until the live heap alone makes it that large (see
// holdHeap): the runtime hands the warmed pages out again instead of
// faulting in new ones. The run then takes as long in all, and goes at its
// steady speed from its first file.
func (m *Manager) Warm(ctx context.Context, source int64) bool {
	n := m.WarmSize()
	if source >= 0 && float64(source)*m.ratio < 4*float64(n) {
		return false
	}
	const piece = 1 << 20
	page := os.Getpagesize()
	procs := int64(runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range procs {
		wg.Go(func() {
			var pieces [][]byte
			for size := int64(0); size < n/procs && ctx.Err() == nil; size += piece {
				b := make([]byte, piece)
				for i := 0; i < len(b); i += page {
					b[i] = 1
				}
				pieces = append(pieces, b)
			}
			runtime.KeepAlive(pieces)
		})
	}
	wg.Wait()
	if ctx.Err() != nil || m.closed.Load() {
		return false
	}
	m.holdHeap(ctx, n)
	return true
}

// heapHold is what holdHeap changed, to restore.
type heapHold struct {
	percent int
	limit   int64
}

// holdHeap keeps the heap's goal at n until the live heap alone makes it
// that large. The scavenger gives back to the system whatever the heap holds
// beyond GOGC% over its live data: with the warmed pages free and the live
// heap small, it gave back 31 MB of the 48, which the run then faulted in
// again. So the collector's percentage is switched off and its soft limit
// set to 1.5 n plus what the runtime holds besides the heap (at n, the
// runtime gave back free pages as the heap grew, to stay under it): the
// collector runs as the heap nears that, and the scavenger keeps what is
// below. A watcher restores both once the live heap (as the last
// collection found it) is 1.25 n / 3 (the default GOGC% of 200 then keeps
// the goal above n), or when ctx ends; Close ends the hold too.
func (m *Manager) holdHeap(ctx context.Context, n int64) {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/free:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	other := int64(s[0].Value.Uint64() - s[1].Value.Uint64() - s[2].Value.Uint64() - s[3].Value.Uint64() - s[4].Value.Uint64())
	m.holdMu.Lock()
	if m.hold == nil {
		m.hold = &heapHold{percent: debug.SetGCPercent(-1), limit: debug.SetMemoryLimit(n + n/2 + other)}
	}
	m.holdMu.Unlock()
	runtime.GC() // (the pieces are garbage: the heap is now its live data)
	go func() {
		defer m.endHold()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(live)
			if int64(live[0].Value.Uint64())*3 >= n+n/4 {
				return
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			case <-m.done:
				return
			}
		}
	}()
}

// holding reports whether a hold of Warm is in force.
func (m *Manager) holding() bool {
	m.holdMu.Lock()
	defer m.holdMu.Unlock()
	return m.hold != nil
}

// endHold restores what holdHeap changed, if it is in force.
func (m *Manager) endHold() {
	m.holdMu.Lock()
	defer m.holdMu.Unlock()
	if h := m.hold; h != nil {
		debug.SetMemoryLimit(h.limit)
		debug.SetGCPercent(h.percent)
		m.hold = nil
	}
}
