//go:build !unix

package benchcorpus

import "time"

// cpuTime is not measured here: 0 leaves cpuMB/s unreported.
func cpuTime() time.Duration { return 0 }
