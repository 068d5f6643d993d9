// Package memory keeps a pybatch run inside its memory budget (--max-memory,
// default 500 MB) and measures how well it did.
//
// Four parts, each usable alone:
//
//   - Manager: the budget. New sets Go's soft memory limit
//     (runtime/debug.SetMemoryLimit) from it, and Acquire/Release admit files
//     into the workers by their estimated cost in bytes (Cost: source size ×
//     Ratio + PerFile), so that what is in flight fits. Admission is FIFO: a
//     file too large for the current headroom waits at the head of the queue
//     (new files queue behind it) until enough in-flight work has finished —
//     at worst until it runs alone; a file that cannot fit even alone is
//     refused at once with ErrTooLarge, which the caller turns into the skip
//     reason SkipReasonTooLarge.
//   - Sampler: RSS (/proc/self/statm, and the kernel's high-water mark VmHWM
//     from /proc/self/status) and Go heap (runtime/metrics) sampled at an
//     interval, summarised as peak and average.
//   - BatchSizes: the streaming chunk size and the store's transaction batch
//     size derived from the budget (the original plan's "optimal batch size").
//   - Manager.Warm: the heap a large run will grow into, made resident
//     before it starts and held (AlwaysPreTouch), so that the run goes at
//     its steady speed from its first file — what an early ETA needs on
//     machines where a page's first touch is dear.
//
// # Wiring (what `pybatch analyze --max-memory 500MB` does)
//
//	budget, err := memory.ParseSize(flagMaxMemory) // "500MB", "1GiB", ...
//	if err != nil { return usage error }
//	mm, err := memory.New(memory.Options{Budget: budget})
//	if err != nil { return usage error }
//	defer mm.Close() // restores the previous Go memory limit
//
//	sampler := memory.StartSampler(ctx, memory.SamplerOptions{})
//	defer sampler.Stop()
//
//	sizes := memory.BatchSizes(budget, memory.SizingOptions{})
//	// sizes.ChunkFiles → batch.Options chunk size; sizes.StoreBatch → store options
//
//	// where files enter the batch (the scan → batch.File adapter): a file
//	// that can never fit is skipped without occupying a worker
//	if err := mm.Check(f.Size); err != nil && f.Skip == "" {
//		f.Skip, f.SkipErr = memory.SkipReasonTooLarge, err
//	}
//
//	// batch.Options.Admit: each file waits for its estimated cost before
//	// its worker reads it, and gives it back once its record is made
//	bo.Admit = func(ctx context.Context, f batch.File) (func(), error) {
//		return mm.AdmitSize(ctx, f.Size)
//	}
//
//	// at the end: sampler.Stop() and mm.Stats() go into progress.FinishInfo.
//
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
