package memory

import (
	"context"
	"errors"
	"fmt"
	"math"
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
// analyzed (raw bytes, decoded text, tokens, AST, report). It is set a third
// above what BenchmarkRatio (memory/internal/ratio) measures with the real
// analysis.Analyze, both the bytes allocated per source byte (an upper bound
// of the peak: nothing is collected meanwhile) and what stays live with the
// tree held, so that admission errs on the side of the budget. Re-measure it
// when the front end's allocations change (figures in bench/NOTES.md):
//
//	go test -run '^$' -bench Ratio -benchtime 1x ./memory/internal/ratio/
const DefaultRatio = 12.0

// DefaultPerFile is the fixed cost of one file in flight, whatever its size:
// a worker's buffers, its stack, the parser's first slabs and the result
// record (small files allocate many more bytes per source byte than large
// ones; BenchmarkRatio's least-squares intercept estimates this fixed part).
// Only the files being analyzed hold it, one per worker, which is why it can
// sit below that intercept.
const DefaultPerFile int64 = 128 << 10

// ErrTooLarge is returned by Acquire for a cost that cannot fit even when
// nothing else is in flight. Errors wrap it with the cost and capacity.
var ErrTooLarge = errors.New("file too large for the memory budget")

// Options configure a Manager. The zero value is valid: every zero field takes
// its documented default.
type Options struct {
	// Budget is the memory cap of the whole process in bytes (--max-memory).
	// 0 means DefaultBudget. It must be at least 16 MiB.
	Budget int64

	// SoftLimit is the Go soft memory limit that suits Budget, which the
	// Manager reports (Manager.SoftLimit) for the program to apply with
	// debug.SetMemoryLimit: the Manager never changes the process's runtime
	// settings itself. 0 means 85% of Budget: the rest is for what the Go
	// runtime does not count but RSS does (the binary's text pages, memory
	// modernc.org/sqlite allocates outside the Go heap). Negative: no limit
	// is suggested (SoftLimit reports -1).
	SoftLimit int64

	// Capacity is how many estimated bytes may be in flight at once. 0 means
	// 60% of SoftLimit (of 85% of Budget when SoftLimit < 0) minus Baseline:
	// live data must stay well below the collector's soft limit, or the
	// collector runs without end; garbage from finished files needs the
	// rest.
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
	budget    int64
	softLimit int64 // -1: none suggested
	capacity  int64
	ratio     float64
	perFile   int64

	sem      *semaphore.Weighted
	inFlight atomic.Int64
	peak     atomic.Int64
	waited   atomic.Int64
	refused  atomic.Int64
}

// New resolves opts into a Manager. It changes nothing in the process: the
// Go soft memory limit that suits the budget is the caller's to apply (see
// Manager.SoftLimit).
func New(opts Options) (*Manager, error) {
	m := &Manager{budget: opts.Budget, softLimit: opts.SoftLimit, capacity: opts.Capacity, ratio: opts.Ratio, perFile: opts.PerFile}
	if m.budget == 0 {
		m.budget = DefaultBudget
	}
	if m.budget < 16<<20 {
		return nil, fmt.Errorf("memory budget %s is below the minimum of 16 MiB", humanize.IBytes(uint64(max(m.budget, 0))))
	}
	switch {
	case m.softLimit == 0:
		m.softLimit = m.budget * 85 / 100
	case m.softLimit < 0:
		m.softLimit = -1
	case m.softLimit > m.budget:
		return nil, fmt.Errorf("Go soft memory limit %d exceeds the budget %d", m.softLimit, m.budget)
	}
	baseline := opts.Baseline
	if baseline == 0 {
		baseline = 16 << 20
	}
	if m.capacity == 0 {
		lim := m.softLimit
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
	return m, nil
}

// Budget is the resolved process budget in bytes.
func (m *Manager) Budget() int64 { return m.budget }

// SoftLimit is the Go soft memory limit that suits the budget
// (Options.SoftLimit resolved), or -1 when none is suggested. The Manager
// does not apply it: a program that wants the collector to hold the heap
// under the budget applies it itself, before the run starts,
//
//	if lim := mm.SoftLimit(); lim > 0 {
//		debug.SetMemoryLimit(lim)
//	}
//
// and a library that runs inside someone else's program leaves the
// process's settings to that program. Capacity is derived from it either
// way.
func (m *Manager) SoftLimit() int64 { return m.softLimit }

// Capacity is the number of estimated bytes that may be in flight at once.
func (m *Manager) Capacity() int64 { return m.capacity }

// Ratio is the memory-per-source-byte estimate used by Cost.
func (m *Manager) Ratio() float64 { return m.ratio }

// Cost estimates the peak memory of analyzing a file of size bytes.
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
// a hopeless file into a Skipped record (reason scan.SkipTooLargeForMemory) without
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
