//go:build linux

package memory

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

var pageSize = int64(os.Getpagesize())

// ReadRSS returns the resident set size of this process in bytes, from
// /proc/self/statm (the cheapest source: one short read, no parsing of
// names).
func ReadRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0, fmt.Errorf("memory: unexpected /proc/self/statm %q", b)
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("memory: /proc/self/statm: %w", err)
	}
	return pages * pageSize, nil
}

// ReadHWM returns the kernel's peak resident set size of this process in
// bytes (VmHWM in /proc/self/status).
func ReadHWM() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("VmHWM:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("memory: unexpected VmHWM line %q", line)
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("memory: VmHWM: %w", err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("memory: no VmHWM in /proc/self/status")
}
