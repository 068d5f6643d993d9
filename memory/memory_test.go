package memory

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

func newTestManager(t *testing.T, capacity int64) *Manager {
	t.Helper()
	m, err := New(Options{Budget: 64 << 20, SoftLimit: -1, Capacity: capacity, Ratio: 1, PerFile: -1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// waitUntil yields until cond holds. Every condition the tests wait for is
// a state another goroutine reaches without waiting on the test, so the
// loop ends; a bug that keeps it from ending shows as the test binary's
// timeout, with the goroutines' stacks.
func waitUntil(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

// queued reports whether an Acquire is queued in m's semaphore, provided
// that at least one byte of capacity is free: the semaphore refuses
// TryAcquire while anyone waits.
func queued(m *Manager) bool {
	if m.sem.TryAcquire(1) {
		m.sem.Release(1)
		return false
	}
	return true
}

// runtimeSettings are the process-wide settings a library must leave alone.
func runtimeSettings() (memLimit, gcPercent uint64) {
	s := []metrics.Sample{{Name: "/gc/gomemlimit:bytes"}, {Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

func TestNewDefaultsAndSoftLimit(t *testing.T) {
	m, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Budget() != DefaultBudget {
		t.Errorf("budget %d, want %d", m.Budget(), DefaultBudget)
	}
	if got := m.SoftLimit(); got != DefaultBudget*85/100 {
		t.Errorf("soft limit %d, want %d", got, DefaultBudget*85/100)
	}
	if c := m.Capacity(); c <= 0 || c >= m.SoftLimit() {
		t.Errorf("capacity %d not within (0, SoftLimit %d)", c, m.SoftLimit())
	}
	if m.Cost(1000) != int64(1000*DefaultRatio)+DefaultPerFile {
		t.Errorf("Cost(1000) = %d", m.Cost(1000))
	}
	none, err := New(Options{SoftLimit: -5})
	if err != nil {
		t.Fatal(err)
	}
	if none.SoftLimit() != -1 || none.Capacity() != m.Capacity() {
		t.Errorf("with no soft limit: SoftLimit %d, capacity %d (want -1, %d)", none.SoftLimit(), none.Capacity(), m.Capacity())
	}
	if _, err := New(Options{Budget: 1 << 20}); err == nil {
		t.Error("a 1 MiB budget was accepted")
	}
	if _, err := New(Options{Budget: 64 << 20, SoftLimit: 128 << 20}); err == nil {
		t.Error("a soft limit above the budget was accepted")
	}
}

// A Manager never changes the process's memory limit or GC percentage:
// those are the program's to set.
func TestNewLeavesRuntimeAlone(t *testing.T) {
	limit, percent := runtimeSettings()
	m, err := New(Options{Budget: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Acquire(context.Background(), m.Capacity()); err != nil {
		t.Fatal(err)
	}
	m.Release(m.Capacity())
	if l, p := runtimeSettings(); l != limit || p != percent {
		t.Errorf("memory limit %d, GC percent %d; before New %d, %d", l, p, limit, percent)
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
	seed := testenv.SeedOr(t, 1)
	var inFlight, peak atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(g)))
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
					runtime.Gosched() // let another goroutine in while this one holds its cost
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
	// admitted reports whether ch is closed, without waiting: no admission
	// below can happen before the Release that allows it, so a check right
	// after each step sees the state the semaphore must be in.
	admitted := func(ch chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	bigIn := make(chan struct{})
	go func() {
		if err := m.Acquire(ctx, 90); err != nil {
			t.Error(err)
		}
		close(bigIn)
	}()
	waitUntil(func() bool { return queued(m) })
	// a small file that would fit now must queue behind the big one (FIFO):
	// it counts as waiting once its TryAcquire has failed
	smallIn := make(chan struct{})
	go func() {
		if err := m.Acquire(ctx, 15); err != nil {
			t.Error(err)
		}
		close(smallIn)
	}()
	waitUntil(func() bool { return m.Stats().Waited == 2 })
	if admitted(bigIn) {
		t.Fatal("the large file was admitted while 60 of 100 bytes were in flight")
	}
	if admitted(smallIn) {
		t.Fatal("a small file overtook the waiting large file")
	}
	m.Release(20)
	m.Release(20)
	if admitted(bigIn) {
		t.Fatal("the large file was admitted while 20 bytes were in flight (20+90 > 100)")
	}
	m.Release(20)
	<-bigIn // now it runs alone
	if st := m.Stats(); st.InFlight != 90 {
		t.Fatalf("in flight %d while the large file runs alone, want 90", st.InFlight)
	}
	if admitted(smallIn) {
		t.Fatal("small file admitted alongside the large one beyond capacity")
	}
	m.Release(90)
	<-smallIn
	m.Release(15)
}

func TestTooLargeRefused(t *testing.T) {
	m, err := New(Options{Budget: 64 << 20, SoftLimit: -1, Capacity: 1 << 20, Ratio: 10, PerFile: -1})
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
	waitUntil(func() bool { return m.Stats().Waited == 1 })
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
	m, err := New(Options{Budget: 64 << 20, SoftLimit: -1, Capacity: 1 << 20, Ratio: 4, PerFile: 1024})
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
