package progress

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/result"
)

// TickInterval is how often a coordinator should call Tracker.Tick when it
// can (a ticker in its select loop).
const TickInterval = 250 * time.Millisecond

// Options configure a Tracker. The zero value is valid.
type Options struct {
	// Now is the clock; nil means time.Now. Tests pass a simulated clock.
	Now func() time.Time
	// CPU is the process's CPU time so far (user and system, with that of
	// waited-for children), read with the clock; it tells the ETA how much
	// of a file's cost falls outside the workers (see decayedRate). nil
	// means the process's own (getrusage) when Now is nil, and none when a
	// simulated clock is passed without it: the ETA then converts the
	// workers' time to wall time at their recent ratio alone.
	CPU func() time.Duration
	// Renderer draws snapshots; nil means none (statistics are still kept).
	Renderer Renderer
	// Smoothing is the time constant of the decayed byte rate the ETA uses:
	// work older than about 3×Smoothing hardly counts. 0 means 30s.
	Smoothing time.Duration
	// Warmup is how long the rate must have run (from the first record)
	// before an ETA is given — unless the total is known (counted, or
	// discovery done) and a twentieth of it is done: a fast run can get
	// through a good share of its work within the warmup, and a known total
	// makes an early rate good enough to show. 0 means 250ms.
	Warmup time.Duration
	// MinBytes is the minimum number of bytes of work (analyzed or failed
	// files) done before an ETA is given. 0 means 256 KiB.
	MinBytes int64
	// Slowest is how many of the slowest files the statistics keep. 0 means
	// 10; negative means none.
	Slowest int
	// Interrupted, when set, is asked at Finish whether the run was
	// interrupted (its context ended before its input did): the final
	// snapshot then says so (Snapshot.Interrupted) instead of "done".
	Interrupted func() bool
}

// Snapshot is the state of a run at one instant.
type Snapshot struct {
	Time    time.Time     // the clock reading this snapshot was taken at
	Elapsed time.Duration // since NewTracker

	FilesDone  int64 // records received
	FilesTotal int64 // files discovered so far (never below FilesDone)
	BytesDone  int64 // sum of the records' sizes
	BytesTotal int64 // sum of the discovered files' sizes (never below BytesDone)
	TotalFinal bool  // discovery has finished: the totals will not grow
	// TotalCounted: a counting walk (Tracker.Counted) has counted the files
	// and their bytes ahead of discovery; the totals are the larger of the
	// counted and the discovered ones. They can still move a little (files
	// created or deleted meanwhile), but they no longer only grow.
	TotalCounted bool

	Analyzed     int64 // records with Status analyzed (syntax errors included)
	SyntaxErrors int64 // analyzed records whose report has a syntax error
	Skipped      int64
	Failed       int64

	FilesPerSec float64 // smoothed rate of records
	BytesPerSec float64 // smoothed rate of bytes of work: the ETA's rate

	// ETA is the estimated time to finish when ETAKnown; while the totals are
	// still growing it is a lower bound. ETAKnown is false while estimating
	// (too little time or work yet) or when the rate has stalled to nothing.
	ETA      time.Duration
	ETAKnown bool

	// Finishing: every file is done and the work that ends the run has
	// begun (Tracker.Finishing); the ETA is what is left of what it was
	// expected to take.
	Finishing bool

	Final bool // the run is over (Finish)
	// Interrupted: the run is over because it was interrupted, with
	// FilesTotal-FilesDone files (of those known) not done.
	Interrupted bool
}

