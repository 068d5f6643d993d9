// Package progress tells the user where a pybatch run stands and what it cost:
// live progress with an ETA while it runs, and run statistics at the end.
//
// A Tracker counts discovered files (the total grows while the scanner walks)
// and finished result.Records; it estimates the ETA from what the remaining
// files will cost: each record's worker time fitted, with exponentially
// decayed weights, to a cost per file plus a cost per byte (file sizes vary
// by orders of magnitude, and a small file still costs its opening and its
// row), for analyzed files and for copies answered from an identical file
// apart, with a bounded trend for a cost that rises as the run goes, and
// what came while a counting walk shared the CPUs weighing little once it
// has ended; it shows a decayed rate of bytes and files, and says
// "estimating…" until enough bytes and time have gone by (see
// decayedRate). Every number is
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
// is a few counter updates and at most one clock read. The only exceptions
// are Discovered, DiscoveredSkipped, Counted and DiscoveryDone, which use
// atomics so that the scanner's goroutine may call them directly.
//
// The package Example shows a Tracker wired as `pybatch analyze` uses it. A
// loop that can select (iter.Pull, or a channel of records) should also call
// tr.Tick from a time.Ticker of TickInterval, so that plain lines keep coming
// and the ETA follows a stall (one huge file); the bar's elapsed time moves
// on its own.
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
