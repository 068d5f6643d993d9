package progress

import (
	"bytes"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestStatsCPU needs an independent CPU reading, /proc/self/stat: Linux only.
func TestStatsCPU(t *testing.T) {
	tr := NewTracker(Options{})
	start := procTicks(t)
	x := 0.0
	for procTicks(t)-start < 25 { // 250ms of CPU by the kernel's count, however long that takes on a busy machine
		for range 100_000 {
			x += math.Sqrt(x + 1)
		}
	}
	st := tr.Finish(FinishInfo{})
	if cpu := st.UserCPUSeconds + st.SystemCPUSeconds; cpu < 0.2 || cpu > st.WallSeconds*float64(runtime.NumCPU())+0.1 {
		t.Errorf("250ms of CPU measured as %v user + %v system, wall %v (x=%v)", st.UserCPUSeconds, st.SystemCPUSeconds, st.WallSeconds, x)
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
