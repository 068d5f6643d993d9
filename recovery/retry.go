package recovery

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy says how Retry tries again. The zero Policy tries once.
type Policy struct {
	// MaxAttempts is the most times fn runs, the first included; the
	// command's --retries N is MaxAttempts N+1. Values below 1 mean 1.
	MaxAttempts int
	// Base is the delay before the second attempt; each later delay
	// doubles, up to Max. 0 means 100ms.
	Base time.Duration
	// Max caps a delay. 0 means 5s.
	Max time.Duration

	// Sleep waits d or until ctx is done (then returns ctx.Err()). Nil means
	// a real timer; tests pass a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter. Nil means math/rand/v2.
	Rand func() float64
	// Classify decides what is transient. Nil means the package's Classify.
	Classify func(error) Class
}

// Delay returns the wait before attempt n+1 after n failed attempts
// (n >= 1): "equal jitter", half of the exponential delay plus a random part
// of the other half, so that workers that failed together do not retry in
// lockstep and every wait still grows.
func (p Policy) Delay(n int, random float64) time.Duration {
	base, maxd := p.Base, p.Max
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	if maxd <= 0 {
		maxd = 5 * time.Second
	}
	d := base
	for i := 1; i < n && d < maxd; i++ {
		d *= 2
	}
	d = min(d, maxd)
	half := d / 2
	return half + time.Duration(random*float64(d-half))
}

// Retry runs fn until it succeeds, fails with an error that is not
// transient, or has run MaxAttempts times, waiting Delay between attempts.
// fn receives the attempt number (1-based). Retry returns how many attempts
// ran and the last error; when ctx is done during a wait, the error is the
// last failure joined with ctx's error.
func Retry(ctx context.Context, p Policy, fn func(ctx context.Context, attempt int) error) (attempts int, err error) {
	sleep, random, classify := p.Sleep, p.Rand, p.Classify
	if sleep == nil {
		sleep = sleepTimer
	}
	if random == nil {
		random = rand.Float64
	}
	if classify == nil {
		classify = Classify
	}
	maxAttempts := max(p.MaxAttempts, 1)
	for attempt := 1; ; attempt++ {
		err = fn(ctx, attempt)
		if err == nil || attempt >= maxAttempts || !classify(err).Transient() {
			return attempt, err
		}
		if serr := sleep(ctx, p.Delay(attempt, random())); serr != nil {
			return attempt, &stoppedError{last: err, stop: serr}
		}
	}
}

// stoppedError is the last failure of a retry loop that ctx stopped:
// errors.Is and errors.As find both the failure and the context's error, and
// Classify names it canceled (or timeout for a deadline), since the run, not
// the file, ended the retries.
type stoppedError struct{ last, stop error }

func (e *stoppedError) Error() string {
	return e.last.Error() + " (retries stopped: " + e.stop.Error() + ")"
}
func (e *stoppedError) Unwrap() []error { return []error{e.last, e.stop} }

func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ErrClass makes Classify name the reason the retries stopped.
func (e *stoppedError) ErrClass() Class { return Classify(e.stop) }
