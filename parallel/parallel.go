// Package parallel runs a function over a stream of items on N workers.
//
// Two kinds of workers exist. Run uses goroutines in this process: cheap, but a
// goroutine cannot be killed, so a runaway item can only be abandoned, and a
// fatal runtime error (stack exhaustion, out of memory) takes the whole
// process down. Pool runs the same kind of work in child processes of the
// current binary (the "isolated" mode): a worker that crashes fails only the
// item it held and is replaced, a worker that exceeds the per-item timeout is
// killed and replaced, and workers are recycled after a number of items so
// that leaks in the work cannot accumulate. Pool.Do has the shape of a work
// function, so isolated mode is Run with Pool.Do as the function.
//
// The executor is hand-written rather than taken from a library because the
// contract it must keep is specific: bounded memory on unbounded input
// (a window of items in flight), optional input order on output, per-item
// panics and timeouts as data, and the "whoever sends closes, every send
// selects on ctx.Done()" discipline of the rest of pybatch. errgroup or a
// semaphore give one piece of this each; the whole is about 200 lines.
package parallel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// DefaultWorkers is the number of CPUs this process may use. Since Go 1.25
// runtime.GOMAXPROCS(0) already takes the CPU affinity mask
// (sched_getaffinity) and the cgroup CPU quota (cpu.max in cgroup v2,
// cpu.cfs_quota_us in v1) into account, and honours an explicit GOMAXPROCS
// setting, so it is exactly the number we want; it is never below 1.
func DefaultWorkers() int {
	return max(1, runtime.GOMAXPROCS(0))
}

// Options configure Run. The zero value is usable.
type Options struct {
	// Workers is the number of items processed at once; <= 0 means
	// DefaultWorkers().
	Workers int
	// Buffer is the capacity of the task and result queues; <= 0 means
	// Workers.
	Buffer int
	// Window bounds how many items may be in flight at once: taken from the
	// input but not yet yielded to the consumer. It bounds memory on
	// unbounded input, and in ordered mode it also bounds the reorder buffer.
	// <= 0 means 2*Workers + 2*Buffer; it is raised to at least Workers.
	Window int
	// Ordered yields results in input order. By default they are yielded as
	// they complete, which keeps every worker busy even when one item is slow.
	Ordered bool
	// Timeout is the per-item time limit; 0 means none. The function's
	// context carries the deadline. A function that ignores its context
	// cannot be stopped inside this process: when the limit passes, the item
	// gets an error wrapping ErrTimeout and its goroutine is abandoned (it
	// keeps running until the function returns, its result is dropped). Use
	// a Pool as the function to have runaway work killed instead.
	Timeout time.Duration
	// Cooperative promises that the function returns promptly once its
	// context is done (Pool.Do does: it kills the worker process). A timed
	// out call is then waited for instead of abandoned, and no extra
	// goroutine is spent per item.
	Cooperative bool
}

func (o Options) normalize() Options {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers()
	}
	if o.Buffer <= 0 {
		o.Buffer = o.Workers
	}
	if o.Window <= 0 {
		o.Window = 2*o.Workers + 2*o.Buffer
	}
	o.Window = max(o.Window, o.Workers)
	return o
}

// Func processes one item. It must return promptly once ctx is done if it
// can; see Options.Timeout for what happens when it does not.
type Func[In, Out any] func(ctx context.Context, item In) (Out, error)

// Result is the outcome for one item.
type Result[In, Out any] struct {
	Index    int           // 0-based position of the item in the input
	In       In            // the item
	Out      Out           // what the function returned (zero when it panicked or timed out)
	Err      error         // the function's error, a *PanicError, or an error wrapping ErrTimeout
	Duration time.Duration // wall time spent on the item
}

// ErrTimeout is wrapped by the error of an item that exceeded Options.Timeout.
var ErrTimeout = errors.New("timed out")

// PanicError is the error of an item whose function panicked. The worker
// that ran it carries on with the next item.
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic, from runtime/debug.Stack
}

// Error returns the panic value followed by the stack, so that the one string
// a record keeps is enough to find the bug.
func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
}

type task[In any] struct {
	index int
	in    In
}

