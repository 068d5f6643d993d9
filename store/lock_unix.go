//go:build unix

package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// runLock is an exclusive flock(2) on a lock file beside an output. The
// kernel drops it when the process dies, however it dies, so a crashed run
// never leaves a held lock behind. The holder removes the file when it
// releases the lock; a run that opened the file just before and then gets
// the lock on the removed file sees that the path no longer names what it
// locked, and starts over on the new file. Only a process killed outright
// (kill -9) leaves the file, which says who held it, and the next run takes
// it over (StaleLock says so).
type runLock struct {
	f    *os.File
	path string
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
			if samePath(f, path) {
				break
			}
			// The holder removed the file as it released it: lock the
			// file that is there now.
			f.Close()
			if f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644); err != nil {
				return nil, fmt.Errorf("store: opening lock file: %w", err)
			}
			continue
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
	return &runLock{f: f, path: path}, nil
}

// samePath reports whether path still names the file f has open.
func samePath(f *os.File, path string) bool {
	var a, b unix.Stat_t
	if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(path, &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// StaleLock reports a lock file beside output that its holder left behind
// when it was killed outright (kill -9): the file is there, no process
// holds its lock, and the process it names is gone. It returns what the
// file says ("pid 123 since 2026-...") and true; the next run takes the
// lock over, and a command may say so.
func StaleLock(output string) (string, bool) {
	path := LockPath(output)
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	if unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB) != nil {
		return "", false // held: not stale
	}
	defer unix.Flock(int(f.Fd()), unix.LOCK_UN)
	b, _ := io.ReadAll(io.LimitReader(f, 256))
	holder := strings.TrimSpace(string(b))
	var pid int
	if _, err := fmt.Sscanf(holder, "pid %d", &pid); err != nil || pid <= 0 {
		return holder, holder != ""
	}
	if pid == os.Getpid() {
		return "", false
	}
	if err := unix.Kill(pid, 0); err == nil || errors.Is(err, unix.EPERM) {
		return "", false // alive (a process may reuse the pid, which only hides the note)
	}
	return holder, true
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

// release removes the lock file and drops the lock.
func (l *runLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	if samePath(l.f, l.path) {
		_ = os.Remove(l.path) // (while still holding it: see runLock)
	}
	err := l.f.Close() // closing the last descriptor releases the flock
	l.f = nil
	return err
}

// processAlive reports whether a process with this id runs on this host
// (or may: a process that is not ours answers EPERM).
func processAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