// Tracker counts a run's progress. See the package doc for which goroutine
// may call what: one goroutine owns it; only Discovered and DiscoveryDone are
// safe from others.
type Tracker struct {
	now      func() time.Time
	cpu      func() time.Duration // nil: no CPU readings
	renderer Renderer
	interval time.Duration
	tau      float64 // seconds
	warmup   time.Duration
	minBytes int64

	start      time.Time
	nextRender time.Time
	cpuStart   cpuTimes

	// written by any goroutine
	discFiles    atomic.Int64
	discBytes    atomic.Int64
	discDone     atomic.Bool
	discSkip     atomic.Int64 // bytes of files announced as skipped (DiscoveredSkipped)
	discSkipN    atomic.Int64 // and how many
	counted      atomic.Pointer[counted]
	likelyReused atomic.Int64 // counted bytes expected to be answered from an identical file (CountedLikelyReused)
	likelyFiles  atomic.Int64 // and how many files
	likelyKnown  atomic.Bool  // CountedLikelyReused was called
	dirsCounted  atomic.Int64 // directories the counting walk listed (CountedDirs), 0 if not known
	dirsWalked   atomic.Int64 // directories the run's walk listed (DirWalked)
	dirsTook     atomic.Int64 // and the nanoseconds it took
	// input read to find files (see ExpectInput)
	inExpect, inRead, inFound atomic.Int64

	// owned by the owner goroutine
	filesDone, bytesDone, workBytes   int64
	reusedBytes, reusedFiles          int64 // analyzed records answered from an identical file (Record.Reused)
	workFiles                         int64 // analyzed or failed records
	skipBytes                         int64 // bytes of skipped records
	analyzed, syntaxErrs, skip, failN int64
	rate                              decayedRate
	stride, untilClock                int       // read the clock every stride records (see Record)
	lastClock                         time.Time // the last clock reading in Record
	stats                             collector
	finished                          bool
	working                           bool      // a record has come: the rate's clock runs
	countSeen                         bool      // the counting walk's total has been taken in (see fold)
	agedAt                            time.Time // when fold aged the rate for it (zero: not)
	workStart                         time.Time // when it came
	renderErr                         error
	interrupted                       func() bool
	final                             *Snapshot                       // Finish's
	finishCost                        func(files int64) time.Duration // ExpectFinish's
	finishingAt                       time.Time                       // Finishing's
}

// NewTracker starts tracking now (by opts.Now).
func NewTracker(opts Options) *Tracker {
	t := &Tracker{now: opts.Now, cpu: opts.CPU, renderer: opts.Renderer, warmup: opts.Warmup, minBytes: opts.MinBytes, interrupted: opts.Interrupted}
	if t.now == nil {
		t.now = time.Now
		if t.cpu == nil {
			t.cpu = func() time.Duration { c := readCPU(); return c.user + c.system }
		}
	}
	if opts.Smoothing <= 0 {
		opts.Smoothing = 30 * time.Second
	}
	t.tau = opts.Smoothing.Seconds()
	if t.warmup <= 0 {
		t.warmup = 250 * time.Millisecond
	}
	if t.minBytes <= 0 {
		t.minBytes = 256 << 10
	}
	t.start = t.now()
	t.rate.last = t.start
	if t.cpu != nil {
		t.rate.startCPU(t.cpu())
	}
	if t.renderer != nil {
		t.interval = t.renderer.Interval()
		t.nextRender = t.start.Add(t.renderer.FirstDelay())
	}
	t.cpuStart = readCPU()
	n := opts.Slowest
	if n == 0 {
		n = 10
	}
	t.stats.init(max(n, 0))
	return t
}

// Discovered counts one more file of size bytes in the total. Call it for
// every file that will produce a Record, skipped ones included. Safe from
// any goroutine.
func (t *Tracker) Discovered(size int64) {
	t.discFiles.Add(1)
	t.discBytes.Add(max(size, 0))
}

// DiscoveredSkipped counts one more file that is known at discovery to be
// skipped (the scanner's skip reason, or memory.Manager.Check refusing it):
// it is in the totals, but its bytes are not remaining work, so a few huge
// skipped files do not inflate the ETA. Safe from any goroutine.
func (t *Tracker) DiscoveredSkipped(size int64) {
	t.discFiles.Add(1)
	t.discBytes.Add(max(size, 0))
	t.discSkip.Add(max(size, 0))
	t.discSkipN.Add(1)
}

// counted is what a counting walk found.
type counted struct {
	files, bytes int64
}

// Counted gives the number of files a counting walk found ahead of
// discovery and their bytes. Until discovery ends, each total is the larger
// of the counted and the discovered one (a file created after the count
// passed is discovered all the same), and the ETA is no longer a lower
// bound. Safe from any goroutine.
func (t *Tracker) Counted(files, bytes int64) {
	t.counted.Store(&counted{max(files, 0), max(bytes, 0)})
}

