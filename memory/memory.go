package memory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dustin/go-humanize"
	"golang.org/x/sync/semaphore"
)

// DefaultBudget is the memory budget when none is given: 500 MB, the original
// plan's target.
const DefaultBudget int64 = 500_000_000

// DefaultRatio is the estimated peak memory per source byte while one file is
// analysed (raw bytes, decoded text, tokens, AST, report). Measured by
// BenchmarkRatio (memory/internal/ratio) with the real analysis.Analyze on
// the Python 3.11 standard library (2,116 files, 45 MB): it allocates 9.1
// bytes per source byte overall and 7.3 on files of 100 kB and more (an
// upper bound of the peak: nothing is collected meanwhile); decode + parse
// with the tree held still live after a GC is 7.7 (6.0 on large files).
// 12 leaves a margin of a third over both (it was 20 when the front end
// allocated 16.1 bytes per source byte):
//
//	go test -run '^$' -bench Ratio -benchtime 1x ./memory/internal/ratio/
const DefaultRatio = 12.0

// DefaultPerFile is the fixed cost of one file in flight, whatever its size:
// a worker's buffers, its stack, the parser's first slabs and the result
// record. BenchmarkRatio's least-squares intercept is about 185 kB per file
// (small files allocate up to 100 bytes per source byte); only the files
// being analysed hold it, one per worker, so 128 KiB is ample.
const DefaultPerFile int64 = 128 << 10

// DefaultGCPercent is the collector target a Manager sets (Options.GCPercent).
// Measured with bench/run.sh's corpus (the stdlib, 1,790 files, 2 CPUs),
// pybatch analyze -o x.jsonl: GOGC=100 1.30 s wall, 2.3 s CPU, 34 MB RSS;
// 200: 0.97 s, 1.7 s, 47 MB; 400: 0.90 s, 1.6 s, 65 MB. 200 takes most of
// the gain for little memory, and the soft limit caps it either way.
const DefaultGCPercent = 200

// SkipReasonTooLarge is the result.Record SkipReason for a file refused by the
// Manager because its estimated cost exceeds the whole admission capacity.
const SkipReasonTooLarge = "too_large_for_memory"

// ErrTooLarge is returned by Acquire for a cost that cannot fit even when
// nothing else is in flight. Errors wrap it with the cost and capacity.
var ErrTooLarge = errors.New("file too large for the memory budget")

// Options configure a Manager. The zero value is valid: every zero field takes
// its documented default.
type Options struct {
	// Budget is the memory cap of the whole process in bytes (--max-memory).
	// 0 means DefaultBudget. It must be at least 16 MiB.
	Budget int64

	// GoLimit is the soft memory limit given to the Go runtime
	// (debug.SetMemoryLimit). 0 means 85% of Budget: the rest is for what the
	// Go runtime does not count but RSS does (the binary's text pages, memory
	// modernc.org/sqlite allocates outside the Go heap). Negative: do not
	// touch the Go memory limit.
	GoLimit int64

	// GCPercent is the Go collector's target (debug.SetGCPercent, GOGC) while
	// the Manager is open. 0 means DefaultGCPercent, unless the GOGC
	// environment variable is set, which then wins; negative: leave it alone.
	// A higher target than Go's 100 is safe here because the soft limit
	// above, not the percentage, is what bounds the heap: the collector
	// runs more often as the heap nears it whatever the percentage says.
	GCPercent int

	// Capacity is how many estimated bytes may be in flight at once. 0 means
	// 60% of GoLimit (of 85% of Budget when GoLimit < 0) minus Baseline: live
	// data must stay well below the GC's soft limit, or the collector runs
	// without end; garbage from finished files needs the rest.
	Capacity int64

	// Baseline is the live memory of the process that is not a file in
	// flight (runtime, caches, output buffers). 0 means 16 MiB.
	Baseline int64

	// Ratio is the estimated peak memory per source byte of one file. 0 means
	// DefaultRatio.
	Ratio float64

	// PerFile is the fixed estimated cost of any file. 0 means
	// DefaultPerFile; negative means none.
	PerFile int64
}

