// Package progress tells the user where a pybatch run stands and what it cost:
// live progress with an ETA while it runs, and run statistics at the end.
//
// A Tracker counts discovered files (the total grows while the scanner walks)
// and finished result.Records; it estimates the ETA from bytes, not files
// (file sizes vary by orders of magnitude), with an exponentially decayed
// rate so that it follows changes in speed without jumping, and says
// "estimating…" until enough bytes and time have gone by. Every number is
// computed on an injectable clock, so the arithmetic is tested on a simulated
// one.
//
// Renderers draw Snapshots: a live bar on a terminal (github.com/vbauerster/mpb/v8),
// a plain line every few seconds when stderr is not a terminal, one JSON
// object per line for programs, or nothing. None of them ever writes to
// stdout: NewRenderer refuses os.Stdout.
//
// # Concurrency
//
// A Tracker is owned by ONE goroutine — the coordinator that receives the
// results (the same one that writes them to the store). Record, Tick,
// Snapshot and Finish must only be called from it; rendering happens on that
// goroutine too, at most once per renderer interval, so the per-record cost
// is a few counter updates and one clock read. The only exceptions are
// Discovered and DiscoveryDone, which use atomics so that the scanner's
// goroutine may call them directly.
//
// # Wiring (what `pybatch analyze --progress auto|bar|plain|json|none` does)
//
//	mode, err := progress.ParseMode(flagProgress) // usage error if bad
//	r, err := progress.NewRenderer(mode, stderr, progress.RendererOptions{})
//	tr := progress.NewTracker(progress.Options{Renderer: r})
//
//	// scanner side (any goroutine), for every file that will yield a Record:
//	tr.Discovered(fi.Size)
//	// ... and when the walk ends:
//	tr.DiscoveryDone()
//
//	// coordinator goroutine:
//	tick := time.NewTicker(progress.TickInterval)
//	defer tick.Stop()
//	for {
//		select {
//		case rec, ok := <-results:
//			if !ok { goto done }
//			store.Write(rec)
//			tr.Record(rec)  // after the record is durable
//		case <-tick.C:
//			tr.Tick()       // keeps the display and the ETA moving during stalls
//		}
//	}
//	done:
//	stats := tr.Finish(progress.FinishInfo{Memory: &memSummary, Admission: &admission})
//	if mode != progress.ModeJSON { stats.WriteText(stderr) }
//	// store the run: json.Marshal(stats)
//
// A loop over an iter.Seq that cannot select may skip Tick: the display then
// moves whenever a record arrives (the bar's elapsed time moves anyway).
//
// # Why some of it is hand-written
//
// The rate/ETA estimator is a few lines of arithmetic that must be exact on a
// simulated clock; mpb's own EWMA decorators run on the wall clock inside
// mpb's goroutine, count units not bytes-of-work, and cannot tell a growing
// total from a final one, so they are not used. The per-file time quantiles
// use a fixed log-linear histogram laid out as HdrHistogram's (under 0.8%
// relative error, 30 KB whatever the number of files) rather than pulling in
// a sketch library for 50 lines.
package progress
