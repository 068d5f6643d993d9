package progress

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/result"
)

// fakeClock is a simulated clock: time moves only when the test says so.
type fakeClock struct{ t time.Time }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func rec(size int64, st result.Status) *result.Record {
	return &result.Record{Path: "f.py", Size: size, Status: st, Duration: time.Millisecond}
}

// feed simulates a steady run: every step, one analyzed file of size bytes.
func feed(tr *Tracker, c *fakeClock, n int, size int64, step time.Duration) {
	for range n {
		c.Advance(step)
		tr.Record(rec(size, result.Analyzed))
	}
}

func discover(tr *Tracker, n int, size int64) {
	for range n {
		tr.Discovered(size)
	}
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestETAConstantRate(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	discover(tr, 1000, 10_000) // 10 MB
	tr.DiscoveryDone()

	// 10 kB every 10ms = 1 MB/s. Before the warmup (250ms of records):
	// estimating.
	feed(tr, c, 25, 10_000, 10*time.Millisecond) // 0.25s, 250 kB
	s := tr.Snapshot()
	if s.ETAKnown {
		t.Fatalf("ETA known after %v: %v", s.Elapsed, s.ETA)
	}
	if !strings.Contains(s.Line(), "ETA estimating…") {
		t.Errorf("line while estimating: %q", s.Line())
	}
	for _, stop := range []int{100, 250, 500, 900} {
		feed(tr, c, stop-int(s.FilesDone), 10_000, 10*time.Millisecond)
		s = tr.Snapshot()
		if !s.ETAKnown {
			t.Fatalf("no ETA at %d files", stop)
		}
		want := time.Duration(1000-stop) * 10 * time.Millisecond
		if d := s.ETA - want; d < -time.Second || d > time.Second {
			t.Errorf("at %d files: ETA %v, want %v", stop, s.ETA, want)
		}
		if !near(s.BytesPerSec, 1e6, 1) || !near(s.FilesPerSec, 100, 0.01) {
			t.Errorf("rates %v B/s %v files/s, want 1e6 and 100", s.BytesPerSec, s.FilesPerSec)
		}
	}
	feed(tr, c, 100, 10_000, 10*time.Millisecond)
	s = tr.Snapshot()
	if !s.ETAKnown || s.ETA != 0 || s.FilesDone != 1000 || s.BytesDone != 10_000_000 {
		t.Errorf("at the end: %+v", s)
	}
}

func TestETANeedsEnoughBytes(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	discover(tr, 100, 1000)
	tr.DiscoveryDone()
	feed(tr, c, 50, 1000, 100*time.Millisecond) // 5s but only 50 kB < 256 KiB
	if s := tr.Snapshot(); s.ETAKnown {
		t.Errorf("ETA after only %d bytes: %v", s.BytesDone, s.ETA)
	}
}

func TestETAChangingRate(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now, Smoothing: 30 * time.Second})
	discover(tr, 100_000, 10_000) // 1 GB
	tr.DiscoveryDone()
	feed(tr, c, 6000, 10_000, 10*time.Millisecond) // 60s at 1 MB/s
	before := tr.Snapshot()
	if !near(before.BytesPerSec, 1e6, 1) {
		t.Fatalf("rate %v before the change", before.BytesPerSec)
	}
	// speed up fourfold: 10 kB every 2.5ms
	prev := before.BytesPerSec
	for sec := 1; sec <= 120; sec++ {
		feed(tr, c, 400, 10_000, 2500*time.Microsecond)
		s := tr.Snapshot()
		if s.BytesPerSec < prev {
			t.Fatalf("rate fell from %v to %v while the speed was steady at 4 MB/s", prev, s.BytesPerSec)
		}
		prev = s.BytesPerSec
		// the decayed rate: bytes and seconds both decay with tau
		x := float64(sec)
		wantRate := (1e6*decayed(60, 30)*math.Exp(-x/30) + 4e6*decayed(x, 30)) / decayed(60+x, 30)
		if !near(s.BytesPerSec, wantRate, wantRate*0.01) {
			t.Errorf("%ds after the change: rate %.0f, want %.0f", sec, s.BytesPerSec, wantRate)
		}
		if sec == 90 { // 3 tau: within 10% of the new speed and its true ETA
			trueETA := float64(s.BytesTotal-s.BytesDone) / 4e6
			if got := s.ETA.Seconds(); math.Abs(got-trueETA)/trueETA > 0.10 {
				t.Errorf("90s after the change: ETA %.0fs, true %.0fs", got, trueETA)
			}
		}
	}
}

// decayed is ∫₀ˢ e^{-(s-u)/tau} du: the decayed weight of s seconds of
// steady work seen from their end.
func decayed(s, tau float64) float64 { return tau * (1 - math.Exp(-s/tau)) }