// CountedLikelyReused gives how many of the counted bytes are likely to be
// answered from an earlier analysis of the same bytes rather than analyzed
// (files named and sized as one counted before them: the copies of a
// vendored or replicated package). Such bytes cost a fraction of analyzed
// ones, so without it the ETA of a tree whose copies come late is too long
// by as much as their share. Safe from any goroutine.
// Without it, the remaining bytes are expected to be reused in the share
// the run has shown so far.
func (t *Tracker) CountedLikelyReused(files, bytes int64) {
	t.likelyFiles.Store(max(files, 0))
	t.likelyReused.Store(max(bytes, 0))
	t.likelyKnown.Store(true)
}

// CountedDirs gives how many directories the counting walk listed, and
// DirWalked counts one that the run's walk listed, in took: the ETA counts
// the directories left at what listing one has cost, apart from the files
// (a walk lists the dense directories first and those of one or two files
// each, subpackages, late: at half the bytes of a run over 2 million files,
// 40-80% of its directories). Safe from any goroutine.
func (t *Tracker) CountedDirs(dirs int64) { t.dirsCounted.Store(max(dirs, 0)) }

// DirWalked: see CountedDirs.
func (t *Tracker) DirWalked(took time.Duration) {
	t.dirsWalked.Add(1)
	t.dirsTook.Add(int64(max(took, 0)))
}

// DiscoveryDone says the walk has ended: the totals are final. Safe from any
// goroutine.
func (t *Tracker) DiscoveryDone() { t.discDone.Store(true) }

// sinceWork is the seconds from the first record to the last clock reading
// (Record reads the clock every few records), 0 before.
func (t *Tracker) sinceWork() float64 {
	if !t.working || t.lastClock.Before(t.workStart) {
		return 0
	}
	return t.lastClock.Sub(t.workStart).Seconds()
}

// Record counts one finished file. Owner goroutine only. Skipped records
// complete their bytes without counting as work (they took no time), so a
// skipped 100 MB file does not inflate the rate.
//
// Reading the clock can cost more than the rest of Record (on virtual
// machines especially), so when records come fast the clock is read only
// every stride records (up to 32, aiming at a reading every 1-4ms); records
// in between are counted at the next reading. A slow stream (records more
// than 20ms apart) reads it on every record, so rendering is late by at most
// a few milliseconds.
func (t *Tracker) Record(r *result.Record) {
	size := max(r.Size, 0)
	t.filesDone++
	t.bytesDone += size
	switch r.Status {
	case result.Analyzed:
		t.analyzed++
		if r.Report != nil && r.Report.SyntaxError != nil {
			t.syntaxErrs++
		}
		t.workBytes += size
		t.workFiles++
		if r.Reused {
			t.reusedBytes += size
			t.reusedFiles++
			t.rate.pendWork(size, r.Duration-r.Waited, true, t.sinceWork())
		} else {
			t.rate.pendWork(size, r.Duration-r.Waited, false, t.sinceWork())
		}
	case result.Skipped:
		t.skip++
		t.skipBytes += size
		t.rate.pend(0)
	default: // Failed, or an unknown status: count it as a failure, never drop it
		t.failN++
		t.workBytes += size
		t.workFiles++
		t.rate.pendWork(size, r.Duration, false, t.sinceWork())
	}
	t.stats.add(r)
	if !t.working {
		// The rate runs from the first record on: what came before it
		// (opening the output, the walk's start, the first files in
		// flight) does not recur, and counted as time without work it made
		// every ETA of a short run too long.
		t.working = true
		t.countSeen = t.counted.Load() != nil // (counted before the work: nothing to age)
		t.rate.pendBytes, t.rate.pendFiles, t.rate.pendWorkSecs = 0, 0, 0
		t.rate.startDirs(t.dirsWalked.Load(), time.Duration(t.dirsTook.Load()))
		t.rate.last = t.now()
		if t.cpu != nil {
			t.rate.startCPU(t.cpu())
		}
		t.workStart = t.rate.last
	}
	if t.untilClock--; t.untilClock > 0 {
		return
	}
	now := t.now()
	switch gap := now.Sub(t.lastClock); {
	case gap < time.Millisecond:
		t.stride = min(max(2*t.stride, 1), 32)
	case gap > 20*time.Millisecond:
		t.stride = 1
	case gap > 4*time.Millisecond:
		t.stride = max(t.stride/2, 1)
	}
	t.untilClock, t.lastClock = t.stride, now
	if now.Sub(t.rate.last) >= foldEvery {
		t.fold(now)
	}
	t.maybeRender(now)
}