// Run applies fn to every item of in on opts.Workers goroutines and yields
// the results. Everything is bounded: at most opts.Window items are in flight
// whatever the length of in, so in may be unbounded.
//
// Stopping: when ctx is done, workers stop taking items, results not yet
// yielded may be dropped, and the sequence ends; the caller checks ctx.Err()
// to tell a complete run from an interrupted one. When the consumer stops
// ranging early, the same happens. Run returns only after every worker has
// returned (abandoned timed-out calls excepted, see Options.Timeout). The
// goroutine that ranges over in exits at its next yield; in should therefore
// honour the same ctx if it can block for long between items.
func Run[In, Out any](ctx context.Context, in iter.Seq[In], fn Func[In, Out], opts Options) iter.Seq[Result[In, Out]] {
	opts = opts.normalize()
	return func(yield func(Result[In, Out]) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		// window is a semaphore: the feeder acquires a slot per item, the
		// consumer side releases it when the consumer is done with the item's
		// result, so items in flight never exceed opts.Window.
		window := make(chan struct{}, opts.Window)
		tasks := make(chan task[In], opts.Buffer)
		results := make(chan Result[In, Out], opts.Buffer)

		go func() { // the feeder: sole sender on tasks, so it closes it
			defer close(tasks)
			i := 0
			for item := range in {
				select {
				case window <- struct{}{}:
				case <-ctx.Done():
					return
				}
				select {
				case tasks <- task[In]{i, item}:
				case <-ctx.Done():
					return
				}
				i++
			}
		}()

		var wg sync.WaitGroup
		for range opts.Workers {
			wg.Go(func() {
				for {
					var t task[In]
					var ok bool
					select {
					case t, ok = <-tasks:
						if !ok {
							return
						}
					case <-ctx.Done():
						return
					}
					r := call(ctx, t, fn, opts.Timeout, opts.Cooperative)
					select {
					case results <- r:
					case <-ctx.Done():
						return
					}
				}
			})
		}
		go func() { // results has several senders: close it once all are done
			wg.Wait()
			close(results)
		}()
		// Whatever way we leave, stop everything and wait for the workers,
		// so no goroutine of ours outlives the range loop.
		defer func() {
			cancel()
			for range results {
			}
		}()

		if !opts.Ordered {
			for r := range results {
				ok := yield(r)
				<-window
				if !ok {
					return
				}
			}
			return
		}
		pending := make(map[int]Result[In, Out])
		next := 0
		for r := range results {
			pending[r.Index] = r
			for {
				r, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				ok = yield(r)
				<-window
				if !ok {
					return
				}
			}
		}
	}
}

// RunChan is Run with channels: it reads items from in until in is closed or
// ctx is done, and sends results on the returned channel, which it closes at
// the end. The caller must either receive until the channel is closed or
// cancel ctx.
func RunChan[In, Out any](ctx context.Context, in <-chan In, fn Func[In, Out], opts Options) <-chan Result[In, Out] {
	out := make(chan Result[In, Out])
	seq := func(yield func(In) bool) {
		for {
			select {
			case item, ok := <-in:
				if !ok || !yield(item) {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}
	go func() {
		defer close(out)
		for r := range Run(ctx, seq, fn, opts) {
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// call runs fn on one item, turning a panic into a *PanicError and enforcing
// the timeout.
func call[In, Out any](ctx context.Context, t task[In], fn Func[In, Out], timeout time.Duration, cooperative bool) Result[In, Out] {
	start := time.Now()
	r := Result[In, Out]{Index: t.index, In: t.in}
	if timeout <= 0 {
		r.Out, r.Err = safeCall(ctx, fn, t.in)
		r.Duration = time.Since(start)
		return r
	}
	tctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
	defer cancel()
	if cooperative {
		r.Out, r.Err = safeCall(tctx, fn, t.in)
		if r.Err != nil && errors.Is(context.Cause(tctx), ErrTimeout) && !errors.Is(r.Err, ErrTimeout) {
			r.Err = fmt.Errorf("%w after %v: %w", ErrTimeout, timeout, r.Err)
		}
		r.Duration = time.Since(start)
		return r
	}
	type outcome struct {
		out Out
		err error
	}
	done := make(chan outcome, 1) // buffered: an abandoned call can still finish
	go func() {
		out, err := safeCall(tctx, fn, t.in)
		done <- outcome{out, err}
	}()
	select {
	case o := <-done:
		r.Out, r.Err = o.out, o.err
		if r.Err != nil && errors.Is(context.Cause(tctx), ErrTimeout) && !errors.Is(r.Err, ErrTimeout) {
			// The function noticed the deadline and returned the context's
			// error: report it as the timeout it is.
			r.Err = fmt.Errorf("%w after %v: %w", ErrTimeout, timeout, r.Err)
		}
	case <-tctx.Done():
		if errors.Is(context.Cause(tctx), ErrTimeout) {
			r.Err = fmt.Errorf("%w after %v (call abandoned)", ErrTimeout, timeout)
		} else {
			r.Err = context.Cause(tctx)
		}
	}
	r.Duration = time.Since(start)
	return r
}

func safeCall[In, Out any](ctx context.Context, fn Func[In, Out], in In) (out Out, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx, in)
}