func TestETAGrowingTotal(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	discover(tr, 200, 10_000)
	feed(tr, c, 150, 10_000, 10*time.Millisecond) // 1.5s at 1 MB/s
	s := tr.Snapshot()
	if s.TotalFinal || s.FilesTotal != 200 || s.BytesTotal != 2_000_000 {
		t.Fatalf("totals while walking: %+v", s)
	}
	if !s.ETAKnown || !near(s.ETA.Seconds(), 0.5, 0.001) {
		t.Fatalf("ETA %v (known %v), want ~0.5s", s.ETA, s.ETAKnown)
	}
	line := s.Line()
	for _, want := range []string{"150/200+ files", "1.5/2.0+ MB", "total still growing", "ETA >"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	discover(tr, 800, 10_000) // the walk finds more
	s = tr.Snapshot()
	if s.FilesTotal != 1000 {
		t.Fatalf("total %d after more discovery", s.FilesTotal)
	}
	if d := s.ETA - 8500*time.Millisecond; d < -time.Second || d > time.Second {
		t.Errorf("ETA %v after the total grew, want ~8.5s", s.ETA)
	}
	tr.DiscoveryDone()
	s = tr.Snapshot()
	if !s.TotalFinal || strings.Contains(s.Line(), "+") || !strings.Contains(s.Line(), "(15.0%)") {
		t.Errorf("line after discovery: %q", s.Line())
	}
	// records beyond what was discovered never make done > total
	feed(tr, c, 1100, 10_000, 10*time.Millisecond)
	s = tr.Snapshot()
	if s.FilesTotal < s.FilesDone || s.BytesTotal < s.BytesDone {
		t.Errorf("done beyond total: %+v", s)
	}
}

// A counting walk gives the number of files and bytes ahead of discovery: the
// ETA is computed against them (not a lower bound), and a discovery that finds
// more than was counted still wins.
func TestETACountedTotal(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	discover(tr, 200, 10_000)
	tr.Counted(1000, 10_000_000)
	feed(tr, c, 150, 10_000, 10*time.Millisecond) // 1.5s at 1 MB/s
	s := tr.Snapshot()
	if s.TotalFinal || !s.TotalCounted || s.FilesTotal != 1000 || s.BytesTotal != 10_000_000 {
		t.Fatalf("totals after counting: %+v", s)
	}
	if !s.ETAKnown || !near(s.ETA.Seconds(), 8.5, 0.02) {
		t.Fatalf("ETA %v (known %v), want 8.5s", s.ETA, s.ETAKnown)
	}
	line := s.Line()
	for _, want := range []string{"150/1000 files", "1.5/10.0 MB", "(15.0%)", "ETA "} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	if !strings.Contains(line, "ETA 8s") && !strings.Contains(line, "ETA 9s") { // (8.5 s, rounded either way)
		t.Errorf("line %q does not say ETA 8s or 9s", line)
	}
	if strings.Contains(line, "+") || strings.Contains(line, "growing") {
		t.Errorf("counted totals shown as growing: %q", line)
	}
	discover(tr, 300, 30_000) // more bytes than counted: the discovered ones win
	if s = tr.Snapshot(); s.BytesTotal != 2_000_000+9_000_000 {
		t.Errorf("byte total %d, want the discovered 11 MB", s.BytesTotal)
	}
	discover(tr, 600, 10_000) // the tree grew after it was counted
	if s = tr.Snapshot(); s.FilesTotal != 1100 {
		t.Errorf("total %d, want the discovered 1100", s.FilesTotal)
	}
	tr.DiscoveryDone()
	if s = tr.Snapshot(); !s.TotalFinal || s.TotalCounted || s.FilesTotal != 1100 || s.BytesTotal != 17_000_000 {
		t.Errorf("after discovery the discovered totals are final: %+v", s)
	}
}

func TestETAStall(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now, Smoothing: 30 * time.Second})
	discover(tr, 10_000, 10_000) // 100 MB
	tr.DiscoveryDone()
	feed(tr, c, 3000, 10_000, 10*time.Millisecond) // 30s at 1 MB/s
	s := tr.Snapshot()
	if d := s.ETA - 70*time.Second; d < -time.Second || d > time.Second {
		t.Fatalf("ETA before the stall %v, want 70s", s.ETA)
	}
	// a 20s stall, observed through Tick
	prev := s.ETA
	for range 80 {
		c.Advance(250 * time.Millisecond)
		tr.Tick()
		s = tr.Snapshot()
		if s.ETA < prev {
			t.Fatalf("ETA fell from %v to %v during a stall", prev, s.ETA)
		}
		prev = s.ETA
	}
	// decayed: 30s of 1 MB/s, then 20s of nothing
	k := math.Exp(-20.0 / 30)
	wantRate := 1e6 * decayed(30, 30) * k / decayed(50, 30)
	if !near(s.BytesPerSec, wantRate, wantRate*0.005) { // discrete events vs the integral
		t.Errorf("rate after the stall %.0f, want %.0f", s.BytesPerSec, wantRate)
	}
	if want := time.Duration(70e6 / wantRate * float64(time.Second)); s.ETA < want*99/100 || s.ETA > want*101/100 {
		t.Errorf("ETA after the stall %v, want %v", s.ETA, want)
	}
	// work resumes at 1 MB/s: the ETA comes back down towards the truth
	feed(tr, c, 3000, 10_000, 10*time.Millisecond)
	s = tr.Snapshot()
	if s.ETA >= prev || s.ETA < 40*time.Second {
		t.Errorf("ETA %v after resuming (was %v at the end of the stall; truth 40s)", s.ETA, prev)
	}
	// a stall of days: no meaningful ETA, and no overflow
	c.Advance(72 * time.Hour)
	tr.Tick()
	if s = tr.Snapshot(); s.ETAKnown {
		t.Errorf("ETA %v after a 3-day stall", s.ETA)
	}
}

