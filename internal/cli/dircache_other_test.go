//go:build !linux

package cli

import (
	"runtime"
	"testing"
	"time"
)

// cacheTempDir skips the test: the directory cache is used on Linux only,
// and elsewhere a walk never consults it.
func cacheTempDir(t *testing.T) string {
	t.Helper()
	t.Skipf("the directory cache is used on Linux only (GOOS=%s)", runtime.GOOS)
	return ""
}

func waitUntilCacheable(*testing.T, string, time.Duration) {}
