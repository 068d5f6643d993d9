package progress

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestStatsCPU needs an independent CPU reading, /proc/self/stat: Linux only.
// The kernel's count brackets the Tracker's: from before NewTracker to after
// Finish it is at least the Tracker's, from after NewTracker to before Finish
// at most, each to a tick at either end. No wall clock is involved: the loop
// burns CPU until the kernel has counted 250ms, however long that takes on a
// busy machine.
func TestStatsCPU(t *testing.T) {
	const tick = 0.01 // seconds: USER_HZ is 100
	before := procTicks(t)
	tr := NewTracker(Options{})
	start := procTicks(t)
	x := 0.0
	for procTicks(t)-start < 25 {
		for range 100_000 {
			x += math.Sqrt(x + 1)
		}
	}
	end := procTicks(t)
	st := tr.Finish(FinishInfo{})
	after := procTicks(t)
	cpu := st.UserCPUSeconds + st.SystemCPUSeconds
	if lo, hi := float64(end-start-2)*tick, float64(after-before+2)*tick; cpu < lo || cpu > hi {
		t.Errorf("CPU measured as %v user + %v system; the kernel counted between %.2fs and %.2fs (x=%v)",
			st.UserCPUSeconds, st.SystemCPUSeconds, lo, hi, x)
	}
}

// procTicks is utime+stime of this process in clock ticks (USER_HZ, 100 on
// Linux), from /proc/self/stat: a source independent of getrusage.
func procTicks(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}
