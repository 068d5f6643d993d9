// Package recovery decides what a failure means and whether to try again:
// Classify names the class of any error (the string stored in
// result.Record.ErrClass and the files.error_class column) and says whether
// it is transient; Retry runs a function again after transient failures,
// with exponential backoff and jitter.
//
// Classes:
//
//	transient   interrupted (EINTR), again (EAGAIN/EWOULDBLOCK),
//	            too_many_files (EMFILE/ENFILE), no_memory (ENOMEM/ENOBUFS),
//	            io (EIO), timeout (context.DeadlineExceeded, os.ErrDeadlineExceeded,
//	            any error with Timeout() true), crash (*WorkerCrash)
//	permanent   not_found (fs.ErrNotExist, ENOTDIR), permission (fs.ErrPermission,
//	            EACCES, EPERM, EROFS), decode, too_large, not_regular (and EISDIR),
//	            symlink_loop (ELOOP), name_too_long (ENAMETOOLONG), invalid_notebook,
//	            panic, unknown
//	neither     canceled (context.Canceled): the run was stopped; not the file's fault
//
// Other packages mark their own failures with the error types here
// (DecodeError, TooLargeError, NotRegularError, WorkerCrash) or with any
// error that has an ErrClass() Class method; Classify finds them through
// errors.As, however deeply wrapped.
//
// The failed-files list that `pybatch retry` uses is kept by the store
// (store.DB.Failed), since it must survive the process.
//
// Why hand-written: the classification is a table over errno values and
// this project's error types, and the retry loop is twenty lines; the retry
// libraries around (cenkalti/backoff and the like) would bring their own
// clock and error-wrapping conventions for no gain.
package recovery

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Class names a kind of failure: the one vocabulary of error classes
// (result.Record.ErrClass, the error_class column and field of every
// output). Its string is what records and outputs store.
type Class string

// Transient classes: trying again later may succeed.
const (
	Interrupted  Class = "interrupted"
	Again        Class = "again"
	TooManyFiles Class = "too_many_files"
	NoMemory     Class = "no_memory"
	IO           Class = "io"
	Timeout      Class = "timeout"
	Crash        Class = "crash"
)

// Permanent classes: the same input will fail the same way.
const (
	NotFound    Class = "not_found"
	Permission  Class = "permission"
	Decode      Class = "decode"
	TooLarge    Class = "too_large" // over the size limit when read (it grew since the scan, which skips it as too_large)
	NotRegular  Class = "not_regular"
	SymlinkLoop Class = "symlink_loop"
	NameTooLong Class = "name_too_long"
	// InvalidNotebook: a .ipynb file that is not a notebook (invalid JSON
	// or UTF-8, no nbformat, no cells, a cell source of the wrong type).
	InvalidNotebook Class = "invalid_notebook"
	Unknown         Class = "unknown"
	Panic           Class = "panic"    // the analysis panicked (the message holds the stack)
	Worker          Class = "worker"   // no worker process could be started, or it answered with an error
	Canceled        Class = "canceled" // the run was cancelled: neither retried nor the file's fault
	None            Class = ""         // no error
)

// CorruptArchive (permanent): an archive (tar, compressed tar, zip) is
// truncated or damaged: the members read before the damage keep their
// records, and the member being read (or, past a damaged header, the
// archive itself under the path "") fails with this class for the rest.
const CorruptArchive Class = "corrupt_archive"

// Transient reports whether a failure of this class may go away by itself,
// so that retrying makes sense.
func (c Class) Transient() bool {
	switch c {
	case Interrupted, Again, TooManyFiles, NoMemory, IO, Timeout, Crash:
		return true
	}
	return false
}

// String returns the class name.
func (c Class) String() string { return string(c) }

// Classed is implemented by errors that know their class. Classify prefers
// it to everything else.
type Classed interface {
	error
	ErrClass() Class
}

// DecodeError is a file whose bytes are not valid source in its declared
// or detected encoding.
type DecodeError struct {
	Path string
	Err  error
}

