//go:build linux

package memory

import (
	"context"
	"runtime/debug"
	"syscall"
	"testing"
	"time"
)

// touchAnon maps n fresh anonymous bytes and writes every page, so RSS grows
// by n whatever the Go heap had cached; the returned func unmaps them.
func touchAnon(t *testing.T, n int) func() {
	t.Helper()
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i += 4096 {
		b[i] = 1
	}
	return func() { syscall.Munmap(b) }
}

func TestReadRSSAndHWM(t *testing.T) {
	rss, err := ReadRSS()
	if err != nil {
		t.Fatal(err)
	}
	hwm, err := ReadHWM()
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 || hwm < rss {
		t.Fatalf("implausible RSS %d / HWM %d", rss, hwm)
	}
	undo := touchAnon(t, 64<<20)
	rss2, _ := ReadRSS()
	undo()
	if d := rss2 - rss; d < 60<<20 || d > 80<<20 {
		t.Errorf("RSS grew by %d after touching 64 MiB", d)
	}
	hwm2, _ := ReadHWM()
	if hwm2 < rss2-2<<20 { // the kernel's counters are per-CPU batched: allow slack

		t.Errorf("HWM %d below an RSS seen before (%d)", hwm2, rss2)
	}
}

func TestSamplerSeesGrowth(t *testing.T) {
	// so that the first sample's heap holds no garbage of earlier tests, nor
	// free pages the allocation below would reuse
	debug.FreeOSMemory()
	samples := make(chan Sample, 16)
	s := StartSampler(context.Background(), SamplerOptions{
		Interval: 5 * time.Millisecond,
		OnSample: func(smp Sample) {
			select {
			case samples <- smp:
			default: // OnSample must not block; a later sample will do
			}
		},
	})
	base := s.Summary()
	if base.Samples != 1 || base.PeakRSS == 0 || base.PeakHeap == 0 {
		t.Fatalf("first sample missing: %+v", base)
	}
	undo := touchAnon(t, 32<<20)
	buf := make([]byte, 32<<20) // live Go heap
	// wait for two samples read after the growth (a sample's Time is taken
	// before it reads anything), however long the machine takes to get there
	grown := time.Now()
	for after := 0; after < 2; {
		if smp := <-samples; smp.Time.After(grown) {
			after++
		}
	}
	mid := s.Summary()
	undo()
	sum := s.Stop()
	buf[0] = 1
	if sum.Samples < 4 { // the first, two after the growth, Stop's
		t.Errorf("%d samples, want at least 4", sum.Samples)
	}
	if mid.PeakHeap-base.PeakHeap < 30<<20 {
		t.Errorf("peak heap %d did not see the 32 MiB allocation (base %d)", mid.PeakHeap, base.PeakHeap)
	}
	if mid.PeakRSS-base.PeakRSS < 30<<20 {
		t.Errorf("peak RSS %d did not see 32 MiB touched (base %d)", mid.PeakRSS, base.PeakRSS)
	}
	if sum.AvgRSS <= 0 || sum.AvgRSS > sum.PeakRSS || sum.AvgHeap > sum.PeakHeap {
		t.Errorf("averages out of range: %+v", sum)
	}
	if sum.HWM < sum.LastRSS-2<<20 || sum.PeakRSS < sum.HWM {
		t.Errorf("HWM %d vs last RSS %d / peak %d", sum.HWM, sum.LastRSS, sum.PeakRSS)
	}
	if again := s.Stop(); again != sum {
		t.Errorf("second Stop changed the summary")
	}
}
