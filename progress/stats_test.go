package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(testenv.SeedOr(t, 1), 2)) // the inputs of every run unless PYBATCH_SEED says otherwise
	var h histogram
	var all []time.Duration
	for range 200_000 {
		// log-normal around 1ms with a heavy tail, as per-file times are
		d := time.Duration(math.Exp(r.NormFloat64()*1.5) * float64(time.Millisecond))
		h.add(d)
		all = append(all, d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.9, 0.95, 0.99, 0.999} {
		exact := all[int(math.Ceil(q*float64(len(all))))-1]
		got := h.quantile(q)
		if rel := math.Abs(float64(got-exact)) / float64(exact); rel > 0.01 {
			t.Errorf("p%v: %v, exact %v (%.2f%% off)", q*100, got, exact, rel*100)
		}
	}
	if h.quantile(1) != all[len(all)-1] || h.min != all[0] {
		t.Errorf("max/min not exact")
	}
	// out of range values land in the end buckets and stay clamped to the exact extremes
	var e histogram
	e.add(0)
	e.add(300 * time.Nanosecond)
	e.add(30 * time.Hour)
	if p50 := e.quantile(0.5); p50 < 298 || p50 > 302 || e.quantile(0.99) != 30*time.Hour || e.quantile(0.01) != 0 {
		t.Errorf("extremes: p1 %v p50 %v p99 %v", e.quantile(0.01), e.quantile(0.5), e.quantile(0.99))
	}
}

func TestStatsFromRecords(t *testing.T) {
	c := newClock()
	tr := NewTracker(Options{Now: c.Now, Slowest: 3})
	durs := []time.Duration{5, 1, 9, 3, 7, 2, 8}
	for i, d := range durs {
		c.Advance(time.Second)
		tr.Record(&result.Record{Path: fmt.Sprintf("f%d.py", i), Size: 1000, Status: result.Analyzed, Duration: d * time.Millisecond})
	}
	for _, r := range []*result.Record{
		{Path: "bin", Size: 500, Status: result.Skipped, SkipReason: "binary"},
		{Path: "big", Size: 1e9, Status: result.Skipped, SkipReason: scan.SkipTooLargeForMemory},
		{Path: "bin2", Size: 500, Status: result.Skipped, SkipReason: "binary"},
		{Path: "slow", Size: 2000, Status: result.Failed, ErrClass: "timeout", Duration: time.Minute},
		{Path: "x", Size: 0, Status: result.Skipped},
	} {
		tr.Record(r)
	}
	c.Advance(time.Second)
	st := tr.Finish(FinishInfo{Memory: &memory.Summary{PeakRSS: 100e6, AvgRSS: 60e6}})
	if st.Files != 12 || st.Analyzed != 7 || st.Skipped != 4 || st.Failed != 1 {
		t.Errorf("counts: %+v", st)
	}
	if !reflect.DeepEqual(st.SkippedBy, map[string]int64{"binary": 2, string(scan.SkipTooLargeForMemory): 1, "unknown": 1}) ||
		!reflect.DeepEqual(st.FailedBy, map[string]int64{"timeout": 1}) {
		t.Errorf("by reason %v, by class %v", st.SkippedBy, st.FailedBy)
	}
	if st.Bytes != 7000+500+1e9+500+2000 || st.BytesAnalyzed != 9000 || st.WallSeconds != 8 {
		t.Errorf("bytes %d analyzed %d wall %v", st.Bytes, st.BytesAnalyzed, st.WallSeconds)
	}
	if st.BytesPerSec != 9000.0/8 || st.FilesPerSec != 12.0/8 {
		t.Errorf("throughput %v B/s %v files/s", st.BytesPerSec, st.FilesPerSec)
	}
	var names []string
	for _, s := range st.Slowest {
		names = append(names, s.Path)
	}
	if !slices.Equal(names, []string{"slow", "f2.py", "f6.py"}) || st.Slowest[0].Status != "failed" {
		t.Errorf("slowest %+v", st.Slowest)
	}
	if st.FileTime.Count != 8 || st.FileTime.Max != 60 || st.FileTime.Min != 0.001 || !near(st.FileTime.P50, 0.005, 0.00005) {
		t.Errorf("file time %+v", st.FileTime)
	}
	if st.UserCPUSeconds < 0 || st.SystemCPUSeconds < 0 {
		t.Errorf("negative CPU: %v %v", st.UserCPUSeconds, st.SystemCPUSeconds)
	}
	// the JSON form round-trips
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back Stats
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, st) {
		t.Errorf("JSON round trip: %v\n%s", err, b)
	}
}

func TestStatsWriteText(t *testing.T) {
	st := Stats{
		Files: 11600, Analyzed: 11500, SyntaxErrors: 3,
		Skipped: 80, SkippedBy: map[string]int64{"too_large": 78, "binary": 2},
		Failed: 20, FailedBy: map[string]int64{"timeout": 5, "crash": 15},
		Bytes: 130_200_000, BytesAnalyzed: 128_000_000,
		WallSeconds: 12.34, UserCPUSeconds: 23.1, SystemCPUSeconds: 0.8,
		FilesPerSec: 940.02, BytesPerSec: 10_372_771,
		FileTime:  Quantiles{Count: 11520, P50: 0.000812, P95: 0.0041, P99: 0.012, Max: 0.34, Mean: 0.0011},
		Slowest:   []SlowFile{{Path: "a/big.py", Size: 2_100_000, Seconds: 0.34}, {Path: "b.py", Size: 900_000, Seconds: 0.121}},
		Memory:    &memory.Summary{PeakRSS: 180_200_000, AvgRSS: 120_400_000, PeakHeap: 90_000_000, AvgHeap: 50_000_000},
		Admission: &memory.AdmissionStats{Waited: 4, Refused: 2, Capacity: 239_000_000},
	}
	var buf bytes.Buffer
	if err := st.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want := `pybatch: 11600 files in 12.3s (wall), CPU 23.1s user + 0.8s system
  analyzed   11500 (syntax errors: 3)
  skipped    80: too_large 78, binary 2
  failed     20: crash 15, timeout 5
  bytes      128.0 MB analyzed of 130.2 MB; 10.4 MB/s, 940 files/s
  per file   p50 812µs  p95 4.10ms  p99 12.0ms  max 340ms  (mean 1.10ms)
  slowest      340ms  a/big.py (2.1 MB)
               121ms  b.py (900.0 kB)
  memory     peak RSS 180.2 MB, average 120.4 MB; peak Go heap 90.0 MB, average 50.0 MB
  admission  4 files waited for memory, 2 refused as too large (capacity 239.0 MB)
`
	if got := buf.String(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}
