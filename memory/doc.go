// Package memory keeps a pybatch run inside its memory budget (--max-memory,
// default 500 MB) and measures how well it did.
//
// Three parts, each usable alone:
//
//   - Manager: the budget. Acquire/Release admit files into the workers by
//     their estimated cost in bytes (Cost: source size × Ratio + PerFile),
//     so that what is in flight fits. Admission is FIFO: a file too large
//     for the current headroom waits at the head of the queue (new files
//     queue behind it) until enough in-flight work has finished — at worst
//     until it runs alone; a file that cannot fit even alone is refused at
//     once with ErrTooLarge, which the caller turns into the skip reason
//     SkipReasonTooLarge. SoftLimit is the Go soft memory limit that suits
//     the budget; the Manager never applies it (or any other process-wide
//     runtime setting): the program does, with runtime/debug.SetMemoryLimit.
//   - Sampler: RSS (/proc/self/statm, and the kernel's high-water mark VmHWM
//     from /proc/self/status) and Go heap (runtime/metrics) sampled at an
//     interval, summarised as peak and average.
//   - BatchSizes: the streaming chunk size and the store's transaction batch
//     size derived from the budget (the original plan's "optimal batch size").
//
// The package Example shows them wired together as `pybatch analyze` does.
// Acquire must be called before the file's bytes are read, so that reading a
// huge file is itself admitted. Acquire and Release are safe for concurrent
// use; the Sampler runs its own goroutine.
//
// # Why some of it is hand-written
//
// Admission is golang.org/x/sync/semaphore.Weighted (FIFO, weighted,
// context-aware); this package only adds the cost model, the too-large check
// and the in-flight accounting. Size parsing is github.com/dustin/go-humanize.
// RSS sampling reads /proc directly because no maintained library exposes
// VmHWM without pulling in a large dependency (gopsutil); it is a few lines.
package memory
