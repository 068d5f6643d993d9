//go:build unix

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// runLock is an exclusive flock(2) on a lock file beside an output. The
// kernel drops it when the process dies, however it dies, so a crashed run
// never leaves a stale lock behind; the file itself stays (removing it
// would race with a run that just opened it) and only says who held it last.
type runLock struct {
	f *os.File
}

// acquireLock takes the lock on path, creating the file if needed. With
// wait it polls until ctx is done (flock cannot be interrupted by a
// context); without, it refuses at once with an error wrapping ErrLocked.
func acquireLock(ctx context.Context, path, output string, wait bool) (*runLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: opening lock file: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, fmt.Errorf("store: locking %s: %w", path, err)
		}
		if !wait {
			holder := lockHolder(path)
			f.Close()
			return nil, fmt.Errorf("%w: %s is in use by another pybatch run%s; wait for it to finish or write to another output", ErrLocked, output, holder)
		}
		select {
		case <-ctx.Done():
			holder := lockHolder(path)
			f.Close()
			return nil, fmt.Errorf("%w: gave up waiting for %s, in use by another pybatch run%s: %w", ErrLocked, output, holder, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	// Say who holds it, for the message the next run will print.
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "pid %d since %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	}
	return &runLock{f: f}, nil
}

// lockHolder reads what the holder wrote into the lock file.
func lockHolder(path string) string {
	b, err := os.ReadFile(path)
	s := strings.TrimSpace(string(b))
	if err != nil || s == "" {
		return ""
	}
	return " (" + s + ")"
}

// release drops the lock.
func (l *runLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the last descriptor releases the flock
	l.f = nil
	return err
}
