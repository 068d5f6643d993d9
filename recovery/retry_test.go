package recovery

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"
)

// fakeClock records the waits instead of sleeping.
type fakeClock struct {
	waits  []time.Duration
	cancel func() // called on the n-th wait when set
	at     int
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.waits = append(c.waits, d)
	if c.cancel != nil && len(c.waits) == c.at {
		c.cancel()
	}
	return ctx.Err()
}

func TestRetryBacksOffExponentiallyWithJitter(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		clock := &fakeClock{}
		p := Policy{MaxAttempts: 6, Base: 100 * time.Millisecond, Max: time.Second, Sleep: clock.sleep, Rand: func() float64 { return r }}
		calls := 0
		n, err := Retry(context.Background(), p, func(_ context.Context, attempt int) error {
			calls++
			if attempt != calls {
				t.Fatalf("attempt %d on call %d", attempt, calls)
			}
			return syscall.EIO
		})
		if n != 6 || calls != 6 || !errors.Is(err, syscall.EIO) {
			t.Fatalf("attempts %d, calls %d, err %v", n, calls, err)
		}
		if len(clock.waits) != 5 {
			t.Fatalf("%d waits, want 5", len(clock.waits))
		}
		// Exponential delays 100, 200, 400, 800, 1000(capped) ms; each wait is
		// in [d/2, d).
		for i, d := range []time.Duration{100, 200, 400, 800, 1000} {
			d *= time.Millisecond
			w := clock.waits[i]
			if w < d/2 || w > d {
				t.Fatalf("rand %v: wait %d is %v, want within [%v, %v]", r, i, w, d/2, d)
			}
			if want := d/2 + time.Duration(r*float64(d-d/2)); w != want {
				t.Fatalf("rand %v: wait %d is %v, want %v", r, i, w, want)
			}
		}
	}
}

func TestRetryStopsOnSuccessAndPermanentErrors(t *testing.T) {
	clock := &fakeClock{}
	p := Policy{MaxAttempts: 5, Sleep: clock.sleep, Rand: func() float64 { return 0 }}
	n, err := Retry(context.Background(), p, func(_ context.Context, attempt int) error {
		if attempt < 3 {
			return syscall.EAGAIN
		}
		return nil
	})
	if n != 3 || err != nil || len(clock.waits) != 2 {
		t.Fatalf("transient then success: %d attempts, %v, %d waits", n, err, len(clock.waits))
	}
	clock = &fakeClock{}
	p.Sleep = clock.sleep
	n, err = Retry(context.Background(), p, func(context.Context, int) error { return syscall.ENOENT })
	if n != 1 || !errors.Is(err, syscall.ENOENT) || len(clock.waits) != 0 {
		t.Fatalf("permanent: %d attempts, %v, %d waits", n, err, len(clock.waits))
	}
	// The zero policy tries once.
	n, _ = Retry(context.Background(), Policy{}, func(context.Context, int) error { return syscall.EIO })
	if n != 1 {
		t.Fatalf("zero policy ran %d times", n)
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	clock := &fakeClock{cancel: cancel, at: 2}
	p := Policy{MaxAttempts: 10, Sleep: clock.sleep}
	n, err := Retry(ctx, p, func(context.Context, int) error { return &WorkerCrash{Path: "f.py", Detail: "exit 2"} })
	if n != 2 || !errors.Is(err, context.Canceled) {
		t.Fatalf("%d attempts, %v", n, err)
	}
	var crash *WorkerCrash
	if !errors.As(err, &crash) || Classify(err) != Canceled {
		t.Fatalf("the stopped error loses its cause or class: %v, %q", err, Classify(err))
	}
}

func TestRetryRealTimer(t *testing.T) {
	// The default sleep honours cancellation without waiting the delay out.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	p := Policy{MaxAttempts: 3, Base: time.Hour, Max: time.Hour}
	n, err := Retry(ctx, p, func(context.Context, int) error { return syscall.EINTR })
	if n != 1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%d attempts, %v", n, err)
	}
}