// Manager holds the budget and admits work into it. Its methods are safe for
// concurrent use by any number of workers.
type Manager struct {
	budget   int64
	goLimit  int64 // <0: not set by us
	capacity int64
	baseline int64
	ratio    float64
	perFile  int64

	sem      *semaphore.Weighted
	inFlight atomic.Int64
	peak     atomic.Int64
	waited   atomic.Int64
	refused  atomic.Int64

	holdMu sync.Mutex
	hold   *heapHold     // see Warm
	done   chan struct{} // closed by Close

	prevLimit     int64
	gcPercent     int // set while open; <= 0 when New left GOGC alone
	prevGCPercent int
	closed        atomic.Bool
}

// New resolves opts and, unless opts.GoLimit is negative, sets the Go soft
// memory limit, and the collector's target as Options.GCPercent says (call
// Close to restore the previous ones).
func New(opts Options) (*Manager, error) {
	m := &Manager{budget: opts.Budget, goLimit: opts.GoLimit, capacity: opts.Capacity, ratio: opts.Ratio, perFile: opts.PerFile, done: make(chan struct{})}
	if m.budget == 0 {
		m.budget = DefaultBudget
	}
	if m.budget < 16<<20 {
		return nil, fmt.Errorf("memory budget %s is below the minimum of 16 MiB", humanize.IBytes(uint64(max(m.budget, 0))))
	}
	if m.goLimit == 0 {
		m.goLimit = m.budget * 85 / 100
	}
	if m.goLimit > m.budget {
		return nil, fmt.Errorf("Go memory limit %d exceeds the budget %d", m.goLimit, m.budget)
	}
	baseline := opts.Baseline
	if baseline == 0 {
		baseline = 16 << 20
	}
	m.baseline = baseline
	if m.capacity == 0 {
		lim := m.goLimit
		if lim < 0 {
			lim = m.budget * 85 / 100
		}
		m.capacity = lim*60/100 - baseline
		if m.capacity < 1<<20 {
			m.capacity = 1 << 20
		}
	}
	if m.capacity < 0 {
		return nil, fmt.Errorf("negative admission capacity %d", m.capacity)
	}
	if m.ratio == 0 {
		m.ratio = DefaultRatio
	}
	if m.ratio < 0 || math.IsNaN(m.ratio) || math.IsInf(m.ratio, 0) {
		return nil, fmt.Errorf("invalid memory ratio %v", m.ratio)
	}
	switch {
	case m.perFile == 0:
		m.perFile = DefaultPerFile
	case m.perFile < 0:
		m.perFile = 0
	}
	m.sem = semaphore.NewWeighted(m.capacity)
	if m.goLimit > 0 {
		m.prevLimit = debug.SetMemoryLimit(m.goLimit)
	}
	m.gcPercent = opts.GCPercent
	if m.gcPercent == 0 {
		m.gcPercent = DefaultGCPercent
		if _, set := os.LookupEnv("GOGC"); set {
			m.gcPercent = -1
		}
	}
	if m.gcPercent > 0 {
		m.prevGCPercent = debug.SetGCPercent(m.gcPercent)
	}
	return m, nil
}

// Close restores the Go memory limit that was in force before New. It is safe
// to call more than once.
func (m *Manager) Close() error {
	if m.closed.Swap(true) {
		return nil
	}
	close(m.done)
	m.endHold()
	if m.goLimit > 0 {
		debug.SetMemoryLimit(m.prevLimit)
	}
	if m.gcPercent > 0 {
		debug.SetGCPercent(m.prevGCPercent)
	}
	return nil
}

// Budget is the resolved process budget in bytes.
func (m *Manager) Budget() int64 { return m.budget }

// GoLimit is the Go soft memory limit set by New, or a negative number when
// New left it alone.
func (m *Manager) GoLimit() int64 { return m.goLimit }

// Capacity is the number of estimated bytes that may be in flight at once.
func (m *Manager) Capacity() int64 { return m.capacity }

// Ratio is the memory-per-source-byte estimate used by Cost.
func (m *Manager) Ratio() float64 { return m.ratio }

// Cost estimates the peak memory of analysing a file of size bytes.
func (m *Manager) Cost(size int64) int64 {
	if size < 0 {
		size = 0
	}
	c := float64(size)*m.ratio + float64(m.perFile)
	if c >= math.MaxInt64/2 {
		return math.MaxInt64 / 2
	}
	return int64(math.Ceil(c))
}