// countDiscount is what the records that came while a counting walk ran
// weigh once it has ended: as much as records 4.6 tau old. The walk shared
// the CPUs with the workers, so each of those records took longer than one
// will now (a copy answered from a stored analysis took 100-130 µs instead
// of 45, on 2 CPUs, over the first 10-18 s of a run of a million files), and
// an ETA from them stayed too long by half until a fifth of the run. Until
// the records that came after it outweigh them, the ETA waits: for the
// warmup, from when the count came in (the first ETA from the aged records
// alone was 1.2 to 3.1 times the time that remained in 5 of 5 runs over 2
// million files; a quarter of a second later, within 32%).
const countDiscount = 0.01

// fold brings the rate up to now, and ages what it has learnt, once, when
// the counting walk's total has come in after the first records (see
// countDiscount).
func (t *Tracker) fold(now time.Time) {
	if now.After(t.rate.last) {
		if t.cpu != nil {
			t.rate.pendCPU(t.cpu())
		}
		t.rate.pendDirs(t.dirsWalked.Load(), time.Duration(t.dirsTook.Load()))
	}
	t.rate.fold(now, t.tau)
	if t.countSeen || t.counted.Load() == nil {
		return
	}
	t.countSeen = true
	if t.working {
		t.rate.age(countDiscount)
		t.agedAt = now
	}
}

// ExpectFinish tells the ETA about work that comes after the last file:
// cost(files) is what it will take when the run has files files in all (0
// while not known; store.Run.SealCost). It is called with each snapshot, on
// the owner goroutine, and must be cheap. Owner goroutine only.
func (t *Tracker) ExpectFinish(cost func(files int64) time.Duration) { t.finishCost = cost }

// Finishing says that every file is done and the work ExpectFinish priced
// has begun: snapshots from now on say so (Snapshot.Finishing), their ETA
// counts down what that work was expected to take, and Tick draws them
// (at the renderer's interval, as ever: a short run still prints its final
// plain line alone). Owner goroutine only.
func (t *Tracker) Finishing() {
	if t.finishingAt.IsZero() {
		t.finishingAt = t.now()
		t.Tick()
	}
}

// Tick lets the display and the rate move on when no record arrives (a
// stall). Owner goroutine only.
func (t *Tracker) Tick() {
	now := t.now()
	t.fold(now)
	t.maybeRender(now)
}

func (t *Tracker) maybeRender(now time.Time) {
	if t.renderer == nil || t.finished || now.Before(t.nextRender) {
		return
	}
	t.nextRender = now.Add(t.interval)
	s := t.snapshot(now)
	if s.TotalFinal && s.FilesDone >= s.FilesTotal && !s.Finishing {
		return // complete: Finish draws it, once
	}
	if err := t.renderer.Render(s); err != nil && t.renderErr == nil {
		t.renderErr = err
	}
}

// Snapshot returns the state now, or after Finish the final state. Owner
// goroutine only.
func (t *Tracker) Snapshot() Snapshot {
	if t.final != nil {
		return *t.final
	}
	return t.snapshot(t.now())
}

// maxETA is beyond any useful estimate: a longer ETA means "stalled".
const maxETA = 100 * 24 * time.Hour

