package parallel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
)

func ints(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// waitGoroutines fails if the goroutine count does not come back to base.
// Run waits for its workers, but the feeder and the closer of the results
// exit on their own a moment later, so the count is polled. The bound is not
// a timing assertion: it is the test binary's own deadline (go test
// -timeout) less a margin to print the goroutines, or a minute without one.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	if d, ok := t.Deadline(); ok {
		deadline = d.Add(-10 * time.Second)
	}
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines leaked: %d > %d\n%s", runtime.NumGoroutine(), base, buf[:n])
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond) // polling interval, not a synchronisation
	}
}

func TestRunProcessesEveryItemOnce(t *testing.T) {
	for _, ordered := range []bool{false, true} {
		t.Run(fmt.Sprint("ordered=", ordered), func(t *testing.T) {
			const n = 1000
			// Random delays on some items shuffle the order of completion.
			rng := testenv.Rand(t)
			delay := make([]time.Duration, n)
			for i := range delay {
				if i%7 == 0 {
					delay[i] = time.Duration(rng.IntN(200)) * time.Microsecond
				}
			}
			seen := make([]int, n)
			var lastIndex = -1
			for r := range Run(t.Context(), ints(n), func(_ context.Context, i int) (string, error) {
				time.Sleep(delay[i])
				return strconv.Itoa(i * i), nil
			}, Options{Workers: 4, Ordered: ordered}) {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				if r.In != r.Index || r.Out != strconv.Itoa(r.In*r.In) {
					t.Fatalf("result %+v does not match its item", r)
				}
				seen[r.Index]++
				if ordered && r.Index != lastIndex+1 {
					t.Fatalf("ordered: got index %d after %d", r.Index, lastIndex)
				}
				lastIndex = r.Index
			}
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("item %d yielded %d times", i, c)
				}
			}
		})
	}
}

// The first calls wait for one another until workers of them run at once (a
// barrier, not a sleep): fewer goroutines would never get there and the test
// would hang until go test's -timeout; more would show in the peak.
func TestRunUsesExactlyWorkersGoroutines(t *testing.T) {
	const workers = 3
	var cur, peak atomic.Int32
	allIn := make(chan struct{})
	var closeOnce sync.Once
	for r := range Run(t.Context(), ints(60), func(_ context.Context, i int) (int, error) {
		c := cur.Add(1)
		for {
			p := peak.Load()
			if c <= p || peak.CompareAndSwap(p, c) {
				break
			}
		}
		if c == workers {
			closeOnce.Do(func() { close(allIn) })
		}
		<-allIn
		cur.Add(-1)
		return i, nil
	}, Options{Workers: workers}) {
		_ = r
	}
	if p := peak.Load(); p != workers {
		t.Fatalf("peak concurrency %d, want %d", p, workers)
	}
}

func TestPanicBecomesItemErrorAndWorkerCarriesOn(t *testing.T) {
	var errs, oks int
	for r := range Run(t.Context(), ints(10), func(_ context.Context, i int) (int, error) {
		if i%3 == 0 {
			panicInHelper(i)
		}
		return i, nil
	}, Options{Workers: 1}) {
		if r.Err != nil {
			var pe *PanicError
			if !errors.As(r.Err, &pe) {
				t.Fatalf("item %d: error %v is not a *PanicError", r.In, r.Err)
			}
			if pe.Value != fmt.Sprintf("bad item %d", r.In) {
				t.Fatalf("panic value %v", pe.Value)
			}
			if !strings.Contains(string(pe.Stack), "panicInHelper") || !strings.Contains(r.Err.Error(), "panicInHelper") {
				t.Fatalf("stack does not show the panicking function:\n%s", pe.Stack)
			}
			errs++
			continue
		}
		oks++
	}
	if errs != 4 || oks != 6 {
		t.Fatalf("errs=%d oks=%d, want 4 and 6 (one worker must survive every panic)", errs, oks)
	}
}

