package memory

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newTestManager(t *testing.T, capacity int64) *Manager {
	t.Helper()
	m, err := New(Options{Budget: 64 << 20, GoLimit: -1, Capacity: capacity, Ratio: 1, PerFile: -1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewDefaultsAndGoLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	m, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Budget() != DefaultBudget {
		t.Errorf("budget %d, want %d", m.Budget(), DefaultBudget)
	}
	if got := debug.SetMemoryLimit(-1); got != DefaultBudget*85/100 {
		t.Errorf("Go memory limit %d, want %d", got, DefaultBudget*85/100)
	}
	if c := m.Capacity(); c <= 0 || c >= m.GoLimit() {
		t.Errorf("capacity %d not within (0, GoLimit %d)", c, m.GoLimit())
	}
	if m.Cost(1000) != int64(1000*DefaultRatio)+DefaultPerFile {
		t.Errorf("Cost(1000) = %d", m.Cost(1000))
	}
	m.Close()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("Close left Go memory limit %d, want the previous %d", got, before)
	}
	if _, err := New(Options{Budget: 1 << 20}); err == nil {
		t.Error("a 1 MiB budget was accepted")
	}
	if _, err := New(Options{Budget: 64 << 20, GoLimit: 128 << 20}); err == nil {
		t.Error("a Go limit above the budget was accepted")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"500MB": 500_000_000, "200MB": 200_000_000, "1GiB": 1 << 30, "512 MiB": 512 << 20, "1.5GB": 1_500_000_000, "1000": 1000, "64M": 64_000_000} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-5MB", "lots", "5 parsecs"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func TestAdmissionNeverExceedsCapacity(t *testing.T) {
	const capacity = 1000
	m := newTestManager(t, capacity)
	var inFlight, peak atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 200 {
				cost := 1 + r.Int64N(capacity)
				if err := m.Acquire(context.Background(), cost); err != nil {
					t.Error(err)
					return
				}
				n := inFlight.Add(cost)
				if n > capacity {
					t.Errorf("in flight %d > capacity %d", n, capacity)
				}
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				if r.IntN(4) == 0 {
					time.Sleep(time.Microsecond)
				}
				inFlight.Add(-cost)
				m.Release(cost)
			}
		})
	}
	wg.Wait()
	st := m.Stats()
	if st.InFlight != 0 {
		t.Errorf("in flight %d after all released", st.InFlight)
	}
	if st.PeakInFlight > capacity || st.PeakInFlight < peak.Load() {
		t.Errorf("manager peak %d, observed %d, capacity %d", st.PeakInFlight, peak.Load(), capacity)
	}
	if st.Waited == 0 {
		t.Error("no Acquire ever waited: the test did not contend")
	}
}

func TestLargeFileWaitsThenRunsAlone(t *testing.T) {
	m := newTestManager(t, 100)
	ctx := context.Background()
	// three small files in flight
	for range 3 {
		if err := m.Acquire(ctx, 20); err != nil {
			t.Fatal(err)
		}
	}
	bigIn := make(chan struct{})
	go func() {
		if err := m.Acquire(ctx, 90); err != nil {
			t.Error(err)
		}
		close(bigIn)
	}()
	// wait until the big one is queued
	for m.Stats().Waited == 0 {
		time.Sleep(time.Millisecond)
	}
	// a small file that would fit now must queue behind the big one (FIFO)
	smallIn := make(chan struct{})
	go func() {
		if err := m.Acquire(ctx, 15); err != nil {
			t.Error(err)
		}
		close(smallIn)
	}()
	for m.Stats().Waited < 2 {
		time.Sleep(time.Millisecond)
	}
	select {
	case <-bigIn:
		t.Fatal("the large file was admitted while 60 of 100 bytes were in flight")
	case <-smallIn:
		t.Fatal("a small file overtook the waiting large file")
	case <-time.After(20 * time.Millisecond):
	}
	m.Release(20)
	m.Release(20)
	select {
	case <-bigIn:
		t.Fatal("the large file was admitted while 20 bytes were in flight (20+90 > 100)")
	case <-time.After(20 * time.Millisecond):
	}
	m.Release(20)
	<-bigIn // now it runs alone
	if st := m.Stats(); st.InFlight != 90 {
		t.Fatalf("in flight %d while the large file runs alone, want 90", st.InFlight)
	}
	select {
	case <-smallIn:
		t.Fatal("small file admitted alongside the large one beyond capacity")
	case <-time.After(20 * time.Millisecond):
	}
	m.Release(90)
	<-smallIn
	m.Release(15)
}

