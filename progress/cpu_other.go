//go:build !unix

package progress

import "time"

type cpuTimes struct{ user, system time.Duration }

func (a cpuTimes) sub(b cpuTimes) cpuTimes { return cpuTimes{a.user - b.user, a.system - b.system} }

// readCPU is not implemented outside Unix: CPU times are reported as 0.
func readCPU() cpuTimes { return cpuTimes{} }
