//go:build unix

package progress

import (
	"syscall"
	"time"
)

type cpuTimes struct{ user, system time.Duration }

func (a cpuTimes) sub(b cpuTimes) cpuTimes {
	return cpuTimes{a.user - b.user, a.system - b.system}
}

// readCPU is this process's CPU time plus that of its children that have been
// waited for (isolated worker processes), from getrusage(2).
func readCPU() cpuTimes {
	var c cpuTimes
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			c.user += time.Duration(ru.Utime.Nano())
			c.system += time.Duration(ru.Stime.Nano())
		}
	}
	return c
}