func TestSkippedBytesCompleteButDoNotCountAsWork(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	discover(tr, 200, 10_000)
	tr.Discovered(100_000_000) // a huge file the scanner skips
	tr.DiscoveryDone()
	feed(tr, c, 150, 10_000, 10*time.Millisecond)
	c.Advance(10 * time.Millisecond)
	tr.Record(&result.Record{Size: 100_000_000, Status: result.Skipped, SkipReason: "too_large"})
	s := tr.Snapshot()
	if !near(s.BytesPerSec, 1e6*1.5/1.51, 1e3) { // 1.5 MB of work in 1.51s (to the decay's 0.1%)
		t.Errorf("rate %v: the skipped file counted as work", s.BytesPerSec)
	}
	if d := s.ETA - 500*time.Millisecond; d < -time.Second || d > time.Second {
		t.Errorf("ETA %v, want ~0.5s: remaining work is 50 files", s.ETA)
	}
	if s.Skipped != 1 || s.BytesDone != 101_500_000 {
		t.Errorf("counts %+v", s)
	}
}

// A file announced as skipped at discovery is not remaining work even
// before its record arrives.
func TestAnnouncedSkipsAreNotRemainingWork(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	discover(tr, 200, 10_000)
	tr.DiscoveredSkipped(100_000_000)
	tr.DiscoveryDone()
	feed(tr, c, 150, 10_000, 10*time.Millisecond) // 1 MB/s
	s := tr.Snapshot()
	if s.BytesTotal != 102_000_000 || !near(s.ETA.Seconds(), 0.5, 0.01) {
		t.Errorf("total %d, ETA %v; want 0.5s (50 files of work left)", s.BytesTotal, s.ETA)
	}
	tr.Record(&result.Record{Size: 100_000_000, Status: result.Skipped, SkipReason: "too_large"})
	if s = tr.Snapshot(); !near(s.ETA.Seconds(), 0.5, 0.01) {
		t.Errorf("ETA %v after the announced skip arrived", s.ETA)
	}
	// an unannounced skip is remaining work until it arrives (nothing says otherwise)
	tr2 := NewTracker(Options{Now: c.Now})
	discover(tr2, 200, 10_000)
	tr2.Discovered(1_000_000)
	tr2.DiscoveryDone()
	feed(tr2, c, 150, 10_000, 10*time.Millisecond)
	if s = tr2.Snapshot(); !near(s.ETA.Seconds(), 1.5, 0.02) {
		t.Errorf("ETA %v with an unannounced 1 MB file left, want 1.5s", s.ETA)
	}
}

func TestCounts(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	recs := []*result.Record{
		{Path: "a.py", Size: 10, Status: result.Analyzed, Report: &analysis.Report{}},
		{Path: "b.py", Size: 20, Status: result.Analyzed, Report: &analysis.Report{SyntaxError: &analysis.SyntaxError{Kind: "SyntaxError"}}},
		{Path: "c.py", Size: 30, Status: result.Skipped, SkipReason: "binary"},
		{Path: "d.py", Size: 40, Status: result.Failed, ErrClass: "timeout"},
		{Path: "e.py", Size: 50, Status: "bogus"},
	}
	for _, r := range recs {
		tr.Discovered(r.Size)
		tr.Record(r)
	}
	s := tr.Snapshot()
	if s.FilesDone != 5 || s.Analyzed != 2 || s.SyntaxErrors != 1 || s.Skipped != 1 || s.Failed != 2 || s.BytesDone != 150 {
		t.Errorf("counts %+v", s)
	}
}

