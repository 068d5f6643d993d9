package progress_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/result"
)

// A run's progress as `pybatch analyze --progress plain` tracks it: the walk
// announces files (from its own goroutine if it likes), the one goroutine
// that receives the records owns the Tracker and counts each record once it
// is durable, and Finish gives the statistics. The clock is simulated so
// that the output is fixed; a program leaves Options.Now nil. A coordinator
// that can select should also call Tick every TickInterval, so that the
// display and the ETA move during a stall.
func Example() {
	clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var stderr strings.Builder // progress never goes to stdout
	r, err := progress.NewRenderer(progress.ModePlain, &stderr, progress.RendererOptions{Interval: 2 * time.Second})
	if err != nil {
		panic(err)
	}
	tr := progress.NewTracker(progress.Options{Now: func() time.Time { return clock }, Renderer: r})

	// The walk: 400 files of 10 kB, and one known at discovery to be
	// skipped, which is in the totals but not in the remaining work.
	for range 400 {
		tr.Discovered(10_000)
	}
	tr.DiscoveredSkipped(5_000_000)
	tr.DiscoveryDone()

	// The records, one every 10ms.
	for i := range 400 {
		clock = clock.Add(10 * time.Millisecond)
		tr.Record(&result.Record{Path: fmt.Sprintf("pkg/m%d.py", i), Size: 10_000, Status: result.Analyzed, Duration: 8 * time.Millisecond})
	}
	tr.Record(&result.Record{Path: "data/huge.py", Size: 5_000_000, Status: result.Skipped, SkipReason: "too_large"})

	st := tr.Finish(progress.FinishInfo{})
	fmt.Print(stderr.String())
	fmt.Println(st.Files, "files:", st.Analyzed, "analyzed,", st.Skipped, "skipped", st.SkippedBy)
	fmt.Printf("per file: p50 %.3fs, wall %.0fs\n", st.FileTime.P50, st.WallSeconds)
	// Output:
	// progress: 200/401 files · 2.0/9.0 MB (22.2%) · 100 files/s · 1.0 MB/s · elapsed 2s · ETA 2s
	// progress: 400/401 files · 4.0/9.0 MB (44.4%) · 100 files/s · 1.0 MB/s · elapsed 4s · ETA 0s
	// progress: 401/401 files · 9.0/9.0 MB (100.0%) · 100 files/s · 1.0 MB/s · 1 skipped · elapsed 4s · done
	// 401 files: 400 analyzed, 1 skipped map[too_large:1]
	// per file: p50 0.008s, wall 4s
}