func (e *DecodeError) Error() string   { return fmt.Sprintf("decoding %s: %v", e.Path, e.Err) }
func (e *DecodeError) Unwrap() error   { return e.Err }
func (e *DecodeError) ErrClass() Class { return Decode }

// NotebookError is a .ipynb file that cannot be read as a notebook.
type NotebookError struct {
	Path string
	Err  error
}

func (e *NotebookError) Error() string   { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *NotebookError) Unwrap() error   { return e.Err }
func (e *NotebookError) ErrClass() Class { return InvalidNotebook }

// TooLargeError is a file over the size limit.
type TooLargeError struct {
	Path        string
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: %d bytes is over the limit of %d", e.Path, e.Size, e.Limit)
}
func (e *TooLargeError) ErrClass() Class { return TooLarge }

// CorruptArchiveError is an archive that is truncated or damaged at one
// member (Member "" when the damage is outside a member's data: a header,
// the central directory, the compressed stream between members).
type CorruptArchiveError struct {
	Archive, Member string
	Err             error
}

func (e *CorruptArchiveError) Error() string {
	if e.Member == "" {
		return fmt.Sprintf("archive %s is damaged: %v; the members after the damage were not read", e.Archive, e.Err)
	}
	return fmt.Sprintf("archive %s is damaged at member %q: %v; the members after it were not read", e.Archive, e.Member, e.Err)
}
func (e *CorruptArchiveError) Unwrap() error   { return e.Err }
func (e *CorruptArchiveError) ErrClass() Class { return CorruptArchive }

// NotRegularError is a path that is not a regular file (a FIFO, socket,
// device or directory).
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file (%s)", e.Path, e.Mode.Type())
}
func (e *NotRegularError) ErrClass() Class { return NotRegular }

// WorkerCrash is the failure of a file whose worker died while holding it
// (an isolated worker process that exited or was killed, or a recovered
// panic).
type WorkerCrash struct {
	Path   string
	Detail string // exit status, signal or panic value
}

func (e *WorkerCrash) Error() string {
	return fmt.Sprintf("worker crashed while analysing %s: %s", e.Path, e.Detail)
}
func (e *WorkerCrash) ErrClass() Class { return Crash }

// Classify returns the class of err (None for nil).
func Classify(err error) Class {
	if err == nil {
		return None
	}
	var c Classed
	if errors.As(err, &c) {
		return c.ErrClass()
	}
	// Cancellation before deadlines: a cancelled run is not a slow file.
	if errors.Is(err, context.Canceled) {
		return Canceled
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return Timeout
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if c, ok := errnoClass[errno]; ok {
			return c
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return NotFound
	case errors.Is(err, fs.ErrPermission):
		return Permission
	}
	var t interface{ Timeout() bool }
	if errors.As(err, &t) && t.Timeout() {
		return Timeout
	}
	return Unknown
}

// IsTransient reports whether err is worth retrying.
func IsTransient(err error) bool { return Classify(err).Transient() }

var errnoClass = map[syscall.Errno]Class{
	syscall.EINTR:        Interrupted,
	syscall.EAGAIN:       Again, // EWOULDBLOCK is the same number on Linux
	syscall.EMFILE:       TooManyFiles,
	syscall.ENFILE:       TooManyFiles,
	syscall.ENOMEM:       NoMemory,
	syscall.ENOBUFS:      NoMemory,
	syscall.EIO:          IO,
	syscall.ETIMEDOUT:    Timeout,
	syscall.ENOENT:       NotFound,
	syscall.ENOTDIR:      NotFound,
	syscall.EACCES:       Permission,
	syscall.EPERM:        Permission,
	syscall.EROFS:        Permission,
	syscall.EISDIR:       NotRegular,
	syscall.EFBIG:        TooLarge,
	syscall.ELOOP:        SymlinkLoop,
	syscall.ENAMETOOLONG: NameTooLong,
}