// Fast records read the clock only every few records: the rate stays exact
// at snapshots and renders are at most a stride late.
func TestFastRecordsStride(t *testing.T) {
	c := newClock()
	var buf strings.Builder
	r, _ := NewRenderer(ModeJSON, &buf, RendererOptions{Interval: 100 * time.Millisecond})
	reads := 0
	tr := NewTracker(Options{Now: func() time.Time { reads++; return c.Now() }, Renderer: r})
	discover(tr, 20_000, 1000)
	tr.DiscoveryDone()
	reads = 0
	feed(tr, c, 10_000, 1000, 100*time.Microsecond) // 10 MB/s for 1s
	if reads > 10_000/8 {
		t.Errorf("%d clock readings for 10000 records 100µs apart", reads)
	}
	s := tr.Snapshot()
	if !near(s.BytesPerSec, 10e6, 10e6*0.001) || !near(s.ETA.Seconds(), 1, 0.001) {
		t.Errorf("rate %v ETA %v, want 10 MB/s and 1s", s.BytesPerSec, s.ETA)
	}
	var times []float64
	for l := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
		var e jsonEvent
		json.Unmarshal([]byte(l), &e)
		times = append(times, e.Elapsed)
	}
	if len(times) != 10 {
		t.Fatalf("%d renders in 1s at a 100ms interval: %v", len(times), times)
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i] - times[i-1]; gap < 0.1-1e-9 || gap > 0.1+32*0.0001+1e-9 {
			t.Errorf("renders %v apart (at most a stride of 32 records late)", gap)
		}
	}
}

// Discovered and DiscoveryDone come from the scanner's goroutines while the
// owner records (run with -race).
func TestDiscoveryFromOtherGoroutines(t *testing.T) {
	tr := NewTracker(Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				tr.Discovered(10)
			}
		})
	}
	for range 2000 {
		tr.Record(rec(10, result.Analyzed))
		_ = tr.Snapshot()
	}
	wg.Wait()
	tr.DiscoveryDone()
	s := tr.Snapshot()
	if s.FilesTotal != 4000 || s.BytesTotal != 40_000 || !s.TotalFinal || s.FilesDone != 2000 {
		t.Errorf("after concurrent discovery: %+v", s)
	}
}

// The warmup runs from the first record: a slow start (opening the output,
// the counting walk) neither delays the ETA nor counts as time without work.
func TestETAWarmupFromFirstRecord(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	discover(tr, 1000, 100_000) // 100 MB
	tr.DiscoveryDone()
	c.Advance(2 * time.Second)
	feed(tr, c, 20, 100_000, 10*time.Millisecond) // 2 MB in 0.2s: 10 MB/s
	if s := tr.Snapshot(); s.ETAKnown {
		t.Fatalf("ETA known %v after the first record", s.Elapsed-2*time.Second)
	}
	feed(tr, c, 10, 100_000, 10*time.Millisecond) // 0.3s of records
	s := tr.Snapshot()
	// 97 MB left at 10 MB/s (the clock starts with the first record, whose
	// bytes were done before it: 2.9 MB in 0.29s)
	if want := 9.7; !s.ETAKnown || math.Abs(s.ETA.Seconds()-want) > 0.01 {
		t.Errorf("ETA %v (known %v), want %.2fs", s.ETA, s.ETAKnown, want)
	}
}

// With the total known, the ETA is given once a twentieth of the bytes is
// done, even before the warmup has run.
func TestETAAfterATwentiethOfAKnownTotal(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	tr.Counted(1000, 100_000_000)                // 100 MB
	feed(tr, c, 40, 100_000, 2*time.Millisecond) // 4 MB in 80ms
	if s := tr.Snapshot(); s.ETAKnown {
		t.Fatalf("ETA known after 4%% of the bytes and %v", s.Elapsed)
	}
	feed(tr, c, 10, 100_000, 2*time.Millisecond) // 5 MB in 100ms: 50 MB/s
	s := tr.Snapshot()
	if want := 1.9; !s.ETAKnown || math.Abs(s.ETA.Seconds()-want) > 0.01 {
		t.Errorf("ETA %v (known %v) after 5%% of the bytes, want %.2fs", s.ETA, s.ETAKnown, want)
	}
	// A growing total (not counted, discovery on) still waits for the warmup.
	c2 := newClock()
	tr2 := NewTracker(Options{Now: c2.Now})
	discover(tr2, 1000, 100_000)
	feed(tr2, c2, 50, 100_000, 2*time.Millisecond)
	if s := tr2.Snapshot(); s.ETAKnown {
		t.Errorf("ETA known at %v with a total still growing", s.Elapsed)
	}
}

// reusedRec is an analyzed record answered from an identical file's analysis.
func reusedRec(size int64) *result.Record {
	r := rec(size, result.Analyzed)
	r.Reused = true
	return r
}

