package progress

import (
	"container/heap"
	"fmt"
	"io"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/result"
)

// Stats are a run's statistics, built by Tracker.Finish. The JSON form is
// what the store saves with the run; times are in seconds.
type Stats struct {
	Files         int64            `json:"files"`
	Analyzed      int64            `json:"analyzed"`      // syntax errors included
	SyntaxErrors  int64            `json:"syntax_errors"` // analyzed files whose report has a syntax error
	Skipped       int64            `json:"skipped"`
	SkippedBy     map[string]int64 `json:"skipped_by_reason"`
	Failed        int64            `json:"failed"`
	FailedBy      map[string]int64 `json:"failed_by_class"`
	Bytes         int64            `json:"bytes"`          // all records' sizes
	BytesAnalyzed int64            `json:"bytes_analyzed"` // analyzed and failed files' sizes: the work

	WallSeconds      float64 `json:"wall_s"`
	UserCPUSeconds   float64 `json:"cpu_user_s"`   // this process and its waited-for children (isolated workers)
	SystemCPUSeconds float64 `json:"cpu_system_s"` // idem
	FilesPerSec      float64 `json:"files_per_s"`  // all records / wall
	BytesPerSec      float64 `json:"bytes_per_s"`  // work bytes / wall

	// FileTime is the distribution of per-file analysis time (Record.Duration)
	// over analyzed and failed files; skipped files took none.
	FileTime Quantiles `json:"file_time"`
	// Slowest are the slowest files, slowest first.
	Slowest []SlowFile `json:"slowest"`

	Memory    *memory.Summary        `json:"memory,omitempty"`
	Admission *memory.AdmissionStats `json:"admission,omitempty"`
}

// Quantiles summarise a distribution of durations, in seconds. P50-P99 come
// from a log-linear histogram (relative error under 0.8%); Min, Max and Mean
// are exact.
type Quantiles struct {
	Count int64   `json:"count"`
	Min   float64 `json:"min_s"`
	Mean  float64 `json:"mean_s"`
	P50   float64 `json:"p50_s"`
	P95   float64 `json:"p95_s"`
	P99   float64 `json:"p99_s"`
	Max   float64 `json:"max_s"`
}

// SlowFile is one of the slowest files.
type SlowFile struct {
	Path    string  `json:"path"`
	Size    int64   `json:"size"`
	Seconds float64 `json:"seconds"`
	Status  string  `json:"status"`
}

// collector accumulates the statistics in bounded memory; owned by the
// Tracker's owner goroutine.
type collector struct {
	skippedBy map[string]int64
	failedBy  map[string]int64
	hist      histogram
	slow      slowHeap
	slowN     int
}

func (c *collector) init(slowest int) {
	c.skippedBy = map[string]int64{}
	c.failedBy = map[string]int64{}
	c.slowN = slowest
}