// Fits reports whether cost could ever be admitted (it is at most Capacity).
func (m *Manager) Fits(cost int64) bool { return cost <= m.capacity }

// Acquire blocks until cost bytes fit in the budget, in FIFO order, or ctx is
// done (it then returns ctx.Err() and holds nothing). A cost larger than the
// whole capacity returns an error wrapping ErrTooLarge at once. A cost <= 0 is
// admitted at once. Every successful Acquire must be paired with Release of
// the same cost.
func (m *Manager) Acquire(ctx context.Context, cost int64) error {
	if cost <= 0 {
		return ctx.Err()
	}
	if cost > m.capacity {
		m.refused.Add(1)
		return fmt.Errorf("%w: needs about %s, capacity %s of a %s budget",
			ErrTooLarge, humanize.Bytes(uint64(cost)), humanize.Bytes(uint64(m.capacity)), humanize.Bytes(uint64(m.budget)))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !m.sem.TryAcquire(cost) {
		m.waited.Add(1)
		if err := m.sem.Acquire(ctx, cost); err != nil {
			return err
		}
	}
	n := m.inFlight.Add(cost)
	for {
		p := m.peak.Load()
		if n <= p || m.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return nil
}

// Check returns nil when a file of size bytes can ever be admitted, or an
// error wrapping ErrTooLarge (counted in Stats().Refused). Call it where
// files enter the batch, to turn
// a hopeless file into a Skipped record (reason SkipReasonTooLarge) without
// occupying a worker.
func (m *Manager) Check(size int64) error {
	if cost := m.Cost(size); cost > m.capacity {
		m.refused.Add(1)
		return fmt.Errorf("%w: %s file needs about %s, capacity %s of a %s budget", ErrTooLarge,
			humanize.Bytes(uint64(max(size, 0))), humanize.Bytes(uint64(cost)), humanize.Bytes(uint64(m.capacity)), humanize.Bytes(uint64(m.budget)))
	}
	return nil
}

// AdmitSize acquires the cost of a file of size bytes and returns the
// function that releases it (call it once, when the file's record is made).
// It has the shape of batch.Options.Admit once the File is reduced to its
// size:
//
//	Admit: func(ctx context.Context, f batch.File) (func(), error) { return mm.AdmitSize(ctx, f.Size) }
func (m *Manager) AdmitSize(ctx context.Context, size int64) (release func(), err error) {
	cost := m.Cost(size)
	if err := m.Acquire(ctx, cost); err != nil {
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(func() { m.Release(cost) }) }, nil
}

// Release returns cost bytes acquired by Acquire. Releasing more than is held
// panics (a bug in the caller).
func (m *Manager) Release(cost int64) {
	if cost <= 0 {
		return
	}
	m.inFlight.Add(-cost)
	m.sem.Release(cost)
}

// AdmissionStats describe the Manager's admission so far.
type AdmissionStats struct {
	InFlight     int64 `json:"in_flight_bytes"`      // estimated bytes admitted now
	PeakInFlight int64 `json:"peak_in_flight_bytes"` // the most ever admitted at once
	Waited       int64 `json:"waited"`               // Acquire calls that had to wait
	Refused      int64 `json:"refused"`              // Check and Acquire calls refused with ErrTooLarge
	Capacity     int64 `json:"capacity_bytes"`
}

// Stats returns the admission counters.
func (m *Manager) Stats() AdmissionStats {
	return AdmissionStats{InFlight: m.inFlight.Load(), PeakInFlight: m.peak.Load(), Waited: m.waited.Load(), Refused: m.refused.Load(), Capacity: m.capacity}
}

// ParseSize parses a human size such as "500MB", "1.5GB", "512MiB" or
// "200000000". Units as github.com/dustin/go-humanize reads them: KB, MB,
// GB (and K, M, G) are powers of 1000; KiB, MiB, GiB are powers of 1024.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errors.New("empty size")
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("invalid size %q: negative", s)
	}
	n, err := humanize.ParseBytes(t)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: %w", s, err)
	}
	if n > math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return int64(n), nil
}