// workRec is an analyzed record that took d of a worker's time.
func workRec(size int64, d time.Duration, reused bool) *result.Record {
	r := rec(size, result.Analyzed)
	r.Duration, r.Reused = d, reused
	return r
}

// A tree whose copies come after the originals: 2 MB analyzed at 1 MB/s,
// then 8 MB of copies answered at 4 MB/s (a reused file costs a quarter).
// The counting walk foresaw the copies. One worker: the durations are the
// wall time.
func TestETAWithLikelyReusedBytes(t *testing.T) {
	run := func(foresee bool) (early, late time.Duration) {
		c := newClock()
		tr := NewTracker(Options{Now: c.Now})
		tr.Counted(1000, 10_000_000)
		if foresee {
			tr.CountedLikelyReused(800, 8_000_000)
		}
		for range 100 { // 1 MB in 1 s
			c.Advance(10 * time.Millisecond)
			tr.Record(workRec(10_000, 10*time.Millisecond, false))
		}
		early = tr.Snapshot().ETA // 1 MB + 8 MB of copies left
		for range 100 {
			c.Advance(10 * time.Millisecond)
			tr.Record(workRec(10_000, 10*time.Millisecond, false))
		}
		for range 200 { // 2 MB of copies in 0.5 s
			c.Advance(2500 * time.Microsecond)
			tr.Record(workRec(10_000, 2500*time.Microsecond, true))
		}
		late = tr.Snapshot().ETA // 6 MB of copies left
		return early, late
	}
	early, late := run(true)
	// Early the cost of a copy is the prior (reusedPrior); later it is
	// the run's own (a quarter).
	if want := 1 + 8*reusedPrior; !near(early.Seconds(), want, 0.05) {
		t.Errorf("ETA with 1 MB to analyze and 8 MB of copies left: %v, want %.2fs", early, want)
	}
	if !near(late.Seconds(), 1.5, 0.05) {
		t.Errorf("ETA with 6 MB of copies left at 4 MB/s: %v, want 1.5s", late)
	}
	// Without the forecast the copies look like work to analyze: the
	// first ETA is 9 s, and after the first copies the remaining are
	// expected in the share seen so far.
	early, _ = run(false)
	if !near(early.Seconds(), 9, 0.05) {
		t.Errorf("ETA without a forecast: %v, want 9s", early)
	}
}

// A copy that waited for the analysis of its bytes cost only its own
// work: the wait was another file's analysis, already counted.
func TestETAWaitsAreNotCost(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	tr.Counted(1000, 10_000_000)
	tr.CountedLikelyReused(800, 8_000_000)
	for range 200 {
		c.Advance(10 * time.Millisecond)
		tr.Record(workRec(10_000, 10*time.Millisecond, false))
	}
	for range 200 {
		c.Advance(2500 * time.Microsecond)
		r := workRec(10_000, 2500*time.Microsecond+40*time.Millisecond, true)
		r.Waited = 40 * time.Millisecond
		tr.Record(r)
	}
	if s := tr.Snapshot(); !near(s.ETA.Seconds(), 1.5, 0.05) {
		t.Errorf("ETA %v with 600 copies left at 2.5 ms each, want 1.5s", s.ETA)
	}
}

// A file costs something whatever its size: when the small files come
// last (a package's modules, then the many small files of its
// subpackages), the ETA is what they cost, not their bytes at the big
// files' rate. Each file takes 2 ms plus 1 µs a byte, on two workers
// (wall time is half the worker time).
func TestETAPerFileCost(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	tr.Counted(1100, 100*50_000+1000*1000)
	cost := func(size int64) time.Duration { return 2*time.Millisecond + time.Duration(size)*time.Microsecond }
	for range 100 {
		c.Advance(cost(50_000) / 2)
		tr.Record(workRec(50_000, cost(50_000), false))
	}
	for range 20 {
		c.Advance(cost(1000) / 2)
		tr.Record(workRec(1000, cost(1000), false))
	}
	s := tr.Snapshot()
	want := 980 * cost(1000).Seconds() / 2
	if !near(s.ETA.Seconds(), want, 0.05*want) {
		t.Errorf("ETA %v with 980 files of 1 kB left, want %.2fs", s.ETA, want)
	}
	// (What the bytes alone would have said: 0.98 MB at the rate so far.)
	if byBytes := float64(980*1000) / s.BytesPerSec; near(byBytes, want, 0.5*want) {
		t.Errorf("the byte rate alone gives %.2fs: the test does not tell the two apart", byBytes)
	}
}