func (t *Tracker) snapshot(now time.Time) Snapshot {
	t.fold(now)
	s := Snapshot{
		Time:         now,
		Elapsed:      now.Sub(t.start),
		FilesDone:    t.filesDone,
		BytesDone:    t.bytesDone,
		FilesTotal:   max(t.discFiles.Load(), t.filesDone),
		BytesTotal:   max(t.discBytes.Load(), t.bytesDone),
		TotalFinal:   t.discDone.Load(),
		Analyzed:     t.analyzed,
		SyntaxErrors: t.syntaxErrs,
		Skipped:      t.skip,
		Failed:       t.failN,
		Final:        t.finished,
	}
	discSkip, discSkipN := t.discSkip.Load(), t.discSkipN.Load()
	if c := t.counted.Load(); c != nil && !s.TotalFinal {
		s.TotalCounted = true
		s.FilesTotal = max(s.FilesTotal, c.files)
		s.BytesTotal = max(s.BytesTotal, c.bytes)
	}
	if !s.TotalFinal {
		s.BytesTotal += t.inputAhead()
	}
	s.BytesPerSec, s.FilesPerSec = t.rate.rates()
	// remaining work: what is not done, less the announced skips not yet
	// recorded (they will take no time)
	remaining := max(s.BytesTotal-s.BytesDone-max(discSkip-t.skipBytes, 0), 0)
	remFiles := max(s.FilesTotal-s.FilesDone-max(discSkipN-t.skip, 0), 0)
	var finish time.Duration // the work after the last file, not begun
	if t.finishCost != nil {
		finish = max(t.finishCost(s.FilesTotal), 0)
	}
	switch {
	case !t.finishingAt.IsZero() && !t.finished:
		s.Finishing = true
		s.ETA, s.ETAKnown = max(finish-now.Sub(t.finishingAt), 0), true
	case s.TotalFinal && s.FilesDone >= s.FilesTotal:
		s.ETA, s.ETAKnown = 0, true
		if !t.finished {
			s.ETA = finish
		}
	case !t.working || t.workBytes < t.minBytes || s.BytesPerSec <= 0,
		now.Sub(t.workStart) < t.warmup && !((s.TotalFinal || s.TotalCounted) && t.workBytes*20 >= s.BytesTotal),
		!t.agedAt.IsZero() && now.Sub(t.agedAt) < t.warmup:
		// estimating
	default:
		// Of the remaining files, those expected to be answered from an
		// identical file's analysis cost what such files have cost.
		var reusedF, reusedB int64
		if t.likelyKnown.Load() {
			reusedB = min(max(t.likelyReused.Load()-t.reusedBytes, 0), remaining)
			reusedF = min(max(t.likelyFiles.Load()-t.reusedFiles, 0), remFiles)
		} else if t.workFiles > 0 {
			reusedB = int64(float64(remaining) * float64(t.reusedBytes) / float64(max(t.workBytes, 1)))
			reusedF = int64(float64(remFiles) * float64(t.reusedFiles) / float64(t.workFiles))
		}
		dirsLeft := int64(-1) // (not known)
		if s.TotalFinal {
			dirsLeft = 0
		} else if c := t.dirsCounted.Load(); c > 0 && s.TotalCounted {
			dirsLeft = max(c-t.dirsWalked.Load(), 0)
		}
		eta, ok := t.rate.eta(remFiles-reusedF, remaining-reusedB, reusedF, reusedB, dirsLeft, now.Sub(t.workStart).Seconds())
		if !ok { // (no durations: the decayed rate of bytes)
			eta = float64(remaining) / s.BytesPerSec
		}
		if eta += finish.Seconds(); eta < maxETA.Seconds() {
			s.ETA, s.ETAKnown = time.Duration(eta*float64(time.Second)), true
		}
	}
	return s
}

// FinishInfo is what the caller adds to the statistics at the end.
type FinishInfo struct {
	Memory    *memory.Summary        // from memory.Sampler.Stop, or nil
	Admission *memory.AdmissionStats // from memory.Manager.Stats, or nil
}

// Finish ends the run: it renders the final snapshot, closes the renderer
// and returns the statistics. Owner goroutine only; call it once. A renderer
// write error (e.g. stderr closed) is reported by RenderErr, never panics.
func (t *Tracker) Finish(info FinishInfo) Stats {
	now := t.now()
	t.finished = true
	snap := t.snapshot(now)
	if t.interrupted != nil && t.interrupted() {
		// The walk stopped with the run, so discovery "ended" early: what
		// was counted ahead is still the better total of what was not done.
		snap.Interrupted = true
		if c := t.counted.Load(); c != nil {
			snap.FilesTotal = max(snap.FilesTotal, c.files)
			snap.BytesTotal = max(snap.BytesTotal, c.bytes)
		}
	}
	t.final = &snap
	st := t.stats.build(snap, now.Sub(t.start), readCPU().sub(t.cpuStart), t.workBytes)
	st.Memory = info.Memory
	st.Admission = info.Admission
	if t.renderer != nil {
		if err := t.renderer.Finish(snap, &st); err != nil && t.renderErr == nil {
			t.renderErr = err
		}
	}
	return st
}