func TestTooLargeRefused(t *testing.T) {
	m, err := New(Options{Budget: 64 << 20, GoLimit: -1, Capacity: 1 << 20, Ratio: 10, PerFile: -1})
	if err != nil {
		t.Fatal(err)
	}
	cost := m.Cost(200 << 10) // 2 MB estimated > 1 MiB capacity
	if m.Fits(cost) {
		t.Fatal("Fits says yes to a cost above capacity")
	}
	err = m.Acquire(context.Background(), cost)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Acquire(%d) = %v, want ErrTooLarge", cost, err)
	}
	if st := m.Stats(); st.Refused != 1 || st.InFlight != 0 {
		t.Errorf("stats after refusal: %+v", st)
	}
	// the refusal held nothing: the whole capacity is still available
	if err := m.Acquire(context.Background(), m.Capacity()); err != nil {
		t.Fatal(err)
	}
	m.Release(m.Capacity())
}

func TestCancelWhileWaiting(t *testing.T) {
	m := newTestManager(t, 100)
	if err := m.Acquire(context.Background(), 80); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- m.Acquire(ctx, 50) }()
	for m.Stats().Waited == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Acquire returned %v", err)
	}
	if st := m.Stats(); st.InFlight != 80 {
		t.Fatalf("in flight %d after a cancelled wait, want 80", st.InFlight)
	}
	m.Release(80)
	// the cancelled waiter left no reservation behind
	if err := m.Acquire(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	m.Release(100)
	if err := m.Acquire(ctx, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire on a done context = %v", err)
	}
}

func TestBatchSizes(t *testing.T) {
	small := BatchSizes(200_000_000, SizingOptions{})
	def := BatchSizes(0, SizingOptions{})
	huge := BatchSizes(64<<30, SizingOptions{})
	if small.ChunkFiles >= def.ChunkFiles || small.StoreBatch >= def.StoreBatch {
		t.Errorf("a smaller budget did not give smaller batches: %+v vs %+v", small, def)
	}
	if huge.ChunkFiles != 4096 || huge.StoreBatch != 5000 {
		t.Errorf("huge budget not clamped: %+v", huge)
	}
	tiny := BatchSizes(16<<20, SizingOptions{})
	if tiny.ChunkFiles != 16 && tiny.ChunkFiles < 16 || tiny.StoreBatch < 64 {
		t.Errorf("tiny budget below the floors: %+v", tiny)
	}
	// the buffered results fit their share of the budget
	if int64(def.ChunkFiles)*(16<<10) > DefaultBudget/20 {
		t.Errorf("default chunk %d × 16 KiB exceeds 5%% of the budget", def.ChunkFiles)
	}
}

func TestCheckAndAdmitSize(t *testing.T) {
	m, err := New(Options{Budget: 64 << 20, GoLimit: -1, Capacity: 1 << 20, Ratio: 4, PerFile: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(200 << 10); err != nil {
		t.Errorf("Check(200 KiB) = %v, cost %d fits 1 MiB", err, m.Cost(200<<10))
	}
	if err := m.Check(300 << 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Check(300 KiB) = %v, want ErrTooLarge", err)
	}
	if r := m.Stats().Refused; r != 1 {
		t.Errorf("refused %d after one failed Check", r)
	}
	release, err := m.AdmitSize(context.Background(), 100<<10)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Stats().InFlight; got != 400<<10+1024 {
		t.Errorf("in flight %d after AdmitSize(100 KiB)", got)
	}
	release()
	release() // idempotent
	if got := m.Stats().InFlight; got != 0 {
		t.Errorf("in flight %d after release", got)
	}
	if _, err := m.AdmitSize(context.Background(), 300<<10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("AdmitSize(300 KiB) = %v", err)
	}
}

func TestGCPercentSetAndRestored(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	t.Setenv("GOGC", "") // t.Setenv then Unsetenv: the variable is absent for New
	os.Unsetenv("GOGC")
	m, err := New(Options{GoLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(DefaultGCPercent); got != DefaultGCPercent {
		t.Errorf("while open: GC percent %d, want %d", got, DefaultGCPercent)
	}
	m.Close()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after Close: GC percent %d, want the previous 100", got)
	}

	// A user's GOGC wins over the default.
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	m, err = New(Options{GoLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("with GOGC=50: GC percent %d, want 50 left alone", got)
	}
	m.Close()
}