// Without durations (records from a source that does not time them) the
// ETA is the decayed rate of bytes.
func TestETAWithoutDurations(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	tr.Counted(1000, 10_000_000)
	for range 300 {
		c.Advance(10 * time.Millisecond)
		tr.Record(workRec(10_000, 0, false))
	}
	if s := tr.Snapshot(); !near(s.ETA.Seconds(), 7, 0.02) {
		t.Errorf("ETA %v, want 7s", s.ETA)
	}
}

// A run whose files cost more as it goes (a database outgrowing its page
// cache): 1 ms each, a sixtieth more each second, on one worker. At a
// third of the files the ETA foresees the rise; the cost so far alone
// would be short by a sixth.
func TestETARisingCost(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	const total = 30_000
	tr.Counted(total, total*1000)
	elapsed := time.Duration(0)
	cost := func() time.Duration {
		return time.Duration(float64(time.Millisecond) * (1 + elapsed.Seconds()/60))
	}
	step := func() {
		d := cost()
		elapsed += d
		c.Advance(d)
		tr.Record(workRec(1000, d, false))
	}
	for range total / 3 {
		step()
	}
	s := tr.Snapshot()
	now, costNow := elapsed, cost()
	for range total - total/3 {
		step()
	}
	want := (elapsed - now).Seconds()
	if !near(s.ETA.Seconds(), want, 0.05*want) {
		t.Errorf("ETA %v at a third, want %.2fs", s.ETA, want)
	}
	if flat := float64(total-total/3) * costNow.Seconds(); near(flat, want, 0.1*want) {
		t.Errorf("the cost so far gives %.2fs: the test does not tell the two apart", flat)
	}
}

// A run of costlier files late in a steady run (the walk's run through one
// slow subtree) looks like a steep rise to the trend: the ETA it extends
// stays within maxRise of what the files have cost (1 ms each for 60 s,
// then 5 s rising to 3 ms), where extrapolating the rise would double it.
func TestETARiseIsBounded(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	const total = 200_000
	tr.Counted(total, total*1000)
	elapsed, done := time.Duration(0), 0
	record := func(d time.Duration) {
		elapsed += d
		done++
		c.Advance(d)
		tr.Record(workRec(1000, d, false))
	}
	for elapsed < 60*time.Second {
		record(time.Millisecond)
	}
	start := elapsed
	for elapsed-start < 5*time.Second {
		frac := (elapsed - start).Seconds() / 5
		record(time.Duration(float64(time.Millisecond) * (1 + 2*frac)))
	}
	s := tr.Snapshot()
	steady := float64(total-done) * 1e-3 // seconds, at 1 ms a file
	if got := s.ETA.Seconds(); got > steady*maxRise*1.1 || got < steady {
		t.Errorf("ETA %.1fs after the costly run, want between %.1fs (1 ms a file) and %.1fs", got, steady, steady*maxRise*1.1)
	}
}

// A counting walk that runs alongside the first records shares the CPUs
// with the workers: each file takes twice as long until it ends. Once its
// total comes in, the ETA is what the files cost without it, not a mix
// weighted by the 30 s time constant (which would keep it too long by
// about half).
func TestETAAfterTheCountEnds(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now})
	const total, n = 40_000, 5_000
	for range n { // 10 s of files at 2 ms, the walk discovering them
		tr.Discovered(1000)
		c.Advance(2 * time.Millisecond)
		tr.Record(workRec(1000, 2*time.Millisecond, false))
	}
	tr.Counted(total, total*1000)
	for range 1000 { // 1 s at 1 ms
		tr.Discovered(1000)
		c.Advance(time.Millisecond)
		tr.Record(workRec(1000, time.Millisecond, false))
	}
	s := tr.Snapshot()
	want := float64(total-n-1000) * time.Millisecond.Seconds()
	if !near(s.ETA.Seconds(), want, 0.1*want) {
		t.Errorf("ETA %v a second after the count ended, want %.1fs", s.ETA, want)
	}
}