// RenderErr is the first error a renderer returned, if any.
func (t *Tracker) RenderErr() error { return t.renderErr }

// decayedRate is a rate with exponentially decayed memory: bytes and seconds
// both decay with time constant tau, and the rate is their ratio. At the
// start it is the plain average; a change of speed is followed within a few
// tau; a stall (time without bytes) lowers it smoothly.
//
// The ETA comes from what the files cost: each record's duration (the
// worker's time on it, less what it waited for another file's analysis of
// the same bytes) is fitted, with the same decay, to α + β·size, for
// analyzed files and for those answered from an identical file's analysis
// apart. A file costs something whatever its size (opening, reading,
// hashing, its row), so a byte-only rate is short when the small files come
// last, as they do in a walk that meets a package's modules before the
// many small files of its subpackages; and a reused file costs a fraction
// of an analyzed one. The worker time of the remaining files so estimated
// becomes wall time at the run's recent ratio of the two (the workers in
// parallel, and whatever else the run does).
type decayedRate struct {
	last                 time.Time
	bytes, files, secs   float64 // decayed sums
	pendBytes, pendFiles float64 // not yet folded in

	work, pendWorkSecs float64    // decayed worker seconds of the records
	fits, pendFits     [2]costFit // analyzed [0] and reused [1] records
	// cpu is the decayed CPU seconds of the process (see wallCost), and
	// lastCPU the reading it runs from.
	cpu, lastCPU, pendCPUSecs float64
	// dirs and dirSecs are the decayed directories the walk listed and
	// the seconds that took it; lastDirs, lastDirSecs the counts they run
	// from.
	dirs, dirSecs, lastDirs, lastDirSecs, pendDirN, pendDirSecs float64
	// trends are fits like fits with a third of their time constant: the
	// trend of the cost follows the last part of the run (the first
	// seconds, while the first copies of everything are analyzed, cost
	// more for reasons that pass, and would hide a cost that rises).
	trends [2]costFit
}

// costFit holds the decayed sums of a weighted least-squares fit of a
// record's duration d to α + β·s (s its size), and of the trend of what
// remains of d over the time t the record came (see trend).
type costFit struct{ n, s, ss, d, ds, t, tt, td, ts float64 }

func (c *costFit) add(s, d, t float64) {
	c.n++
	c.s += s
	c.ss += s * s
	c.d += d
	c.ds += d * s
	c.t += t
	c.tt += t * t
	c.td += t * d
	c.ts += t * s
}

func (c *costFit) decay(k float64, p costFit) {
	c.n, c.s, c.ss, c.d, c.ds = c.n*k+p.n, c.s*k+p.s, c.ss*k+p.ss, c.d*k+p.d, c.ds*k+p.ds
	c.t, c.tt, c.td, c.ts = c.t*k+p.t, c.tt*k+p.tt, c.td*k+p.td, c.ts*k+p.ts
}

// trend returns γ, how much a file's cost (beyond α + β·size) grows per
// second of the run, never below 0: a run into a database costs more per
// file as its tables and indexes outgrow the page cache (the cost of an
// answered copy rose by a third over a minute's run), and an ETA from the
// cost so far is short by as much. 0 until the records span a few seconds.
func (c costFit) trend(beta float64) float64 {
	if c.n < minFit {
		return 0
	}
	mean := c.t / c.n
	vt := c.tt/c.n - mean*mean
	if vt < 4 { // (a spread of 2 s)
		return 0
	}
	cd := c.td/c.n - mean*c.d/c.n
	cs := c.ts/c.n - mean*c.s/c.n
	return max((cd-beta*cs)/vt, 0)
}

// meanTime is when the records of the fit came, on average: α + β·size
// is the cost then.
func (c costFit) meanTime() float64 {
	if c.n <= 0 {
		return 0
	}
	return c.t / c.n
}

// minFit is how many records (decayed) a fit needs.
const minFit = 8