func (c *collector) add(r *result.Record) {
	switch r.Status {
	case result.Skipped:
		c.skippedBy[cmpOr(string(r.SkipReason), "unknown")]++
		return
	case result.Analyzed:
	default:
		c.failedBy[cmpOr(string(r.ErrClass), "unknown")]++
	}
	c.hist.add(r.Duration)
	if c.slowN > 0 {
		if len(c.slow) < c.slowN {
			heap.Push(&c.slow, slowEntry{r.Path, r.Size, r.Duration, r.Status})
		} else if r.Duration > c.slow[0].d {
			c.slow[0] = slowEntry{r.Path, r.Size, r.Duration, r.Status}
			heap.Fix(&c.slow, 0)
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (c *collector) build(s Snapshot, wall time.Duration, cpu cpuTimes, workBytes int64) Stats {
	st := Stats{
		Files: s.FilesDone, Analyzed: s.Analyzed, SyntaxErrors: s.SyntaxErrors,
		Skipped: s.Skipped, SkippedBy: maps.Clone(c.skippedBy),
		Failed: s.Failed, FailedBy: maps.Clone(c.failedBy),
		Bytes: s.BytesDone, BytesAnalyzed: workBytes,
		WallSeconds:      wall.Seconds(),
		UserCPUSeconds:   cpu.user.Seconds(),
		SystemCPUSeconds: cpu.system.Seconds(),
		FileTime:         c.hist.quantiles(),
		Slowest:          []SlowFile{},
	}
	if w := wall.Seconds(); w > 0 {
		st.FilesPerSec = float64(s.FilesDone) / w
		st.BytesPerSec = float64(workBytes) / w
	}
	sl := slices.Clone(c.slow)
	slices.SortFunc(sl, func(a, b slowEntry) int {
		if a.d != b.d {
			return cmpInt(int64(b.d), int64(a.d))
		}
		return strings.Compare(a.path, b.path)
	})
	for _, e := range sl {
		st.Slowest = append(st.Slowest, SlowFile{Path: e.path, Size: e.size, Seconds: e.d.Seconds(), Status: string(e.status)})
	}
	return st
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

type slowEntry struct {
	path   string
	size   int64
	d      time.Duration
	status result.Status
}

// slowHeap is a min-heap on duration: the root is the fastest of the N
// slowest, the one to evict.
type slowHeap []slowEntry

func (h slowHeap) Len() int           { return len(h) }
func (h slowHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h slowHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *slowHeap) Push(x any)        { *h = append(*h, x.(slowEntry)) }
func (h *slowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// histogram is a fixed log-linear histogram of durations in nanoseconds,
// as HdrHistogram lays it out: values below 128ns have a bucket each; above,
// every power of two [2^(e-1), 2^e) is cut into 64 equal buckets, so a
// bucket is at most 1/64 of its lower bound wide and its midpoint is within
// 1/128 (< 0.8%) of any value in it. The index is a few bit operations (no
// logarithm on the hot path); the array is fixed, ~30 KB whatever the number
// of files, and covers every int64 duration.
type histogram struct {
	counts   [histBuckets]int64
	n        int64
	sum      float64 // nanoseconds
	min, max time.Duration
}

const (
	histLinear  = 128 // values below have their own bucket
	histSub     = 64  // buckets per power of two above
	histBuckets = histLinear + (64-8+1)*histSub
)

func (h *histogram) add(d time.Duration) {
	d = max(d, 0)
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += float64(d)
	h.counts[histIndex(d)]++
}

func histIndex(d time.Duration) int {
	v := uint64(d)
	if v < histLinear {
		return int(v)
	}
	e := bits.Len64(v) // 8..63
	return histLinear + (e-8)*histSub + int(v>>(e-7)&(histSub-1))
}

// histValue is the midpoint of bucket i.
func histValue(i int) float64 {
	if i < histLinear {
		return float64(i)
	}
	e := (i-histLinear)/histSub + 8
	sub := (i - histLinear) % histSub
	width := math.Ldexp(1, e-7)
	return math.Ldexp(1, e-1) + float64(sub)*width + width/2
}

// quantile is the nearest-rank q-quantile estimate, clamped to [min, max].
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	if rank == h.n {
		return h.max
	}
	var cum int64
	for i, c := range h.counts {
		cum += c
		if cum >= rank {
			v := time.Duration(histValue(i))
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}

func (h *histogram) quantiles() Quantiles {
	if h.n == 0 {
		return Quantiles{}
	}
	return Quantiles{
		Count: h.n,
		Min:   h.min.Seconds(),
		Mean:  h.sum / float64(h.n) / 1e9,
		P50:   h.quantile(0.50).Seconds(),
		P95:   h.quantile(0.95).Seconds(),
		P99:   h.quantile(0.99).Seconds(),
		Max:   h.max.Seconds(),
	}
}

// WriteText writes the statistics for a human (the end-of-run summary on
// stderr).
func (s *Stats) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "pybatch: %d files in %s (wall), CPU %s user + %s system\n",
		s.Files, fmtSeconds(s.WallSeconds), fmtSeconds(s.UserCPUSeconds), fmtSeconds(s.SystemCPUSeconds))
	fmt.Fprintf(&b, "  analyzed   %d (syntax errors: %d)\n", s.Analyzed, s.SyntaxErrors)
	fmt.Fprintf(&b, "  skipped    %d%s\n", s.Skipped, byKey(s.SkippedBy))
	fmt.Fprintf(&b, "  failed     %d%s\n", s.Failed, byKey(s.FailedBy))
	fmt.Fprintf(&b, "  bytes      %s analyzed of %s; %s/s, %.0f files/s\n",
		fmtBytes(s.BytesAnalyzed), fmtBytes(s.Bytes), fmtBytes(int64(s.BytesPerSec)), s.FilesPerSec)
	if s.FileTime.Count > 0 {
		q := s.FileTime
		fmt.Fprintf(&b, "  per file   p50 %s  p95 %s  p99 %s  max %s  (mean %s)\n",
			fmtShort(q.P50), fmtShort(q.P95), fmtShort(q.P99), fmtShort(q.Max), fmtShort(q.Mean))
	}
	for i, f := range s.Slowest {
		label := "  slowest   "
		if i > 0 {
			label = "            "
		}
		fmt.Fprintf(&b, "%s%8s  %s (%s)\n", label, fmtShort(f.Seconds), f.Path, fmtBytes(f.Size))
	}
	if m := s.Memory; m != nil {
		fmt.Fprintf(&b, "  memory     peak RSS %s, average %s; peak Go heap %s, average %s\n",
			fmtBytes(m.PeakRSS), fmtBytes(m.AvgRSS), fmtBytes(m.PeakHeap), fmtBytes(m.AvgHeap))
	}
	if a := s.Admission; a != nil && (a.Waited > 0 || a.Refused > 0) {
		fmt.Fprintf(&b, "  admission  %d files waited for memory, %d refused as too large (capacity %s)\n",
			a.Waited, a.Refused, fmtBytes(a.Capacity))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// byKey renders ": a 1, b 2" sorted by count (descending), then name.
func byKey(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return cmpInt(m[b], m[a])
		}
		return strings.Compare(a, b)
	})
	var b strings.Builder
	for i, k := range keys {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, m[k])
	}
	return b.String()
}