// Two CPUs, and a cost outside the workers: each file's worker time is 0.2
// ms plus 20 ns a byte, and the run spends 0.8 ms of CPU per file besides
// (listing its directory, writing its row), in wall time half of it. Files
// of 50 kB and of 500 B come in alternating seconds, then 4,000 small files
// remain: they take 4,000 × (0.21 ms + 0.8 ms) / 2 = 2.02 s, where the
// ratio of wall to worker time over the mix (about 1.24 here) makes it
// 1.04 s.
func TestETAWallCostPerFile(t *testing.T) {
	// Two CPUs, busy: a file costs its worker time and 800µs of CPU outside
	// the workers (listing, writing its row), in wall time half of the sum.
	c := newClock()
	var cpu time.Duration
	tr := NewTracker(Options{Now: c.Now, CPU: func() time.Duration { return cpu }})
	const small, big = 500, 50_000
	work := func(size int64) time.Duration { return 200*time.Microsecond + time.Duration(20*size)*time.Nanosecond }
	wall := func(size int64) time.Duration { return (work(size) + 800*time.Microsecond) / 2 }
	var files, bytes int64
	feedFor := func(size int64, d time.Duration) {
		for start := c.Now(); c.Now().Sub(start) < d; {
			c.Advance(wall(size))
			cpu += 2 * wall(size)
			tr.Record(workRec(size, work(size), false))
			files++
			bytes += size
		}
	}
	const left = 4000
	for i := range 20 {
		size := int64(small)
		if i%2 == 0 {
			size = big
		}
		feedFor(size, time.Second)
	}
	tr.Counted(files+left, bytes+left*small)
	feedFor(small, 100*time.Millisecond)
	if s := tr.Snapshot(); s.ETAKnown {
		t.Errorf("ETA %v 100ms after the count came in, want none until the warmup has passed", s.ETA)
	}
	feedFor(small, 200*time.Millisecond) // (the count's warmup passed)
	s := tr.Snapshot()
	remaining := s.FilesTotal - s.FilesDone
	want := float64(remaining) * wall(small).Seconds()
	if !near(s.ETA.Seconds(), want, 0.1*want) {
		t.Errorf("ETA %v with %d small files left, want %.2fs", s.ETA, remaining, want)
	}
	// (What one ratio of wall to worker time over the whole mix gives.)
	var w, k float64
	for _, size := range []int64{small, big} {
		n := float64(time.Second / wall(size))
		w += n * wall(size).Seconds()
		k += n * work(size).Seconds()
	}
	if byRatio := float64(remaining) * work(small).Seconds() * w / k; near(byRatio, want, 0.3*want) {
		t.Errorf("one ratio gives %.2fs: the test does not tell the two apart", byRatio)
	}
}

// The CPU readings split wall time into the workers' part and a part per
// file only where the process spent CPU beyond the workers' time: a run
// whose workers wait on reads (their time above the CPU's) converts at the
// plain ratio of wall to worker time, and a run without readings too.
func TestWallCost(t *testing.T) {
	for _, c := range []struct {
		name                   string
		secs, work, cpu, files float64
		p, q                   float64
	}{
		{"CPU beyond the workers", 10, 8, 18, 1000, 10.0 / 18, 10.0 / 18 * 10 / 1000},
		{"workers waiting on reads", 10, 8, 5, 1000, 10.0 / 8, 0},
		{"no CPU readings", 10, 8, 0, 1000, 10.0 / 8, 0},
	} {
		d := decayedRate{secs: c.secs, work: c.work, cpu: c.cpu, files: c.files}
		if p, q := d.wallCost(0); !near(p, c.p, 1e-9) || !near(q, c.q, 1e-12) {
			t.Errorf("%s: p, q = %g, %g, want %g, %g", c.name, p, q, c.p, c.q)
		}
	}
}

// The directories a walk lists cost it time apart from the files: where
// the files left are one or two to a directory (a package's subpackages,
// which a walk meets after its modules), a cost per file learnt over
// denser directories is short. Two CPUs, busy: a file costs 300µs of
// worker time and 200µs of CPU outside the workers, a directory 3ms to
// list; the counting walk found the directories left.
func TestETACountsDirectories(t *testing.T) {
	const size = 4000
	const work, perFile, perDir = 300 * time.Microsecond, 200 * time.Microsecond, 3 * time.Millisecond
	const leftFiles, leftDirs = 20000, 10000
	run := func(countDirs bool) (s Snapshot, want, perFileOnly float64) {
		c := newClock()
		var cpu time.Duration
		tr := NewTracker(Options{Now: c.Now, CPU: func() time.Duration { return cpu }})
		var files, dirs int64
		feedFor := func(n int64, d time.Duration) { // every nth file the first of a directory
			for start := c.Now(); c.Now().Sub(start) < d; {
				step := work + perFile
				if files%n == 0 {
					tr.DirWalked(perDir)
					dirs++
					step += perDir
				}
				c.Advance(step / 2)
				cpu += step
				tr.Record(workRec(size, work, false))
				files++
			}
		}
		feedFor(50, 10*time.Second) // dense directories first
		counted := dirs + leftDirs
		if countDirs {
			tr.CountedDirs(counted)
		}
		tr.Counted(files+leftFiles, (files+leftFiles)*size)
		feedFor(50, time.Second) // (past the count's warmup)
		s = tr.Snapshot()
		filesLeft := s.FilesTotal - s.FilesDone
		want = (time.Duration(filesLeft)*(work+perFile) + time.Duration(counted-dirs)*perDir).Seconds() / 2
		p, q := tr.rate.wallCost(0)
		perFileOnly = p*float64(filesLeft)*work.Seconds() + q*float64(filesLeft)
		return s, want, perFileOnly
	}
	s, want, perFileOnly := run(true)
	if !near(s.ETA.Seconds(), want, 0.05*want) {
		t.Errorf("ETA %v with %d files left in about %d directories, want %.2fs", s.ETA, s.FilesTotal-s.FilesDone, leftDirs, want)
	}
	if near(perFileOnly, want, 0.3*want) {
		t.Errorf("a cost per file alone gives %.2fs: the test does not tell the two apart", perFileOnly)
	}
	// Without a count of the directories, the cost per file it is.
	if s, _, perFileOnly = run(false); !near(s.ETA.Seconds(), perFileOnly, 0.05*perFileOnly) {
		t.Errorf("ETA %v without a count of directories, want the cost per file's %.2fs", s.ETA, perFileOnly)
	}
}