// fit returns α (seconds per file) and β (seconds per byte), both at least
// 0. When the sizes hardly vary the two cannot be told apart, and the cost
// is taken as all per byte (a file far larger than those seen then costs
// in proportion); when the fit makes one negative, the other alone.
func (c costFit) fit() (alpha, beta float64, ok bool) {
	if c.n < minFit || c.d <= 0 {
		return 0, 0, false
	}
	if den := c.n*c.ss - c.s*c.s; den > 1e-6*c.n*c.ss {
		beta = (c.n*c.ds - c.s*c.d) / den
		alpha = (c.d - beta*c.s) / c.n
		switch {
		case alpha >= 0 && beta >= 0:
			return alpha, beta, true
		case beta < 0: // (bigger files did not take longer)
			return c.d / c.n, 0, true
		}
	}
	if c.s <= 0 {
		return c.d / c.n, 0, true
	}
	return 0, c.d / c.s, true
}

// maxRise bounds what the trend of the cost adds to the ETA: a factor.
const maxRise = 1.25

// reusedPrior is what a reused file costs against an analyzed one before
// the run has shown both: bench/dedup.sh's run whose 116,590 files were
// all answered from stored reports took 0.55 of the wall time of analyzing
// them (53.5 s against 97.0 s, SQLite, 2 CPUs). Reading, hashing and
// writing each file's record remain.
const reusedPrior = 0.5

// foldEvery bounds how often the exponential is computed: events closer than
// this are summed first (the result is the same to within a millisecond's
// decay, and the hot path stays an addition).
const foldEvery = 50 * time.Millisecond

func (d *decayedRate) pend(bytes int64) {
	d.pendBytes += float64(bytes)
	d.pendFiles++
}

