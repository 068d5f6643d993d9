//go:build !linux

package store

import "time"

// threadCPU is not read here: calibrateIndex times by the clock.
func threadCPU() (time.Duration, bool) { return 0, false }