// The work after the last file (ExpectFinish) is in the ETA from the start,
// is the ETA once every file is done, and counts down while it runs
// (Finishing), drawn and said to be finishing; the final snapshot is done.
func TestETAExpectsFinish(t *testing.T) {
	c := newClock()
	var buf bytes.Buffer
	r, _ := NewRenderer(ModeJSON, &buf, RendererOptions{Interval: 100 * time.Millisecond})
	tr := NewTracker(Options{Now: c.Now, Renderer: r})
	tr.ExpectFinish(func(files int64) time.Duration { return time.Duration(files) * 2 * time.Millisecond })
	discover(tr, 1000, 10_000)
	tr.DiscoveryDone()
	// 10ms a file: 10s of files, then 2s of finishing.
	feed(tr, c, 500, 10_000, 10*time.Millisecond)
	if s := tr.Snapshot(); !s.ETAKnown || !near(s.ETA.Seconds(), 5+2, 0.2) || s.Finishing {
		t.Fatalf("halfway: ETA %v (known %v, finishing %v), want 7s: 5s of files and 2s after them", s.ETA, s.ETAKnown, s.Finishing)
	}
	feed(tr, c, 500, 10_000, 10*time.Millisecond)
	if s := tr.Snapshot(); !s.ETAKnown || s.ETA != 2*time.Second || s.Finishing {
		t.Fatalf("every file done: ETA %v (known %v, finishing %v), want 2s, not yet finishing", s.ETA, s.ETAKnown, s.Finishing)
	}
	buf.Reset()
	tr.Finishing()
	c.Advance(1500 * time.Millisecond)
	tr.Tick()
	s := tr.Snapshot()
	if !s.Finishing || s.ETA != 500*time.Millisecond || !strings.Contains(s.Line(), "finishing · ETA 1s") {
		t.Fatalf("1.5s into the finish: ETA %v, finishing %v, line %q; want 500ms, finishing", s.ETA, s.Finishing, s.Line())
	}
	c.Advance(time.Second)
	if s := tr.Snapshot(); s.ETA != 0 || !s.ETAKnown {
		t.Fatalf("past the expected finish: ETA %v (known %v), want 0", s.ETA, s.ETAKnown)
	}
	tr.Finish(FinishInfo{})
	if s := tr.Snapshot(); s.Finishing || !s.Final || s.Line() == "" || !strings.HasSuffix(s.Line(), "done") {
		t.Fatalf("final: finishing %v, final %v, line %q", s.Finishing, s.Final, s.Line())
	}
	var events []map[string]any
	for l := range strings.Lines(buf.String()) {
		var e map[string]any
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		events = append(events, e)
	}
	// (Drawn at the renderer's interval: the tick 1.5s in, maybe the one
	// at Finishing too.)
	if n := len(events); n < 2 || n > 3 || events[n-2]["finishing"] != true || events[n-2]["eta_s"] != 0.5 ||
		events[n-1]["event"] != "done" || events[n-1]["finishing"] != nil {
		t.Fatalf("events from Finishing on:\n%s", buf.String())
	}
}

// Finishing draws at the renderer's pace: a short run's plain lines are
// still its final line alone.
func TestFinishingKeepsTheRenderersPace(t *testing.T) {
	c := newClock()
	var buf bytes.Buffer
	r, _ := NewRenderer(ModePlain, &buf, RendererOptions{})
	tr := NewTracker(Options{Now: c.Now, Renderer: r})
	tr.ExpectFinish(func(int64) time.Duration { return time.Second })
	discover(tr, 3, 100)
	tr.DiscoveryDone()
	feed(tr, c, 3, 100, 10*time.Millisecond)
	tr.Finishing()
	c.Advance(300 * time.Millisecond)
	tr.Tick()
	tr.Finish(FinishInfo{})
	if lines := strings.Split(strings.TrimSpace(buf.String()), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], "· done") {
		t.Fatalf("a short run's plain lines:\n%s", buf.String())
	}
}