// pendWork counts a record that took work: size bytes in dur, reused or
// analyzed, at seconds into the run.
func (d *decayedRate) pendWork(bytes int64, dur time.Duration, reused bool, at float64) {
	d.pend(bytes)
	if dur > 0 {
		d.pendWorkSecs += dur.Seconds()
		d.pendFits[boolIndex(reused)].add(float64(bytes), dur.Seconds(), at)
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// age multiplies every decayed sum by k, as if the time that passed were
// longer: what comes next weighs more against it. (The pending sums, the
// last few milliseconds' records, keep their weight.)
func (d *decayedRate) age(k float64) {
	d.bytes, d.files, d.secs, d.work, d.cpu = d.bytes*k, d.files*k, d.secs*k, d.work*k, d.cpu*k
	d.dirs, d.dirSecs = d.dirs*k, d.dirSecs*k
	for i := range d.fits {
		d.fits[i].decay(k, costFit{})
		d.trends[i].decay(k, costFit{})
	}
}

func (d *decayedRate) fold(now time.Time, tau float64) {
	dt := now.Sub(d.last).Seconds()
	if dt <= 0 {
		return
	}
	k := math.Exp(-dt / tau)
	d.bytes = d.bytes*k + d.pendBytes
	d.files = d.files*k + d.pendFiles
	d.secs = d.secs*k + dt
	d.work = d.work*k + d.pendWorkSecs
	d.cpu = d.cpu*k + d.pendCPUSecs
	d.dirs = d.dirs*k + d.pendDirN
	d.dirSecs = d.dirSecs*k + d.pendDirSecs
	k3 := math.Exp(-3 * dt / tau)
	for i := range d.fits {
		d.fits[i].decay(k, d.pendFits[i])
		d.trends[i].decay(k3, d.pendFits[i])
	}
	d.pendBytes, d.pendFiles, d.pendWorkSecs, d.pendFits, d.pendCPUSecs = 0, 0, 0, [2]costFit{}, 0
	d.pendDirN, d.pendDirSecs = 0, 0
	d.last = now
}

// eta estimates the seconds that newFiles files of newBytes to analyze and
// reusedFiles of reusedBytes to answer from identical files will take,
// now seconds into the run; false when the run has no durations to go by.
//
// With each kind's cost α + β·size + γ·(t - its mean time) (see trend), the
// remaining files cost A + G·R/2 of worker time over the R seconds they
// take (A their cost now, G = Σ γ·files), and R is that times the ratio of
// wall to worker time: R = ratio·A / (1 - ratio·G/2). The trend is an
// extrapolation, and noisy where the walk takes runs of one subtree (see
// scan's depthShare): R is at most maxRise times what α + β·size alone
// give.
func (d *decayedRate) eta(newFiles, newBytes, reusedFiles, reusedBytes, dirsLeft int64, now float64) (float64, bool) {
	an, bn, okN := d.fits[0].fit()
	ar, br, okR := d.fits[1].fit()
	gn, tn := d.trends[0].trend(bn), d.fits[0].meanTime()
	gr, tr := d.trends[1].trend(br), d.fits[1].meanTime()
	switch {
	case !okN && !okR:
		return 0, false
	case !okN:
		an, bn, gn, tn = ar/reusedPrior, br/reusedPrior, gr/reusedPrior, tr
	case !okR:
		ar, br, gr, tr = an*reusedPrior, bn*reusedPrior, gn*reusedPrior, tn
	}
	if d.work <= 0 {
		return 0, false
	}
	nf, nb := float64(max(newFiles, 0)), float64(max(newBytes, 0))
	rf, rb := float64(max(reusedFiles, 0)), float64(max(reusedBytes, 0))
	a := an*nf + bn*nb + ar*rf + br*rb
	lag := gn*nf*max(now-tn, 0) + gr*rf*max(now-tr, 0)
	g := gn*nf + gr*rf
	// The directories left cost what listing one has, where both are known.
	var dirSecs, perDir float64
	if dirsLeft >= 0 && d.dirs > 0 {
		dirSecs, perDir = d.dirSecs, d.dirSecs/d.dirs
	}
	p, q := d.wallCost(dirSecs)
	return p*(min((a+lag)/max(1-p*g/2, 1/maxRise), a*maxRise)+perDir*float64(max(dirsLeft, 0))) + q*(nf+rf), true
}

// startDirs sets the directories listed, and the time they took, that the
// rate runs from (its first record).
func (d *decayedRate) startDirs(n int64, took time.Duration) {
	d.lastDirs, d.lastDirSecs, d.pendDirN, d.pendDirSecs = float64(n), took.Seconds(), 0, 0
}

// pendDirs counts the directories listed up to n, which took up to took.
func (d *decayedRate) pendDirs(n int64, took time.Duration) {
	d.pendDirN += max(float64(n)-d.lastDirs, 0)
	d.pendDirSecs += max(took.Seconds()-d.lastDirSecs, 0)
	d.lastDirs, d.lastDirSecs = float64(n), took.Seconds()
}

// startCPU sets the CPU reading the rate runs from (the tracker's start,
// then its first record).
func (d *decayedRate) startCPU(c time.Duration) {
	d.lastCPU, d.pendCPUSecs = c.Seconds(), 0
}

// pendCPU counts the CPU time up to the reading c.
func (d *decayedRate) pendCPU(c time.Duration) {
	d.pendCPUSecs += max(c.Seconds()-d.lastCPU, 0)
	d.lastCPU = c.Seconds()
}

// wallCost returns what one second of the workers' time (p) and one file
// (q) cost in wall time. The workers' time is not all a run costs: listing
// directories, writing each record's row and handing it on cost CPU
// outside the workers, per file, so that a file of 2 kB in a directory of
// its own took twice its worker time in wall time while a module of 17 kB
// took it once (bench/NOTES.md); one ratio of wall to worker time makes
// the ETA short when the small files come last, long when they come first.
// The process's CPU time tells the two apart: what it spent beyond the
// workers' time, per file, is q's share, and wall time is CPU time at the
// run's recent parallelism (CPU seconds per second). The workers' time
// counts as CPU time at least (a worker waiting on a read is busy too), so
// an I/O-bound run comes to the plain ratio. Without CPU readings, the
// plain ratio of wall to worker time.
//
// dirSecs is the walk's time listing directories, when the ETA counts them
// apart: like the workers' time, it is not a cost per file.
func (d *decayedRate) wallCost(dirSecs float64) (p, q float64) {
	if d.cpu <= 0 || d.files <= 0 || d.secs <= 0 {
		return d.secs / (d.work + dirSecs), 0
	}
	busy := max(d.cpu, d.work+dirSecs)
	p = d.secs / busy
	return p, p * (busy - d.work - dirSecs) / d.files
}

func (d *decayedRate) rates() (bytesPerSec, filesPerSec float64) {
	if d.secs <= 0 {
		return 0, 0
	}
	return d.bytes / d.secs, d.files / d.secs
}
