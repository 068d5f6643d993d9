//go:build !linux

package scan

// fsTypeName names the file system path is on, for a test's message (the
// directory cache, the only user, is Linux-only).
func fsTypeName(string) string { return "unknown" }