func panicInHelper(i int) { panic(fmt.Sprintf("bad item %d", i)) }

func TestTimeoutAbandonsStuckItemAndCarriesOn(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var timeouts, oks int
	for r := range Run(t.Context(), ints(5), func(ctx context.Context, i int) (int, error) {
		switch i {
		case 1: // ignores its context entirely
			<-release
		case 3: // honours its context
			<-ctx.Done()
			return 0, ctx.Err()
		}
		return i, nil
	}, Options{Workers: 1, Timeout: 500 * time.Millisecond, Ordered: true}) { // ample for the quick items
		if r.In == 1 || r.In == 3 {
			if !errors.Is(r.Err, ErrTimeout) {
				t.Fatalf("item %d: got %v, want ErrTimeout", r.In, r.Err)
			}
			timeouts++
			continue
		}
		if r.Err != nil || r.Out != r.In {
			t.Fatalf("item %d: %+v", r.In, r)
		}
		oks++
	}
	if timeouts != 2 || oks != 3 {
		t.Fatalf("timeouts=%d oks=%d", timeouts, oks)
	}
}

func TestCancellationStopsUnboundedInput(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	forever := func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	}
	n := 0
	for r := range Run(ctx, forever, func(ctx context.Context, i int) (int, error) { return i, nil }, Options{Workers: 2}) {
		_ = r
		n++
		if n == 500 {
			cancel()
		}
	}
	if ctx.Err() == nil || n < 500 {
		t.Fatalf("n=%d err=%v", n, ctx.Err())
	}
	waitGoroutines(t, base)
}

func TestConsumerBreakStopsEverything(t *testing.T) {
	base := runtime.NumGoroutine()
	var calls atomic.Int64
	for _, ordered := range []bool{false, true} {
		n := 0
		for range Run(t.Context(), ints(1_000_000), func(ctx context.Context, i int) (int, error) {
			calls.Add(1)
			return i, nil
		}, Options{Workers: 2, Ordered: ordered}) {
			n++
			if n == 10 {
				break
			}
		}
	}
	waitGoroutines(t, base)
	if c := calls.Load(); c > 1000 {
		t.Fatalf("%d calls after the consumer stopped at 10: the window does not bound work", c)
	}
}

// The window bounds what is taken from the input but not yet yielded, even
// with a slow consumer and an item that blocks ordered output.
func TestWindowBoundsItemsInFlight(t *testing.T) {
	for _, ordered := range []bool{false, true} {
		t.Run(fmt.Sprint("ordered=", ordered), func(t *testing.T) {
			const window = 8
			var taken, yielded, peak atomic.Int64
			in := func(yield func(int) bool) {
				for i := range 300 {
					if d := taken.Add(1) - yielded.Load(); d > peak.Load() {
						peak.Store(d)
					}
					if !yield(i) {
						return
					}
				}
			}
			for r := range Run(t.Context(), in, func(_ context.Context, i int) (int, error) {
				if i%50 == 0 {
					time.Sleep(5 * time.Millisecond) // holds back ordered output
				}
				return i, nil
			}, Options{Workers: 3, Buffer: 2, Window: window, Ordered: ordered}) {
				yielded.Add(1)
				_ = r
				if r.Index%10 == 0 {
					time.Sleep(200 * time.Microsecond)
				}
			}
			// +1: the feeder holds one item from the input while it waits
			// for a window slot.
			if p := peak.Load(); p > window+1 {
				t.Fatalf("peak in flight %d > window %d + 1", p, window)
			}
		})
	}
}

func TestRunChan(t *testing.T) {
	in := make(chan int)
	go func() {
		defer close(in)
		for i := range 100 {
			in <- i
		}
	}()
	sum := 0
	for r := range RunChan(t.Context(), in, func(_ context.Context, i int) (int, error) { return 2 * i, nil }, Options{Workers: 3}) {
		sum += r.Out
	}
	if sum != 2*99*100/2 {
		t.Fatalf("sum %d", sum)
	}
}
