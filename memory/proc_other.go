//go:build !linux

package memory

import "errors"

// errUnsupported is returned where the RSS of the process cannot be read.
var errUnsupported = errors.New("memory: RSS sampling is only implemented on Linux")

// ReadRSS returns the resident set size of this process; only Linux is
// supported, elsewhere it returns an error and samples carry RSS 0.
func ReadRSS() (int64, error) { return 0, errUnsupported }

// ReadHWM returns the kernel's peak resident set size; only Linux is
// supported.
func ReadHWM() (int64, error) { return 0, errUnsupported }
