//go:build !unix

package store

import "context"

// runLock is a no-op where flock(2) does not exist: only SQLite's own
// locking protects the database there, and JSON Lines outputs are not
// protected against two writers.
type runLock struct{}

func acquireLock(ctx context.Context, path, output string, wait bool) (*runLock, error) {
	return &runLock{}, nil
}

func (l *runLock) release() error { return nil }

// StaleLock reports a lock file left behind by a killed run; there are no
// lock files here.
func StaleLock(output string) (string, bool) { return "", false }

// processAlive cannot tell here: every process may be alive, so nothing
// it left is removed.
func processAlive(pid int) bool { return true }
