package memory

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// resident is the Go runtime's memory that is mapped and not released to
// the OS, and the live heap.
func resident() (mapped, live uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64(), s[2].Value.Uint64()
}

func gcPercent() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

var warmSink [][]byte

func TestWarm(t *testing.T) {
	defer debug.FreeOSMemory() // (the warmed pages: other tests measure RSS)
	limit := debug.SetMemoryLimit(-1)
	m, err := New(Options{Budget: 200 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	n := m.WarmSize()
	// 16 MiB baseline × (1 + 200/100), under half the 170 MB limit
	if n != 48<<20 {
		t.Fatalf("WarmSize %d, want 48 MiB", n)
	}
	if m.Warm(context.Background(), 1<<20) {
		t.Error("warmed for a 1 MiB run, whose heap would never reach the warmed size")
	}
	debug.FreeOSMemory() // (collects, and gives back what earlier tests left)
	mapped0, live0 := resident()
	if !m.Warm(context.Background(), -1) {
		t.Fatal("did not warm for a run of unknown size")
	}
	mapped1, live1 := resident()
	if mapped1 < mapped0+uint64(n)*3/4 {
		t.Errorf("resident Go memory grew by %d MiB, want about %d", (int64(mapped1)-int64(mapped0))>>20, n>>20)
	}
	if live1 > live0+uint64(n)/8 {
		t.Errorf("the warmed pieces are still live: heap %d MiB -> %d MiB", live0>>20, live1>>20)
	}

	// The hold: no GOGC% while the live heap is small, the limit at about
	// the warmed size; then, the live heap grown, GOGC% and limit back.
	if !m.holding() || gcPercent() != math.MaxUint64 { // (off)
		t.Fatalf("no hold after warming: holding %v, GOGC %d%%", m.holding(), gcPercent())
	}
	if l := debug.SetMemoryLimit(-1); l < n || l > 2*n {
		t.Errorf("memory limit %d MiB while holding a %d MiB heap", l>>20, n>>20)
	}
	for range n / 2 >> 20 {
		warmSink = append(warmSink, make([]byte, 1<<20))
	}
	runtime.GC() // (the live heap is what the last collection found)
	for deadline := time.Now().Add(10 * time.Second); m.holding() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if m.holding() || gcPercent() != DefaultGCPercent || debug.SetMemoryLimit(-1) != m.GoLimit() {
		t.Errorf("the hold did not end once the live heap reached half of it: holding %v, GOGC %d%%, limit %d",
			m.holding(), gcPercent(), debug.SetMemoryLimit(-1))
	}
	warmSink = nil

	// Close ends a hold, and restores what was there before New.
	debug.FreeOSMemory()
	if !m.Warm(context.Background(), -1) || !m.holding() {
		t.Fatal("no second hold")
	}
	m.Close()
	if m.holding() || debug.SetMemoryLimit(-1) != limit {
		t.Errorf("Close left the hold or the limit: holding %v, limit %d, want %d", m.holding(), debug.SetMemoryLimit(-1), limit)
	}
	if m.Warm(context.Background(), -1) {
		t.Error("warmed after Close")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m2, _ := New(Options{Budget: 200 << 20})
	defer m2.Close()
	if m2.Warm(ctx, -1) {
		t.Error("reported warming after its context ended")
	}
}
