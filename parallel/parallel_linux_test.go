package parallel

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// DefaultWorkers must never exceed the CPUs this process may run on, nor the
// cgroup v2 quota when one is set.
func TestDefaultWorkersRespectsAffinityAndQuota(t *testing.T) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal("sched_getaffinity:", err)
	}
	if os.Getenv("GOMAXPROCS") != "" {
		// $GOMAXPROCS overrides the default this test checks: run it again
		// in a test process without it.
		cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOMAXPROCS=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
			t.Fatalf("without $GOMAXPROCS: %v\n%s", err, out)
		}
		return
	}
	w := DefaultWorkers()
	if w < 1 || w > set.Count() {
		t.Fatalf("DefaultWorkers()=%d, affinity allows %d CPUs", w, set.Count())
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/cpu.max"); err == nil {
		var quota, period float64
		if n, _ := fmt.Sscanf(string(b), "%g %g", &quota, &period); n == 2 && period > 0 {
			if limit := int(quota/period + 0.999); w > max(limit, 2) {
				t.Fatalf("DefaultWorkers()=%d above cgroup quota %s", w, b)
			}
		}
	}
}
